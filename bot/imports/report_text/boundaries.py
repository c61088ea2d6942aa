"""Keeping every item within what a recommendation can be, so that no one doubtful item makes
the import refuse the file: a text too long to be one recommendation is the sign of a missed
boundary, so it is cut where the next item most likely began, and flagged with where that was."""

from __future__ import annotations

import re

from bot.imports import ParsedRecommendation
from bot.imports.report_text.drafts import _Draft
from bot.imports.report_text.lines import _ends_sentence, _quote
from bot.imports.report_text.result import _OVER_LONG
from bot.rules.text import MAX_TEXT

MAX_LABEL = 100  # what storage keeps of a label
MAX_AGENCY = 200
MAX_TIMESCALE = 200
_NEW_ITEM = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,2})*[.):]?\s|[A-Z])")


def _fit_drafts(drafts: list[_Draft], warnings: list[str]) -> None:
    for draft in drafts:
        if len(draft.text) > MAX_TEXT:
            _cut(draft, warnings)


def _cut(draft: _Draft, warnings: list[str]) -> None:
    """Cut at the first line that could start an item: a number at the margin, or else a new
    paragraph (a line that ends a sentence, then one that starts with a capital)."""
    length = len(draft.text)
    at = _boundary(draft)
    kept, dropped = draft.chunks[:at], draft.chunks[at:]
    cut_line = draft.chunk_lines[at] if at < len(draft.chunk_lines) else draft.source_line
    last_line = draft.chunk_lines[-1] if draft.chunk_lines else cut_line
    draft.chunks, draft.chunk_lines = kept, draft.chunk_lines[:at]
    draft.parts = [part for part in draft.parts if part and part[0] in kept]
    text = draft.text
    if len(text) > MAX_TEXT:  # no line to cut at: the last sentence that fits
        sentence_end = max(text.rfind(". ", 0, MAX_TEXT), text.rfind("; ", 0, MAX_TEXT))
        end = sentence_end + 1 if sentence_end > 0 else MAX_TEXT - 1
        dropped = [text[end:].strip(), *dropped]
        draft.chunks = [text[:end].rstrip() + ("" if sentence_end > 0 else "…")]
    rest = " ".join(dropped)
    draft.reasons.append(
        (
            f"the text ran to {length:,} characters, more than a recommendation holds "
            f"({MAX_TEXT:,}), so a boundary was probably missed: the next number "
            f"({_next_label(draft.label)}) may have been at line {cut_line} "
            f"('{_quote(rest)}'), where the text was cut",
            _OVER_LONG,
        )
    )
    warnings.append(
        f"lines {cut_line}–{last_line}: not imported: {len(rest):,} characters after "
        f"recommendation {draft.label or '(unnumbered)'} ('{_quote(rest)}')"
    )


def _boundary(draft: _Draft) -> int:
    """The index of the chunk where the next item most likely began."""
    chunks = draft.chunks
    fits = [i for i in range(1, len(chunks)) if len(" ".join(chunks[:i])) <= MAX_TEXT]
    numbered = [i for i in fits if re.match(r"^\(?\d{1,3}(?:\.\d{1,2})*[.):]?\s", chunks[i])]
    if numbered:
        return numbered[0]
    paragraphs = [i for i in fits if _ends_sentence(chunks[i - 1]) and _NEW_ITEM.match(chunks[i])]
    if paragraphs:
        return paragraphs[0]
    return fits[-1] + 1 if fits else len(chunks)


def _next_label(label: str) -> str:
    """ "3.4" → "3.5", "Police 2" → "Police 3"."""
    number = re.search(r"(\d+)$", label)
    if not number:
        return "the next recommendation"
    return f"{label[: number.start()]}{int(number.group(1)) + 1}"


def _fit_for_storage(rec: ParsedRecommendation) -> None:
    """Labels, agencies and timescales within what storage keeps (a table cell read as a
    timescale can run long); a text within MAX_TEXT even from a table row."""
    if len(rec.label) > MAX_LABEL:
        rec.label = rec.label[: MAX_LABEL - 1] + "…"
    if rec.agency and len(rec.agency) > MAX_AGENCY:
        rec.agency = rec.agency[: MAX_AGENCY - 1] + "…"
    if rec.timescale and len(rec.timescale) > MAX_TIMESCALE:
        rec.timescale = rec.timescale[: MAX_TIMESCALE - 1] + "…"
    if len(rec.text) > MAX_TEXT:
        length = len(rec.text)
        rec.text = rec.text[: MAX_TEXT - 1] + "…"
        rec.reasons.append(f"the text ran to {length:,} characters and was cut at {MAX_TEXT:,}")
        rec.confidence = round(max(0.0, rec.confidence - _OVER_LONG), 2)
