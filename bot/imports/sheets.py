"""Tables out of the files boards keep their plans in, as Excel, LibreOffice or Word write them.

Delimited text (CSV, TSV, Excel's "Unicode Text") in UTF-8 with or without a BOM, UTF-16 or
Windows-1252, its delimiter sniffed from whole rows rather than the first few kilobytes; and
workbooks (.xlsx, .xls, .ods: bot/imports/workbooks.py). Rows keep the numbers the file shows
them by, so a problem can be named where a person will look.

A file that is none of these is refused with one line naming the problem and the shape of a
good file (`UserError`); nothing here raises anything else for what a file holds.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.errors import UserError

GOOD_FILE = (
    "a CSV or XLSX file with a header row naming its columns, such as "
    "'No, Recommendation, Agency, Lead officer, Due date'"
)
DELIMITERS = (",", "\t", ";", "|")
SNIFF_ROWS = 200  # rows read to choose the delimiter: whole rows, however long their cells
MAX_CELL = 1_000_000  # characters: far beyond any recommendation, short of a runaway quote
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_EXCEL_SEP = re.compile(r"^\ufeff?sep=(.)\r?\n", re.IGNORECASE)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, .doc, or an encrypted workbook
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class Row:
    """One row as the file numbers it (a CSV record, a sheet's row), its cells as text."""

    number: int
    cells: list[str]

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass
class Table:
    """The rows of one CSV file or one sheet of a workbook (`sheet` names it)."""

    rows: list[Row] = field(default_factory=list)
    sheet: str | None = None
    # False for a sheet read only so that labels come out the same as when the whole
    # workbook is imported (`--sheet` names another).
    chosen: bool = True


def refusal(problem: str) -> UserError:
    """A file refused in one line: what is wrong, and what a good file looks like."""
    return UserError(f"{problem} Give {GOOD_FILE}.")


def is_workbook(content: bytes) -> bool:
    """A zip (.xlsx, .ods) or an Office compound file (.xls), whatever the file is called."""
    return content.startswith((_ZIP, _OLE))


def read_tables(content: bytes, filename: str, *, sheet: str | None = None) -> list[Table]:
    """Every table in the file: one for delimited text, one per sheet of a workbook."""
    name = filename or "the file"
    if not content.strip():
        raise refusal(f"{name} is empty.")
    if is_workbook(content):
        from bot.imports.workbooks import workbook_tables

        return workbook_tables(content, name, sheet=sheet)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise refusal(f"{name} is not an Excel workbook: its content is not a workbook's.")
    if sheet:
        raise refusal(f"{name} is delimited text, which has no sheets; leave out --sheet.")
    return [Table(delimited_rows(decode_text(content, name)))]


# --- text ------------------------------------------------------------------------------------


def decode_text(data: bytes, name: str = "the file") -> str:
    """The file's text, whichever encoding Excel, LibreOffice or Word wrote it in.

    A byte-order mark decides; else UTF-8 if it decodes (and has no NULs); else
    charset-normalizer chooses between UTF-16 without a mark and Windows-1252 (Excel's "CSV" on a UK machine). Asking
    it to choose among every code page would let short Windows-1252 files read as Central
    European ones. Bytes that are none of these are refused rather than guessed at.
    """
    text = _decoded(data)
    if text is None or _looks_binary(text):
        raise refusal(
            f"{name} is not text in an encoding I know (UTF-8, UTF-16 or Windows-1252); "
            "it may be a different kind of file renamed."
        )
    return text.lstrip("\ufeff")


def _decoded(data: bytes) -> str | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" not in data[:4096]:  # UTF-16 without a mark decodes as UTF-8, NULs and all
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["utf_16_le", "utf_16_be", "cp1252"]).best()
    return str(best) if best is not None else None


def _looks_binary(text: str) -> bool:
    """Control characters no spreadsheet or document writes, in more than a stray cell."""
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000)


def delimited_rows(text: str) -> list[Row]:
    """CSV/TSV records numbered as a spreadsheet shows them (a quoted cell may span lines)."""
    declared = _EXCEL_SEP.match(text)  # Excel's own "sep=;" first line
    if declared:
        text = text[declared.end() :]
    delimiter = declared.group(1) if declared else sniff_delimiter(text)
    first = 2 if declared else 1
    rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for number, cells in enumerate(reader, start=first):
            rows.append(Row(number, [clean_cell(c) for c in cells]))
    except csv.Error as exc:
        raise refusal(
            f"Record {len(rows) + first} of the file can't be read ({exc}): a quote may never close."
        ) from None
    finally:
        csv.field_size_limit(previous)
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most rows into the same number of cells.

    Whole rows are read, so a long first cell or a title line without a delimiter does not
    blind it (csv.Sniffer looks at the first 4 KB and gives up); a single column reads as
    comma-separated.
    """
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = Counter(
            len(cells)
            for cells in _first_rows(text, delimiter)
            if len(cells) > 1 and any(c.strip() for c in cells)
        )
        if not counts:
            continue
        rows = counts.most_common(1)[0][1]
        if rows > best_score:
            best, best_score = delimiter, rows
    return best


def _first_rows(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) >= SNIFF_ROWS:
                break
    except csv.Error:
        pass  # this delimiter reads badly; the rows so far still count
    finally:
        csv.field_size_limit(previous)
    return rows


def clean_cell(cell: str) -> str:
    """A cell's text as compared and stored: one kind of line end, no NULs, no edge spaces."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
