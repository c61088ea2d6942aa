"""Headings: which short lines read as headings, and which open a recommendations section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.imports.report_text.shapes import _AGENCY_WORD, _STOPWORDS, _VERB

_RECS_HEADING = re.compile(
    r"^(?:[A-Za-z'’&,-]+\s+){0,4}recommendations?\b(?P<tail>.*)$", re.IGNORECASE
)
_RECS_FOR_AGENCY = re.compile(r"^\s*(?:for|to)\s+(?:the\s+)?(?P<agency>.+)$", re.IGNORECASE)
_SECTION_END_WORDS = re.compile(
    r"^(?:appendix|appendices|annex|glossary|bibliography|references|abbreviations|"
    r"acknowledgements?|terms of reference|signed)\b",
    re.IGNORECASE,
)


def _title_case(text: str) -> bool:
    """Most significant words start with a capital, as headings do and prose does not."""
    words = [w for w in text.split() if w.casefold() not in _STOPWORDS]
    if not words:
        return False
    capitalised = sum(1 for w in words if w.lstrip("(‘'\"“")[:1].isupper() or w[:1].isdigit())
    return capitalised >= 0.75 * len(words)


def _heading_shaped(text: str) -> bool:
    """A short line that reads as a heading: capitalised, no sentence, no final full stop."""
    if not text or len(text) > 90 or len(text.split()) > 12 or "\t" in text:
        return False
    if text[-1] in ".,;!?" or not text[0].isupper():
        return False
    if text.split()[-1].casefold() in _STOPWORDS or _VERB.search(text):
        return False
    return _title_case(text)


def _all_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 4
        and all(c.isupper() for c in letters)
        and len(text) <= 80
        and not text.endswith(".")
    )


@dataclass(frozen=True)
class _SectionHeading:
    title: str  # as written, cleaned
    number: str | None  # the top-level section number ("7" for "7.2 …")
    agency: str | None  # "Recommendations for Thames Valley Police"
    path: str | None = None  # the whole number as written ("7.2", "7.0")


def _section_heading(text: str) -> _SectionHeading | None:
    """A heading that opens recommendations: "7 RECOMMENDATIONS", "Single agency recommendations"."""
    if not text or len(text) > 80 or text.endswith(".") or text[-1].isdigit() or "...." in text:
        return None
    number = path = None
    numbered = re.match(r"^(?:section\s+)?(\d{1,2})((?:\.\d{1,2})*)\.?\s+(.*)$", text, re.I)
    title = text
    if numbered:
        number, title = numbered.group(1), numbered.group(3)
        path = number + numbered.group(2)
    title = title.rstrip(":").strip()
    match = _RECS_HEADING.match(title)
    if not match or not title[:1].isupper():
        return None
    tail = match.group("tail")
    # "Recommendation 3" is a label, and a sentence about recommendations is not a heading.
    if re.match(r"^\s*(?:no\.?\s*)?\d", tail, re.I) or _VERB.search(title):
        return None
    if len(tail.split()) > 8:
        return None
    agency = None
    for_agency = _RECS_FOR_AGENCY.match(tail)
    if for_agency and _AGENCY_WORD.search(for_agency.group("agency")):
        agency = for_agency.group("agency").strip()
    return _SectionHeading(text, number, agency, path)
