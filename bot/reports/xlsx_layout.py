"""How the tracker's sheets look on screen and on paper: a dark header row, frozen and
filtered; wrapped text with each row as tall as its longest cell; and a print setup of A4
landscape, one page wide, the header row repeated on every page, the marking, the title and
"Page N of M" in the margins."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from bot.reports.paper import BoardPaper

HEADER_FILL = "1F3864"
FONT = "Calibri"  # the workbook default: a font without a name prints in a serif
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

# openpyxl does not measure text. A column `width` characters wide (of the default font's
# digits) holds about that many characters of prose, a little more; a line of 11-point text
# is 15 points high. Over-estimating by a line costs white space; under-estimating hides text.
CHARACTERS_PER_WIDTH = 1.2
LINE_POINTS = 15.0
MAX_ROW_POINTS = 409.0  # Excel's limit
A4 = 9  # openpyxl's paperSize for A4


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # in characters
    wrap: bool = False


def header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(1, number, column.title)
        cell.font = Font(name=FONT, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color=HEADER_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(number)].width = column.width


def put(sheet: Worksheet, index: int, values: Sequence[Any]) -> None:
    for number, value in enumerate(values, start=1):
        cell = sheet.cell(index, number, value)
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT


def link(cell: Any, url: str) -> None:
    if url.startswith(("http://", "https://")):
        cell.hyperlink = url
        cell.font = Font(name=FONT, color="0563C1", underline="single")


def lines_needed(text: str, width: int) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(values: Sequence[Any], columns: Sequence[Column]) -> float:
    lines = 1
    for value, column in zip(values, columns, strict=False):
        if column.wrap and value:
            lines = max(lines, lines_needed(str(value), column.width))
    return min(MAX_ROW_POINTS, lines * LINE_POINTS + 2)


def finish(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: int,
    paper: BoardPaper,
    *,
    printed: int | None = None,
    note: str = "",
    filters: bool = True,
) -> None:
    """Freezes and filters the header, wraps and sizes each row, and sets up printing."""
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    if filters:
        sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
    # Two lines for the bold headings ("Update date" in a date-wide column wraps).
    sheet.row_dimensions[1].height = 2 * LINE_POINTS + 2
    for index, row in enumerate(sheet.iter_rows(min_row=2, max_row=rows + 1), start=2):
        for cell, column in zip(row, columns, strict=False):
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
        sheet.row_dimensions[index].height = row_height([c.value for c in row], columns)
    _print_setup(sheet, columns, rows, paper, printed=printed, note=note)


def _print_setup(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: int,
    paper: BoardPaper,
    *,
    printed: int | None,
    note: str,
) -> None:
    """A4 landscape, one page wide (as many pages down as it takes), the header row on each
    page; the printed columns, if fewer than all, are the print area."""
    sheet.print_title_rows = "1:1"
    if printed is not None and printed < len(columns):
        sheet.print_area = f"A1:{get_column_letter(printed)}{rows + 1}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    sheet.oddHeader.left.text = _escape(f"{paper.title}: {sheet.title}")
    sheet.oddHeader.center.text = _escape(paper.marking)
    sheet.oddHeader.center.font = "Arial,Bold"
    sheet.oddHeader.right.text = _escape(f"At {paper.day:%d/%m/%Y}")
    sheet.oddFooter.left.text = _escape(note)
    sheet.oddFooter.center.text = _escape(paper.marking)
    sheet.oddFooter.center.font = "Arial,Bold"
    sheet.oddFooter.right.text = "Page &P of &N"


def _escape(text: str) -> str:
    # An ampersand starts a header code (&P, &N); a literal one is written twice.
    return text.replace("&", "&&")[:250]
