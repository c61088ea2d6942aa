"""Replies in a reminder's thread, and the answers to a reminder's buttons.

A plain reply is a progress note on that recommendation, recorded once however often Slack
delivers it: the event is marked processed in the same transaction as the update. "done" or
"completed", and "delayed to <date>", only propose the change: the owner confirms it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from bot import services
from bot.errors import UserError
from bot.rules import dates
from bot.rules.permissions import Actor
from bot.rules.refs import REF_PATTERN, normalise_ref, refs_in
from bot.services.access import boards_in_view
from storage import ledger
from storage.db import Database
from storage.models import Recommendation, Status, UpdateSource

DONE_RE = re.compile(r"^\s*(done|completed|complete|finished)\b[\s.!:,-]*", re.IGNORECASE)
DELAYED_RE = re.compile(
    r"\b(?:delayed|moved|pushed back|postponed)\s+(?:to|until|till)\s+(?P<when>.+)", re.IGNORECASE
)
LEADING_REF_RE = re.compile(rf"^\s*(?P<ref>{REF_PATTERN})\s*[:,.;–—-]?\s*")
LONGEST_DATE_WORDS = 8  # "between April 2015 and April 2016" is the longest form


@dataclass(frozen=True)
class ReplyOutcome:
    """What to say in the thread: a confirmation, a proposal, an error, or nothing."""

    kind: str  # "recorded", "propose_done", "propose_due", "error", "duplicate", "not_a_reminder"
    ref: str = ""
    text: str = ""
    due: str = ""  # the proposed due date, ISO
    note: str = ""  # the reply as the note a confirmed proposal records (no leading ref)


def reminders_for(
    db: Database, channel_id: str, thread_ts: str, reminder_keys: Sequence[str] = ()
) -> list[Recommendation]:
    """The recommendations a reminder's thread is about (one, or a list's): the ledger rows
    that recorded the message, or else the rows the message's own metadata names
    (`reminder_keys`). Slack has a DM a moment before the ledger records its ts, and for good
    if recording it failed after Slack took the message: a reply in that thread is still the
    owner's progress."""
    with db.unit_of_work(write=False) as uow:
        rows = ledger.for_message(uow.session, channel_id, thread_ts)
        if not rows:
            rows = [r for k in reminder_keys if (r := ledger.entry(uow.session, k)) is not None]
        rec_ids = list(dict.fromkeys(r.recommendation_id for r in rows if r.recommendation_id))
        recs = [uow.session.get(Recommendation, rec_id) for rec_id in rec_ids]
    return [r for r in recs if r is not None]


def reminder_for(
    db: Database, channel_id: str, thread_ts: str, reminder_key: str | None = None
) -> Recommendation | None:
    """The first recommendation a reminder's thread is about (see `reminders_for`)."""
    found = reminders_for(db, channel_id, thread_ts, [reminder_key] if reminder_key else [])
    return found[0] if found else None


def which_one(
    recs: Sequence[Recommendation], text: str, ref: str | None = None
) -> tuple[Recommendation, str]:
    """The recommendation a reply is about, and the reply without a leading ref. One reminder:
    that one. A list: the one the reply names (or `ref`, when the front end knows it); if it
    names none or several, the person is asked which, and nothing is written."""
    by_ref = {r.ref.upper(): r for r in recs}
    if ref is not None:
        chosen = by_ref.get(ref.upper())
    elif len(recs) == 1:
        chosen = recs[0]
    else:
        named = [by_ref[r] for r in refs_in(text) if r in by_ref]
        chosen = named[0] if len(named) == 1 else None
    if chosen is not None:
        return chosen, _without_leading_ref(text, chosen.ref)
    listed = ", ".join(r.ref for r in recs)
    example = f"{recs[0].ref}: audit booked for April"
    if ref is not None:
        raise UserError(f"{ref.upper()} is not in this reminder; it is about {listed}.",
                        example=example)  # fmt: skip
    raise UserError(
        f"This reminder is about {listed}: start your reply with the one you mean.",
        example=example,
    )


def _without_leading_ref(text: str, ref: str) -> str:
    """ "H-12: done" is "done" about H-12; any other text is kept whole."""
    lead = LEADING_REF_RE.match(text)
    if lead is None or normalise_ref(lead.group("ref")) != ref.upper():
        return text
    return text[lead.end() :].strip() or text


def read_proposal(
    text: str, accepted_on: date | None, today: date
) -> tuple[str, str] | None:
    """("done", "") or ("due", ISO date) when the reply asks for a change; None for a note.
    A timescale counts from `accepted_on`, or else from `today` (the clock's)."""
    if DONE_RE.match(text):
        return "done", ""
    match = DELAYED_RE.search(text)
    if match:
        return "due", _leading_date(match.group("when"), accepted_on or today, today)
    return None


def _leading_date(text: str, accepted_on: date, today: date) -> str:
    """The longest run of leading words that is a date: "30/4/2015: the group meets…"."""
    words = text.split()
    error: UserError | None = None
    for count in range(min(len(words), LONGEST_DATE_WORDS), 0, -1):
        candidate = " ".join(words[:count]).rstrip(".,;:!)")
        try:
            return dates.parse_due(candidate, accepted_on, today=today).due_on.isoformat()
        except UserError as exc:
            error = exc
    raise error or UserError("Say the new date.", example="delayed to 31/3/2015")


