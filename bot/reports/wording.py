"""What the board paper says, drafted from its state: the purpose, the summary, the key
figures and the recommendations to the Board. Pure functions of a `BoardPaper`, so the DOCX
writer only lays the sentences out and a test can read them without a document."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.reports.paper import BoardPaper, TrackerRow
from bot.rules.lifecycle import status_words
from storage.models import Status

REVIEW_KINDS = {
    "SCR": "serious case review",
    "CSPR": "child safeguarding practice review",
    "SAR": "safeguarding adults review",
    "DHR": "domestic homicide review",
}
# Where an update came from, as a reader of the tracker would say it.
SOURCE_WORDS = {
    "command": "/recs command",
    "reminder_reply": "reply to a reminder",
    "button": "button",
    "modal": "form",
    "import": "import",
    "console": "console",
    "system": "recs",
}
REFS_LISTED = 12  # refs named in one recommendation to the Board; the annex has them all


def plural(n: int, singular: str, many: str | None = None) -> str:
    """`1 recommendation`, `2 recommendations`, `0 recommendations`."""
    return f"{n} {singular if n == 1 else (many or singular + 's')}"


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def due_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def review_phrase(paper: BoardPaper) -> str:
    """`the Child H serious case review (published 15 September 2014)`."""
    kind = REVIEW_KINDS.get(paper.review_kind, "review")
    published = f" (published {day_text(paper.published_on)})" if paper.published_on else ""
    return f"the {paper.review_title} {kind}{published}"


def when_phrase(paper: BoardPaper) -> str:
    return f"at the end of {day_text(paper.day)}" if paper.as_of else f"on {day_text(paper.day)}"


def purpose(paper: BoardPaper) -> str:
    return (
        f"To report to the Board the progress of the action plan that answers "
        f"{review_phrase(paper)}, as it stood {when_phrase(paper)}, and to ask the Board for "
        "the decisions set out under Recommendations to the Board."
    )


def summary(paper: BoardPaper) -> list[str]:
    """Two or three sentences a chair can read aloud."""
    s = paper.summary
    overdue, at_risk = len(paper.overdue), len(paper.at_risk)
    lines = [
        f"Of the {plural(s.total, 'recommendation')} in the plan, "
        f"{_is_are(s.implemented, 'reported complete and awaiting the chair’s sign-off')}, "
        f"{_is_are(s.assured, 'assured')} and {_is_are(s.embedded, 'embedded')}.",
        f"{_count_is(s.open, 'remains', 'remain')} open: "
        f"{_is_are(overdue, 'overdue')} and {_is_are(at_risk, 'flagged at risk')}.",
    ]
    if s.changes is not None and s.since is not None:
        c = s.changes
        lines.append(
            f"Since {day_text(s.since)} there {'has' if c.updates == 1 else 'have'} been "
            f"{plural(c.updates, 'progress update')}, {plural(c.evidence_added, 'new evidence item')} "
            f"and {plural(sum(c.status_changes.values()), 'status change')}."
        )
    return lines


def _is_are(n: int, what: str) -> str:
    return f"{'none is' if n == 0 else (f'{n} is' if n == 1 else f'{n} are')} {what}"


def _count_is(n: int, one: str, many: str) -> str:
    return f"{'None' if n == 0 else n} {one if n == 1 else many}"


def key_figures(paper: BoardPaper) -> list[str]:
    s = paper.summary
    b = s.by_brag
    closed = b.get("grey", 0)
    statuses = ", ".join(
        f"{n} {status_words(status)}" for status in s.status_order if (n := s.by_status.get(status))
    )
    moved_on = sum(1 for r in paper.rows if r.due_moves)
    lines = [
        f"{plural(s.total, 'recommendation')}: {s.open} open, of which {len(paper.overdue)} "
        f"overdue and {len(paper.at_risk)} flagged at risk.",
        f"By status: {statuses or 'none'}.",
        f"BRAG: {b.get('red', 0)} red, {b.get('amber', 0)} amber, {b.get('green', 0)} green, "
        f"{b.get('blue', 0)} blue" + (f", {closed} closed." if closed else "."),
        f"{s.implemented} reported complete and awaiting the chair’s sign-off; {s.assured} "
        f"assured; {s.embedded} embedded (impact checked).",
        (
            f"Due dates moved: {plural(len(paper.moves), 'move')} on "
            f"{plural(moved_on, 'recommendation')} (Annex B)."
            if paper.moves
            else "No due date has moved."
        ),
    ]
    if s.changes is not None and s.since is not None:
        c = s.changes
        lines.append(
            f"Since {day_text(s.since)}: {plural(c.updates, 'update')}, "
            f"{plural(c.evidence_added, 'evidence item')}, "
            f"{plural(sum(c.status_changes.values()), 'status change')}."
        )
    return lines


def recommendations_to_the_board(paper: BoardPaper) -> list[str]:
    """What the Board is asked to do, drafted from the state: always to note the progress;
    to sign off what is reported complete; to decide on each overdue item; to note moved
    due dates and items at risk. Each names the refs, so the chair can take them in turn."""
    asks = [f"note the progress of the action plan for {review_phrase(paper)};"]
    done = paper.for_sign_off
    if done:
        asks.append(
            f"consider the evidence for the {plural(len(done), 'recommendation')} reported "
            f"complete and either sign {'it' if len(done) == 1 else 'them'} off as assured or "
            f"ask for more evidence: {_refs(done)};"
        )
    overdue = paper.overdue
    if overdue:
        asks.append(
            f"decide, for each of the {plural(len(overdue), 'overdue recommendation')} in "
            "Annex A, whether to agree a new due date, escalate it to the owner agency, or "
            f"close it as not implemented: {_overdue_refs(paper, overdue)};"
        )
    moved = paper.moves_since(paper.summary.since)
    if moved:
        since = f" since {day_text(paper.summary.since)}" if paper.summary.since else ""
        moved_refs = sorted({m.ref for m in moved}, key=_ref_order)
        asks.append(
            f"note the {plural(len(moved), 'due-date move')}{since} on "
            f"{plural(len(moved_refs), 'recommendation')} (Annex B): "
            f"{_names(moved_refs)};"
        )
    at_risk = paper.at_risk
    if at_risk:
        asks.append(
            f"note the {plural(len(at_risk), 'recommendation')} flagged at risk by "
            f"{'its owner' if len(at_risk) == 1 else 'their owners'}: {_refs(at_risk)};"
        )
    asks[-1] = asks[-1].rstrip(";") + "."
    if len(asks) > 1:
        asks[-2] = asks[-2].rstrip(";") + "; and"
    return asks


def _ref_order(ref: str) -> tuple[str, int]:
    code, _, number = ref.rpartition("-")
    return code, int(number) if number.isdigit() else 0


def _refs(rows: Sequence[TrackerRow]) -> str:
    return _names([r.ref for r in rows])


def _overdue_refs(paper: BoardPaper, rows: Sequence[TrackerRow]) -> str:
    # Semicolons between them: each item's own note has a comma.
    return _names(
        [
            f"{r.ref} ({r.agency or 'no agency'}, {plural(paper.days_overdue(r), 'day')})"
            for r in rows
        ],
        "; ",
    )


def _names(items: Sequence[str], sep: str = ", ") -> str:
    """`H-1, H-2 and H-3`; past `REFS_LISTED`, `… and 4 more`."""
    items = list(items)
    if len(items) > REFS_LISTED:
        return sep.join(items[:REFS_LISTED]) + f" and {len(items) - REFS_LISTED} more"
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + " and " + items[-1]


def status_label(status: Status | str | None) -> str:
    """`In progress`: a status at the start of a cell."""
    if status is None:
        return ""
    words = status_words(status)
    return words[:1].upper() + words[1:]
