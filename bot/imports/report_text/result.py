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


# Confidence penalties, one place so their relative weight is easy to judge.
_NO_AGENCY = 0.4
_AGENCY_FROM_TEXT = 0.15
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


def _confidence(reasons: list[tuple[str, float]]) -> float:
    return round(max(0.0, min(1.0, 1.0 - sum(penalty for _, penalty in reasons))), 2)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
