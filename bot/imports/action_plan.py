"""Action plans as business managers keep them: rows of a CSV or of every sheet of a workbook,
columns matched by their headers (bot/imports/columns.py), read into recommendations.

A row that can't be a recommendation as written (no text, a due date that is not a date, a
label used twice) is an error, named by its row; the plan then imports nothing, and every
such row is listed at once. What is only doubtful is a warning and never sinks the file: a
relative timescale with no accepted date to count from, a status recs does not use, evidence
without a link, a row with no text and no label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.imports.columns import (
    HEADER_SCAN,
    Columns,
    TitleFacts,
    find_header,
    is_header,
    match_columns,
)
from bot.imports.columns import HEADERS as HEADERS  # re-exported: the header words
from bot.imports.columns import title_facts as read_title_facts
from bot.imports.sheets import Row, Table, read_tables, refusal
from bot.rules import dates
from bot.rules.refs import label_key

# Status words as plans write them → recs' status. A cell may say more after the words
# ("Completed - March 2015"); the longest words it starts with decide.
STATUS_NAMES = {
    "not started": "not_started", "not-started": "not_started", "not yet started": "not_started",
    "not commenced": "not_started", "not begun": "not_started", "to start": "not_started",
    "planned": "not_started", "outstanding": "not_started",
    "in progress": "in_progress", "in-progress": "in_progress", "ongoing": "in_progress",
    "on-going": "in_progress", "on going": "in_progress", "started": "in_progress",
    "underway": "in_progress", "under way": "in_progress", "on track": "in_progress",
    "in hand": "in_progress", "progressing": "in_progress", "partially complete": "in_progress",
    "partially completed": "in_progress", "partly complete": "in_progress",
    "partly completed": "in_progress", "delayed": "in_progress",
    "completed": "completed", "complete": "completed", "done": "completed",
    "achieved": "completed", "implemented": "completed", "fully implemented": "completed",
    "assured": "assured", "signed off": "assured",
    "embedded": "embedded",
    "not implemented": "not_implemented", "not to be implemented": "not_implemented",
    "superseded": "superseded",
}  # fmt: skip
BRAG_WORDS = {"blue", "red", "amber", "green", "b", "r", "a", "g"}
# Due cells that say there is no date: kept as written, with no due date, flagged.
NO_DATE = {
    "ongoing", "on-going", "on going", "tbc", "tba", "to be confirmed", "to be agreed", "n/a",
    "na", "none", "-", "--", "continuous", "immediate", "immediately", "various",
}  # fmt: skip
URL = re.compile(r"https?://[^\s,;<>\"]+", re.IGNORECASE)
# A date cell saved as text with its midnight: "2015-01-31 0:00:00", "31/01/2015 00:00".
MIDNIGHT = re.compile(r"^(\S+)[ T]0?0:00(?::00(?:\.0+)?)?$")
THEME_SPLIT = re.compile(r"[;,\n]")
# A cell that reads as a label ("27", "8.3", "R4", "Rec 12") rather than a heading.
LABEL_LIKE = re.compile(
    r"(?=\S*\d)[\w.()/-]{1,12}|(?:rec(?:ommendation)?|no|item)\.?\s*[\w.()/-]{1,8}", re.I
)
RELATIVE_UNKNOWN = "counts from the date the recommendations were accepted, which is not given"


@dataclass
class PlanParse:
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "row 4: …": the plan imports nothing
    warnings: list[str] = field(default_factory=list)  # "row 4: …": imported, but look
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    accepted_on: date | None = None  # as a title block gave it ("Accepted: 15/9/2014")


@dataclass(frozen=True)
class Accepted:
    """The dates a relative timescale may count from, most specific first after a row's own
    Accepted cell: `--accepted`, then the file's title block, then the review's own."""

    given: date | None = None
    review: date | None = None

    def for_table(self, facts: TitleFacts) -> date | None:
        return self.given or facts.accepted_on or self.review


def read_rows(
    path: Path | None = None, *, content: bytes | None = None, filename: str = ""
) -> list[Table]:
    """The tables of a plan file (every sheet of a workbook)."""
    name = filename or (path.name if path else "")
    data = content if content is not None else path.read_bytes() if path else b""
    return read_tables(data, name)


def parse_plan(
    rows: list[Table] | list[list[str]],
    accepted_on: date | None = None,
    *,
    review_accepted: date | None = None,
) -> PlanParse:
    """Every table's recommendations; `accepted_on` is `--accepted`, `review_accepted` the
    review's own date (each used only where the row and the file give none)."""
    tables = _as_tables(rows)
    result = PlanParse()
    reader = _PlanReader(result, Accepted(accepted_on, review_accepted), several=len(tables) > 1)
    for table in tables:
        reader.read(table)
    if not result.recommendations and not result.errors:
        if reader.headed:
            raise refusal("The plan has a header row but no recommendations under it.")
        raise refusal(
            f"No header row names the recommendation column (I looked in the first {HEADER_SCAN} "
            "rows of each sheet)."
        )
    _make_labels_unique(result, reader.labelled_by_agency)
    _keep_chosen(result, [t for t in tables if not t.chosen])
    return result


