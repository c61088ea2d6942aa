"""The entry points: a review report's text, or an action-plan table, to a `ReportParse`."""

from __future__ import annotations

from datetime import date

from bot.imports.report_text.agencies import _report_context
from bot.imports.report_text.lines import _read_lines
from bot.imports.report_text.recommendations import (
    _drop_repeated_sections,
    _known_agencies,
    _recommendation,
    _short_names,
    _tops,
    _unique_labels,
)
from bot.imports.report_text.result import _WHOLE_TEXT, ReportParse, _dedupe
from bot.imports.report_text.sections import _SectionReader
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
