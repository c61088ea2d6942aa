"""A recommendation while it is being read (a draft), and the section it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.imports.report_text.agencies import _Agency
from bot.imports.report_text.headings import _SectionHeading

_HYPHEN_END = re.compile(r"(?P<stem>[A-Za-z]+)-$")
_WORD_START = re.compile(r"^[a-z]+")


@dataclass
class _Section:
    heading: _SectionHeading
    line: int
    parent: _Section | None = None
    count: int = 0  # recommendations read under it
    skipped: list[str] = field(default_factory=list)
    addressee: tuple[str, str] | None = None  # (agency, as the lead-in wrote it)

    @property
    def top(self) -> _Section:
        return self.parent.top if self.parent else self

    @property
    def lead_in(self) -> tuple[str, str] | None:
        """The nearest lead-in's addressee: this section's, or else its parent's."""
        if self.addressee:
            return self.addressee
        return self.parent.lead_in if self.parent else None


@dataclass
class _Draft:
    """A recommendation being read."""

    label: str
    number: int | None
    source_line: int
    section: _Section
    agency: _Agency | None
    chunks: list[str] = field(default_factory=list)
    chunk_lines: list[int] = field(default_factory=list)  # the line each chunk came from
    parts: list[list[str]] = field(default_factory=list)
    in_parts: bool = False  # continuation lines extend the last part
    field_agency: tuple[str, str] | None = None  # (field name, value)
    addressee: tuple[str, str] | None = None  # (agency, the words that named it)
    timescale_cell: str | None = None  # a tab row's date column
    reasons: list[tuple[str, float]] = field(default_factory=list)
    unnumbered: bool = False  # a bullet: the report gives it no number
    bullet_indent: int = 0
    title: str | None = None  # a short title on the label's line, before the sentence

    def add(self, text: str, line: int, vocabulary: frozenset[str] = frozenset()) -> None:
        if not text:
            return
        if self.chunks:
            joined = _dehyphenate(self.chunks[-1], text, vocabulary)
            if joined is not None:
                self.chunks[-1] = joined
                if self.in_parts and self.parts:
                    self.parts[-1][-1] = _dehyphenate(self.parts[-1][-1], text, vocabulary) or text
                return
        self.chunks.append(text)
        self.chunk_lines.append(line)
        if self.in_parts and self.parts:
            self.parts[-1].append(text)

    def add_part(self, part: str, line: int) -> None:
        self.chunks.append(part)
        self.chunk_lines.append(line)
        self.parts.append([part])
        self.in_parts = True

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    @property
    def body(self) -> str:
        """The text without its title: where its subject ("The Board should …") is."""
        if self.title and self.chunks and self.chunks[0] == self.title:
            return " ".join(" ".join(self.chunks[1:]).split())
        return self.text


def _dehyphenate(left: str, right: str, vocabulary: frozenset[str]) -> str | None:
    """ "safe-" + "guarding practice" is one word broken at a line end: joined, without its
    hyphen, unless the report writes the word with one elsewhere ("self-" + "neglect")."""
    end = _HYPHEN_END.search(left)
    start = _WORD_START.match(right)
    if not end or not start:
        return None
    compound = f"{end.group('stem')}-{start.group(0)}".casefold()
    whole = f"{end.group('stem')}{start.group(0)}".casefold()
    if compound in vocabulary and whole not in vocabulary:
        return f"{left}{right}"
    return f"{left[:-1]}{right}"
