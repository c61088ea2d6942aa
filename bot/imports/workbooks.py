"""Workbooks as Excel and LibreOffice save them: .xlsx (openpyxl), the older .xls (xlrd) and
LibreOffice's own .ods (its XML, read with lxml). Every visible sheet becomes a table of text
cells, numbered as the sheet numbers its rows, with cells merged over several rows filled
down. Each reader fails only with `UserError`, in one line (bot/imports/sheets.py)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.imports.sheets import Row, Table, clean_cell, refusal

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_REPEAT = 1000  # LibreOffice repeats an empty row or cell to the sheet's end: a million
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}


@dataclass
class Sheet:
    """One sheet as read: its rows (blank ones may be left out), whether it is hidden, and
    its merged cells that span rows: (first row number, last row number, column index)."""

    title: str
    rows: list[Row] = field(default_factory=list)
    hidden: bool = False
    merges: list[tuple[int, int, int]] = field(default_factory=list)


def workbook_tables(content: bytes, name: str, *, sheet: str | None = None) -> list[Table]:
    """One table per visible sheet. With `sheet`, every other sheet is still read but not
    chosen: a label comes out the same whichever sheets are imported."""
    if content.startswith(b"PK") and (
        _zip_member(content, "mimetype") == ODS_MIME or name.lower().endswith(".ods")
    ):
        sheets = ods_sheets(content, name)
    elif content.startswith(b"PK"):
        sheets = xlsx_sheets(content, name)
    else:
        sheets = xls_sheets(content, name)
    return _tables(sheets, name, sheet)


def _tables(sheets: list[Sheet], name: str, wanted: str | None) -> list[Table]:
    shown = [s for s in sheets if not s.hidden] or sheets
    if wanted:
        named = [s for s in sheets if s.title.casefold() == wanted.strip().casefold()]
        if not named:
            titles = ", ".join(f"'{s.title}'" for s in sheets)
            raise refusal(f"{name} has no sheet called '{wanted[:60]}'; its sheets are {titles}.")
        shown = [*shown, *(s for s in named if s not in shown)]
    else:
        named = shown
    return [Table(_filled(s), s.title, chosen=s in named) for s in shown]


def _filled(sheet: Sheet) -> list[Row]:
    """A cell merged over several rows (an agency written once beside its recommendations)
    gives its value to each row it covers. Merges across columns only (a title, a heading)
    stay in their first cell, so they never become data."""
    by_number = {row.number: row for row in sheet.rows}
    for first, last, column in sheet.merges:
        top = by_number.get(first)
        if top is None or column >= len(top.cells) or not top.cells[column]:
            continue
        for number in range(first + 1, last + 1):
            row = by_number.get(number)
            if row is None:
                continue
            row.cells.extend([""] * (column + 1 - len(row.cells)))
            if not row.cells[column]:
                row.cells[column] = top.cells[column]
    return sheet.rows


def cell_text(value: object) -> str:
    """A cell as text: dates day-exact (ISO), whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return ""  # a time alone says nothing a plan needs
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(str(value))


