"""Reading the sections under a recommendations heading line by line: labels and their
numbering, parts, fields, agency headings and continuation lines, into drafts."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.imports.report_text.agencies import _Agency, _ReportContext, _split_abbreviation
from bot.imports.report_text.headings import (
    _SECTION_END_WORDS,
    _all_caps_heading,
    _heading_shaped,
    _section_heading,
    _SectionHeading,
)
from bot.imports.report_text.lines import _clean, _ends_sentence, _Line, _quote
from bot.imports.report_text.result import (
    _BLANK_LINE_JOIN,
    _OUT_OF_SEQUENCE,
    _PAGE_BREAK_JOIN,
    _PAGE_BREAK_NEW_SENTENCE,
)
from bot.imports.report_text.shapes import (
    _AGENCY_FIELD_NAME,
    _AGENCY_WORD,
    _FIELD,
    _LABEL_ALONE,
    _LABEL_NUMBERED,
    _LABEL_WORDED,
    _NUMBERED_HEADING,
    _NUMBERED_PARAGRAPH,
    _ORG_WORD,
    _PART,
    _VERB,
)
from bot.imports.report_text.timescales import _ANY_ACCEPTED_DAY, _parse_due


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