def _keep_chosen(result: PlanParse, others: list[Table]) -> None:
    """Drops what the sheets `--sheet` did not name gave, once labels are settled."""
    if not others:
        return
    names = {t.sheet for t in others}
    prefixes = tuple(f"sheet '{name}'," for name in names)
    result.recommendations = [r for r in result.recommendations if r.sheet not in names]
    result.errors = [e for e in result.errors if not e.startswith(prefixes)]
    result.warnings = [w for w in result.warnings if not w.startswith(prefixes)]


def _as_tables(rows: list[Table] | list[list[str]]) -> list[Table]:
    if rows and isinstance(rows[0], Table):
        return [t for t in rows if isinstance(t, Table)]
    plain = [r for r in rows if isinstance(r, list)]
    return [Table([Row(n, [c or "" for c in cells]) for n, cells in enumerate(plain, start=1)])]


class _PlanReader:
    """Reads table after table into one PlanParse, numbering unlabelled rows across them."""

    def __init__(self, result: PlanParse, accepted: Accepted, *, several: bool) -> None:
        self.result = result
        self.accepted = accepted
        self.several = several
        self.ordinal = 0
        self.headed = False
        self.labelled_by_agency: set[int] = set()  # ids of recs whose label repeats per agency

    def read(self, table: Table) -> None:
        found = find_header(table.rows)
        if found is None:
            if self.several and table.chosen and any(r.filled for r in table.rows):
                self.result.warnings.append(
                    f"sheet '{table.sheet}' has no header row naming the recommendation "
                    "column; it was not read."
                )
            return
        self.headed = True
        start, columns = found
        facts = read_title_facts(table.rows[:start])
        self.result.accepted_on = self.result.accepted_on or facts.accepted_on
        self.result.columns = self.result.columns or columns.written
        sheet = table.sheet if self.several else None
        _TableReader(self, columns, facts, sheet).read(table.rows[start + 1 :])


