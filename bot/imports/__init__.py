"""Importers: action plans (CSV, XLSX) and review reports (text, DOCX, PDF) into recommendations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ParsedRecommendation:
    """One recommendation as read from a file, before it is stored."""

    label: str
    text: str
    agency: str | None = None
    directorate: str | None = None  # the council directorate, where a cabinet paper names one
    lead_officer: str | None = None  # as written: an email, a Slack user id or a name
    due_on: date | None = None
    timescale: str | None = None  # as written
    status: str | None = None
    progress: str | None = None  # latest progress text
    progress_on: date | None = None  # the day the row's data was written (dates a re-import)
    evidence: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # a), b), c) sub-actions
    themes: list[str] = field(default_factory=list)
    confidence: float = 1.0  # 0..1
    reasons: list[str] = field(default_factory=list)  # why the confidence is what it is
    source_line: int | None = None  # row (CSV/XLSX) or line (text) it came from
    sheet: str | None = None  # the workbook sheet it came from, when there are several
    accepted_on: date | None = None  # the day its timescale counts from, when known

    def where(self) -> str:
        """Where a person finds it in the file: "row 4", "sheet 'Police', row 4"."""
        if self.source_line is None:
            return f"recommendation {self.label}"
        row = f"row {self.source_line}"
        return f"sheet '{self.sheet}', {row}" if self.sheet else row
