"""Plain text out of the files a board shares: .txt, .docx and .pdf review reports.

The text is shaped for `bot.imports.report_text`: Word tables become tab-separated lines
(one line per row), Word's automatic list numbers and bullets are written out ("12. ", "a) ",
"• "), set in by four spaces a level, and PDF pages are separated by form feeds so page
breaks can be seen.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from bot.errors import UserError

__all__ = ["SUPPORTED_SUFFIXES", "extract_text"]

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
_EXAMPLE = "Share the report as a .txt, .docx or .pdf file."


def extract_text(source: str | Path | bytes, filename: str) -> str:
    """The text of a report, read by the kind its file name says it is.

    `source` is the file's path or its bytes (as downloaded from Slack). Raises
    `UserError` for a kind we cannot read, or a file that is damaged or has no text.
    """
    suffix = Path(filename).suffix.casefold()
    reader = _READERS.get(suffix)
    if reader is None:
        kind = f"'{suffix}' files" if suffix else "files without an extension"
        raise UserError(f"I can't read {kind} as a review report.", example=_EXAMPLE)
    return reader(_bytes_of(source, filename))


def _bytes_of(source: str | Path | bytes, filename: str) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UserError(f"I can't open {filename}: {exc.strerror or exc}.") from exc


# --- .txt -----------------------------------------------------------------------------------


def _text_from_txt(data: bytes) -> str:
    # Word saves "Plain Text" as Windows-1252 or, for "Unicode", UTF-16: detected, never
    # guessed; bytes that are no text at all are refused (bot/imports/sheets.py).
    from bot.imports.sheets import decode_text

    return decode_text(data, "That file")


# --- .docx ----------------------------------------------------------------------------------


def _text_from_docx(data: bytes) -> str:
    import docx  # python-docx: loaded only when a Word file arrives
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx fails in many ways on a damaged or foreign file
        raise UserError("That file is not a Word document I can open.", example=_EXAMPLE) from exc
    numbering = _ListNumbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += ["", *_table_lines(block, numbering), ""]
        else:
            lines.append(numbering.prefix(block) + block.text)
    return "\n".join(lines)


def _table_lines(table: Any, numbering: _ListNumbering) -> Iterator[str]:
    """One line per row, cells joined by tabs; a merged cell is written once."""
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # python-docx repeats a cell once per grid column it spans
                continue
            previous = cell._tc
            paragraphs = (numbering.prefix(p) + p.text for p in cell.paragraphs)
            cells.append(" ".join(" ".join(paragraphs).split()))
        yield "\t".join(cells)


class _ListNumbering:
    """Word keeps list numbers out of the text; this writes them back ("3. ", "b) ").

    Counters follow the numbering definitions (`numbering.xml`): each list (numId) counts
    per level, and a deeper level restarts when a shallower one moves on.
    """

    def __init__(self, document: Any) -> None:
        try:
            self._root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self._root = None
        self._counters: dict[str, dict[int, int]] = {}

    def prefix(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if found is None or self._root is None:
            return ""
        num_id, level = found
        levels = self._levels(num_id)
        if level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][1] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = levels[level][2]
        for shown, (number_format, start, _) in levels.items():
            value = counters.get(shown, start)
            text = text.replace(f"%{shown + 1}", _format_number(value, number_format))
        # Set in as far as the page sets it (the paragraph, its style, or the list level, as
        # "List Bullet 2" does), so the reader can tell a sub-point from the point above it.
        twips = _left_indent(paragraph)
        if twips is None:
            twips = self._level_indent(num_id, level)
        indent = " " * max(twips // _INDENT_STEP, 4 * level)
        return f"{indent}{text} " if text.strip() else ""

    def _level_indent(self, num_id: str, level: int) -> int:
        assert self._root is not None
        abstract_ids = _xpath(self._root, "./w:num[@w:numId=$id]/w:abstractNumId/@w:val", id=num_id)
        if not abstract_ids:
            return 0
        path = "./w:abstractNum[@w:abstractNumId=$id]/w:lvl[@w:ilvl=$level]/w:pPr/w:ind/@w:left"
        found = _xpath(self._root, path, id=abstract_ids[0], level=str(level))
        return int(found[0]) if found and found[0].lstrip("-").isdigit() else 0

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, or else from its style."""
        for holder in (paragraph._p, getattr(paragraph.style, "element", None)):
            if holder is None:
                continue
            num_ids = _xpath(holder, "./w:pPr/w:numPr/w:numId/@w:val")
            if num_ids and num_ids[0] != "0":
                levels = _xpath(holder, "./w:pPr/w:numPr/w:ilvl/@w:val")
                return num_ids[0], int(levels[0]) if levels else 0
        return None

    def _levels(self, num_id: str) -> dict[int, tuple[str, int, str]]:
        """Level -> (number format, start, level text such as "%1.")."""
        assert self._root is not None
        abstract_ids = _xpath(self._root, "./w:num[@w:numId=$id]/w:abstractNumId/@w:val", id=num_id)
        if not abstract_ids:
            return {}
        levels: dict[int, tuple[str, int, str]] = {}
        path = "./w:abstractNum[@w:abstractNumId=$id]/w:lvl"
        for level in _xpath(self._root, path, id=abstract_ids[0]):
            index = int((_xpath(level, "./@w:ilvl") or ["0"])[0])
            number_format = (_xpath(level, "./w:numFmt/@w:val") or ["decimal"])[0]
            start = int((_xpath(level, "./w:start/@w:val") or ["1"])[0])
            text = (_xpath(level, "./w:lvlText/@w:val") or [f"%{index + 1}."])[0]
            levels[index] = (number_format, start, text)
        return levels


_INDENT_STEP = 90  # twips in a space of indent: 360 twips (a quarter inch) is four


def _left_indent(paragraph: Any) -> int | None:
    """The paragraph's own left indent, or its style's, in twips; None when neither sets it."""
    style = getattr(paragraph, "style", None)
    formats = [paragraph.paragraph_format]
    while style is not None:
        formats.append(style.paragraph_format)
        style = style.base_style
    for paragraph_format in formats:
        if paragraph_format.left_indent is not None:
            return max(0, int(paragraph_format.left_indent.twips))
    return None


_WORD_NAMESPACES = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@lru_cache(maxsize=32)
def _compiled(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=_WORD_NAMESPACES)


def _xpath(element: Any, path: str, **variables: str) -> list[Any]:
    # The elements python-docx hands back are not all its own classes, so the namespace
    # map is given here rather than relied on; variables keep ids out of the expression.
    result = _compiled(path)(element, **variables)
    return result if isinstance(result, list) else []


def _format_number(value: int, number_format: str) -> str:
    if number_format == "bullet":
        return "•"
    if number_format == "none":
        return ""
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if number_format == "lowerLetter" else letter.upper()
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    return str(value)


def _roman(value: int) -> str:
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    out = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out += numeral * count
    return out


# --- .pdf -----------------------------------------------------------------------------------


def _text_from_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserError("That PDF is password protected.", example=_EXAMPLE)
        pages = [page.extract_text() or "" for page in reader.pages]
    except UserError:
        raise
    except Exception as exc:  # pypdf fails in many ways on a damaged file
        raise UserError("That file is not a PDF I can read.", example=_EXAMPLE) from exc
    if not any(page.strip() for page in pages):
        raise UserError(
            "That PDF has no text in it; it may be a scan.",
            example="Export the report from Word as .docx, or paste its recommendations.",
        )
    # A form feed between pages lets the report reader see page breaks.
    return "\f".join(pages)


_READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": _text_from_txt,
    ".docx": _text_from_docx,
    ".pdf": _text_from_pdf,
}
