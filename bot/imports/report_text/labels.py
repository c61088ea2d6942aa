"""What starts a recommendation, read from one line without any state: a worded label
("Recommendation 3:", "Finding 2."), a number ("12.", "4<TAB>text", a bare "3"), a dotted number
in the section's own numbering ("7.4"), a bullet; and what a lead-in paragraph says."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.imports.report_text.lines import _Line
from bot.imports.report_text.shapes import (
    _LABEL_ALONE,
    _LABEL_NUMBERED,
    _LABEL_WORDED,
    _VERB,
)


@dataclass(frozen=True)
class _LabelRead:
    """A label as written on a line, before the reader judges it against the numbering."""

    label: str  # "12", "8.3", "Finding 2"
    number: int | None  # what counts in the sequence: 12, 3 (of 8.3), 2
    rest: str  # the text after the label on the same line
    bare: bool = False  # no punctuation after the number ("3 Social workers …")
    tab_row: bool = False  # "N<TAB>text" at the start of the line: a table row
    worded: bool = False


def _starts_like_text(rest: str) -> bool:
    return bool(rest) and (rest[0].isupper() or rest[0] in "'‘\"“")


def _worded_label(text: str) -> _LabelRead | None:
    worded = _LABEL_WORDED.match(text)
    if not worded:
        return None
    rest = worded.group("rest")
    if not (worded.group("punct") or not rest or _starts_like_text(rest)):
        return None
    number = worded.group("num")
    whole = int(number) if number.isdigit() else None
    # "Finding 2" keeps its word: findings and recommendations are different things to a board.
    label = f"Finding {number}" if worded.group("word").casefold() == "finding" else number
    return _LabelRead(label, whole, rest, worded=True)


def _numbered_label(line: _Line) -> _LabelRead | None:
    numbered = _LABEL_NUMBERED.match(line.raw.strip()) or _LABEL_NUMBERED.match(line.text)
    if numbered:
        bare = not numbered.group("punct")
        tabbed = "\t" in numbered.group("gap")
        rest = numbered.group("rest")
        if bare and not tabbed and not _starts_like_text(rest):
            return None
        number = int(numbered.group("num"))
        tab_row = tabbed and line.raw[:1].isdigit()
        return _LabelRead(str(number), number, rest, bare=bare, tab_row=tab_row)
    alone = _LABEL_ALONE.match(line.text)
    if alone:
        number = int(alone.group("num"))
        return _LabelRead(str(number), number, "")
    return None


def _read_label(line: _Line) -> _LabelRead | None:
    return _worded_label(line.text) or _numbered_label(line)


_DOTTED = re.compile(r"^(?:[-–•]\s+)?(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<rest>\S.*)$")


def _dotted_label(text: str, prefixes: set[str]) -> _LabelRead | None:
    """ "7.4 The Board should …" under a section numbered 7 (or a heading numbered 7.2 for
    "7.2.1"): one level below the number of the heading it sits under."""
    dotted = _DOTTED.match(text)
    if not dotted:
        return None
    number = dotted.group("num")
    prefix, _, last = number.rpartition(".")
    if prefix not in prefixes or int(last) == 0:
        return None
    return _LabelRead(number, int(last), dotted.group("rest"))


def _section_path(number: str) -> str:
    """ "7.0" and "7" are the same section; "7.2" is its subsection."""
    parts = number.rstrip(".").split(".")
    while len(parts) > 1 and parts[-1].strip("0") == "":
        parts.pop()
    return ".".join(parts)


_BULLET_MARK = re.compile(r"^[-–—*o]\s+")


def _bullet_content(line: _Line) -> str | None:
    """A bulleted line's text without its bullet, unless it is a numbered paragraph."""
    if not line.bulleted:
        return None
    content = _BULLET_MARK.sub("", line.text)
    if not content or re.match(r"^\(?\d", content):
        return None
    return content


# --- Lead-ins -------------------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"\b(?:should|must|shall|needs? to|is asked to|are asked to|is to|are to)\b", re.I
)
_RECOMMENDATIONS_NOUN = re.compile(r"\brecommendations?\b(?!\s+that\b)", re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r"^.*?[.:](?=\s|$)")
# "made to Kingsmere Safeguarding Adults Board", "addressed to the Partnership",
# "recommendations for the Board": who the recommendations below are for.
_ADDRESSED = re.compile(
    r"\b(?:(?:made|addressed|directed|given)\s+to|recommendations?\s+(?:for|to))\s+(?:the\s+)?"
    r"(?P<who>[A-Z][\w'’&-]*(?: (?:(?:and|of|for|&) )?[A-Z][\w'’&-]*)*)"
)
# "In responding to this finding, the Board may wish to consider the following areas:"
_AREAS = re.compile(r"\b(?:consider|this finding|this recommendation)\b", re.IGNORECASE)
_THE_BODY = re.compile(r"\b[Tt]he ((?:[A-Z][\w'’&-]*)(?: [A-Z][\w'’&-]*)*)")


def _first_sentence(paragraph: str) -> str:
    found = _FIRST_SENTENCE.match(paragraph)
    return found.group(0) if found else paragraph


def _is_lead_in(paragraph: str) -> bool:
    """A paragraph that introduces recommendations rather than making one: its first sentence
    speaks of "the recommendations" (or hands over with a colon) and asks no one to act."""
    first = _first_sentence(paragraph)
    if _DIRECTIVE.search(first):
        return False
    return bool(_RECOMMENDATIONS_NOUN.search(first)) or (
        first.endswith(":") and "recommend" in first.casefold()
    )


def _addressee(paragraph: str) -> str | None:
    """Who a lead-in says the recommendations are made to, as written."""
    found = _ADDRESSED.search(_first_sentence(paragraph))
    return found.group("who") if found else None


def _is_areas_lead_in(text: str) -> bool:
    """A colon-ended line that hands over to points for the item above it to consider."""
    return text.endswith(":") and bool(_AREAS.search(text)) and len(text) <= 300


def _body_named(text: str) -> str | None:
    """ "the Board" in "the Board may wish to consider …"."""
    found = _THE_BODY.search(text)
    if not found or _VERB.fullmatch(found.group(1)):
        return None
    return found.group(1)
