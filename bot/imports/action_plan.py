"""Action plans as business managers keep them: CSV or XLSX, columns matched by their headers.

Every bad row is reported by its row number, and a plan with any bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.rules import dates

# Header words a business manager would use, per field, most specific first.
HEADERS: dict[str, tuple[str, ...]] = {
    "label": (
        "recommendation no",
        "recommendation number",
        "rec no",
        "number",
        "no",
        "no.",
        "#",
        "label",
        "ref",
        "reference",
    ),
    "text": ("recommendation text", "recommendation", "text", "action", "description"),
    "agency": ("owner agency", "lead agency", "agency", "organisation", "organization"),
    "directorate": ("directorate",),
    "lead_officer": ("lead officer", "responsible officer", "owner", "lead", "officer"),
    "due": (
        "due date",
        "target date",
        "timescale",
        "due",
        "deadline",
        "by when",
        "completion date",
    ),
    "status": ("status",),
    "progress": ("progress", "latest update", "update", "progress update", "comments"),
    "progress_on": ("progress date", "update date", "date of update"),
    "evidence": ("evidence", "evidence link", "evidence links", "evidence url"),
    "themes": ("themes", "theme", "tags"),
}

STATUS_NAMES = {
    "not started": "not_started",
    "not-started": "not_started",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "ongoing": "in_progress",
    "started": "in_progress",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "assured": "assured",
    "embedded": "embedded",
    "not implemented": "not_implemented",
    "superseded": "superseded",
}

PROGRESS_AT = re.compile(r"^progress\s+(?:at|as at|as of)\s+(.+)$", re.IGNORECASE)
URL = re.compile(r"https?://[^\s,;<>\"]+", re.IGNORECASE)


@dataclass
class PlanParse:
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "row 4: …"
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written


def read_rows(
    path: Path | None = None, *, content: bytes | None = None, filename: str = ""
) -> list[list[str]]:
    name = (filename or (path.name if path else "")).lower()
    data = content if content is not None else path.read_bytes() if path else b""
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    text = data.decode("utf-8-sig", errors="replace")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;") if text.strip() else csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _match_columns(header: list[str]) -> tuple[dict[str, int], dict[str, str], date | None]:
    found: dict[str, int] = {}
    progress_on: date | None = None
    names = [re.sub(r"\s+", " ", h or "").strip().lower().rstrip(":") for h in header]
    for fieldname, words in HEADERS.items():
        for word in words:
            if word in names and names.index(word) not in found.values():
                found[fieldname] = names.index(word)
                break
    for index, name in enumerate(names):
        match = PROGRESS_AT.match(name)
        if match and "progress" not in found:
            found["progress"] = index
            try:
                progress_on = dates.parse_day(match.group(1))
            except UserError:
                progress_on = None
    if "agency" not in found and "directorate" in found:
        found["agency"] = found["directorate"]
    return found, {f: header[i] for f, i in found.items()}, progress_on


def parse_plan(rows: list[list[str]], accepted_on: date | None = None) -> PlanParse:
    result = PlanParse()
    rows = [r for r in rows if any((c or "").strip() for c in r)]
    if not rows:
        result.errors.append("The file is empty.")
        return result
    columns, result.columns, progress_on = _match_columns(rows[0])
    if "text" not in columns:
        result.errors.append(
            "row 1: no column for the recommendation text. Name one 'Recommendation' or 'Text'."
        )
        return result
    for number, row in enumerate(rows[1:], start=2):
        try:
            result.recommendations.append(
                _parse_row(row, columns, number, accepted_on, progress_on)
            )
        except UserError as exc:
            result.errors.append(f"row {number}: {exc.message}")
    _check_unique_labels(result)
    return result


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row):
        return ""
    return re.sub(r"[ \t]+", " ", (row[index] or "")).strip()


def _parse_row(
    row: list[str],
    columns: dict[str, int],
    number: int,
    accepted_on: date | None,
    progress_on: date | None,
) -> ParsedRecommendation:
    text = _cell(row, columns, "text")
    if not text:
        raise UserError("the recommendation text is empty.")
    label = _cell(row, columns, "label").rstrip(".") or str(number - 1)
    due_text = _cell(row, columns, "due")
    due = None
    if due_text:
        try:
            due = dates.parse_due(due_text, accepted_on)
        except UserError as exc:
            raise UserError(
                f"the due date '{due_text[:60]}' is not a date I can read. "
                f"{exc.message.splitlines()[0]}"
            ) from exc
    status_text = _cell(row, columns, "status").lower()
    status = STATUS_NAMES.get(status_text) if status_text else None
    if status_text and status is None:
        raise UserError(
            f"the status '{status_text[:40]}' is not one of: "
            + ", ".join(sorted(set(STATUS_NAMES)))
        )
    evidence_text = _cell(row, columns, "evidence")
    evidence = URL.findall(evidence_text)
    if evidence_text and not evidence:
        raise UserError(f"the evidence '{evidence_text[:60]}' has no web link (https://…).")
    progress = _cell(row, columns, "progress")
    row_progress_on = progress_on
    if _cell(row, columns, "progress_on"):
        row_progress_on = dates.parse_day(_cell(row, columns, "progress_on"))
    directorate = _cell(row, columns, "directorate") if "directorate" in columns else ""
    themes = [t.strip().lower() for t in _cell(row, columns, "themes").split(";") if t.strip()]
    parsed = ParsedRecommendation(
        label=label[:100],
        text=text,
        agency=_cell(row, columns, "agency") or None,
        lead_officer=_cell(row, columns, "lead_officer") or None,
        due_on=due.due_on if due else None,
        timescale=due.timescale if due else None,
        status=status,
        progress=progress or None,
        progress_on=row_progress_on if progress else None,
        evidence=evidence,
        themes=themes,
        directorate=directorate or None,
        source_line=number,
    )
    return parsed


def _check_unique_labels(result: PlanParse) -> None:
    seen: dict[str, int] = {}
    for rec in result.recommendations:
        if rec.label in seen:
            result.errors.append(
                f"row {rec.source_line}: the label '{rec.label}' is used again (first on row "
                f"{seen[rec.label]}); labels identify recommendations on re-import."
            )
        seen.setdefault(rec.label, rec.source_line or 0)
