"""The XLSX action-plan tracker: one row per recommendation with its BRAG cell coloured, a
frozen header and filters; a second sheet with every update and a third with every piece of
evidence, each a hyperlink."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.paper import BoardPaper, TrackerRow
from bot.rules.text import shown_with_host

# Fill colours a printed tracker reads well in, strong enough to tell apart in greyscale.
BRAG_FILLS = {
    "blue": "9DC3E6",
    "red": "FF7C80",
    "amber": "FFC000",
    "green": "A9D08E",
    "grey": "D9D9D9",
}
HEADER_FILL = "1F3864"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

# (heading, width in characters, wrap)
TRACKER_COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("Ref", 8, False),
    ("Label", 8, False),
    ("Recommendation", 60, True),
    ("Owner agency", 28, True),
    ("Lead officer", 18, True),
    ("Due", 12, False),
    ("Timescale", 20, True),
    ("Original timescale", 20, True),
    ("Status", 16, True),
    ("BRAG", 9, False),
    ("Latest update", 60, True),
    ("Update date", 12, False),
    ("Evidence", 40, True),
    ("Due-date moves", 10, False),
)
UPDATE_COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("Ref", 8, False),
    ("When (UTC)", 17, False),
    ("Author", 18, True),
    ("Status to", 14, False),
    ("Source", 14, False),
    ("Update", 90, True),
)
EVIDENCE_COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("Ref", 8, False),
    ("Posted (UTC)", 17, False),
    ("State", 12, False),
    ("Link", 60, True),
    ("Description", 60, True),
)


def tracker_xlsx(paper: BoardPaper) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracker"
    _header(sheet, TRACKER_COLUMNS)
    for index, row in enumerate(paper.rows, start=2):
        _tracker_row(sheet, index, row)
    _finish(sheet, TRACKER_COLUMNS, len(paper.rows))

    updates = book.create_sheet("Updates")
    _header(updates, UPDATE_COLUMNS)
    for index, u in enumerate(paper.updates, start=2):
        _put(updates, index, [u.ref, _naive(u.at), u.author, u.status_to or "", u.source, u.text])
    _finish(updates, UPDATE_COLUMNS, len(paper.updates))

    evidence = book.create_sheet("Evidence")
    _header(evidence, EVIDENCE_COLUMNS)
    index = 2
    for row in paper.rows:
        for item in row.evidence:
            _put(
                evidence,
                index,
                [row.ref, _naive(item.posted_at), item.state, item.url, item.description],
            )
            _link(evidence.cell(index, 4), item.url)
            index += 1
    _finish(evidence, EVIDENCE_COLUMNS, index - 2)

    book.properties.title = paper.title
    book.properties.creator = "recs"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _tracker_row(sheet: Worksheet, index: int, row: TrackerRow) -> None:
    first = row.evidence[0] if row.evidence else None
    evidence_text = ""
    if first:
        evidence_text = shown_with_host(first.description, first.url)  # the label's real host
        if len(row.evidence) > 1:
            evidence_text += f" (+{len(row.evidence) - 1} more: see Evidence sheet)"
    _put(
        sheet,
        index,
        [
            row.ref,
            row.label,
            row.text,
            row.agency,
            row.lead_officer,
            row.due_on,
            row.timescale,
            row.original_timescale,
            row.status_words,
            row.brag.upper(),
            row.latest_update,
            row.latest_update_at.date() if row.latest_update_at else None,
            evidence_text,
            row.due_moves,
        ],
    )
    brag = sheet.cell(index, 10)
    brag.fill = PatternFill("solid", start_color=BRAG_FILLS.get(row.brag, "FFFFFF"))
    brag.font = Font(bold=True)
    if first:
        _link(sheet.cell(index, 13), first.url)


def _header(sheet: Worksheet, columns: Sequence[tuple[str, int, bool]]) -> None:
    for number, (title, width, _wrap) in enumerate(columns, start=1):
        cell = sheet.cell(1, number, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color=HEADER_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(number)].width = width


def _put(sheet: Worksheet, index: int, values: Sequence[Any]) -> None:
    for number, value in enumerate(values, start=1):
        cell = sheet.cell(index, number, value)
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT


def _finish(sheet: Worksheet, columns: Sequence[tuple[str, int, bool]], rows: int) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
    for number, (_title, _width, wrap) in enumerate(columns, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
            cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _link(cell: Any, url: str) -> None:
    if url.startswith(("http://", "https://")):
        cell.hyperlink = url
        cell.font = Font(color="0563C1", underline="single")


def _naive(moment: datetime) -> datetime:
    # Excel has no time zones; the heading says UTC.
    return moment.replace(tzinfo=None)
