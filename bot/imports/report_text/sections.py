"""Reading the sections under a recommendations heading line by line: labels and their
numbering, parts, fields, lead-ins, agency headings and continuation lines, into drafts.

The reader runs in one of three modes: `read` (sections under a recommendations heading),
`read_labelled` (a report with no such heading whose items are labelled "Finding 2" or
"Recommendation 3": only those labels start an item) and `read_whole_text` (a pasted list).
"""

from __future__ import annotations

import re

from bot.imports.report_text.agencies import _Agency, _split_abbreviation
from bot.imports.report_text.context import _ReportContext
from bot.imports.report_text.drafts import _Draft, _Section
from bot.imports.report_text.headings import (
    _SECTION_END_WORDS,
    _all_caps_heading,
    _heading_shaped,
    _section_heading,
    _SectionHeading,
)
from bot.imports.report_text.labels import (
    _addressee,
    _body_named,
    _bullet_content,
    _dotted_label,
    _is_areas_lead_in,
    _is_lead_in,
    _LabelRead,
    _read_label,
    _section_path,
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
    _LABEL_NUMBERED,
    _NUMBERED_HEADING,
    _NUMBERED_PARAGRAPH,
    _ORG_WORD,
    _PART,
    _VERB,
)
from bot.imports.report_text.timescales import _ANY_ACCEPTED_DAY, _parse_due

_PARAGRAPH_LINES = 12  # how far a lead-in paragraph is read ahead


