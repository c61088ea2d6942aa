"""From drafts to recommendations: repeated sections dropped, labels made unique, the owner
agency resolved, parts split out, and a confidence with its reasons."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from bot.imports import ParsedRecommendation
from bot.imports.report_text.agencies import (
    _agency_phrase,
    _KnownAgency,
    _names_agency,
    _subject,
)
from bot.imports.report_text.context import _ReportContext
from bot.imports.report_text.drafts import _Draft, _Section
from bot.imports.report_text.lines import _quote
from bot.imports.report_text.result import (
    _AGENCY_DISAGREES,
    _AGENCY_FROM_TEXT,
    _AGENCY_INFERRED,
    _AGENCY_PHRASE_GUESSED,
    _DUPLICATE_LABEL,
    _LABEL_INFERRED,
    _NO_AGENCY,
    _SHORT_TEXT,
    _confidence,
    _dedupe,
)
from bot.imports.report_text.timescales import _timescale


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


def _merge_repeats(drafts: list[_Draft], warnings: list[str]) -> list[_Draft]:
    """An item written more than once (in a summary list, then in detail, then restated
    before its areas) is read once: the same label, the same first words. The occurrence
    kept is the one with parts, or else the last."""
    groups: dict[tuple[str, str], list[_Draft]] = {}
    for draft in drafts:
        if draft.label:
            groups.setdefault((draft.label, _first_words(draft.text)), []).append(draft)
    dropped: set[int] = set()
    for (label, _), same in groups.items():
        if len(same) < 2:
            continue
        kept = next((d for d in reversed(same) if d.parts), same[-1])
        dropped.update(id(d) for d in same if d is not kept)
        lines = ", ".join(str(d.source_line) for d in same)
        warnings.append(
            f"'{label}' is written {len(same)} times (lines {lines}); read once, from line "
            f"{kept.source_line}"
        )
    return [d for d in drafts if id(d) not in dropped]


def _first_words(text: str) -> str:
    return " ".join(text.casefold().split()[:8])


def _number_unnumbered(drafts: list[_Draft]) -> None:
    """Bulleted recommendations have no number in the report: they are numbered in order."""
    count = 0
    for draft in drafts:
        if draft.unnumbered:
            count += 1
            draft.label, draft.number = str(count), count
            draft.reasons.append(("no number in the report; numbered in order", _LABEL_INFERRED))


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
    if context.commissioner:
        known.setdefault(context.commissioner, _KnownAgency(context.commissioner, None))
    return list(known.values())


def _resolve_agency(
    draft: _Draft, known: list[_KnownAgency], context: _ReportContext
) -> tuple[str | None, list[tuple[str, float]]]:
    """The owner agency, and how sure we are of it: a lead agency entry, then the heading the
    item sits under, then the agency its text names, then whom a lead-in addresses."""
    subject = _subject(draft.body)
    named = [k.name for k in known if subject and _names_agency(subject, k, context.glossary)]
    if draft.field_agency:
        name, value = draft.field_agency
        return value, [(f"agency from the '{name}' entry '{_quote(value)}'", 0)]
    if draft.agency:
        return _heading_agency(draft, named)
    lead_in = draft.addressee or draft.section.lead_in
    phrase = _agency_phrase(subject) if subject and not named else None
    if lead_in and (named[:1] == [lead_in[0]] or not (named or phrase)):
        too = "; the text names it too" if named else ""
        return lead_in[0], [(f"{lead_in[1]}{too}", 0)]
    if named:
        reasons = [(f"agency from the text '{_quote(subject or '')}'", _AGENCY_FROM_TEXT)]
        if len(set(named)) > 1:
            reasons.append((f"the text could also name '{named[1]}'", _AGENCY_DISAGREES))
        return named[0], reasons
    if phrase:
        return phrase, [(f"agency from the text '{_quote(phrase)}'", _AGENCY_PHRASE_GUESSED)]
    return None, [("no agency found", _NO_AGENCY)]


def _heading_agency(draft: _Draft, named: list[str]) -> tuple[str, list[tuple[str, float]]]:
    assert draft.agency is not None
    heading = draft.agency.name
    reasons: list[tuple[str, float]] = [(f"agency from heading '{draft.agency.written}'", 0)]
    if draft.agency.inferred:
        reasons.append(
            (
                f"'{heading}' names no kind of organisation and is not in the report's list "
                "of agencies; read as an agency because the numbering restarts under it",
                _AGENCY_INFERRED,
            )
        )
    if not named:
        return heading, reasons
    if any(heading.startswith(n) or n.startswith(heading) for n in named):
        reasons[0] = (f"{reasons[0][0]}; the text names it too", 0)
        return heading, reasons
    disagreement = f"the text names '{named[0]}' but it sits under '{draft.agency.written}'"
    return heading, [*reasons, (disagreement, _AGENCY_DISAGREES)]


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


def _short_names(drafts: list[_Draft]) -> dict[str, str]:
    return {d.agency.name: d.agency.short for d in drafts if d.agency and d.agency.short}


def _tops(drafts: list[_Draft]) -> list[_Section]:
    tops: dict[int, _Section] = {}
    for draft in drafts:
        tops.setdefault(id(draft.section.top), draft.section.top)
    return list(tops.values())
