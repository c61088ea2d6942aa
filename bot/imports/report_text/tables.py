"""Action-plan tables: a tab-separated header with a "Recommendation" column, read row by
row, each column by what its header says it holds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from bot.imports import ParsedRecommendation
from bot.imports.report_text.agencies import _agency_phrase, _subject
from bot.imports.report_text.boundaries import _fit_for_storage
from bot.imports.report_text.lines import _clean, _Line, _quote
from bot.imports.report_text.recommendations import _inline_parts
from bot.imports.report_text.result import (
    _AGENCY_PHRASE_GUESSED,
    _BLANK_LINE_JOIN,
    _DUPLICATE_LABEL,
    _NO_AGENCY,
    _PAGE_BREAK_JOIN,
    _SHORT_TEXT,
    ReportParse,
    _confidence,
    _dedupe,
    _summary,
)
from bot.imports.report_text.timescales import _timescale
from bot.rules import dates


@dataclass(frozen=True)
class _Columns:
    """What each column of a table holds, from its header cells."""

    header: list[str]
    roles: list[str]

    def index(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None


def _column_role(header: str) -> str:
    h = header.casefold().strip()
    if re.fullmatch(
        r"(?:no\.?|number|ref\.?|#|rec(?:ommendation)?\.? ?(?:no\.?|number|ref\.?))", h
    ):
        return "label"
    checks = [
        ("text", r"recommendation"),
        ("lead", r"lead officer|responsible officer|lead person|named lead"),
        ("agency", r"agency|directorate|organi[sz]ation|owner|responsib|service|lead"),
        ("progress", r"progress|update|position|comment"),
        ("timescale", r"timescale|timeframe|target|deadline|due|by when|date"),
        ("status", r"status|\brag\b|brag"),
        ("evidence", r"evidence"),
    ]
    return next((role for role, pattern in checks if re.search(pattern, h)), "other")


def _table_header(line: _Line) -> _Columns | None:
    if "\t" not in line.raw:
        return None
    header = [_clean(c) for c in line.raw.split("\t")]
    filled = [c for c in header if c]
    if len(filled) < 2 or any(len(c) > 60 or re.fullmatch(r"[\d.]+", c) for c in filled):
        return None
    roles = [_column_role(c) if c else "other" for c in header]
    return _Columns(header, roles) if "text" in roles else None


@dataclass
class _Row:
    label: str | None
    source_line: int
    cells: dict[int, list[str]] = field(default_factory=dict)
    lines: int = 1
    gaps: set[str] = field(default_factory=set)  # "page break", "blank line" inside the row

    def add(self, index: int, text: str) -> None:
        if text:
            self.cells.setdefault(index, []).append(text)

    def cell(self, index: int | None) -> str:
        if index is None:
            return ""
        return " ".join(" ".join(self.cells.get(index, [])).split())


_ROW_LABEL = re.compile(r"^\(?(?P<num>\d{1,3})[.):]?(?:\s+|$)")
# A DHR's per-agency numbering at the start of the recommendation cell: "Police 2: …",
# "Overview 1 – …", or the label alone in the cell.
_AGENCY_ROW_LABEL = re.compile(
    r"^(?P<label>[A-Z][\w'’&-]*(?: [A-Z][\w'’&-]*){0,3} \d{1,2})(?:\s*[:.)–—-]\s+|\s*$)"
)


def _read_table(lines: list[_Line], start: int, columns: _Columns) -> tuple[list[_Row], list[str]]:
    """Rows spill over several lines and page breaks; a labelled cell starts a new row."""
    rows: list[_Row] = []
    warnings: list[str] = []
    gap: str | None = None
    text_column = columns.index("text")
    label_column = columns.index("label")
    body = list(_table_body(lines, start))
    cells_by_line = [[_clean(c) for c in line.raw.split("\t")] for line in body if line.text]
    # With no numbers to go by, a spilled line cannot be told from a new row: one line, one row.
    labelled = any(_row_label(c, label_column, text_column) for c in cells_by_line)
    last = len(columns.roles) - 1
    for line in body:
        if line.page_break or not line.text:
            gap = "page break" if line.page_break else gap or "blank line"
            continue
        cells = [_clean(c) for c in line.raw.split("\t")]
        label = _row_label(cells, label_column, text_column)
        if label is not None:
            rows.append(_Row(label[0], line.number))
            cells[label[1]] = label[2]
        elif not labelled:
            rows.append(_Row(None, line.number))
        elif rows:
            rows[-1].lines += 1
            if gap:
                rows[-1].gaps.add(gap)
        else:
            warnings.append(f"line {line.number}: skipped table row '{_quote(line.text)}'")
            continue
        for index, cell in enumerate(cells):
            rows[-1].add(min(index, last), cell)
        gap = None
    return rows, warnings


def _table_body(lines: list[_Line], start: int) -> Iterator[_Line]:
    """The lines of a table: tab lines, with blank lines and page breaks between them, and
    lines without a tab straight after a row (its first cell wrapping on alone)."""
    previous_in_row = True
    for line in lines[start:]:
        if line.text and "\t" not in line.raw and not previous_in_row:
            return
        previous_in_row = bool(line.text)
        yield line


def _row_label(
    cells: list[str], label_column: int | None, text_column: int | None
) -> tuple[str, int, str] | None:
    """(label, column it was in, what is left of that cell), if this line starts a row."""
    if label_column is not None and label_column < len(cells):
        match = re.fullmatch(r"\(?(\d{1,3}(?:\.\d{1,2})?)[.):]?", cells[label_column])
        return (match.group(1), label_column, "") if match else None
    if text_column is not None and text_column < len(cells):
        match = _ROW_LABEL.match(cells[text_column])
        if match:
            return match.group("num"), text_column, cells[text_column][match.end() :]
        per_agency = _AGENCY_ROW_LABEL.match(cells[text_column])
        if per_agency:
            rest = cells[text_column][per_agency.end() :]
            return per_agency.group("label"), text_column, rest
    return None


_HEADER_DAY = re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{2}|\d{4})\b")


def _header_date(header: str) -> date | None:
    """The day a "Progress at 31.10.14" column speaks for."""
    match = _HEADER_DAY.search(header)
    if not match:
        return None
    try:
        parsed = dates.parse_day(match.group(0))
        if parsed.year >= 1990:  # a two-digit year read literally would be the year 14
            return parsed
    except Exception:
        pass
    year = int(match.group("year"))
    year += 2000 if year < 100 else 0
    try:
        return date(year, int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None


def _row_recommendation(
    row: _Row, columns: _Columns, accepted_on: date | None, progress_on: date | None
) -> ParsedRecommendation:
    text = row.cell(columns.index("text"))
    reasons: list[tuple[str, float]] = []
    agency_column = columns.index("agency")
    agency = row.cell(agency_column) or None
    if agency and agency_column is not None:
        reasons.append((f"agency from the '{columns.header[agency_column]}' column", 0))
    elif (subject := _subject(text)) and (phrase := _agency_phrase(subject)):
        agency = phrase
        reasons.append((f"agency from the text '{_quote(phrase)}'", _AGENCY_PHRASE_GUESSED))
    else:
        reasons.append(("no agency found", _NO_AGENCY))
    if row.lines > 1:
        reasons.append((f"row continued over {row.lines} lines", 0))
    for gap in sorted(row.gaps):
        penalty = _PAGE_BREAK_JOIN if gap == "page break" else _BLANK_LINE_JOIN
        reasons.append((f"row joined across a {gap}", penalty))
    timescale_cell = row.cell(columns.index("timescale"))
    timescale, due_on, time_reasons = _timescale(
        f"Timescale: {timescale_cell}" if timescale_cell else text, accepted_on
    )
    reasons += time_reasons
    if len(text.split()) < 5:
        reasons.append(("text very short", _SHORT_TEXT))
    progress = row.cell(columns.index("progress")) or None
    evidence = re.findall(r"https?://\S+", row.cell(columns.index("evidence")))
    return ParsedRecommendation(
        label=row.label or "",
        text=text,
        agency=agency,
        due_on=due_on,
        timescale=timescale,
        status=row.cell(columns.index("status")) or None,
        progress=progress,
        progress_on=progress_on if progress else None,
        evidence=evidence,
        parts=_inline_parts(text),
        confidence=_confidence(reasons),
        reasons=_dedupe([reason for reason, _ in reasons]),
        source_line=row.source_line,
    )


def _read_tables(lines: list[_Line], accepted_on: date | None) -> ReportParse:
    result = ReportParse()
    for index, line in enumerate(lines):
        columns = _table_header(line)
        if columns is None:
            continue
        rows, warnings = _read_table(lines, index + 1, columns)
        if not rows:
            continue
        progress_column = columns.index("progress")
        progress_on = (
            _header_date(columns.header[progress_column]) if progress_column is not None else None
        )
        result.sections.append(" | ".join(c for c in columns.header if c))
        result.warnings += warnings
        for row in rows:
            recommendation = _row_recommendation(row, columns, accepted_on, progress_on)
            if recommendation.text:
                result.recommendations.append(recommendation)
            else:  # storage takes no empty text; one such row must not refuse the rest
                result.warnings.append(f"line {row.source_line}: skipped a row with no text")
    _unique_table_labels(result.recommendations)
    for recommendation in result.recommendations:
        _fit_for_storage(recommendation)
    gaps = _table_gaps(result.recommendations)
    result.warnings += [f"the numbering skips {gap}: check that no row was missed" for gap in gaps]
    result.summary = _summary(result.recommendations, gaps)
    return result


def _table_gaps(recommendations: list[ParsedRecommendation]) -> list[str]:
    """Numbers missing between one numbered row and the next (a lower number restarts)."""
    gaps: list[str] = []
    last: int | None = None
    for recommendation in recommendations:
        if not recommendation.label.isdigit():
            continue
        number = int(recommendation.label)
        if last is not None and number > last + 1:
            gaps += [str(n) for n in range(last + 1, number)]
        last = number
    return gaps


def _unique_table_labels(recommendations: list[ParsedRecommendation]) -> None:
    seen: Counter[str] = Counter()
    for number, recommendation in enumerate(recommendations, 1):
        if not recommendation.label:
            recommendation.label = str(number)
            recommendation.reasons.append("no label in the table; numbered in order")
        seen[recommendation.label] += 1
        if seen[recommendation.label] > 1:
            recommendation.label = f"{recommendation.label} ({seen[recommendation.label]})"
            recommendation.reasons.append("duplicate label")
            recommendation.confidence = max(
                0.0, round(recommendation.confidence - _DUPLICATE_LABEL, 2)
            )