class _SectionReader:
    """A state machine over the lines: outside a section, or inside one reading drafts."""

    def __init__(self, lines: list[_Line], context: _ReportContext) -> None:
        self.lines = lines
        self.context = context
        self.vocabulary = _vocabulary(lines)
        self.drafts: list[_Draft] = []
        self.warnings: list[str] = []
        self.gaps: list[str] = []  # numbers the numbering skips: "9", "7.4"
        self.section: _Section | None = None
        self.whole_text = False
        self.labelled_only = False  # only worded labels start an item
        self.draft: _Draft | None = None
        self.agency: _Agency | None = None
        self.heading_run = False  # the last non-blank line was an agency heading
        self.gap: str | None = None  # "page break" or "blank line" since the last text
        self.last_number: int | None = None
        self.fresh_block = True  # a heading since the last recommendation: numbers may restart
        self.numbered_block = False  # a numbered label was read since the last heading
        self.heading_path: str | None = None  # "6.2" of a numbered agency heading in force
        self.areas_for: _Draft | None = None  # bullets here are that item's areas to consider
        self.index = 0
        self.skip_to = -1  # lines a lead-in paragraph took

    def read(self) -> list[_Draft]:
        for index, line in enumerate(self.lines):
            self.index = index  # lookahead (a lead-in's paragraph, a wrapped line) reads from here
            if index <= self.skip_to:
                continue
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

    def read_labelled(self) -> list[_Draft]:
        """For a report without a recommendations heading whose items carry worded labels."""
        self.labelled_only = True
        return self.read_whole_text()

    # Outside a section only a recommendations heading matters.
    def _outside(self, line: _Line) -> None:
        heading = _section_heading(line.text) if "\t" not in line.raw else None
        if heading and not self._in_contents(heading):
            self._open(heading, line.number)

    def _in_contents(self, heading: _SectionHeading) -> bool:
        """ "7.0 Recommendations" straight above "8.0 Glossary": a contents entry."""
        if heading.number is None:
            return False
        for line in self.lines[self.index + 1 : self.index + 4]:
            if line.text:
                following = _numbered_title(line.text)
                return following is not None and following > int(heading.number)
        return False

    def _open(self, heading: _SectionHeading, number: int, parent: _Section | None = None) -> None:
        self._close_draft()
        self.section = _Section(heading, number, parent)
        self.agency, self.heading_run, self.fresh_block, self.gap = None, False, True, None
        self.numbered_block, self.heading_path, self.areas_for = False, None, None
        if heading.agency:
            self._agency_heading(self.context.resolve(heading.agency))

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
        if _is_contents_line(line):
            return  # "\tFinding 1: … 18": the contents, not the item
        wraps = self._wraps_on()
        if not self.whole_text and not wraps and self._ends_section(line.text, self.section):
            self._close_section()
            self._outside(line)
            return
        self._classify(line, wraps)
        self.gap = None

    def _wraps_on(self) -> bool:
        """The next line carries on this one's sentence in lower case: this is no heading."""
        following = self.lines[self.index + 1] if self.index + 1 < len(self.lines) else None
        return bool(following and following.text and following.text[0].islower())

    def _ends_section(self, text: str, section: _Section) -> bool:
        numbered = _NUMBERED_HEADING.match(text)
        if numbered and not text.endswith(".") and len(text.split()) <= 12:
            top = numbered.group("number").split(".")[0]
            current = section.top.heading.number
            # Sections run forward: "4. MASH" inside section 6 is no new section.
            if current is None or int(top) > int(current):
                return True
        # "Appendix A", and "7. Glossary" after section 6.
        title = _numbered_after(text, section.top.heading.number)
        if _SECTION_END_WORDS.match(title) and len(title.split()) <= 8 and not title.endswith("."):
            return True
        # An unnumbered section ends at the next unnumbered capitals heading that is
        # neither an agency nor more recommendations.
        return (
            section.top.heading.number is None
            and _all_caps_heading(text)
            and not _AGENCY_WORD.search(text)
            and _section_heading(text) is None
            and not self.context.lists(text)
            and not self._restarts()
        )

    def _classify(self, line: _Line, wraps: bool) -> None:
        text = line.text
        if self._areas(line):
            return
        if self.draft is not None and not self.draft.chunks:
            # A label alone on its line: whatever follows is its first line, however it looks.
            if not (self._label(line) or self._part(line) or self._field(line)):
                self._continue(line)
            return
        if not wraps and not self.labelled_only and self._heading(line):
            return
        if self._label(line) or self._part(line) or self._field(line):
            self.heading_run = False
            return
        if self._dotted(line, wraps) or self._bullet_item(line):
            return
        if not wraps and not self.labelled_only and self._is_agency_heading(text):
            self._agency_heading(text)
            return
        self.heading_run = False
        if _NUMBERED_PARAGRAPH.match(text):
            self._close_draft()
            self._skip(line, "a numbered paragraph, not a recommendation")
            return
        if self.draft is None and self.fresh_block and self._lead_in(line, text):
            return
        self._continue(line)

    def _heading(self, line: _Line) -> bool:
        text = line.text
        heading = _section_heading(text) if "\t" not in line.raw else None
        if heading:
            self._subsection(heading, line.number)
            return True
        numbered_heading = _NUMBERED_HEADING.match(text)
        if numbered_heading and not _LABEL_NUMBERED.match(text):
            self._structure_heading(numbered_heading.group("title").strip())
            self.heading_path = _section_path(numbered_heading.group("number"))
            return True
        return False

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
        self.numbered_block = False

    # --- Lead-ins and areas

    def _lead_in(self, line: _Line, text: str) -> bool:
        """ "The review makes the following recommendations to the Board": read for who the
        recommendations are made to, and not taken for one."""
        end, paragraph = self._paragraph()
        if not _is_lead_in(paragraph):
            return False
        self._take_addressee(paragraph)
        self._skip(line, "a lead-in to the recommendations, not one of them")
        self.skip_to = end
        return True

    def _paragraph(self) -> tuple[int, str]:
        """This line and those after it up to a blank line: (index of the last, text)."""
        texts = [self.lines[self.index].text]
        end = self.index
        for index in range(self.index + 1, min(len(self.lines), self.index + _PARAGRAPH_LINES)):
            following = self.lines[index]
            if not following.text or following.page_break or _read_label(following):
                break
            texts.append(following.text)
            end = index
        return end, " ".join(texts)

    def _take_addressee(self, paragraph: str) -> None:
        assert self.section is not None
        who = _addressee(paragraph)
        if who is None:
            return
        agency = self.context.resolve(who)
        if agency != who or _AGENCY_WORD.search(who):
            said = f"agency from the lead-in: the recommendations are made to '{who}'"
            self.section.addressee = (agency, said)

    def _areas(self, line: _Line) -> bool:
        """A lead-in ending "… may wish to consider the following areas:" after an item, and
        the bullets under it: that item's parts, said once, however often the item recurs."""
        target = self.areas_for
        if target is not None:
            content = _bullet_content(line)
            if content is not None:
                if target.chunks and not _ends_sentence(target.chunks[-1]):
                    target.chunks[-1] += ";"
                target.add_part(content, line.number)
                return True
            if target.in_parts and line.text[0].islower():
                target.add(line.text, line.number, self.vocabulary)  # an area wrapped on
                return True
            self.areas_for = None
        last = self.draft or (self.drafts[-1] if self.drafts else None)
        if last is None or not _is_areas_lead_in(line.text) or line.bulleted:
            return False
        self._close_draft()
        last.add(line.text, line.number)
        last.in_parts = False
        body = _body_named(line.text)
        if body and self.context.resolve(body) != body:
            last.addressee = (self.context.resolve(body), f"agency from '{_quote(line.text)}'")
        self.areas_for = last
        return True

    # --- Agency headings

    def _is_agency_heading(self, text: str) -> bool:
        text = text.rstrip(":").strip()
        if not _heading_shaped(text):
            return False
        return bool(_AGENCY_WORD.search(text)) or self.context.lists(text) or self._restarts()

    def _restarts(self) -> bool:
        """The numbering starts again at 1 on the next line: what stands above it heads a
        new agency's list, even when the report does not list that agency."""
        if self.last_number is None:
            return False
        for line in self.lines[self.index + 1 : self.index + 4]:
            if line.text:
                read = _read_label(line)
                return read is not None and read.number == 1
        return False

    def _agency_heading(self, text: str) -> None:
        self._close_draft()
        name, short = _split_abbreviation(text.rstrip(":").strip())
        is_organisation = bool(_ORG_WORD.search(name))
        inferred = not (_AGENCY_WORD.search(text) or self.context.lists(text))
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
            self.agency = _Agency(name, None, short, text, is_organisation, inferred)
        self.heading_run, self.fresh_block, self.numbered_block = True, True, False

    # --- Recommendations, parts and fields

    def _label(self, line: _Line) -> bool:
        read = _read_label(line)
        if read is None or (self.labelled_only and not read.worded):
            return False
        if read.bare and not self._accepts(read):
            return False
        self._start(line, read)
        return True

    def _accepts(self, read: _LabelRead) -> bool:
        """A bare number out of sequence ("3 Social Workers attended") is wrapped text; a
        table row ("10<TAB>text" at the margin) starts a row whatever its number."""
        if read.tab_row or self.draft is None:
            return True
        expected = None if self.last_number is None else self.last_number + 1
        return read.number == expected or (read.number == 1 and self.fresh_block)

    def _dotted(self, line: _Line, wraps: bool) -> bool:
        """ "7.4 The Board should …" in section 7: the report's own numbering of its items."""
        if self.section is None or self.labelled_only:
            return False
        path = self.section.heading.path or self.section.top.heading.path
        if path is None:
            return False
        prefixes = {_section_path(path)}
        if self.heading_path:
            prefixes.add(self.heading_path)
        read = _dotted_label(line.text, prefixes)
        if read is None:
            return False
        if not wraps and self._is_agency_heading(read.rest) and not _VERB.search(read.rest):
            self._agency_heading(read.rest)
            self.heading_path = read.label
            return True
        if self.fresh_block and self._lead_in(line, line.text):
            return True
        self._start(line, read)
        return True

    def _bullet_item(self, line: _Line) -> bool:
        """Bullets in a block with no numbers are the recommendations; a bullet set in further
        than the one above it is a sub-point of that one."""
        content = _bullet_content(line)
        draft = self.draft
        if content is None or self.labelled_only or self.numbered_block:
            return False
        if draft is not None and not draft.unnumbered:
            return False
        if draft is not None and line.indent > draft.bullet_indent:
            draft.add_part(content, line.number)
            return True
        assert self.section is not None
        self._close_draft()
        self.draft = _Draft("", None, line.number, self.section, self.agency)
        self.draft.unnumbered, self.draft.bullet_indent = True, line.indent
        self.draft.add(content, line.number)
        self.fresh_block = False
        return True

    def _start(self, line: _Line, read: _LabelRead) -> None:
        assert self.section is not None
        self._close_draft()
        number = read.number
        draft = _Draft(read.label, number, line.number, self.section, self.agency)
        expected = None if self.last_number is None else self.last_number + 1
        restarts = number == 1 and self.fresh_block
        repeats = number == self.last_number and read.worded  # "Finding 1" restated
        in_order = number == expected or restarts or repeats
        if number is not None and expected is not None and not in_order:
            draft.reasons.append((f"label out of sequence (expected {expected})", _OUT_OF_SEQUENCE))
            if number > expected:
                stem = read.label[: len(read.label) - len(str(number))]
                self.gaps += [f"{stem}{n}" for n in range(expected, number)]
        if number is not None:
            self.last_number = number
        self._add_cells(draft, read.rest, line.number)
        if self._titled(read):
            draft.title = draft.chunks[0] if draft.chunks else None
        self.draft, self.fresh_block, self.numbered_block = draft, False, True

    def _titled(self, read: _LabelRead) -> bool:
        """A short title on the label line ("Recommendation 1 – Self-neglect"), the sentence
        on the next line."""
        if not read.rest or "\t" in read.rest or not _heading_shaped(read.rest):
            return False
        for line in self.lines[self.index + 1 : self.index + 3]:
            if line.text:
                return line.text[0].isupper() and _read_label(line) is None
        return False

    def _add_cells(self, draft: _Draft, rest: str, line: int) -> None:
        """A tab row without a header ("1<TAB>text<TAB>By end of March 2012"): sort its cells."""
        text, *cells = [_clean(c) for c in rest.split("\t")]
        draft.add(text, line)
        for cell in filter(None, cells):
            if _heading_shaped(cell) and _AGENCY_WORD.search(cell):
                draft.field_agency = ("agency column", cell)
            elif draft.timescale_cell is None and _parse_due(cell, _ANY_ACCEPTED_DAY):
                draft.timescale_cell = cell
            else:
                draft.add(cell, line)
                draft.reasons.append(("a further column was added to the text", _BLANK_LINE_JOIN))

    def _part(self, line: _Line) -> bool:
        match = _PART.match(line.text)
        if not match or self.draft is None:
            return False
        letter = match.group("letter") or match.group("dotted")
        self.draft.add_part(f"{letter}) {match.group('rest')}", line.number)
        return True

    def _field(self, line: _Line) -> bool:
        """SMART lines, timescale and lead agency lines belong to the recommendation above."""
        match = _FIELD.match(line.text)
        if not match or self.draft is None:
            return False
        self.draft.in_parts = False
        self.draft.add(line.text, line.number)
        name, value = match.group("name"), match.group("value").strip()
        if _AGENCY_FIELD_NAME.match(name) and value and self.draft.field_agency is None:
            self.draft.field_agency = (name, value)
        return True

    def _continue(self, line: _Line) -> None:
        draft = self.draft
        text = _bullet_content(line) or line.text if draft and draft.unnumbered else line.text
        if draft is None:
            self._skip(line, "not part of a recommendation")
            return
        if self.gap and draft.chunks:
            joins_cleanly = not _ends_sentence(draft.text) or text[0].islower()
            if self.gap == "blank line" and not joins_cleanly:
                self._close_draft()
                self._skip(line, "a paragraph after a recommendation")
                return
            penalty = _BLANK_LINE_JOIN
            if self.gap == "page break":
                penalty = _PAGE_BREAK_JOIN if joins_cleanly else _PAGE_BREAK_NEW_SENTENCE
            draft.reasons.append((f"text joined across a {self.gap}", penalty))
        draft.add(text, line.number, self.vocabulary)

    def _close_draft(self) -> None:
        draft = self.draft
        self.draft = None
        if draft is None:
            return
        if not draft.chunks:
            self.warnings.append(
                f"line {draft.source_line}: skipped label '{_quote(draft.label)}' (no text)"
            )
            return
        self.drafts.append(draft)
        draft.section.count += 1

    def _skip(self, line: _Line, why: str) -> None:
        assert self.section is not None
        if self.labelled_only:
            return  # the report's prose, read past on the way to the next labelled item
        self.section.top.skipped.append(
            f"line {line.number}: skipped '{_quote(line.text)}' ({why})"
        )


