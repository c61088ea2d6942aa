"""What the report says about itself before any recommendation: the agencies it lists as
involved (bulleted or as plain lines, under a heading or after a paragraph that introduces
them), the abbreviations its glossary spells out, and the board or partnership its title page
names — the body that "the Board" and "the Partnership" mean in its text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.imports.report_text.headings import _all_caps_heading, _heading_shaped, _title_case
from bot.imports.report_text.lines import _clean, _ends_sentence, _Line
from bot.imports.report_text.shapes import _NUMBERED_HEADING, _STOPWORDS, _VERB

# The kinds of body a review is written for: what a title page names and the text calls
# "the Board" or "the Partnership".
_COMMISSIONER_WORD = re.compile(r"\b(?:board|partnership|lscb|lsab|sab|cscp)\b", re.IGNORECASE)
_TITLE_LINES = 40  # the title page: the first lines, before the contents or the text


@dataclass
class _ReportContext:
    """Agencies the report lists, the abbreviations its glossary spells out, and its board."""

    listed_agencies: list[str] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    commissioner: str | None = None  # "Kingsmere Safeguarding Adults Board", from the title page

    def lists(self, heading: str) -> bool:
        folded = heading.casefold()
        return any(
            len(name) >= 4 and (folded.startswith(name.casefold()) or name.casefold() == folded)
            for name in self.listed_agencies
        )

    def resolve(self, name: str) -> str:
        """ "the Partnership", "Board", "the SAB": the title page's body when the name is
        one of its own words or initials; any other name as it stands."""
        bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
        if self.commissioner and bare and _is_part_of(bare, self.commissioner):
            return self.commissioner
        return bare or name


def _is_part_of(short: str, full: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’]*", full) if w.casefold() not in _STOPWORDS]
    initials = "".join(w[0].upper() for w in words)
    if short.isupper() and len(short) >= 2 and initials.endswith(short):
        return True  # "SAB" of "Thornbury Safeguarding Adults Board"
    folded = f" {' '.join(full.casefold().split())} "
    return _COMMISSIONER_WORD.search(short) is not None and f" {short.casefold()} " in folded


_AGENCY_LIST_HEADING = re.compile(r"\b(?:agencies|organisations|organizations)\b", re.I)
# A paragraph that introduces a list of those involved ("The following agencies contributed
# to the review:"): it names agencies and hands over to the list with a colon.
_AGENCY_LIST_LEAD = re.compile(r"\b(?:agencies|organisations|organizations)\b", re.IGNORECASE)
_GLOSSARY_ROW = re.compile(r"^(?P<short>[A-Z][A-Za-z&]{1,9})\t(?P<meaning>[^\t]{3,80})$")
_LIST_ITEM = re.compile(r"^\s*[-–•·▪*]\s+(?P<item>\S.*)$")
_LIST_REACH = 40  # lines after the introduction that may still be its list
_LEAD_IN_LINES = 4  # lines an introduction under a list heading may take


def _report_context(lines: list[_Line]) -> _ReportContext:
    context = _ReportContext(commissioner=_commissioner(lines))
    for index, line in enumerate(lines):
        glossary = _GLOSSARY_ROW.match(line.raw.strip())
        if glossary and sum(c.isupper() for c in glossary.group("short")) >= 2:
            context.glossary[glossary.group("short")] = _clean(glossary.group("meaning"))
        if _is_agency_list_heading(line):
            context.listed_agencies.extend(_list_items(lines, index + 1, introduced=False))
        elif _introduces_agency_list(lines, index):
            context.listed_agencies.extend(_list_items(lines, index + 1, introduced=True))
    context.listed_agencies = list(dict.fromkeys(context.listed_agencies))
    return context


def _is_agency_list_heading(line: _Line) -> bool:
    text = line.text
    if "\t" in line.raw or not text or len(text) > 60 or text.endswith("."):
        return False
    # "AGENCIES INVOLVED", "Relevant Agencies", "Agencies which took part:": a short line
    # that names agencies and ends no sentence.
    return bool(_AGENCY_LIST_HEADING.search(text)) and (
        _all_caps_heading(text)
        or _title_case(text)
        or text.endswith(":")
        or (len(text.split()) <= 6 and not _ends_sentence(text) and not _VERB.search(text))
    )


def _introduces_agency_list(lines: list[_Line], index: int) -> bool:
    """The last line of a paragraph ending with a colon, the paragraph naming agencies."""
    if not lines[index].text.endswith(":"):
        return False
    paragraph = [lines[index].text]
    for line in reversed(lines[max(0, index - 6) : index]):
        if not line.text or _ends_sentence(line.text):
            break
        paragraph.insert(0, line.text)
    return bool(_AGENCY_LIST_LEAD.search(" ".join(paragraph)))


def _list_items(lines: list[_Line], start: int, introduced: bool) -> Iterator[str]:
    """The names in the list after a heading or an introduction: bulleted lines, or plain
    lines that are names alone. Under a heading, an introduction ending with a colon may come
    first; then the list starts at once and ends where its kind of line does: at prose, a
    heading, or a plain line after bulleted ones."""
    bulleted: bool | None = None
    intro_lines = 0
    for line in lines[start : start + _LIST_REACH]:
        text = line.text
        if not text:
            continue
        if _NUMBERED_HEADING.match(text) or _all_caps_heading(text):
            return
        item = _LIST_ITEM.match(line.raw)
        if bulleted is not None and bool(item) != bulleted:
            return
        name = _name_of(_clean(item.group("item")) if item else _clean(line.raw.split("\t")[0]))
        if name is None:
            # "2.1.1 The following were identified …:" between a heading and its list.
            if bulleted is None and not item and not introduced and intro_lines < _LEAD_IN_LINES:
                intro_lines += 1
                introduced = text.endswith(":")
                continue
            return
        bulleted = bool(item)
        yield name


def _name_of(item: str) -> str | None:
    """The agency an item names ("Barnardo's (Family Intervention Project)" → "Barnardo's"),
    or None when the item is a sentence or a list of several."""
    name = re.split(r"\s[(–-]\s?|\(|:|;", item, maxsplit=1)[0].strip(" .")
    if "," in name or not 3 <= len(name) <= 80:
        return None
    if _VERB.search(name) or not _heading_shaped(name):
        return None
    return name


def _commissioner(lines: list[_Line]) -> str | None:
    """The board or partnership the title page names, in title case."""
    previous: _Line | None = None
    for line in lines[:_TITLE_LINES]:
        text = line.text
        if _NUMBERED_HEADING.match(text) or re.match(r"^\d", text):
            return None  # past the title page
        text = text.strip("*_ ")
        if text and _COMMISSIONER_WORD.search(text) and _is_title(text):
            # "OXFORDSHIRE" on the line above "SAFEGUARDING CHILDREN BOARD" is one title.
            above = previous.text.strip("*_ ") if previous is not None else ""
            if (
                above
                and len(above.split()) <= 3
                and _is_title(above)
                and not _COMMISSIONER_WORD.search(above)
            ):
                text = f"{above} {text}"
            return _as_title_case(text.strip("*_ "))
        previous = line
    return None


def _is_title(text: str) -> bool:
    return len(text.split()) <= 9 and (_all_caps_heading(text) or _heading_shaped(text))


def _as_title_case(text: str) -> str:
    if any(c.islower() for c in text):
        return text
    words = []
    for index, word in enumerate(text.split()):
        folded = word.casefold()
        keep_upper = len(word) <= 4 and folded in {"nhs", "lscb", "lsab", "sab", "cscp", "ccg"}
        if keep_upper:
            words.append(word)
        elif index and folded in _STOPWORDS:
            words.append(folded)
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)