def record_reply(
    db: Database,
    actor: Actor,
    channel_id: str,
    thread_ts: str,
    text: str,
    event_keys: list[str],
    *,
    reminder_keys: Sequence[str] = (),
    ref: str | None = None,
) -> ReplyOutcome:
    """A reply in a reminder's thread: recorded once, proposed, or refused with a reason;
    "not_a_reminder" when neither the ledger nor `reminder_keys` places the thread. In a
    list's thread the reply names its ref ("H-12: audit booked"), or `ref` does."""
    recs = reminders_for(db, channel_id, thread_ts, reminder_keys)
    if not recs:
        return ReplyOutcome("not_a_reminder")
    try:
        rec, text = which_one(recs, text, ref)
        proposal = read_proposal(text, rec.accepted_on, db.clock().date())
    except UserError as exc:
        return ReplyOutcome("error", recs[0].ref, str(exc))
    if proposal is not None:
        return _propose(db, rec.ref, proposal, text, event_keys)
    try:
        with db.unit_of_work() as uow:
            if ledger.already_processed(uow.session, event_keys):
                return ReplyOutcome("duplicate", rec.ref)
            services.ensure_person(uow.session, actor.user_id, actor.name or None)
            services.record_update(
                uow, actor, rec.ref, note=text, source=UpdateSource.reminder_reply
            )
            ledger.mark_processed(uow.session, event_keys, uow.now)
            uow.commit()
    except IntegrityError:
        return ReplyOutcome("duplicate", rec.ref)  # a retry raced us and won
    except UserError as exc:
        return ReplyOutcome("error", rec.ref, str(exc))
    return ReplyOutcome("recorded", rec.ref, f"Recorded as an update on {rec.ref}.")


def reply_to_latest(
    db: Database, actor: Actor, ref: str, text: str, event_key: str
) -> ReplyOutcome:
    """A reply in the thread of the latest reminder sent about `ref` (the console's /reply):
    the same outcome a reply in Slack gets."""
    with db.unit_of_work(write=False) as uow:
        boards = boards_in_view(uow.session, actor)
        rec = services.get_recommendation(uow.session, ref, boards=boards)
        row = ledger.last_sent_for(uow.session, rec.id or 0)
    if row is None or not row.channel_id or not row.message_ts:
        raise UserError(
            f"No reminder about {rec.ref} has been sent yet: move the clock to a day one falls "
            "due, or send one now.",
            example=f"/recs remind {rec.ref}",
        )
    return record_reply(
        db, actor, row.channel_id, row.message_ts, text, [event_key], ref=rec.ref
    )


def _propose(
    db: Database, ref: str, proposal: tuple[str, str], text: str, event_keys: list[str]
) -> ReplyOutcome:
    """A proposal writes nothing but the event mark, so a retry proposes only once."""
    try:
        with db.unit_of_work() as uow:
            if ledger.already_processed(uow.session, event_keys):
                return ReplyOutcome("duplicate", ref)
            ledger.mark_processed(uow.session, event_keys, uow.now)
            uow.commit()
    except IntegrityError:
        return ReplyOutcome("duplicate", ref)
    kind, due = proposal
    if kind == "done":
        return ReplyOutcome("propose_done", ref, f"Mark {ref} completed?", note=text)
    return ReplyOutcome("propose_due", ref, f"Move {ref}'s due date to {due}?", due=due, note=text)


def confirm_proposal(db: Database, actor: Actor, value: str) -> str:
    """Applies a confirmed proposal (the button's value); raises UserError if it can't."""
    proposal = json.loads(value)
    ref, note = proposal["ref"], proposal.get("note") or ""
    with db.unit_of_work() as uow:
        services.ensure_person(uow.session, actor.user_id, actor.name or None)
        if proposal.get("status") == Status.completed:
            services.record_update(
                uow, actor, ref, status=Status.completed, note=note,
                source=UpdateSource.reminder_reply,
            )
            done = f"{ref} is marked completed. A chair will review the evidence."
        else:
            change = services.move_due_date(uow, actor, ref, proposal["due"], note or "Delayed")
            done = f"{ref} is now due {change.new_due_on:%d %B %Y}."
        uow.commit()
    return done


def answer_impact_check(
    db: Database, actor: Actor, ref: str, embedded: bool, finding: str = ""
) -> str:
    """Embedded with what the audit found (record_update insists on it), or back to work."""
    with db.unit_of_work() as uow:
        services.ensure_person(uow.session, actor.user_id, actor.name or None)
        if embedded:
            services.record_update(
                uow, actor, ref, status=Status.embedded,
                note=f"Impact check: {finding}" if finding.strip() else "",
                source=UpdateSource.modal,
            )
            text = f"{ref} is now embedded. Thank you."
        else:
            services.record_update(
                uow, actor, ref, status=Status.in_progress,
                note="Impact check: not embedded yet; back to in progress.",
                source=UpdateSource.button,
            )
            text = f"{ref} is back in progress until practice has changed."
        uow.commit()
    return text


def snooze(db: Database, actor: Actor, ref: str, days: int = 7) -> str:
    with db.unit_of_work() as uow:
        services.ensure_person(uow.session, actor.user_id, actor.name or None)
        rec = services.snooze(uow, actor, ref, days)
        uow.commit()
    return f"Reminders for {ref} are snoozed until {rec.snoozed_until:%d %B %Y}."
