"""A recommendation's timescale: the phrase as written, and the due date `bot.rules.dates`
makes of it."""

from __future__ import annotations

import logging
from datetime import date

from bot.errors import UserError
from bot.imports.report_text.lines import _quote
from bot.imports.report_text.result import _NEEDS_ACCEPTED_DATE, _TIMESCALE_NOT_UNDERSTOOD
from bot.imports.report_text.shapes import _INLINE_TIME_FIELD
from bot.rules import dates

# The package's name, as before it was split into modules.
logger = logging.getLogger(__package__)


# Any day will do to learn whether a phrase is a timescale counted from the accepted date.
_ANY_ACCEPTED_DAY = date(2000, 1, 1)


def _parse_due(text: str, accepted_on: date | None) -> dates.DueDate | None:
    # bot.dates raises UserError for what it cannot read; any other failure there must not
    # stop an import, so it is logged and the timescale reported as not understood.
    try:
        return dates.parse_due(text, accepted_on)
    except Exception as exc:
        _log_dates_failure(exc, text)
        return None


def _find_timescale(text: str, accepted_on: date | None) -> tuple[str, dates.DueDate] | None:
    try:
        return dates.find_timescale(text, accepted_on)
    except Exception as exc:
        _log_dates_failure(exc, text)
        return None


def _log_dates_failure(exc: Exception, text: str) -> None:
    if not isinstance(exc, UserError):
        logger.warning("bot.dates failed on %r", _quote(text), exc_info=exc)


def _timescale(
    text: str, accepted_on: date | None
) -> tuple[str | None, date | None, list[tuple[str, float]]]:
    """A timescale field ("Timescale for Completion: …") first, then any phrase in the text.

    A relative timescale ("within 6 months") with no accepted date keeps its phrase; its
    due date waits until the accepted date is known.
    """
    field_match = _INLINE_TIME_FIELD.search(text)
    scope = field_match.group("value").strip() if field_match else text
    whole = field_match is not None
    found = _read_timescale(scope, accepted_on, whole)
    if found is not None:
        return found[0], found[1].due_on, []
    if accepted_on is None:
        relative = _read_timescale(scope, _ANY_ACCEPTED_DAY, whole)
        if relative is not None:
            waiting = f"timescale '{relative[0]}' counts from the accepted date, which is not set"
            return relative[0], None, [(waiting, _NEEDS_ACCEPTED_DATE)]
    if whole:
        not_understood = f"timescale not understood: '{_quote(scope)}'"
        return scope, None, [(not_understood, _TIMESCALE_NOT_UNDERSTOOD)]
    return None, None, []


def _read_timescale(
    text: str, accepted_on: date | None, whole: bool
) -> tuple[str, dates.DueDate] | None:
    """A field's value is read whole ("By end of March 2012") before it is searched."""
    if whole:
        due = _parse_due(text, accepted_on)
        if due is not None:
            return due.timescale, due
    return _find_timescale(text, accepted_on)
