"""Read the recommendations out of a review report's text, as exported from PDF or Word.

Reports are read by *shape*, never by a list of names: a recommendations heading opens a
section; a short title-case line naming a kind of organisation ("… Police", "… NHS Trust",
"… Service") is an agency heading; a numbered line starts a recommendation; an ``a)`` line
is a part. An action-plan table ("Recommendation<TAB>Directorate<TAB>Progress at 31.10.14")
is read row by row instead (`parse_action_plan_table`). Nothing is guessed silently: each
recommendation carries a ``confidence`` and its ``reasons``, and whatever was not understood
is a warning.

Decisions a caller relies on:

* **Labels** are the report's own numbers ("12"; "8.3" when written "Recommendation 8.3").
  When numbers repeat, because numbering restarts under each agency heading, *every* label
  in the parse is prefixed with its agency's short name: the abbreviation the heading gives
  ("UHB 2" under "University Hospitals Bristol NHS Foundation Trust (UHB)"), or else the
  heading itself ("Avon and Somerset Police 2"). Labels are unique within one parse.
* **Agencies** come from the heading a recommendation sits under, without a trailing
  abbreviation ("Thames Valley Police (TVP)" gives "Thames Valley Police"; the abbreviations
  are in `ReportParse.agency_short_names`). An organisation heading followed at once by a
  service heading ("Oxfordshire NHS Foundation Trust", then "Health Visiting Service") gives
  "Oxfordshire NHS Foundation Trust – Health Visiting Service"; a later service heading under
  the same organisation ("Harm Minimisation Service") replaces the service part. A "Lead
  agency:" line beats the heading. With no heading, the agency the text names as its
  subject ("Wiltshire Police should …") is used, with lower confidence.
* **Text** is the whole recommendation, its parts and SMART block included; ``parts``
  repeats each part with its letter ("a) …"); ``timescale`` is the phrase as written, and
  ``due_on`` is what `bot.dates` makes of it.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.rules import dates

logger = logging.getLogger(__name__)

__all__ = ["ReportParse", "parse_action_plan_table", "parse_report"]


@dataclass
class ReportParse:
    """What was read from one report, and what was not understood."""

    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # headings of the sections read
    agency_short_names: dict[str, str] = field(default_factory=dict)  # name -> "TVP"


# Confidence penalties, one place so their relative weight is easy to judge.
_NO_AGENCY = 0.4
_AGENCY_FROM_TEXT = 0.15
_AGENCY_PHRASE_GUESSED = 0.25
_AGENCY_DISAGREES = 0.2
_OUT_OF_SEQUENCE = 0.3
_DUPLICATE_LABEL = 0.3
_PAGE_BREAK_JOIN = 0.05
_PAGE_BREAK_NEW_SENTENCE = 0.15
_BLANK_LINE_JOIN = 0.1
_TIMESCALE_NOT_UNDERSTOOD = 0.2
_SHORT_TEXT = 0.3
_NEEDS_ACCEPTED_DATE = 0.05
_WHOLE_TEXT = 0.1

_QUOTE_CHARS = 60  # how much of a line a warning quotes

# --- Text as a reader sees it ---------------------------------------------------------------

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


# --- Lines ----------------------------------------------------------------------------------


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


# --- Shapes of lines ------------------------------------------------------------------------

_BULLET = r"(?:[-–•·▪*]\s+)?"
_LABEL_NUMBERED = re.compile(
    rf"^{_BULLET}\(?(?P<num>\d{{1,3}})(?P<punct>[.):]?)(?P<gap>\t+| +)(?P<rest>\S.*)$"
)
_LABEL_ALONE = re.compile(r"^\(?(?P<num>\d{1,3})[.):]$")
_LABEL_WORDED = re.compile(
    rf"^{_BULLET}(?i:recommendation|rec\.)\s*(?i:no\.?\s*)?(?P<num>\d{{1,3}}(?:\.\d{{1,2}})?)"
    r"(?P<punct>\s*[.:)\-–—])?\s*(?P<rest>.*)$"
)
_PART = re.compile(
    rf"^{_BULLET}(?:\(?(?P<letter>[a-l]|ii|iii|iv|vi|vii|viii|ix|x)\)|(?P<dotted>[a-l])\.)\s+"
    r"(?P<rest>\S.*)$"
)
_NUMBERED_PARAGRAPH = re.compile(rf"^{_BULLET}\d{{1,2}}\.\d{{1,2}}(?:\.\d{{1,3}})*\.?\s+\S")
# A numbered heading has a title in capitals ("8 GLOSSARY OF ABBREVIATIONS"); a numbered
# line in sentence case is a recommendation or a paragraph.
_NUMBERED_HEADING = re.compile(
    r"^(?:[Ss]ection\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[^a-z]{3,80})$"
)

_TIME_FIELD = (
    r"time[- ]?frames?|time[- ]?bound|time[- ]?scales?(?: for completion)?|timed|timely|"
    r"target(?: date)?|completion date|deadline|by when|due(?: date)?"
)
_AGENCY_FIELD = r"lead agency|lead organi[sz]ation|responsible agency|agency|owner"
_SMART_FIELD = r"specific|measurable|achievable|achieveable|attainable|agreed|realistic|relevant"
_FIELD_SEPARATOR = r"\s*(?:[:–—]|\s-)\s*"
_FIELD = re.compile(
    rf"^{_BULLET}(?P<name>{_TIME_FIELD}|{_AGENCY_FIELD}|{_SMART_FIELD}){_FIELD_SEPARATOR}"
    r"(?P<value>.*)$",
    re.IGNORECASE,
)
_AGENCY_FIELD_NAME = re.compile(rf"^(?:{_AGENCY_FIELD})$", re.IGNORECASE)
_INLINE_TIME_FIELD = re.compile(
    rf"\b(?:{_TIME_FIELD}){_FIELD_SEPARATOR}(?P<value>.+?)(?=\.\s|\.$|;|$)", re.IGNORECASE
)

# Words that make a short title-case line an agency heading: kinds of organisation or team.
_AGENCY_WORD = re.compile(
    r"\b(?:police|constabulary|nhs|trusts?|council|services?|boards?|ccg|icb|probation|"
    r"housing|pharmac(?:y|ies)|care|health|hospitals?|group|partnership|cafcass|directorate|"
    r"team|unit|department|authority|practices?|ambulance|schools?|academy|college|prisons?|"
    r"commissioning|surgery|midwifery|clinic|centre|center|education|crc|government|office)\b",
    re.IGNORECASE,
)
# Words that mark a whole organisation rather than one of its services.
_ORG_WORD = re.compile(
    r"\b(?:police|constabulary|nhs|trust|council|board|partnership|ccg|icb|commissioning|group|"
    r"probation|cafcass|hospitals?|authority|foundation|borough|county|city|government|"
    r"ambulance|prisons?|academy|college|crc)\b",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\b(?:should|must|shall|will|would|is|are|was|were|has|have|had|been|be|needs?|made|"
    r"about|provided|ensure)\b",
    re.IGNORECASE,
)
# Small words a heading may hold in lower case ("Avon and Somerset Police").
_STOPWORDS = frozenset(
    {"and", "of", "the", "for", "&", "in", "on", "to", "or", "with", "by", "at", "a", "an",
     "–", "-", "from"}
)  # fmt: skip
_ABBREVIATION = re.compile(r"\s*\((?P<short>[A-Z][A-Za-z&]{1,11})\)$")

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


def _section_heading(text: str) -> _SectionHeading | None:
    """A heading that opens recommendations: "7 RECOMMENDATIONS", "Single agency recommendations"."""
    if not text or len(text) > 80 or text.endswith(".") or text[-1].isdigit() or "...." in text:
        return None
    number = None
    numbered = re.match(r"^(?:section\s+)?(\d{1,2})((?:\.\d{1,2})*)\.?\s+(.*)$", text, re.I)
    title = text
    if numbered:
        number, title = numbered.group(1), numbered.group(3)
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
    return _SectionHeading(text, number, agency)


# --- What the report says about its agencies --------------------------------------------------


@dataclass
class _ReportContext:
    """Agencies the report lists, and the abbreviations its glossary spells out."""

    listed_agencies: list[str] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)

    def lists(self, heading: str) -> bool:
        folded = heading.casefold()
        return any(
            len(name) >= 4 and (folded.startswith(name.casefold()) or name.casefold() == folded)
            for name in self.listed_agencies
        )


_AGENCY_LIST_HEADING = re.compile(r"\b(?:agencies|organisations|organizations)\b", re.I)
_GLOSSARY_ROW = re.compile(r"^(?P<short>[A-Z][A-Za-z&]{1,9})\t(?P<meaning>[^\t]{3,80})$")
_LIST_ITEM = re.compile(r"^\s*[-–•·▪*]\s+(?P<item>\S.*)$")


def _report_context(lines: list[_Line]) -> _ReportContext:
    context = _ReportContext()
    for index, line in enumerate(lines):
        glossary = _GLOSSARY_ROW.match(line.raw.strip())
        if glossary and sum(c.isupper() for c in glossary.group("short")) >= 2:
            context.glossary[glossary.group("short")] = _clean(glossary.group("meaning"))
        if _is_agency_list_heading(line):
            context.listed_agencies.extend(_list_items(lines, index + 1))
    return context


def _is_agency_list_heading(line: _Line) -> bool:
    text = line.text
    if "\t" in line.raw or not text or len(text) > 60 or text.endswith("."):
        return False
    return bool(_AGENCY_LIST_HEADING.search(text)) and (
        _all_caps_heading(text) or _title_case(text) or text.endswith(":")
    )


def _list_items(lines: list[_Line], start: int) -> Iterator[str]:
    """The names in the bulleted list after an "agencies involved" heading."""
    for line in lines[start : start + 40]:
        if _NUMBERED_HEADING.match(line.text) or (line.text and _all_caps_heading(line.text)):
            return
        item = _LIST_ITEM.match(line.raw)
        if not item:
            continue
        name = re.split(r"\s[(–-]\s?|\(|:|;|,", _clean(item.group("item")), maxsplit=1)[0]
        name = name.strip(" .")
        if 3 <= len(name) <= 80:
            yield name


# --- Agencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Agency:
    """The agency heading(s) a recommendation sits under."""

    parent: str
    sub: str | None
    short: str | None  # the abbreviation the heading gives, "TVP"
    written: str  # the heading line(s) as written, for reasons
    is_organisation: bool

    @property
    def name(self) -> str:
        return f"{self.parent} – {self.sub}" if self.sub else self.parent

    @property
    def label_prefix(self) -> str:
        return self.short or self.sub or self.parent


def _split_abbreviation(heading: str) -> tuple[str, str | None]:
    match = _ABBREVIATION.search(heading)
    if not match:
        return heading, None
    return heading[: match.start()].strip(), match.group("short")


def _initialisms(name: str) -> set[str]:
    """Initials of a name's last words: "Thames Valley Police" gives TVP and VP."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", name) if w.casefold() not in _STOPWORDS]
    initials = "".join(w[0].upper() for w in words)
    # Suffixes only: "CCG" abbreviates the end of a name; a prefix such as "OCC" of
    # "Oxfordshire Clinical Commissioning Group" more often means some other body.
    return {initials[i:] for i in range(len(initials) - 1)}


