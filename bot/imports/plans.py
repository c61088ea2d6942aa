"""Importing a file from the command line: read, preview, and store in one transaction."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from bot import services
from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.imports import records as importing
from bot.rules.permissions import SYSTEM
from storage import queries
from storage.db import Database

PLAN_SUFFIXES = {".csv", ".xlsx", ".tsv"}
REPORT_SUFFIXES = {".txt", ".docx", ".pdf", ".md"}


@dataclass
class FileParse:
    recommendations: list[ParsedRecommendation]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str | None = None  # a report's parse as a whole: found, agencies, doubts, gaps


def parse_file(filename: str, content: bytes, accepted_on: date | None = None) -> FileParse:
    suffix = Path(filename).suffix.lower()
    if suffix in PLAN_SUFFIXES:
        from bot.imports.action_plan import parse_plan, read_rows

        plan = parse_plan(read_rows(content=content, filename=filename), accepted_on)
        return FileParse(plan.recommendations, plan.errors)
    if suffix in REPORT_SUFFIXES:
        from bot.imports.documents import extract_text
        from bot.imports.report_text import parse_report

        report = parse_report(extract_text(content, filename), accepted_on)
        errors = [] if report.recommendations else ["No recommendations found in the report."]
        return FileParse(report.recommendations, errors, report.warnings, report.summary)
    raise UserError(
        f"I can't read '{suffix or filename}' files. Use .csv, .xlsx, .txt, .docx or .pdf.",
        example="python app.py import plan.csv --review H",
    )


def preview_table(recs: list[ParsedRecommendation], width: int = 48) -> str:
    rows = [("label", "agency", "text", "due", "confidence")]
    for r in recs:
        rows.append(
            (
                r.label,  # never cut: per-agency labels differ only at the end
                (r.agency or "?")[:32],
                " ".join(r.text.split())[:width],
                f"{r.due_on:%d/%m/%Y}" if r.due_on else "",
                f"{r.confidence:.0%}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in recs:
        if r.confidence < 1 and r.reasons:  # why a row is in doubt
            lines.append(f"  {r.label}: " + "; ".join(r.reasons))
    return "\n".join(lines)


def import_file(
    db: Database,
    path: Path,
    *,
    review: str,
    title: str | None,
    board: str,
    dry_run: bool,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"Can't read {path}: {exc.strerror}", file=out)
        return 2
    try:
        parsed = parse_file(path.name, content, accepted_on(db, review))
    except UserError as exc:
        print(str(exc), file=out)
        return 2
    for warning in parsed.warnings:
        print(f"warning: {warning}", file=out)
    if parsed.errors:
        print("Nothing was imported:", file=out)
        for error in parsed.errors:
            print(f"  {error}", file=out)
        return 1
    if parsed.summary:
        print(f"Read: {parsed.summary}.", file=out)
    print(preview_table(parsed.recommendations), file=out)
    if dry_run:
        print(
            f"\nDry run: {len(parsed.recommendations)} recommendations read, nothing written.",
            file=out,
        )
        return 0
    try:
        with db.unit_of_work() as uow:
            target = queries.first_board(uow.session) or services.ensure_board(uow, SYSTEM, board)
            found = queries.review_by_code(uow.session, review, [target.id])  # type: ignore[list-item]
            rev = found or services.ensure_review(uow, SYSTEM, target, review, title)
            result = importing.import_recommendations(uow, SYSTEM, rev, parsed.recommendations)
            uow.commit()
    except UserError as exc:
        print(f"Nothing was imported: {exc}", file=out)
        return 1
    print(f"\n{result.describe()}", file=out)
    return 0


def accepted_on(db: Database, code: str, today: date | None = None) -> date:
    """The date a review's relative timescales count from: its accepted date, else today
    (the caller's clock, or the database's)."""
    with db.unit_of_work(write=False) as uow:
        review = queries.review_by_code(uow.session, code, queries.EVERY_BOARD)
        if review and review.accepted_on:
            return review.accepted_on
        return today or uow.now.date()
