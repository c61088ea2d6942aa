"""Reminder messages: the owner's DM, the stale nudge, the impact check, escalations, the
weekly board digest, and the proposals a reminder reply makes. Pure: data in, blocks out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import Block

from bot.reminders.due import Kind
from bot.rules.brag import BRAG_EMOJI, Brag
from bot.views import ids
from bot.views.blocks import actions, button, clip, context, divider, escape, fit, section
from bot.views.recommendations import due_text, status_text
from storage.ledger import Unreachable
from storage.models import UpdateSource
from storage.queries import ReminderDetail

TEXT_SHOWN = 600
REPLY_HINT = "Reply in this thread to record progress; I will add it to the history."


@dataclass(frozen=True)
class ReminderContext:
    """Who a reminder is for and why: the kind, the day, and whether a deputy stands in."""

    kind: Kind
    today: date
    brag: Brag
    standing_in_for: str | None = None  # the away owner's name, when a deputy gets it


def headline(detail: ReminderDetail, ctx: ReminderContext) -> str:
    rec = detail.rec
    due = due_text(rec.due_on, ctx.today)
    return {
        Kind.due_soon: f":bell: *{rec.ref}* is {due}.",
        Kind.overdue: f":bell: *{rec.ref}* is {due}.",
        Kind.manual: f":bell: A reminder about *{rec.ref}* ({due}).",
        Kind.stale: f":hourglass: *{rec.ref}* has had no update since {_last_day(detail)}.",
        Kind.impact_check: (
            f":mag: *{rec.ref}* was completed on {_completed(detail)}. "
            "Has practice changed? An audit or re-audit shows whether it is embedded."
        ),
        Kind.escalation: f":rotating_light: *{rec.ref}* is {due}: raised to the board's chairs.",
        Kind.escalation_board: f":rotating_light: *{rec.ref}* is {due}.",
    }.get(ctx.kind, f":bell: *{rec.ref}*")


def fallback_text(detail: ReminderDetail, ctx: ReminderContext) -> str:
    """The notification text: what a phone shows before the blocks."""
    words = headline(detail, ctx).split(" ", 1)[1].replace("*", "")
    return ("Standing in: " if ctx.standing_in_for else "") + words


def _last_day(detail: ReminderDetail) -> str:
    at = detail.rec.last_update_at or detail.rec.created_at
    return f"{at:%d %b %Y}"


def _completed(detail: ReminderDetail) -> str:
    at = detail.rec.completed_at
    return f"{at:%d %b %Y}" if at else "an earlier date"


def last_note_text(detail: ReminderDetail, limit: int = 300) -> str:
    """The last note a person wrote, with its date and author; never an imported status line."""
    note = detail.last_note
    if note is None:
        return "No note yet"
    if note.source == UpdateSource.import_:
        by = " (from the imported plan)"  # whoever ran the import did not write it
    else:
        by = f", {escape(detail.last_note_by)}" if detail.last_note_by else ""
    return f"{note.created_at:%d %b %Y}{by}: {escape(clip(note.text, limit))}"


def _facts(detail: ReminderDetail, ctx: ReminderContext) -> Block:
    rec = detail.rec
    return section(
        "",
        fields=[
            f"*Due*\n{due_text(rec.due_on, ctx.today)}",
            f"*BRAG*\n{BRAG_EMOJI[ctx.brag]} {ctx.brag.value}",
            f"*Status*\n{escape(status_text(rec.status, rec.at_risk))}",
            f"*Owner*\n{escape(detail.agency or '—')}"
            + (f" · {escape(detail.lead_officer)}" if detail.lead_officer else ""),
            f"*Last note*\n{last_note_text(detail)}",
        ],
    )


def _standing_in(ctx: ReminderContext) -> list[Block]:
    if not ctx.standing_in_for:
        return []
    return [
        context(
            f":busts_in_silhouette: You are standing in for {escape(ctx.standing_in_for)}, "
            "who is away: you may answer for them."
        )
    ]


def owner_buttons(ref: str, block_id: str) -> Block:
    """A reminder's answers: the same five alone or in a list."""
    return actions(
        button("On track", ids.ON_TRACK, ref, style="primary"),
        button("At risk", ids.AT_RISK, ref, style="danger"),
        button("Completed…", ids.COMPLETED, ref),
        button("Update…", ids.UPDATE, ref),
        button("Snooze 7 days", ids.SNOOZE, ref),
        block_id=block_id,
    )


def impact_buttons(ref: str, block_id: str) -> Block:
    return actions(
        button("Embedded: practice has changed", ids.IMPACT_EMBEDDED, ref, style="primary"),
        button("Not yet: back to in progress", ids.IMPACT_NOT_YET, ref),
        block_id=block_id,
    )