@dataclass(frozen=True)
class _KnownAgency:
    name: str
    short: str | None


_MODAL = re.compile(
    r"\b(?:should|must|shall|will|needs? to|is asked to|are asked to|is to|are to)\b", re.I
)
_THE_PHRASE = re.compile(r"\b[Tt]he ((?:[A-Z][\w'’&-]*)(?: [A-Z][\w'’&-]*)*)")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’&-]*(?: (?:(?:and|of|for|&) )?[A-Z][\w'’&-]*)*")


def _subject(text: str) -> str | None:
    """Who the recommendation asks to act: the words before "should" ("TVP", "The Board")."""
    modal = _MODAL.search(text[:200])
    if not modal:
        return None
    # "TVP, in consultation with Children's Social Care …, should": the subject is "TVP".
    subject = text[: modal.start()].split(",")[0].strip()
    return subject if 0 < len(subject) <= 120 else None


def _names_agency(subject: str, agency: _KnownAgency, glossary: dict[str, str]) -> bool:
    words = set(re.findall(r"[A-Za-z][\w'’&]*", subject))
    if agency.short and agency.short in words:
        return True
    acronyms = {w for w in words if len(w) >= 2 and w.isupper()}
    if acronyms & _initialisms(agency.name):
        return True
    folded_name = agency.name.casefold()
    for acronym in acronyms:
        meaning = glossary.get(acronym)
        if meaning and meaning.casefold() in folded_name:
            return True
    if folded_name in subject.casefold():
        return True
    for phrase in _THE_PHRASE.findall(subject):
        if _AGENCY_WORD.search(phrase) and re.search(
            rf"\b{re.escape(phrase.casefold())}\b", folded_name
        ):
            return True
    return False


def _agency_phrase(subject: str) -> str | None:
    """With no heading to go by: the capitalised agency name the subject spells out."""
    for run in _CAPITALISED_RUN.findall(subject):
        run = re.sub(r"^The ", "", run)
        if len(run.split()) >= 2 and _AGENCY_WORD.search(run):
            return run
    return None


# --- Reading a section line by line --------------------------------------------------------


@dataclass
class _Section:
    heading: _SectionHeading
    line: int
    parent: _Section | None = None
    count: int = 0  # recommendations read under it
    skipped: list[str] = field(default_factory=list)

    @property
    def top(self) -> _Section:
        return self.parent.top if self.parent else self


@dataclass
class _Draft:
    """A recommendation being read."""

    label: str
    number: int | None
    source_line: int
    section: _Section
    agency: _Agency | None
    chunks: list[str] = field(default_factory=list)
    parts: list[list[str]] = field(default_factory=list)
    in_parts: bool = False  # continuation lines extend the last part
    field_agency: tuple[str, str] | None = None  # (field name, value)
    timescale_cell: str | None = None  # a tab row's date column
    reasons: list[tuple[str, float]] = field(default_factory=list)

    def add(self, text: str) -> None:
        if not text:
            return
        self.chunks.append(text)
        if self.in_parts and self.parts:
            self.parts[-1].append(text)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


class _SectionReader:
    """A state machine over the lines: outside a section, or inside one reading drafts."""

    def __init__(self, lines: list[_Line], context: _ReportContext) -> None:
        self.lines = lines
        self.context = context
        self.drafts: list[_Draft] = []
        self.warnings: list[str] = []
        self.section: _Section | None = None
        self.whole_text = False
        self.draft: _Draft | None = None
        self.agency: _Agency | None = None
        self.heading_run = False  # the last non-blank line was an agency heading
        self.gap: str | None = None  # "page break" or "blank line" since the last text
        self.last_number: int | None = None
        self.fresh_block = True  # a heading since the last recommendation: numbers may restart

    def read(self) -> list[_Draft]:
        for line in self.lines:
            if self.section is None:
                self._outside(line)
            else:
                self._inside(line)
        self._close_section()
        return self.drafts

    def read_whole_text(self) -> list[_Draft]:
        """For a pasted recommendations list: the whole text is one section that never ends."""
        self.whole_text = True
        self._open(_SectionHeading("(whole text)", None, None), 0)
        return self.read()

    # Outside a section only a recommendations heading matters.
    def _outside(self, line: _Line) -> None:
        heading = _section_heading(line.text) if "\t" not in line.raw else None
        if heading:
            self._open(heading, line.number)

    def _open(self, heading: _SectionHeading, number: int, parent: _Section | None = None) -> None:
        self._close_draft()
        self.section = _Section(heading, number, parent)
        self.agency, self.heading_run, self.fresh_block, self.gap = None, False, True, None
        if heading.agency:
            self._agency_heading(heading.agency)

    def _close_section(self) -> None:
        self._close_draft()
        section = self.section
        self.section = None
        if section is None:
            return
        top = section.top
        if self._count_under(top) == 0 and not self.whole_text:
            self.warnings.append(
                f"no recommendations under '{_quote(top.heading.title)}' (line {top.line})"
            )

    def _count_under(self, top: _Section) -> int:
        return sum(1 for d in self.drafts if d.section.top is top)

    def _inside(self, line: _Line) -> None:
        assert self.section is not None
        if line.page_break:
            self.gap = "page break"
            return
        if not line.text:
            self.gap = self.gap or "blank line"
            return
        if not self.whole_text and self._ends_section(line.text, self.section):
            self._close_section()
            self._outside(line)
            return
        self._classify(line)
        self.gap = None

    def _ends_section(self, text: str, section: _Section) -> bool:
        numbered = _NUMBERED_HEADING.match(text)
        if numbered and not text.endswith(".") and len(text.split()) <= 12:
            top = numbered.group("number").split(".")[0]
            if top != section.top.heading.number:
                return True
        if _SECTION_END_WORDS.match(text) and len(text.split()) <= 8 and not text.endswith("."):
            return True
        # An unnumbered section ends at the next unnumbered capitals heading that is
        # neither an agency nor more recommendations.
        return (
            section.top.heading.number is None
            and _all_caps_heading(text)
            and not _AGENCY_WORD.search(text)
            and _section_heading(text) is None
        )

    def _classify(self, line: _Line) -> None:
        text = line.text
        heading = _section_heading(text) if "\t" not in line.raw else None
        if heading:
            self._subsection(heading, line.number)
            return
        numbered_heading = _NUMBERED_HEADING.match(text)
        if numbered_heading and not _LABEL_NUMBERED.match(text):
            self._structure_heading(numbered_heading.group("title").strip())
            return
        if self._label(line) or self._part(text) or self._field(text):
            self.heading_run = False
            return
        if self._is_agency_heading(text):
            self._agency_heading(text)
            return
        self.heading_run = False
        if _NUMBERED_PARAGRAPH.match(text):
            self._close_draft()
            self._skip(line, "a numbered paragraph, not a recommendation")
            return
        self._continue(line)

    def _subsection(self, heading: _SectionHeading, number: int) -> None:
        assert self.section is not None
        parent = self.section.top
        if heading.number is None or heading.number == parent.heading.number:
            self._open(heading, number, parent)
            return
        self._close_section()
        self._open(heading, number)

    def _structure_heading(self, title: str) -> None:
        """A numbered heading inside the section: an agency ("7.3 THAMES VALLEY POLICE") or not."""
        if _AGENCY_WORD.search(title) and not _VERB.search(title):
            self._agency_heading(title)
            return
        self._close_draft()
        self.agency, self.heading_run, self.fresh_block = None, False, True

    # --- Agency headings

    def _is_agency_heading(self, text: str) -> bool:
        text = text.rstrip(":").strip()
        if not _heading_shaped(text):
            return False
        return bool(_AGENCY_WORD.search(text)) or self.context.lists(text)

    def _agency_heading(self, text: str) -> None:
        self._close_draft()
        name, short = _split_abbreviation(text.rstrip(":").strip())
        is_organisation = bool(_ORG_WORD.search(name))
        current = self.agency
        if (
            current
            and not is_organisation
            and current.is_organisation
            and ((self.heading_run and current.sub is None) or current.sub is not None)
        ):
            # A service under the organisation heading just above or already in force.
            written = f"{current.written.split(' / ')[0]} / {text}"
            self.agency = _Agency(current.parent, name, short, written, True)
        else:
            self.agency = _Agency(name, None, short, text, is_organisation)
        self.heading_run, self.fresh_block = True, True

    # --- Recommendations, parts and fields

    def _label(self, line: _Line) -> bool:
        text = line.text
        worded = _LABEL_WORDED.match(text)
        if worded:
            rest = worded.group("rest")
            if worded.group("punct") or not rest or rest[0].isupper() or rest[0] in "'‘\"“":
                number = worded.group("num")
                whole = int(number) if number.isdigit() else None
                self._start(line, number, whole, rest)
                return True
            return False
        numbered = _LABEL_NUMBERED.match(line.raw.strip()) or _LABEL_NUMBERED.match(text)
        if numbered:
            bare = not numbered.group("punct")
            tabbed = "\t" in numbered.group("gap")
            rest = numbered.group("rest")
            if bare and not tabbed and not (rest[0].isupper() or rest[0] in "'‘\"“"):
                return False
            number = int(numbered.group("num"))
            if not self._accepts(number, bare):
                return False
            self._start(line, str(number), number, rest)
            return True
        alone = _LABEL_ALONE.match(text)
        if alone:
            number = int(alone.group("num"))
            self._start(line, str(number), number, "")
            return True
        return False

    def _accepts(self, number: int, bare: bool) -> bool:
        """A bare number out of sequence ("3 Social Workers attended") is wrapped text."""
        if not bare or self.draft is None:
            return True
        expected = None if self.last_number is None else self.last_number + 1
        return number == expected or (number == 1 and self.fresh_block)

    def _start(self, line: _Line, label: str, number: int | None, rest: str) -> None:
        assert self.section is not None
        self._close_draft()
        draft = _Draft(label, number, line.number, self.section, self.agency)
        expected = None if self.last_number is None else self.last_number + 1
        restarts = number == 1 and self.fresh_block
        if number is not None and expected is not None and number != expected and not restarts:
            draft.reasons.append((f"label out of sequence (expected {expected})", _OUT_OF_SEQUENCE))
        if number is not None:
            self.last_number = number
        self._add_cells(draft, rest)
        self.draft, self.fresh_block = draft, False

    def _add_cells(self, draft: _Draft, rest: str) -> None:
        """A tab row without a header ("1<TAB>text<TAB>By end of March 2012"): sort its cells."""
        text, *cells = [_clean(c) for c in rest.split("\t")]
        draft.add(text)
        for cell in filter(None, cells):
            if _heading_shaped(cell) and _AGENCY_WORD.search(cell):
                draft.field_agency = ("agency column", cell)
            elif draft.timescale_cell is None and _parse_due(cell, _ANY_ACCEPTED_DAY):
                draft.timescale_cell = cell
            else:
                draft.add(cell)
                draft.reasons.append(("a further column was added to the text", _BLANK_LINE_JOIN))

    def _part(self, text: str) -> bool:
        match = _PART.match(text)
        if not match or self.draft is None:
            return False
        letter = match.group("letter") or match.group("dotted")
        part = f"{letter}) {match.group('rest')}"
        self.draft.chunks.append(part)
        self.draft.parts.append([part])
        self.draft.in_parts = True
        return True

    def _field(self, text: str) -> bool:
        """SMART lines, timescale and lead agency lines belong to the recommendation above."""
        match = _FIELD.match(text)
        if not match or self.draft is None:
            return False
        self.draft.in_parts = False
        self.draft.add(text)
        name, value = match.group("name"), match.group("value").strip()
        if _AGENCY_FIELD_NAME.match(name) and value and self.draft.field_agency is None:
            self.draft.field_agency = (name, value)
        return True

    def _continue(self, line: _Line) -> None:
        draft = self.draft
        if draft is None:
            self._skip(line, "not part of a recommendation")
            return
        if self.gap and draft.chunks:
            joins_cleanly = not _ends_sentence(draft.text) or line.text[0].islower()
            if self.gap == "blank line" and not joins_cleanly:
                self._close_draft()
                self._skip(line, "a paragraph after a recommendation")
                return
            penalty = _BLANK_LINE_JOIN
            if self.gap == "page break":
                penalty = _PAGE_BREAK_JOIN if joins_cleanly else _PAGE_BREAK_NEW_SENTENCE
            draft.reasons.append((f"text joined across a {self.gap}", penalty))
        draft.add(line.text)

    def _close_draft(self) -> None:
        if self.draft is not None:
            self.drafts.append(self.draft)
            self.draft.section.count += 1
            self.draft = None

    def _skip(self, line: _Line, why: str) -> None:
        assert self.section is not None
        self.section.top.skipped.append(
            f"line {line.number}: skipped '{_quote(line.text)}' ({why})"
        )


# --- From drafts to recommendations -------------------------------------------------------


def _drop_repeated_sections(drafts: list[_Draft], warnings: list[str]) -> list[_Draft]:
    """An executive summary that repeats the list word for word is read once."""
    by_section: dict[int, list[_Draft]] = {}
    for draft in drafts:
        by_section.setdefault(id(draft.section.top), []).append(draft)
    texts = {key: {d.text.casefold() for d in group} for key, group in by_section.items()}
    dropped: set[int] = set()
    for key, group in by_section.items():
        for other, other_texts in texts.items():
            if other == key or other in dropped:
                continue
            if texts[key] <= other_texts and len(other_texts) >= len(texts[key]):
                dropped.add(key)
                warnings.append(
                    f"skipped '{_quote(group[0].section.top.heading.title)}': it repeats "
                    f"'{_quote(by_section[other][0].section.top.heading.title)}'"
                )
                break
    return [d for d in drafts if id(d.section.top) not in dropped]


def _unique_labels(drafts: list[_Draft]) -> None:
    """Per-agency numbering repeats labels: prefix every label with its agency's short name."""
    if len({d.label for d in drafts}) == len(drafts):
        return
    for draft in drafts:
        prefix = _label_prefix(draft)
        draft.label = f"{prefix} {draft.label}"
        draft.reasons.append((f"numbering restarts in the report; label prefixed '{prefix}'", 0))
    seen: Counter[str] = Counter()
    for draft in drafts:
        seen[draft.label] += 1
        if seen[draft.label] > 1:
            draft.label = f"{draft.label} ({seen[draft.label]})"
            draft.reasons.append(("duplicate label", _DUPLICATE_LABEL))


def _label_prefix(draft: _Draft) -> str:
    if draft.field_agency:
        return draft.field_agency[1]
    if draft.agency:
        return draft.agency.label_prefix
    return draft.section.heading.title


def _known_agencies(drafts: list[_Draft], context: _ReportContext) -> list[_KnownAgency]:
    known: dict[str, _KnownAgency] = {}
    for draft in drafts:
        if draft.agency:
            known.setdefault(draft.agency.name, _KnownAgency(draft.agency.name, draft.agency.short))
            if draft.agency.sub:
                known.setdefault(draft.agency.parent, _KnownAgency(draft.agency.parent, None))
    for name in context.listed_agencies:
        known.setdefault(name, _KnownAgency(name, None))
    return list(known.values())


def _resolve_agency(
    draft: _Draft, known: list[_KnownAgency], context: _ReportContext
) -> tuple[str | None, list[tuple[str, float]]]:
    """The owner agency, and how sure we are of it."""
    subject = _subject(draft.text)
    named = [k.name for k in known if subject and _names_agency(subject, k, context.glossary)]
    if draft.field_agency:
        name, value = draft.field_agency
        return value, [(f"agency from the '{name}' entry '{_quote(value)}'", 0)]
    if draft.agency:
        heading = draft.agency.name
        reason = f"agency from heading '{draft.agency.written}'"
        if not named:
            return heading, [(reason, 0)]
        if any(heading.startswith(n) or n.startswith(heading) for n in named):
            return heading, [(f"{reason}; the text names it too", 0)]
        disagreement = f"the text names '{named[0]}' but it sits under '{draft.agency.written}'"
        return heading, [(reason, 0), (disagreement, _AGENCY_DISAGREES)]
    if named:
        reasons = [(f"agency from the text '{_quote(subject or '')}'", _AGENCY_FROM_TEXT)]
        if len(set(named)) > 1:
            reasons.append((f"the text could also name '{named[1]}'", _AGENCY_DISAGREES))
        return named[0], reasons
    phrase = _agency_phrase(subject) if subject else None
    if phrase:
        return phrase, [(f"agency from the text '{_quote(phrase)}'", _AGENCY_PHRASE_GUESSED)]
    return None, [("no agency found", _NO_AGENCY)]


_INLINE_PART = re.compile(r"(?<![\w(])\(?(?P<letter>[a-h])\)\s")


def _inline_parts(text: str) -> list[str]:
    """Parts written inside one paragraph: "… so that: a) …; b) …; and c) …"."""
    starts: list[re.Match[str]] = []
    for match in _INLINE_PART.finditer(text):
        if ord(match.group("letter")) - ord("a") == len(starts):
            starts.append(match)
    if len(starts) < 2:
        return []
    parts = []
    for index, match in enumerate(starts):
        if index + 1 < len(starts):
            end = starts[index + 1].start()
        else:  # the last part ends with its sentence; a "Timescale: …" may follow
            sentence_end = re.search(r"\.(?:\s|$)", text[match.end() :])
            end = match.end() + sentence_end.start() if sentence_end else len(text)
        parts.append(_tidy_part(f"{match.group('letter')}) {text[match.end() : end]}"))
    return parts


def _tidy_part(part: str) -> str:
    """Without the "; and" that joins it to the next part."""
    return re.sub(r"[\s;,.]*(?:\b(?:and|or))?[\s;,.]*$", "", part.strip())


# Any day will do to learn whether a phrase is a timescale counted from the accepted date.
_ANY_ACCEPTED_DAY = date(2000, 1, 1)


def _parse_due(text: str, accepted_on: date | None) -> dates.DueDate | None:
    # bot.dates raises UserError for what it cannot read; any other failure there must not
    # stop an import, so it is logged and the timescale reported as not understood.
    try:
        return dates.parse_due(text, accepted_on)
    except Exception as exc:
        _log_dates_failure(exc, text)
        return None


def _find_timescale(text: str, accepted_on: date | None) -> tuple[str, dates.DueDate] | None:
    try:
        return dates.find_timescale(text, accepted_on)
    except Exception as exc:
        _log_dates_failure(exc, text)
        return None


def _log_dates_failure(exc: Exception, text: str) -> None:
    if not isinstance(exc, UserError):
        logger.warning("bot.dates failed on %r", _quote(text), exc_info=exc)


def _timescale(
    text: str, accepted_on: date | None
) -> tuple[str | None, date | None, list[tuple[str, float]]]:
    """A timescale field ("Timescale for Completion: …") first, then any phrase in the text.

    A relative timescale ("within 6 months") with no accepted date keeps its phrase; its
    due date waits until the accepted date is known.
    """
    field_match = _INLINE_TIME_FIELD.search(text)
    scope = field_match.group("value").strip() if field_match else text
    whole = field_match is not None
    found = _read_timescale(scope, accepted_on, whole)
    if found is not None:
        return found[0], found[1].due_on, []
    if accepted_on is None:
        relative = _read_timescale(scope, _ANY_ACCEPTED_DAY, whole)
        if relative is not None:
            waiting = f"timescale '{relative[0]}' counts from the accepted date, which is not set"
            return relative[0], None, [(waiting, _NEEDS_ACCEPTED_DATE)]
    if whole:
        not_understood = f"timescale not understood: '{_quote(scope)}'"
        return scope, None, [(not_understood, _TIMESCALE_NOT_UNDERSTOOD)]
    return None, None, []


def _read_timescale(
    text: str, accepted_on: date | None, whole: bool
) -> tuple[str, dates.DueDate] | None:
    """A field's value is read whole ("By end of March 2012") before it is searched."""
    if whole:
        due = _parse_due(text, accepted_on)
        if due is not None:
            return due.timescale, due
    return _find_timescale(text, accepted_on)


def _confidence(reasons: list[tuple[str, float]]) -> float:
    return round(max(0.0, min(1.0, 1.0 - sum(penalty for _, penalty in reasons))), 2)


def _recommendation(
    draft: _Draft, known: list[_KnownAgency], context: _ReportContext, accepted_on: date | None
) -> ParsedRecommendation:
    text = draft.text
    agency, agency_reasons = _resolve_agency(draft, known, context)
    timescale_text = f"Timescale: {draft.timescale_cell}" if draft.timescale_cell else text
    timescale, due_on, time_reasons = _timescale(timescale_text, accepted_on)
    reasons = agency_reasons + draft.reasons + time_reasons
    if len(text.split()) < 5:
        reasons.append(("text very short", _SHORT_TEXT))
    parts = [_tidy_part(" ".join(p)) for p in draft.parts] or _inline_parts(text)
    return ParsedRecommendation(
        label=draft.label,
        text=text,
        agency=agency,
        due_on=due_on,
        timescale=timescale,
        parts=parts,
        confidence=_confidence(reasons),
        reasons=_dedupe([reason for reason, _ in reasons]),
        source_line=draft.source_line,
    )


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _short_names(drafts: list[_Draft]) -> dict[str, str]:
    return {d.agency.name: d.agency.short for d in drafts if d.agency and d.agency.short}


# --- Action-plan tables --------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """What each column of a table holds, from its header cells."""

    header: list[str]
    roles: list[str]

    def index(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None


def _column_role(header: str) -> str:
    h = header.casefold().strip()
    if re.fullmatch(
        r"(?:no\.?|number|ref\.?|#|rec(?:ommendation)?\.? ?(?:no\.?|number|ref\.?))", h
    ):
        return "label"
    checks = [
        ("text", r"recommendation"),
        ("lead", r"lead officer|responsible officer|lead person|named lead"),
        ("agency", r"agency|directorate|organi[sz]ation|owner|responsib|service|lead"),
        ("progress", r"progress|update|position|comment"),
        ("timescale", r"timescale|timeframe|target|deadline|due|by when|date"),
        ("status", r"status|\brag\b|brag"),
        ("evidence", r"evidence"),
    ]
    return next((role for role, pattern in checks if re.search(pattern, h)), "other")


def _table_header(line: _Line) -> _Columns | None:
    if "\t" not in line.raw:
        return None
    header = [_clean(c) for c in line.raw.split("\t")]
    filled = [c for c in header if c]
    if len(filled) < 2 or any(len(c) > 60 or re.fullmatch(r"[\d.]+", c) for c in filled):
        return None
    roles = [_column_role(c) if c else "other" for c in header]
    return _Columns(header, roles) if "text" in roles else None


@dataclass
class _Row:
    label: str | None
    source_line: int
    cells: dict[int, list[str]] = field(default_factory=dict)
    lines: int = 1
    gaps: set[str] = field(default_factory=set)  # "page break", "blank line" inside the row

    def add(self, index: int, text: str) -> None:
        if text:
            self.cells.setdefault(index, []).append(text)

    def cell(self, index: int | None) -> str:
        if index is None:
            return ""
        return " ".join(" ".join(self.cells.get(index, [])).split())


_ROW_LABEL = re.compile(r"^\(?(?P<num>\d{1,3})[.):]?(?:\s+|$)")


def _read_table(lines: list[_Line], start: int, columns: _Columns) -> tuple[list[_Row], list[str]]:
    """Rows spill over several lines and page breaks; a labelled cell starts a new row."""
    rows: list[_Row] = []
    warnings: list[str] = []
    gap: str | None = None
    text_column = columns.index("text")
    label_column = columns.index("label")
    body = list(_table_body(lines, start))
    cells_by_line = [[_clean(c) for c in line.raw.split("\t")] for line in body if line.text]
    # With no numbers to go by, a spilled line cannot be told from a new row: one line, one row.
    labelled = any(_row_label(c, label_column, text_column) for c in cells_by_line)
    last = len(columns.roles) - 1
    for line in body:
        if line.page_break or not line.text:
            gap = "page break" if line.page_break else gap or "blank line"
            continue
        cells = [_clean(c) for c in line.raw.split("\t")]
        label = _row_label(cells, label_column, text_column)
        if label is not None:
            rows.append(_Row(label[0], line.number))
            cells[label[1]] = label[2]
        elif not labelled:
            rows.append(_Row(None, line.number))
        elif rows:
            rows[-1].lines += 1
            if gap:
                rows[-1].gaps.add(gap)
        else:
            warnings.append(f"line {line.number}: skipped table row '{_quote(line.text)}'")
            continue
        for index, cell in enumerate(cells):
            rows[-1].add(min(index, last), cell)
        gap = None
    return rows, warnings


def _table_body(lines: list[_Line], start: int) -> Iterator[_Line]:
    """The lines of a table: tab lines, with blank lines and page breaks between them."""
    for line in lines[start:]:
        if line.text and "\t" not in line.raw:
            return
        yield line


def _row_label(
    cells: list[str], label_column: int | None, text_column: int | None
) -> tuple[str, int, str] | None:
    """(label, column it was in, what is left of that cell), if this line starts a row."""
    if label_column is not None and label_column < len(cells):
        match = re.fullmatch(r"\(?(\d{1,3}(?:\.\d{1,2})?)[.):]?", cells[label_column])
        return (match.group(1), label_column, "") if match else None
    if text_column is not None and text_column < len(cells):
        match = _ROW_LABEL.match(cells[text_column])
        if match:
            return match.group("num"), text_column, cells[text_column][match.end() :]
    return None


_HEADER_DAY = re.compile(r"\b(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{2}|\d{4})\b")


def _header_date(header: str) -> date | None:
    """The day a "Progress at 31.10.14" column speaks for."""
    match = _HEADER_DAY.search(header)
    if not match:
        return None
    try:
        parsed = dates.parse_day(match.group(0))
        if parsed.year >= 1990:  # a two-digit year read literally would be the year 14
            return parsed
    except Exception:
        pass
    year = int(match.group("year"))
    year += 2000 if year < 100 else 0
    try:
        return date(year, int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None


def _row_recommendation(
    row: _Row, columns: _Columns, accepted_on: date | None, progress_on: date | None
) -> ParsedRecommendation:
    text = row.cell(columns.index("text"))
    reasons: list[tuple[str, float]] = []
    agency_column = columns.index("agency")
    agency = row.cell(agency_column) or None
    if agency and agency_column is not None:
        reasons.append((f"agency from the '{columns.header[agency_column]}' column", 0))
    elif (subject := _subject(text)) and (phrase := _agency_phrase(subject)):
        agency = phrase
        reasons.append((f"agency from the text '{_quote(phrase)}'", _AGENCY_PHRASE_GUESSED))
    else:
        reasons.append(("no agency found", _NO_AGENCY))
    if row.lines > 1:
        reasons.append((f"row continued over {row.lines} lines", 0))
    for gap in sorted(row.gaps):
        penalty = _PAGE_BREAK_JOIN if gap == "page break" else _BLANK_LINE_JOIN
        reasons.append((f"row joined across a {gap}", penalty))
    timescale_cell = row.cell(columns.index("timescale"))
    timescale, due_on, time_reasons = _timescale(
        f"Timescale: {timescale_cell}" if timescale_cell else text, accepted_on
    )
    reasons += time_reasons
    if len(text.split()) < 5:
        reasons.append(("text very short", _SHORT_TEXT))
    progress = row.cell(columns.index("progress")) or None
    evidence = re.findall(r"https?://\S+", row.cell(columns.index("evidence")))
    return ParsedRecommendation(
        label=row.label or "",
        text=text,
        agency=agency,
        due_on=due_on,
        timescale=timescale,
        status=row.cell(columns.index("status")) or None,
        progress=progress,
        progress_on=progress_on if progress else None,
        evidence=evidence,
        parts=_inline_parts(text),
        confidence=_confidence(reasons),
        reasons=_dedupe([reason for reason, _ in reasons]),
        source_line=row.source_line,
    )


def parse_action_plan_table(text: str, accepted_on: date | None = None) -> ReportParse:
    """Read action-plan tables: a tab-separated header with a "Recommendation" column.

    Columns are recognised by their header: "Directorate"/"Agency" give the agency,
    "Progress at 31.10.14" the progress and its date, "Timescale" the due date.
    """
    return _read_tables(_read_lines(text), accepted_on)


def _read_tables(lines: list[_Line], accepted_on: date | None) -> ReportParse:
    result = ReportParse()
    for index, line in enumerate(lines):
        columns = _table_header(line)
        if columns is None:
            continue
        rows, warnings = _read_table(lines, index + 1, columns)
        if not rows:
            continue
        progress_column = columns.index("progress")
        progress_on = (
            _header_date(columns.header[progress_column]) if progress_column is not None else None
        )
        result.sections.append(" | ".join(c for c in columns.header if c))
        result.warnings += warnings
        result.recommendations += [
            _row_recommendation(row, columns, accepted_on, progress_on) for row in rows
        ]
    _unique_table_labels(result.recommendations)
    return result


def _unique_table_labels(recommendations: list[ParsedRecommendation]) -> None:
    seen: Counter[str] = Counter()
    for number, recommendation in enumerate(recommendations, 1):
        if not recommendation.label:
            recommendation.label = str(number)
            recommendation.reasons.append("no label in the table; numbered in order")
        seen[recommendation.label] += 1
        if seen[recommendation.label] > 1:
            recommendation.label = f"{recommendation.label} ({seen[recommendation.label]})"
            recommendation.reasons.append("duplicate label")
            recommendation.confidence = max(
                0.0, round(recommendation.confidence - _DUPLICATE_LABEL, 2)
            )


# --- The report ------------------------------------------------------------------------------


def parse_report(text: str, accepted_on: date | None = None) -> ReportParse:
    """Every recommendation in a review report's text, with what was not understood.

    An action-plan table, when there is one, is the source. Otherwise the sections under a
    recommendations heading are read; with no such heading, the whole text is read as a
    pasted list of recommendations (and each one says so in its reasons).
    """
    lines = _read_lines(text)
    tables = _read_tables(lines, accepted_on)
    if tables.recommendations:
        return tables
    context = _report_context(lines)
    reader = _SectionReader(lines, context)
    drafts = reader.read()
    warnings = reader.warnings
    if not drafts:
        whole = _SectionReader(lines, context)
        drafts = whole.read_whole_text()
        for draft in drafts:
            draft.reasons.append(("no recommendations heading; read the whole text", _WHOLE_TEXT))
        warnings = [*warnings, "no recommendations section found; read the whole text"]
        reader = whole
    drafts = _drop_repeated_sections(drafts, warnings)
    _unique_labels(drafts)
    known = _known_agencies(drafts, context)
    skipped = [w for top in _tops(drafts) for w in top.skipped]
    return ReportParse(
        recommendations=[_recommendation(d, known, context, accepted_on) for d in drafts],
        warnings=warnings + skipped,
        sections=_dedupe([d.section.heading.title for d in drafts if not reader.whole_text]),
        agency_short_names=_short_names(drafts),
    )


def _tops(drafts: list[_Draft]) -> list[_Section]:
    tops: dict[int, _Section] = {}
    for draft in drafts:
        tops.setdefault(id(draft.section.top), draft.section.top)
    return list(tops.values())
