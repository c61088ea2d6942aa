"""The board summary message: figures first, then agencies, overdue, due soon and changes.

Whatever the size of the plan it stays one message: long lists are cut to their first items
with a count of the rest and a pointer to the full paper (`/recs report`).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block

from bot.rules.brag import BRAG_EMOJI, Brag
from bot.rules.lifecycle import status_words
from bot.services.summary import LISTED, BoardSummary
from bot.views.blocks import context, divider, escape, fit, header, section
from bot.views.recommendations import due_text
from storage.as_of import StateRow

AGENCIES_SHOWN = 20
LINE_LIMIT = 2800  # a section holds 3000 characters; room for the "…and n more" line


def brag_counts(counts: dict[str, int]) -> str:
    return "  ".join(
        f"{BRAG_EMOJI[Brag(b)]} {counts.get(b, 0)}" for b in ("red", "amber", "green", "blue")
    )


def report_command(s: BoardSummary, fmt: str = "xlsx") -> str:
    words = ["/recs report"]
    if s.review_code:
        words.append(s.review_code)
    words.append(fmt)
    if s.as_of:
        words.append(f"as-of {s.as_of:%Y-%m-%d}")
    return " ".join(words)


def summary_blocks(s: BoardSummary) -> list[Block]:
    if s.total == 0:
        when = f" on {s.as_of:%d %B %Y}" if s.as_of else " yet"
        return [section(f"*{escape(s.title)}*: no recommendations{when}.")]
    when = f"as at {s.as_of:%d %B %Y}" if s.as_of else f"{s.today:%d %B %Y}"
    blocks: list[Block] = [
        header(f"{s.title} — {when}"),
        section(
            "",
            fields=[
                f"*Recommendations*\n{s.total}",
                f"*Open*\n{s.open}" + _at_risk_note(s),
                f"*Implemented (awaiting assurance)*\n{s.implemented}",
                f"*Assured*\n{s.assured}",
                f"*Embedded (impact checked)*\n{s.embedded}",
                f"*BRAG*\n{brag_counts(s.by_brag)}",
            ],
        ),
        _status_line(s),
        divider(),
        _agencies(s),
    ]
    if len(s.by_agency) > AGENCIES_SHOWN:
        blocks.append(
            context(
                f"{len(s.by_agency) - AGENCIES_SHOWN} more agencies in the full paper: "
                f"`{report_command(s)}`."
            )
        )
    blocks.append(_items("Overdue", s.overdue, s.overdue_total, s, "/recs list overdue"))
    blocks.append(_items("Due in the next 30 days", s.due_soon, s.due_soon_total, s, None))
    if s.changes is not None:
        blocks.append(_changes(s))
    if s.as_of:
        blocks.append(
            context(
                f"Rebuilt from the history as it stood at the end of {s.as_of:%d %B %Y}: "
                "later updates are not shown."
            )
        )
    return fit(blocks)


def _at_risk_note(s: BoardSummary) -> str:
    grey = s.by_brag.get(Brag.grey.value, 0)
    return f" ({grey} closed)" if grey else ""


def _status_line(s: BoardSummary) -> Block:
    parts = [
        f"{status_words(status)} {s.by_status[status]}"
        for status in s.status_order
        if s.by_status.get(status)
    ]
    return context("By status: " + " · ".join(parts))


def _agencies(s: BoardSummary) -> Block:
    lines = [
        f"{brag_counts(c)}  {escape(a)}" for a, c in list(s.by_agency.items())[:AGENCIES_SHOWN]
    ]
    return section(
        "*By agency* (:red_circle: red, :large_orange_circle: amber, "
        ":large_green_circle: green, :large_blue_circle: blue)\n" + _lines(lines, s)
    )


def _lines(lines: Sequence[str], s: BoardSummary, total: int | None = None) -> str:
    """As many lines as fit one section, then how many more and where to find them."""
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > LINE_LIMIT:
            break
        kept.append(line)
        size += len(line) + 1
    left = (total if total is not None else len(lines)) - len(kept)
    if left > 0:
        kept.append(f"…and {left} more in the full paper: `{report_command(s)}`.")
    return "\n".join(kept)


def _items(
    title: str, rows: list[StateRow], total: int, s: BoardSummary, command: str | None
) -> Block:
    if total == 0:
        return section(f"*{title}*: none")
    lines = [f"• *{r.ref}* {escape(r.agency or '')} — {due_text(r.due_on, s.today)}" for r in rows]
    text = _lines(lines, s, total)
    if command and total > len(rows) and not s.as_of:
        text += f" Or `{command}`."
    return section(f"*{title}* ({total})\n" + text)


def _changes(s: BoardSummary) -> Block:
    c = s.changes
    assert c is not None and s.since is not None
    since = (
        f"since the board met on {s.since:%d %B %Y}"
        if s.since_meeting
        else (f"since {s.since:%d %B %Y}")
    )
    moved = ", ".join(
        f"{n} {status_words(status)}"
        for status in s.status_order
        if (n := c.status_changes.get(status))
    )
    lines = [
        f"{c.updates} updates, {c.evidence_added} evidence items, "
        f"{c.due_moves} due dates moved, {c.added} recommendations added.",
        f"Status changes: {moved}." if moved else "No status changes.",
    ]
    if c.changed_refs:
        shown = ", ".join(c.changed_refs)
        more = len(c.changed_refs) >= LISTED
        lines.append(f"Moved: {shown}{' …' if more else ''}")
    return section(f"*Changes {since}*\n" + "\n".join(lines))