_NUMBERED_TITLE = re.compile(r"^(?P<top>\d{1,2})(?:\.\d{1,2})*\.?\s+(?P<title>\S.{0,80})$")


def _numbered_title(text: str) -> int | None:
    """The top number of a short numbered title ("8.0 Glossary" → 8), not of a sentence."""
    numbered = _NUMBERED_TITLE.match(text)
    if not numbered or _ends_sentence(text) or len(text.split()) > 10:
        return None
    return int(numbered.group("top"))


def _numbered_after(text: str, current: str | None) -> str:
    """The title of a heading numbered after the current section ("7. Glossary", "8.0
    Glossary" → "Glossary"); any other text as it is."""
    numbered = _NUMBERED_TITLE.match(text)
    top = _numbered_title(text)
    if numbered and top is not None and (current is None or top > int(current)):
        return numbered.group("title")
    return text


def _is_contents_line(line: _Line) -> bool:
    """A contents entry: tab-separated, its last cell a page number."""
    cells = [c.strip() for c in line.raw.split("\t") if c.strip()]
    return len(cells) >= 2 and bool(re.fullmatch(r"\d{1,3}", cells[-1]))


def _vocabulary(lines: list[_Line]) -> frozenset[str]:
    """Every word the report writes, hyphenated compounds as one, to mend line-end breaks."""
    words: set[str] = set()
    for line in lines:
        words.update(w.casefold() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", line.text))
    return frozenset(words)
