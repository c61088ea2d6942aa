"""Which column holds what: the header row as business managers write it, found below any
title rows, and the facts a title block gives for every row ("Accepted: 15/9/2014",
"Progress as at 31 October 2014", "Agency: Thames Valley Police")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.errors import UserError
from bot.imports.sheets import Row
from bot.rules import dates

# Header words per field, most specific first. A header matches a word exactly, or starts
# with it ("Recommendation (as worded in the report)"); exact matches are taken first.
HEADERS: dict[str, tuple[str, ...]] = {
    "label": (
        "recommendation no", "recommendation number", "recommendation ref", "rec no",
        "rec number", "rec ref", "ref no", "no", "number", "#", "label", "ref", "reference",
        "item", "para", "paragraph",
    ),
    "text": (
        "recommendation text", "recommendation", "recommendations", "text", "action required",
        "action", "actions", "description",
    ),
    "agency": (
        "owner agency", "lead agency", "responsible agency", "agency", "agencies",
        "organisation", "organization", "lead organisation", "lead organization",
    ),
    "directorate": ("directorate",),
    "lead_officer": (
        "lead officer", "responsible officer", "accountable officer", "lead person",
        "named lead", "responsible person", "lead", "officer", "owner",
    ),
    "due": (
        "due date", "target date", "date due", "target completion date", "completion date",
        "date for completion", "deadline", "by when", "due", "target",
    ),
    "timescale": ("timescale", "timescales", "time scale", "timeframe", "time frame"),
    "status": ("status", "current status", "progress status"),
    "brag": ("rag", "brag", "rag status", "brag status", "rag rating", "brag rating"),
    "progress": (
        "progress", "latest update", "progress update", "update", "progress to date",
        "update on progress", "actions taken", "action taken", "comments",
    ),
    "progress_on": (
        "progress date", "update date", "date of update", "date updated", "last updated",
        "updated",
    ),
    "evidence": (
        "evidence", "evidence link", "evidence links", "evidence url", "evidence of completion",
        "evidence of impact",
    ),
    "themes": ("themes", "theme", "tags"),
    "accepted": ("accepted", "date accepted", "accepted on", "accepted date", "date agreed"),
}  # fmt: skip
# Fields a title block may give once for every row ("Agency: Thames Valley Police").
TITLE_FIELDS = ("agency", "directorate", "lead_officer")
HEADER_SCAN = 30  # rows looked at for the header: title blocks are a few lines
_PROGRESS_AT = re.compile(
    r"^(?:progress|update|position|progress update)\s+(?:as\s+at|at|as\s+of|on|to)\s+(.+)$"
)
_DATED = re.compile(
    r"\b(?:progress|updated?|position)\b(?:\s+[a-z]+){0,2}?\s+(?:as\s+at|at|as\s+of|on)\s*[:\-]?\s*(.+)$"
    r"|^(?:as\s+at|as\s+of|last\s+updated|updated|date\s+of\s+update)\s*[:\-]?\s*(.+)$"
)
_ACCEPTED = re.compile(
    r"\b(?:date\s+)?accepted(?:\s+by\s+the\s+\w+(?:\s+\w+)?)?(?:\s+on)?\s*[:\-]?\s*(.*)$"
)


def header_key(text: str) -> str:
    """A header as compared: lower case, words only ("No." → "no", "Progress/Update" →
    "progress update", "Lead Officer:" → "lead officer")."""
    text = text.casefold().replace("&", " and ").replace("/", " ").replace("\n", " ")
    text = re.sub(r"[^\w#.\s-]", " ", text)
    text = re.sub(r"(?<!\d)[.](?!\d)|\s-\s|-$", " ", text)
    return " ".join(text.split())


@dataclass
class Columns:
    """Field → column index, the headers as written, and a date a header gave the progress."""

    index: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    progress_on: date | None = None

    @property
    def score(self) -> int:
        return len(self.index)

    def cell(self, row: Row, name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(row.cells):
            return ""
        return re.sub(r"[ \t]+", " ", row.cells[position]).strip()


def plain(text: str) -> str:
    """Lower case, one space between words, nothing else changed (dates keep their dots)."""
    return " ".join(text.casefold().split())


def match_columns(row: Row, *, exact: bool = False) -> Columns:
    """The fields a header row names. Each column and each field is taken once. `exact`
    takes only whole header words: a data row's text may start with one ("Recommendation
    12: agencies should …")."""
    found = Columns()
    for rule in (_exact, _progress_at) if exact else (_exact, _progress_at, _prefix):
        for position, cell in enumerate(row.cells):
            if not cell or position in found.index.values():
                continue
            rule(found, position, cell)
    found.written = {name: row.cells[i] for name, i in found.index.items()}
    return found