def _zip_member(content: bytes, member: str) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read(member).strip() if member in archive.namelist() else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _zip_names(content: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


# --- .xlsx -----------------------------------------------------------------------------------


def xlsx_sheets(content: bytes, name: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        # Not read-only: merged cells are only known to a fully loaded sheet.
        book = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # zipfile, lxml and openpyxl each fail their own way
        if any(n.startswith("word/") for n in _zip_names(content)):
            raise refusal(f"{name} is a Word document, not a spreadsheet.") from exc
        raise refusal(f"{name} is not an Excel workbook I can open: it may be damaged.") from exc
    return [_xlsx_sheet(ws) for ws in book.worksheets]


def _xlsx_sheet(ws: Any) -> Sheet:
    rows = [
        Row(number, [cell_text(v) for v in values])
        for number, values in enumerate(
            ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True), start=1
        )
    ]
    merges = [
        (m.min_row, m.max_row, m.min_col - 1)
        for m in ws.merged_cells.ranges
        if m.max_row > m.min_row
    ]
    return Sheet(ws.title, rows, ws.sheet_state != "visible", merges)


# --- .xls ------------------------------------------------------------------------------------


def xls_sheets(content: bytes, name: str) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error and others
        if "encrypt" in str(exc).lower():
            raise refusal(f"{name} is protected by a password: save a copy without one.") from exc
        raise refusal(
            f"{name} is an Office file but not an Excel workbook I can open: it may be damaged, "
            "protected by a password, or a Word document."
        ) from exc
    return [_xls_sheet(book, ws) for ws in book.sheets()]


def _xls_sheet(book: Any, ws: Any) -> Sheet:
    import xlrd

    def text(cell: Any) -> str:
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            except (ValueError, OverflowError):
                return ""
        if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        return cell_text(cell.value)

    rows = [Row(r + 1, [text(c) for c in ws.row(r)]) for r in range(ws.nrows)]
    merges = [(rlo + 1, rhi, clo) for rlo, rhi, clo, _ in ws.merged_cells if rhi - rlo > 1]
    return Sheet(ws.name, rows, bool(ws.visibility), merges)


# --- .ods ------------------------------------------------------------------------------------


def ods_sheets(content: bytes, name: str) -> list[Sheet]:
    from lxml import etree

    try:
        root = etree.fromstring(_zip_member(content, "content.xml") or b"")
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise refusal(
            f"{name} is not a LibreOffice spreadsheet I can open: it may be damaged."
        ) from exc
    hidden = {
        style.get(_q("style", "name"))
        for style in root.iterfind(".//style:style[@style:family='table']", _NS)
        if style.find("style:table-properties[@table:display='false']", _NS) is not None
    }
    sheets = []
    for table in root.iterfind(".//office:spreadsheet/table:table", _NS):
        rows, merges = _ods_rows(table)
        title = table.get(_q("table", "name")) or "Sheet"
        sheets.append(Sheet(title, rows, table.get(_q("table", "style-name")) in hidden, merges))
    return sheets


def _q(prefix: str, local: str) -> str:
    return f"{{{_NS[prefix]}}}{local}"


def _ods_rows(table: Any) -> tuple[list[Row], list[tuple[int, int, int]]]:
    rows: list[Row] = []
    merges: list[tuple[int, int, int]] = []
    number = 0
    for element in table.iter(_q("table", "table-row")):
        repeat = int(element.get(_q("table", "number-rows-repeated")) or 1)
        cells = list(_ods_cells(element, number + 1, merges))
        if any(cells):
            for offset in range(min(repeat, MAX_REPEAT)):
                rows.append(Row(number + 1 + offset, list(cells)))
        number += repeat
    return rows, merges


def _ods_cells(row: Any, number: int, merges: list[tuple[int, int, int]]) -> Iterator[str]:
    column = 0
    pending: list[str] = []  # blank cells, written only if a filled one follows
    for cell in row:
        if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
            continue
        repeat = int(cell.get(_q("table", "number-columns-repeated")) or 1)
        value = _ods_value(cell) if cell.tag == _q("table", "table-cell") else ""
        spanned = int(cell.get(_q("table", "number-rows-spanned")) or 1)
        if spanned > 1:
            merges.append((number, number + spanned - 1, column))
        if not value:
            pending.extend([""] * min(repeat, MAX_REPEAT))
        else:
            yield from pending
            pending = []
            yield from [value] * min(repeat, MAX_REPEAT)
        column += repeat


def _ods_value(cell: Any) -> str:
    kind = cell.get(_q("office", "value-type"))
    if kind == "date":
        return (cell.get(_q("office", "date-value")) or "")[:10]
    if kind in ("float", "percentage", "currency"):
        try:
            return cell_text(float(cell.get(_q("office", "value")) or ""))
        except ValueError:
            return ""
    if kind == "boolean":
        return cell.get(_q("office", "boolean-value")) or ""
    return clean_cell("\n".join(_paragraph(p) for p in cell.iterfind("text:p", _NS)))


def _paragraph(paragraph: Any) -> str:
    """A paragraph's text, with LibreOffice's run-length spaces, tabs and breaks written out."""
    parts: list[str] = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == _q("text", "s"):
            parts.append(" " * int(child.get(_q("text", "c")) or 1))
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)
