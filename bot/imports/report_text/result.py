"""What a parse returns, and the confidence penalties its reasons carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.imports import ParsedRecommendation


@dataclass
class ReportParse:
    """What was read from one report, and what was not understood."""

    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # headings of the sections read
    agency_short_names: dict[str, str] = field(default_factory=dict)  # name -> "TVP"
    # The parse as a whole: "found 41 recommendations under 12 agencies; 3 doubtful; the
    # numbering skips 9".
    summary: str = ""


# Confidence penalties, one place so their relative weight is easy to judge.
_NO_AGENCY = 0.4
# An agency the report lists, heads or names on its title page, named as the subject: read.
_AGENCY_FROM_TEXT = 0.0
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
_LABEL_INFERRED = 0.1  # no number in the report: numbered in order
_AGENCY_INFERRED = 0.2  # a heading read as an agency from its place alone
_OVER_LONG = 0.5  # a boundary was probably missed


def _confidence(reasons: list[tuple[str, float]]) -> float:
    return round(max(0.0, min(1.0, 1.0 - sum(penalty for _, penalty in reasons))), 2)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _summary(recommendations: list[ParsedRecommendation], gaps: list[str]) -> str:
    count = len(recommendations)
    agencies = len({r.agency for r in recommendations if r.agency})
    doubtful = sum(1 for r in recommendations if r.confidence < 1)
    said = [
        f"found {count} recommendation{'' if count == 1 else 's'} under "
        f"{agencies} agenc{'y' if agencies == 1 else 'ies'}",
        f"{doubtful} doubtful" if doubtful else "all read with full confidence",
    ]
    if gaps:
        said.append("the numbering skips " + ", ".join(gaps))
    return "; ".join(said)