def _take(found: Columns, name: str, position: int) -> None:
    if name not in found.index:
        found.index[name] = position


def _exact(found: Columns, position: int, cell: str) -> None:
    key = header_key(cell)
    for name, words in HEADERS.items():
        if key in words and name not in found.index:
            _take(found, name, position)
            return


def _progress_at(found: Columns, position: int, cell: str) -> None:
    match = _PROGRESS_AT.match(plain(cell).rstrip(":"))
    if match and "progress" not in found.index:
        _take(found, "progress", position)
        found.progress_on = _day_in(match.group(1))


def _prefix(found: Columns, position: int, cell: str) -> None:
    key = header_key(cell)
    for name, words in HEADERS.items():
        if name in found.index:
            continue
        if any(len(w) > 2 and key.startswith(w + " ") for w in words):
            _take(found, name, position)
            return


def is_header(columns: Columns, filled: int) -> bool:
    """A header names the recommendation column and, unless the table has one column, more."""
    return "text" in columns.index and (columns.score >= 2 or filled == 1)


def find_header(rows: list[Row]) -> tuple[int, Columns] | None:
    """The header among the first rows: the one naming the most fields, earliest on a tie."""
    best: tuple[int, Columns] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN]):
        filled = len(row.filled)
        if not filled:
            continue
        columns = match_columns(row)
        if is_header(columns, filled) and (best is None or columns.score > best[1].score):
            best = (index, columns)
    return best


@dataclass
class TitleFacts:
    """What the rows above the header say for the whole table."""

    accepted_on: date | None = None
    progress_on: date | None = None
    defaults: dict[str, str] = field(default_factory=dict)  # agency, directorate, lead officer


def title_facts(rows: list[Row]) -> TitleFacts:
    facts = TitleFacts()
    for row in rows:
        cells = row.filled
        for position, cell in enumerate(cells):
            following = cells[position + 1] if position + 1 < len(cells) else ""
            _read_title_cell(facts, cell, following)
    return facts


def _read_title_cell(facts: TitleFacts, cell: str, following: str) -> None:
    key = plain(cell)
    accepted = _ACCEPTED.search(key)
    if accepted and facts.accepted_on is None:
        facts.accepted_on = _day_in(accepted.group(1) or following)
        return
    dated = _DATED.search(key)
    if dated and facts.progress_on is None:
        facts.progress_on = _day_in(dated.group(1) or dated.group(2) or following)
        if facts.progress_on:
            return
    name, _, value = cell.partition(":")
    for field_name in TITLE_FIELDS:
        if header_key(name) in HEADERS[field_name]:
            given = value.strip() or following
            if given:
                facts.defaults.setdefault(field_name, given)
            return


def _day_in(text: str) -> date | None:
    """One day, if the text is one ("31.10.14", "31 October 2014"); else nothing. A midnight
    saved beside the day ("2014-09-15 0:00:00") is no part of it."""
    text = re.sub(r"[ T]0?0:00(?::00(?:\.0+)?)?$", "", text.strip().strip("()"))
    if not text:
        return None
    try:
        return dates.parse_day(text)
    except UserError:
        return None