def owner_reminder_blocks(detail: ReminderDetail, ctx: ReminderContext) -> list[Block]:
    """The owner's reminder DM (due soon, overdue, stale, or sent by hand)."""
    rec = detail.rec
    blocks: list[Block] = [
        *_standing_in(ctx),
        section(headline(detail, ctx)),
        section(f"*{escape(detail.review_title)}, recommendation {escape(rec.label)}*\n"
                f"{escape(clip(rec.text, TEXT_SHOWN))}"),
        _facts(detail, ctx),
        owner_buttons(rec.ref, f"reminder:{rec.ref}"),
        context(REPLY_HINT),
    ]
    return fit(blocks)


def impact_check_blocks(detail: ReminderDetail, ctx: ReminderContext) -> list[Block]:
    rec = detail.rec
    return fit(
        [
            *_standing_in(ctx),
            section(headline(detail, ctx)),
            section(f"*{escape(detail.review_title)}, recommendation {escape(rec.label)}*\n"
                    f"{escape(clip(rec.text, TEXT_SHOWN))}"),
            _facts(detail, ctx),
            impact_buttons(rec.ref, f"impact:{rec.ref}"),
            context("Reply in this thread with what the audit found; I will add it to the history."),
        ]
    )


def escalation_blocks(detail: ReminderDetail, ctx: ReminderContext) -> list[Block]:
    rec = detail.rec
    return fit(
        [
            section(headline(detail, ctx), accessory=button("Show", ids.SHOW, rec.ref)),
            section(f"*{escape(detail.review_title)}, recommendation {escape(rec.label)}*\n"
                    f"{escape(clip(rec.text, TEXT_SHOWN))}"),
            _facts(detail, ctx),
        ]
    )


def reminder_blocks(detail: ReminderDetail, ctx: ReminderContext) -> list[Block]:
    if ctx.kind == Kind.impact_check:
        return impact_check_blocks(detail, ctx)
    if ctx.kind in (Kind.escalation, Kind.escalation_board):
        return escalation_blocks(detail, ctx)
    return owner_reminder_blocks(detail, ctx)


# --- lists: everything one sweep has for one person, or for one channel ---------------------

LIST_TEXT_SHOWN = 200
ESCALATIONS = (Kind.escalation, Kind.escalation_board)


def list_reply_hint(ref: str) -> str:
    return (
        f"Reply in this thread starting with the ref (`{ref}: audit booked`) to record "
        "progress on that one; I will add it to its history."
    )


def item_headline(detail: ReminderDetail, ctx: ReminderContext) -> str:
    """One item's first line: the single reminder's headline, shorter where that one is long."""
    rec = detail.rec
    if ctx.kind in ESCALATIONS:
        return f":rotating_light: *{rec.ref}* is {due_text(rec.due_on, ctx.today)}."
    if ctx.kind == Kind.impact_check:
        return f":mag: *{rec.ref}* was completed on {_completed(detail)}: has practice changed?"
    return headline(detail, ctx)


def list_item_blocks(detail: ReminderDetail, ctx: ReminderContext) -> list[Block]:
    """One item of a list: what it is, its last note, and its own buttons."""
    rec = detail.rec
    standing = (
        f"\n_Standing in for {escape(ctx.standing_in_for)}_" if ctx.standing_in_for else ""
    )
    body = (
        f"{item_headline(detail, ctx)} {BRAG_EMOJI[ctx.brag]} {ctx.brag.value} · "
        f"{escape(status_text(rec.status, rec.at_risk))}\n"
        f"*{escape(detail.review_title)}, recommendation {escape(rec.label)}*: "
        f"{escape(clip(rec.text, LIST_TEXT_SHOWN))}\n"
        f"_Last note_ {last_note_text(detail, LIST_TEXT_SHOWN)}{standing}"
    )
    if ctx.kind in ESCALATIONS:
        return [section(body, accessory=button("Show", ids.SHOW, rec.ref))]
    block_id = f"reminder:{rec.ref}:{ctx.kind}"
    if ctx.kind == Kind.impact_check:
        return [section(body), impact_buttons(rec.ref, block_id)]
    return [section(body), owner_buttons(rec.ref, block_id)]


def list_title(owner_items: int, escalations: int, *, channel: bool, part: str = "") -> str:
    if channel or not owner_items:
        to = "raised to the chairs" if channel else "raised to you as a chair"
        return (
            f":rotating_light: *{_count(escalations, 'recommendation')} overdue past the "
            f"board's limit*, {to}{part}:"
        )
    also = f", and {_count(escalations, 'escalation')} for the chairs" if escalations else ""
    return f":bell: *{_count(owner_items, 'reminder')} for you today{also}*{part}:"