class _TableReader:
    """One table's rows under its header: groups, fill-down, and each row's fields."""

    def __init__(
        self, plan: _PlanReader, columns: Columns, facts: TitleFacts, sheet: str | None
    ) -> None:
        self.plan = plan
        self.columns = columns
        self.facts = facts
        self.sheet = sheet
        # A group's agency: given once in the title block, or by a heading row (one cell, no
        # text) over its recommendations. A blank cell in an agency column is no agency: it
        # is filled only when a workbook merged it with the cell above (bot/imports/sheets.py).
        self.group: dict[str, str] = {
            k: v for k, v in facts.defaults.items() if k in ("agency", "directorate")
        }
        # A blank agency cell under a filled one, in a column that names agencies: a merged
        # cell saved as CSV keeps its value in its first row only. Every recommendation has
        # an owner, so the agency above is taken, and the row flagged for a look.
        self.above: str | None = None
        self.table: list[ParsedRecommendation] = []

    def where(self, row: Row) -> str:
        return f"sheet '{self.sheet}', row {row.number}" if self.sheet else f"row {row.number}"

    def read(self, rows: list[Row]) -> None:
        for row in rows:
            if not row.filled:
                continue
            again = match_columns(row, exact=True)
            if is_header(again, len(row.filled)) and again.score >= 2:
                self.columns = again  # a header repeated, or the next table's header
                continue
            self._row(row)
        _qualify_labels_per_agency(self.table, self.plan.labelled_by_agency)

    def _row(self, row: Row) -> None:
        result = self.plan.result
        text = self.columns.cell(row, "text")
        if not text:
            self._not_a_recommendation(row)
            return
        self.plan.ordinal += 1
        try:
            parsed = self._parse(row, text)
        except UserError as exc:
            result.errors.append(f"{self.where(row)}: {exc.message.splitlines()[0]}")
            return
        result.recommendations.append(parsed)
        self.table.append(parsed)

    def _not_a_recommendation(self, row: Row) -> None:
        if len(row.filled) == 1 and not LABEL_LIKE.fullmatch(row.filled[0]):
            self.group = {"agency": row.filled[0]}  # "Thames Valley Police" over its rows
            self.above = None
        elif self.columns.cell(row, "label"):
            self.plan.result.errors.append(f"{self.where(row)}: the recommendation text is empty.")
        else:
            self.plan.result.warnings.append(
                f"{self.where(row)}: no recommendation text and no label; the row was skipped."
            )

    def _parse(self, row: Row, text: str) -> ParsedRecommendation:
        cell = self.columns.cell
        parsed = ParsedRecommendation(
            label=(cell(row, "label").rstrip(".").strip() or str(self.plan.ordinal))[:100],
            text=text,
            agency=self._agency(row),
            directorate=cell(row, "directorate") or self.group.get("directorate"),
            lead_officer=cell(row, "lead_officer") or self.facts.defaults.get("lead_officer"),
            source_line=row.number,
            sheet=self.sheet,
        )
        if parsed.agency and not cell(row, "agency") and parsed.agency == self.above:
            self._doubt(parsed, f"agency '{parsed.agency[:40]}' taken from the row above")
        self.above = parsed.agency if "agency" in self.columns.index else None
        parsed.accepted_on = self._accepted(row)
        self._due(row, parsed)
        parsed.status = self._status(row)
        parsed.progress = cell(row, "progress") or None
        parsed.progress_on = self._dated(row)
        parsed.evidence = self._evidence(row)
        parsed.themes = [t.strip().lower() for t in THEME_SPLIT.split(cell(row, "themes"))]
        parsed.themes = [t for t in parsed.themes if t]
        return parsed

    def _agency(self, row: Row) -> str | None:
        written = self.columns.cell(row, "agency")
        return written or self.above or self.group.get("agency") or None

    def _day_cell(self, row: Row, name: str) -> str:
        """A date cell, without the midnight a spreadsheet saved beside the day."""
        written = self.columns.cell(row, name)
        midnight = MIDNIGHT.match(written)
        return midnight.group(1) if midnight else written

    def _accepted(self, row: Row) -> date | None:
        written = self._day_cell(row, "accepted")
        if written:
            return dates.parse_day(written)
        return self.plan.accepted.for_table(self.facts)

    def _dated(self, row: Row) -> date | None:
        written = self._day_cell(row, "progress_on")
        if written:
            return dates.parse_day(written)
        return self.columns.progress_on or self.facts.progress_on

    def _due(self, row: Row, parsed: ParsedRecommendation) -> None:
        due_text = self._day_cell(row, "due")
        timescale = self._day_cell(row, "timescale")
        written = due_text or timescale
        if not written:
            return
        if written.casefold().rstrip(".") in NO_DATE:
            parsed.timescale = written
            self._doubt(parsed, f"the timescale '{written[:60]}' gives no due date")
            return
        accepted = parsed.accepted_on
        if dates.is_relative(written) and accepted is None:
            parsed.timescale = written.strip().rstrip(".,;")
            self._doubt(parsed, f"'{parsed.timescale[:60]}' {RELATIVE_UNKNOWN}: no due date yet")
            self.plan.result.warnings.append(
                f"{self.where(row)}: '{parsed.timescale[:60]}' {RELATIVE_UNKNOWN}; it is kept "
                "as written with no due date. Give the date with --accepted DATE."
            )
            return
        try:
            found = dates.parse_due(written, accepted)
        except UserError as exc:
            raise UserError(
                f"the due date '{written[:60]}' is not a date I can read. "
                f"{exc.message.splitlines()[0]}"
            ) from exc
        parsed.due_on = found.due_on
        parsed.timescale = (
            timescale.strip().rstrip(".,;") if due_text and timescale else found.timescale
        )

    @staticmethod
    def _doubt(parsed: ParsedRecommendation, reason: str) -> None:
        parsed.confidence = min(parsed.confidence, 0.9)
        parsed.reasons.append(reason)

    def _status(self, row: Row) -> str | None:
        written = self.columns.cell(row, "status")
        if not written:
            return None
        key = " ".join(written.casefold().replace("_", " ").split()).rstrip(".")
        for words in sorted(STATUS_NAMES, key=len, reverse=True):
            if key == words or re.match(re.escape(words) + r"\b", key):
                return STATUS_NAMES[words]
        why = (
            "is a BRAG colour, which recs works out for itself"
            if key in BRAG_WORDS
            else "is not a status recs uses (not started, in progress, completed, embedded)"
        )
        self.plan.result.warnings.append(
            f"{self.where(row)}: the status '{written[:40]}' {why}; the status is left as it is."
        )
        return None

    def _evidence(self, row: Row) -> list[str]:
        written = self.columns.cell(row, "evidence")
        links = URL.findall(written)
        if written and not links:
            self.plan.result.warnings.append(
                f"{self.where(row)}: the evidence '{written[:60]}' has no web link (https://…), "
                "so it is not recorded as evidence."
            )
        return [link.rstrip(".)") for link in links]


