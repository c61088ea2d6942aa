"""Importing a file from the command line: read it, run the whole import in one transaction,
show the preview (every problem by row, every conflict with live work), then commit it, or
roll it back for `--dry-run` or when anything is wrong. The dry run and the import are the
same run, so they refuse exactly the same files."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.imports.sheets import decode_text, delimited_rows, is_workbook

if TYPE_CHECKING:
    from bot.services.imports import Imports, PlanImport

PLAN_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}
REPORT_SUFFIXES = {".txt", ".docx", ".pdf", ".md"}


class UnknownKind(UserError):
    """A file of a kind recs does not read (by its name)."""


@dataclass
class FileParse:
    recommendations: list[ParsedRecommendation]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    accepted_on: date | None = None  # as the file's title block gave it
    summary: str | None = None  # a report's parse as a whole: found, agencies, doubts, gaps


def parse_file(
    filename: str,
    content: bytes,
    accepted_on: date | None = None,
    *,
    review_accepted: date | None = None,
    sheet: str | None = None,
) -> FileParse:
    """Reads a plan (CSV, TSV, XLSX, or a text file that is a table) or a report.

    `accepted_on` is the date given for this import (`--accepted`), `review_accepted` the
    review's own: relative timescales count from them. Raises UserError, in one line, for a
    file that can't be read at all."""
    suffix = Path(filename).suffix.lower()
    if suffix in PLAN_SUFFIXES or (suffix == ".txt" and _is_table(content)):
        return _plan(filename, content, accepted_on, review_accepted, sheet)
    if suffix in REPORT_SUFFIXES:
        return _report(filename, content, accepted_on or review_accepted)
    raise UnknownKind(
        f"I can't read '{suffix or filename}' files. Use .csv, .xlsx, .txt, .docx or .pdf "
        "(or .xls, .ods).",
        example="python app.py import plan.csv --review H",
    )


def _plan(
    filename: str,
    content: bytes,
    accepted_on: date | None,
    review_accepted: date | None,
    sheet: str | None,
) -> FileParse:
    from bot.imports.action_plan import parse_plan
    from bot.imports.sheets import read_tables

    tables = read_tables(content, filename, sheet=sheet)
    plan = parse_plan(tables, accepted_on, review_accepted=review_accepted)
    return FileParse(plan.recommendations, plan.errors, plan.warnings, plan.accepted_on)


def _report(filename: str, content: bytes, accepted_on: date | None) -> FileParse:
    from bot.imports.documents import extract_text
    from bot.imports.report_text import parse_report

    report = parse_report(extract_text(content, filename), accepted_on)
    errors = [] if report.recommendations else ["No recommendations found in the report."]
    return FileParse(report.recommendations, errors, report.warnings, summary=report.summary)


def _is_table(content: bytes) -> bool:
    """A .txt that Excel saved as "Unicode Text" or "Text (Tab delimited)": a header row of
    at least two known columns near the top. A report's prose never has one."""
    from bot.imports.columns import find_header

    if is_workbook(content):
        return True
    try:
        rows = delimited_rows(decode_text(content))
    except UserError:
        return False
    found = find_header([r for r in rows[:60] if r.filled][:20])
    return found is not None and found[1].score >= 2


# --- the command line ------------------------------------------------------------------------


def one_line(exc: UserError) -> str:
    return " ".join(str(exc).split("\n"))


def import_file(
    imports: Imports,
    path: Path,
    *,
    review: str,
    title: str | None,
    board: str | None,
    dry_run: bool,
    accepted_on: date | None = None,
    sheet: str | None = None,
    out: TextIO | None = None,
) -> int:
    """`python app.py import`: 0 imported (or a clean dry run), 1 refused, 2 not a file."""
    out = out or sys.stdout
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"Can't read {path}: {exc.strerror}", file=out)
        return 2
    try:
        done = imports.import_file(
            path.name, content, review_code=review, title=title, board_name=board,
            accepted_on=accepted_on, sheet=sheet, dry_run=dry_run,
        )  # fmt: skip
    except UnknownKind as exc:
        print(str(exc), file=out)
        return 2
    except UserError as exc:
        print(f"Nothing was imported: {one_line(exc)}", file=out)
        return 1
    print(preview(done), file=out)
    return 1 if done.problems else 0


def preview(done: PlanImport) -> str:
    """Warnings, the table, conflicts, then the problems or what was (or would be) done."""
    lines = [f"warning: {w}" for w in done.warnings]
    if done.summary:
        lines.append(f"Read: {done.summary}.")
    lines.append(preview_table(done.recommendations))
    if done.conflicts:
        lines += ["", "Conflicts with live work:", *(f"  {c}" for c in done.conflicts)]
    if done.problems:
        count = len(done.problems)
        lines += ["", f"Nothing was imported: {count} problem{'s' if count > 1 else ''}:"]
        lines += [f"  {p}" for p in done.problems]
    elif done.dry_run:
        lines += [
            "",
            f"Dry run: {len(done.recommendations)} recommendations read "
            f"({done.describe()}), nothing written.",
        ]
    else:
        lines += ["", done.describe()]
    return "\n".join(lines)


def preview_table(recs: list[ParsedRecommendation], width: int = 48) -> str:
    rows = [("label", "agency", "text", "due", "confidence")]
    for r in recs:
        rows.append(
            (
                r.label,  # never cut: per-agency labels differ only at the end
                (r.agency or "?")[:32],
                " ".join(r.text.split())[:width],
                f"{r.due_on:%d/%m/%Y}" if r.due_on else (r.timescale or "")[:20],
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


_WHERE = re.compile(r"^(?:sheet '(?P<sheet>.*?)', )?row (?P<row>\d+)")


def by_row(problems: list[str]) -> list[str]:
    """Problems in the order of the file: by sheet as read, then row."""
    sheets: list[str] = []

    def key(problem: str) -> tuple[int, int]:
        match = _WHERE.match(problem)
        if not match:
            return (-1, 0)
        sheet = match.group("sheet") or ""
        if sheet not in sheets:
            sheets.append(sheet)
        return (sheets.index(sheet), int(match.group("row")))

    return sorted(problems, key=key)