def escalations_heading(count: int) -> str:
    return f"*Raised to the chairs: {_count(count, 'recommendation')} overdue past the board's limit*"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def list_fallback_text(refs_and_kinds: Sequence[tuple[str, Kind]], standing_in: bool) -> str:
    """What a phone shows before the blocks: how many, and the first few refs."""
    shown = ", ".join(f"{ref} {kind}" for ref, kind in refs_and_kinds[:6])
    more = f" and {len(refs_and_kinds) - 6} more" if len(refs_and_kinds) > 6 else ""
    return ("Standing in: " if standing_in else "") + (
        f"{_count(len(refs_and_kinds), 'reminder')}: {shown}{more}"
    )


# --- who Slack would not let the bot reach --------------------------------------------------

REASONS = {
    "user_not_found": "not found in Slack",
    "users_not_found": "not found in Slack",
    "user_not_visible": "not visible to the bot",
    "user_disabled": "account deactivated",
    "account_inactive": "account deactivated",
    "cannot_dm_bot": "a bot, which can't be sent DMs",
    "channel_not_found": "channel not found",
    "is_archived": "channel archived",
    "not_in_channel": "the bot is not in the channel",
}


def reason_words(code: str) -> str:
    return REASONS.get(code, code.replace("_", " "))


CHAIR_KINDS = frozenset({Kind.escalation, Kind.chair_digest})


def role_of(found: Unreachable) -> str:
    """What the business manager knows them as: by the reminders they did not get."""
    if found.recipient_id is None:
        return "channel"
    return "chair" if found.kinds <= CHAIR_KINDS else "lead officer"


def unreachable_summary(found: Sequence[Unreachable]) -> str:
    """"Can't reach 3 lead officers: Jo Turner (account deactivated, 2 reminders …), …"."""
    roles = {role_of(f) for f in found}
    role = roles.pop() if len(roles) == 1 else "person"
    plural = "people" if role == "person" else role + "s"
    noun = role if len(found) == 1 else plural
    shown = "; ".join(
        f"{escape(f.name)} ({reason_words(f.reason)}, "
        f"{_count(f.reminders, 'reminder')} not delivered)"
        for f in found[:15]
    )
    more = f"; and {len(found) - 15} more" if len(found) > 15 else ""
    return f"Can't reach {len(found)} {noun}: {shown}{more}."


def unreachable_blocks(found: Sequence[Unreachable]) -> list[Block]:
    if not found:
        return []
    return [
        section(f":warning: *{unreachable_summary(found)}*"),
        context(
            "Their reminders are not delivered. Give their recommendations another lead "
            "officer (`/recs assign H-12 @name`) or ask a Slack admin about their account."
        ),
    ]


# --- the weekly digest ---------------------------------------------------------------------


@dataclass(frozen=True)
class AwayOwner:
    """A lead officer the digest lists as away (bot.rules.away), and who covers for them."""

    name: str
    away_until: date | None  # None: away by their Slack status
    open_count: int
    stand_in: str | None  # the deputy standing in; None: their reminders wait


def away_blocks(away: Sequence[AwayOwner]) -> list[Block]:
    if not away:
        return [context("No one who leads open recommendations is away.")]
    lines = []
    for owner in away[:20]:
        when = (
            f"until {owner.away_until:%d %b %Y}" if owner.away_until else "(their Slack status)"
        )
        cover = (
            f", {escape(owner.stand_in)} stands in"
            if owner.stand_in
            else ", no deputy free: their reminders wait"
        )
        lines.append(f"• {escape(owner.name)} {when} ({owner.open_count} open){cover}")
    if len(away) > 20:
        lines.append(f"…and {len(away) - 20} more.")
    return [section("*Away*\n" + "\n".join(lines))]


def digest_blocks(
    summary: Sequence[Block], away: list[Block], unreachable: Sequence[Block] = ()
) -> list[Block]:
    """The board summary with who is away and who the bot cannot reach; the summary is
    fitted first so the other two survive."""
    head: list[Block] = [section(":calendar: *Weekly board digest*"), *unreachable]
    kept = 50 - len(away) - len(head) - 1
    return [*head, *fit(list(summary), limit=kept), divider(), *away]


# --- proposals from replies ----------------------------------------------------------------


def proposal_value(ref: str, *, status: str | None = None, due: str | None = None,
                   note: str = "") -> str:
    # A button value holds 2,000 characters; the note is clipped well inside that.
    payload = {"ref": ref, "status": status, "due": due, "note": clip(note, 1000)}
    return json.dumps(payload, ensure_ascii=False)


def proposal_blocks(ref: str, question: str, value: str) -> list[Block]:
    return [
        section(f":question: {question}"),
        actions(
            button("Confirm", ids.CONFIRM_PROPOSAL, value, style="primary"),
            button("Dismiss", ids.DISMISS_PROPOSAL, value),
            block_id=f"proposal:{ref}",
        ),
    ]


def recorded_blocks(text: str) -> list[Block]:
    return [section(f":white_check_mark: {escape(text)}")]


def error_blocks(text: str) -> list[Block]:
    return [section(f":warning: {escape(text)}")]