def _qualify_labels_per_agency(table: list[ParsedRecommendation], marked: set[int]) -> None:
    """Plans that number each agency's recommendations from 1 ("Police 1–8, Health 1–5")
    label them as the reports do: "Thames Valley Police 1". Only when a label repeats across
    agencies in one table; the same label twice in one agency is an error (see below)."""
    agencies_by_label: dict[str, set[str]] = {}
    for rec in table:
        agencies_by_label.setdefault(rec.label.casefold(), set()).add((rec.agency or "").casefold())
    if not any(len(a) > 1 for a in agencies_by_label.values()):
        return
    for rec in table:
        if rec.agency:
            rec.label = f"{rec.agency} {rec.label}"[:100]
            marked.add(id(rec))


def _make_labels_unique(result: PlanParse, by_agency: set[int]) -> None:
    """Labels identify recommendations on re-import. A label repeated across sheets (a
    workbook with a sheet per agency, each numbered from 1) is qualified as the reports do,
    by its agency ("Thames Valley Police 1"), or by its sheet when the row names none. Any
    repeat left is an error naming both rows."""
    sheets_by_label: dict[str, set[str | None]] = {}
    for rec in result.recommendations:
        sheets_by_label.setdefault(label_key(rec.label), set()).add(rec.sheet)
    clashing = {s for sheets in sheets_by_label.values() if len(sheets) > 1 for s in sheets}
    for rec in result.recommendations:
        if rec.sheet is not None and rec.sheet in clashing and id(rec) not in by_agency:
            rec.label = f"{rec.agency or rec.sheet} {rec.label}"[:100]
    seen: dict[str, ParsedRecommendation] = {}
    counts = Counter(label_key(r.label) for r in result.recommendations)
    for rec in result.recommendations:
        key = label_key(rec.label)
        if counts[key] > 1 and key in seen:
            result.errors.append(
                f"{rec.where()}: the label '{rec.label}' is used again (first on "
                f"{seen[key].where()}); labels identify recommendations on re-import."
            )
        seen.setdefault(key, rec)
