"""The entry points: a review report's text, or an action-plan table, to a `ReportParse`."""

from __future__ import annotations

from datetime import date

from bot.imports.report_text.boundaries import _fit_drafts, _fit_for_storage
from bot.imports.report_text.context import _report_context, _ReportContext
from bot.imports.report_text.drafts import _Draft
from bot.imports.report_text.lines import _Line, _read_lines
from bot.imports.report_text.recommendations import (
    _drop_repeated_sections,
    _known_agencies,
    _merge_repeats,
    _number_unnumbered,
    _recommendation,
    _short_names,
    _tops,
    _unique_labels,
)
from bot.imports.report_text.result import _WHOLE_TEXT, ReportParse, _dedupe, _summary
from bot.imports.report_text.sections import _SectionReader
from bot.imports.report_text.shapes import _LABEL_WORDED
from bot.imports.report_text.tables import _read_tables


def parse_action_plan_table(text: str, accepted_on: date | None = None) -> ReportParse:
    """Read action-plan tables: a tab-separated header with a "Recommendation" column.

    Columns are recognised by their header: "Directorate"/"Agency" give the agency,
    "Progress at 31.10.14" the progress and its date, "Timescale" the due date.
    """
    return _read_tables(_read_lines(text), accepted_on)


def parse_report(text: str, accepted_on: date | None = None) -> ReportParse:
    """Every recommendation in a review report's text, with what was not understood.

    An action-plan table, when there is one, is the source. Otherwise the sections under a
    recommendations heading are read; with no such heading, the items the report labels
    ("Finding 2", "Recommendation 3"), or else the whole text as a pasted list (and each
    item says so in its reasons). Nothing doubtful refuses the file: it is flagged instead.
    """
    lines = _read_lines(text)
    tables = _read_tables(lines, accepted_on)
    if tables.recommendations:
        return tables
    context = _report_context(lines)
    reader, drafts, warnings = _read(lines, context)
    drafts = _drop_repeated_sections(drafts, warnings)
    drafts = _merge_repeats(drafts, warnings)
    _number_unnumbered(drafts)
    _unique_labels(drafts)
    _fit_drafts(drafts, warnings)
    known = _known_agencies(drafts, context)
    skipped = [w for top in _tops(drafts) for w in top.skipped]
    recommendations = [_recommendation(d, known, context, accepted_on) for d in drafts]
    for recommendation in recommendations:
        _fit_for_storage(recommendation)
    gaps = reader.gaps
    return ReportParse(
        recommendations=recommendations,
        warnings=warnings + _gap_warnings(gaps) + skipped,
        sections=_dedupe([d.section.heading.title for d in drafts if not reader.whole_text]),
        agency_short_names=_short_names(drafts),
        summary=_summary(recommendations, gaps),
    )


def _read(
    lines: list[_Line], context: _ReportContext
) -> tuple[_SectionReader, list[_Draft], list[str]]:
    """Sections under a recommendations heading; else the labelled items; else everything."""
    reader = _SectionReader(lines, context)
    drafts = reader.read()
    if drafts:
        return reader, drafts, reader.warnings
    warnings = reader.warnings
    if _has_worded_labels(lines):
        labelled = _SectionReader(lines, context)
        drafts = labelled.read_labelled()
        if drafts:
            words = sorted({d.label.rstrip("0123456789. ") or "Recommendation" for d in drafts})
            said = " and ".join(f"'{word} N'" for word in words)
            return (
                labelled,
                drafts,
                [
                    *warnings,
                    *labelled.warnings,
                    f"no recommendations section found; read the items labelled {said}",
                ],
            )
    whole = _SectionReader(lines, context)
    drafts = whole.read_whole_text()
    for draft in drafts:
        draft.reasons.append(("no recommendations heading; read the whole text", _WHOLE_TEXT))
    return whole, drafts, [*warnings, "no recommendations section found; read the whole text"]


def _has_worded_labels(lines: list[_Line]) -> bool:
    """Two or more different "Finding N" / "Recommendation N" labels open lines of the text."""
    found = set()
    for line in lines:
        match = _LABEL_WORDED.match(line.text) if "\t" not in line.raw else None
        if match and (match.group("punct") or not match.group("rest")):
            found.add(match.group("num"))
    return len(found) >= 2


def _gap_warnings(gaps: list[str]) -> list[str]:
    return [f"the numbering skips {gap}: check that no recommendation was missed" for gap in gaps]
