"""The report's text as a reader sees it: cleaned lines, with page numbers, form feeds and
running headers turned into page breaks."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

_QUOTE_CHARS = 60  # how much of a line a warning quotes

# Only tags PDF/Word exporters leave behind, so "<https://…>" links survive.
_HTML_TAG = re.compile(
    r"</?(?:p|ul|ol|li|br|div|span|strong|em|b|i|u|font|table|tbody|thead|tr|td|th|a|sup|sub|"
    r"h[1-6])\b[^<>]*>",
    re.IGNORECASE,
)
# Bullets, including the private-use glyphs the Symbol font leaves in PDF text.
_BULLETS = re.compile("[•·▪◦●○■□\uf0b7\uf0a7\uf076\uf0d8]")
_EMPHASIS = re.compile(r"\*{1,2}([^*\n]+?)\*{1,2}")
_INVISIBLE = str.maketrans({"\u00ad": None, "\u200b": None, "\ufeff": None, "\u00a0": " "})
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _clean(text: str) -> str:
    """No HTML tags, entities, bullets or markdown emphasis; single spaces."""
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text).translate(_INVISIBLE)
    text = _BULLETS.sub(" ", text)
    text = _MARKDOWN_HEADING.sub("", text.strip())
    text = _EMPHASIS.sub(r"\1", text)
    return " ".join(text.split())


def _quote(text: str) -> str:
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’)").endswith((".", "!", "?", ";", ":"))


@dataclass
class _Line:
    number: int  # 1-based line in the text, for source_line and warnings
    raw: str  # as written: tabs and HTML kept, for tables
    text: str  # cleaned
    page_break: bool = False  # a form feed, page number or running header stood here


_PAGE_NUMBER = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,3}|[-–]\s*\d{1,3}\s*[-–]|\d{1,3}\s*/\s*\d{1,3})$",
    re.IGNORECASE,
)


def _read_lines(text: str) -> list[_Line]:
    """Split into lines; page numbers, form feeds and running headers become page breaks."""
    lines: list[_Line] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        pieces = raw.split("\f")
        for index, piece in enumerate(pieces):
            if index:
                lines.append(_Line(number, "", "", page_break=True))
            cleaned = _clean(piece)
            is_page_number = bool(cleaned) and bool(_PAGE_NUMBER.match(cleaned))
            lines.append(_Line(number, piece, "" if is_page_number else cleaned, is_page_number))
    furniture = _running_headers(lines)
    for line in lines:
        if line.text in furniture:
            line.text, line.page_break = "", True
    return lines


def _running_headers(lines: list[_Line]) -> set[str]:
    """Lines that recur beside page breaks: a report's running header or footer.

    Each occurrence counts once, so a heading that merely sits beside two page-number
    lines of one page break is not mistaken for one.
    """
    near = _near_page_breaks(lines, reach=2)
    occurrences = Counter(line.text for line, is_near in zip(lines, near, strict=True) if is_near)
    return {text for text, count in occurrences.items() if count >= 2 and 0 < len(text) <= 100}


def _near_page_breaks(lines: list[_Line], reach: int) -> list[bool]:
    """For each line: is it within `reach` non-blank lines of a page break?"""
    near = [False] * len(lines)
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        since_break: int | None = None
        for index in order:
            line = lines[index]
            if line.page_break:
                since_break = 0
            elif line.text and since_break is not None:
                since_break += 1
                near[index] = near[index] or since_break <= reach
    return near
