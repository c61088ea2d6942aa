"""The agency headings recommendations sit under, and matching a recommendation's text to an
agency (what the report says about its agencies is in `context`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.imports.report_text.shapes import _ABBREVIATION, _AGENCY_WORD, _STOPWORDS

# --- Agencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Agency:
    """The agency heading(s) a recommendation sits under."""

    parent: str
    sub: str | None
    short: str | None  # the abbreviation the heading gives, "TVP"
    written: str  # the heading line(s) as written, for reasons
    is_organisation: bool
    inferred: bool = False  # neither a kind of organisation nor listed: read from its place

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
