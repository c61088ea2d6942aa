"""The report's text as a reader sees it: cleaned lines, with page furniture (page numbers,
form feeds, running headers and footers, footnotes) turned into page breaks, and the layout a
line keeps (its indent, its bullet) noted for the readers that use it."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

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
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# A footnote marker left in the text: superscript digits after a word or a full stop.
_FOOTNOTE_MARK = re.compile(rf"(?<=[^\s\d])[{_SUPERSCRIPT_DIGITS}]+")
# A footnote itself: a line that starts with its superscript number.
_FOOTNOTE_LINE = re.compile(rf"^[{_SUPERSCRIPT_DIGITS}]+\s*\S")
_RAW_BULLET = re.compile(r"^\s*[-–—*•·▪◦●○■□\uf0b7\uf0a7\uf076\uf0d8o]\s+\S")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _clean(text: str) -> str:
    """No HTML tags, entities, bullets or markdown emphasis; single spaces."""
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text).translate(_INVISIBLE)
    text = _BULLETS.sub(" ", text)
    text = _MARKDOWN_HEADING.sub("", text.strip())
    text = _EMPHASIS.sub(r"\1", text)
    text = _FOOTNOTE_MARK.sub("", text)
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
    page_break: bool = False  # a form feed, page number, running header or footnote stood here

    @property
    def indent(self) -> int:
        """Columns of leading space, a tab counting as four: how far the layout set it in."""
        lead = self.raw[: len(self.raw) - len(self.raw.lstrip())]
        return len(lead.expandtabs(4))

    @property
    def bulleted(self) -> bool:
        return bool(_RAW_BULLET.match(self.raw))


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
            is_furniture = bool(_PAGE_NUMBER.match(_clean(piece))) or bool(
                _FOOTNOTE_LINE.match(piece.strip())
            )
            cleaned = "" if is_furniture else _clean(piece)
            lines.append(_Line(number, piece, cleaned, is_furniture))
    furniture = _running_headers(lines)
    numbered = _numbered_furniture(lines)
    for line in lines:
        if line.text in furniture or _masked(line.text) in numbered:
            line.text, line.page_break = "", True
    _plain_footnotes(lines)
    return lines


_PLAIN_FOOTNOTE = re.compile(r"^(?P<n>\d{1,3})\s+[A-Z]")
_FOOTNOTE_REACH = 60  # lines above a footnote where its mark may be


def _plain_footnotes(lines: list[_Line]) -> None:
    """Footnotes numbered in plain digits: at the foot of a page (a page break follows
    within two lines), their number glued to a word or a full stop above ("guidance.12").
    The footnote becomes furniture and its mark leaves the text."""
    for index, line in enumerate(lines):
        found = _PLAIN_FOOTNOTE.match(line.text)
        if not found or not _page_ends_after(lines, index):
            continue
        mark = re.compile(rf"(?<=[a-z.,;:)’'\"]){found.group('n')}(?=\s|$)")
        above = [ln for ln in lines[max(0, index - _FOOTNOTE_REACH) : index] if ln.text]
        marked = [ln for ln in above if mark.search(ln.text)]
        if not marked:
            continue
        line.text, line.page_break = "", True
        marked[-1].text = mark.sub("", marked[-1].text)
        marked[-1].raw = mark.sub("", marked[-1].raw)


def _page_ends_after(lines: list[_Line], index: int) -> bool:
    seen = 0
    for line in lines[index + 1 :]:
        if line.page_break:
            return True
        if line.text:
            seen += 1
            if seen > 1:
                return False
    return True  # the end of the text ends its last page


def _running_headers(lines: list[_Line]) -> set[str]:
    """Lines that recur beside page breaks: a report's running header or footer.

    Each occurrence counts once, so a heading that merely sits beside two page-number
    lines of one page break is not mistaken for one.
    """
    near = _near_page_breaks(lines, reach=2)
    occurrences = Counter(line.text for line, is_near in zip(lines, near, strict=True) if is_near)
    return {text for text, count in occurrences.items() if count >= 2 and 0 < len(text) <= 100}


_NUMBER = re.compile(r"\d+")
_PAGE_LINES = 20  # fewer lines than any exported page holds
# Lines that may repeat with only a number changing and still be the document's own text.
_LABEL_LIKE = re.compile(r"^(?:[-–•]\s*)?(?:\(?\d|recommendation|finding|rec\.|page\s)", re.I)


def _masked(text: str) -> str:
    return _NUMBER.sub("#", text)


def _numbered_furniture(lines: list[_Line]) -> set[str]:
    """A footer that carries its page number ("Final report – SAR Mr D  14"): the same short
    line of three or more words on three or more pages, each time with another number, never
    label-shaped, and typically a page apart (headings such as "Police 2" sit closer)."""
    seen: dict[str, list[_Line]] = {}
    for line in lines:
        text = line.text
        if (
            text
            and len(text) <= 100
            and len(text.split()) >= 3
            and _NUMBER.search(text)
            and not _LABEL_LIKE.match(text)
        ):
            seen.setdefault(_masked(text), []).append(line)
    return {
        masked
        for masked, found in seen.items()
        if len({line.text for line in found}) >= 3
        and median(b.number - a.number for a, b in pairwise(found)) >= _PAGE_LINES
    }


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
