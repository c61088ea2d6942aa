"""Lists, a single recommendation, help and confirmations."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import Block

from bot.commands.grammar import help_lines
from bot.rules.brag import BRAG_EMOJI, Brag
from bot.rules.lifecycle import OPEN_STATUSES, status_words
from bot.services.reads import RecommendationDetail, RecommendationPage
from bot.views import ids
from bot.views.blocks import (
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    fit,
    header,
    section,
)
from storage.queries import RecommendationRow

HISTORY_SHOWN = 20


def due_text(due_on: date | None, today: date) -> str:
    if due_on is None:
        return "no due date"
    days = (due_on - today).days
    if days < 0:
        return f"due {due_on:%d %b %Y} ({-days} days overdue)"
    if days == 0:
        return f"due today ({due_on:%d %b %Y})"
    return f"due {due_on:%d %b %Y} (in {days} days)"


def status_text(status: str, at_risk: bool) -> str:
    return status_words(status) + (" · at risk" if at_risk else "")


def list_row(row: RecommendationRow, today: date) -> list[Block]:
    emoji = BRAG_EMOJI[Brag(row.brag)]
    owner = row.agency or "no agency"
    if row.lead_officer:
        owner += f" · {row.lead_officer}"
    line = (
        f"{emoji} *{row.ref}* · {escape(status_text(row.status, row.at_risk))} · "
        f"{due_text(row.due_on, today)}\n{escape(clip(row.text, 180))}\n_{escape(owner)}_"
    )
    return [section(line, accessory=button("Show", ids.SHOW, row.ref))]


def list_blocks(page: RecommendationPage, today: date) -> list[Block]:
    if page.total == 0:
        return [section(f"*{escape(page.title)}*: no recommendations match.")]
    first = (page.page - 1) * page.page_size + 1
    last = first + len(page.rows) - 1
    blocks: list[Block] = [
        section(f"*{escape(page.title)}* · {first}–{last} of {page.total}"),
    ]
    for row in page.rows:
        blocks += list_row(row, today)
    nav = []
    if page.page > 1:
        nav.append(button("◀ Previous", ids.LIST_PAGE + "_prev", _page_value(page, page.page - 1)))
    if page.page < page.pages:
        nav.append(button("Next ▶", ids.LIST_PAGE + "_next", _page_value(page, page.page + 1)))
    if nav:
        blocks.append(context(f"Page {page.page} of {page.pages}"))
        blocks.append(actions(*nav, block_id="list_nav"))
    return fit(blocks)


def _page_value(page: RecommendationPage, number: int) -> str:
    return json.dumps({"command": page.command, "page": number})


def detail_blocks(d: RecommendationDetail, today: date, *, can_act: bool = True) -> list[Block]:
    rec = d.rec
    emoji = BRAG_EMOJI[d.brag]
    blocks: list[Block] = [
        header(f"{rec.ref} · {d.review.title}"),
        section(f"*Recommendation {escape(rec.label)}*\n{escape(rec.text)}"),
        section(
            "",
            fields=[
                f"*Status*\n{escape(status_text(rec.status, rec.at_risk))}",
                f"*BRAG*\n{emoji} {d.brag.value}",
                f"*Owner agency*\n{escape(d.agency or '—')}",
                f"*Lead officer*\n{escape(d.lead_officer or '—')}",
                f"*Due*\n{due_text(rec.due_on, today)}"
                + (f"\n“{escape(rec.timescale)}”" if rec.timescale else ""),
                f"*Response*\n{status_words(rec.response)}",
            ],
        ),
    ]
    if d.parts:
        blocks.append(
            section(
                "*Parts*\n"
                + "\n".join(
                    f"• {escape(p.label)} {escape(clip(p.text, 200))} ({status_words(p.status)})"
                    for p in d.parts
                )
            )
        )
    if d.themes:
        blocks.append(context("Themes: " + ", ".join(escape(t) for t in d.themes)))
    history = d.history()
    blocks.append(divider())
    count = len(history)
    blocks.append(section(f"*History* ({count} {'entry' if count == 1 else 'entries'})"))
    if count > HISTORY_SHOWN:
        earlier = count - HISTORY_SHOWN
        blocks.append(
            context(
                f"{earlier} earlier {'entry is' if earlier == 1 else 'entries are'} in the "
                "board report."
            )
        )
    for entry in history[-HISTORY_SHOWN:]:
        blocks.append(
            context(f"*{entry.at:%d %b %Y %H:%M}* · {escape(entry.author)}: {escape(entry.text)}")
        )
    if d.private_evidence:
        items = "item" if d.private_evidence == 1 else "items"
        blocks.append(
            context(
                f":lock: {d.private_evidence} evidence {items} from a private channel: shown "
                "only in that channel and to the board's chairs and admins."
            )
        )
    if can_act and rec.status in OPEN_STATUSES:
        blocks.append(actions(*open_buttons(rec.ref, rec.at_risk), block_id=f"act:{rec.ref}"))
    return fit(blocks)


def open_buttons(ref: str, at_risk: bool) -> list:
    flag = (
        button("On track", ids.ON_TRACK, ref)
        if at_risk
        else button("At risk", ids.AT_RISK, ref, style="danger")
    )
    return [
        button("Update…", ids.UPDATE, ref, style="primary"),
        flag,
        button("Completed…", ids.COMPLETED, ref),
    ]


def help_blocks(topic: str | None = None) -> list[Block]:
    blocks: list[Block] = [section("*recs* keeps the review action plan moving. Commands:")]
    lines = [f"`{usage}`\n{does} — e.g. `{example}`" for usage, does, example in help_lines(topic)]
    # Several commands to a section keeps the whole help in one message.
    for start in range(0, len(lines), 6):
        blocks.append(section("\n".join(lines[start : start + 6])))
    blocks.append(
        context("Refs are case-insensitive: h-12 is H-12. Dates are day first: 31/3/2015.")
    )
    return blocks


def confirmation_blocks(text: str, *, ref: str | None = None) -> list[Block]:
    blocks: list[Block] = [section(f":white_check_mark: {text}")]
    if ref:
        blocks.append(context(f"See it with `/recs show {ref}`"))
    return blocks


def waiting_blocks(text: str) -> list[Block]:
    """A placeholder the answer made after the ack replaces."""
    return [section(f":hourglass_flowing_sand: {escape(text)}")]


def error_blocks(message: str, example: str | None) -> list[Block]:
    blocks: list[Block] = [section(f":warning: {escape(message)}")]
    if example:
        blocks.append(context(f"Example: `{escape(example)}`"))
    return blocks
