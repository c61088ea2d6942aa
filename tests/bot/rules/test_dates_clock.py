"""Dates read no wall clock: the year an example suggests comes from the caller's day (the
injected clock), and nothing under bot/ asks the machine for the time itself."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.reminders.replies import read_proposal
from bot.rules.dates import parse_day, parse_due

BOT = Path(__file__).resolve().parents[3] / "bot"
WALL_CLOCK = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.utcnow|datetime\.today|time\.time)\(")
# Still reading the wall clock, in a file being rewritten elsewhere: it is to take the day from
# its caller's clock too; then this list is empty.
NOT_YET_SWITCHED = {"rules/permissions.py"}

TODAY = date(2015, 3, 2)  # not the machine's year: the example must follow the caller's day


@pytest.mark.parametrize(
    ("text", "example"), [("March", "end of March 2015"), ("31 March", "31 March 2015")]
)
def test_a_due_date_without_a_year_suggests_the_callers_year(text: str, example: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_due(text, today=TODAY)
    assert caught.value.example == example


def test_a_day_without_a_year_suggests_the_callers_year() -> None:
    with pytest.raises(UserError) as caught:
        parse_day("20 April", today=TODAY)
    assert caught.value.example == "20 April 2015"


def test_a_reply_delayed_to_a_month_without_a_year_suggests_the_replys_year() -> None:
    with pytest.raises(UserError) as caught:
        read_proposal("delayed to April", date(2014, 9, 15), TODAY)
    assert caught.value.example == "end of April 2015"


def test_no_module_under_bot_reads_the_wall_clock() -> None:
    readers = {
        str(path.relative_to(BOT))
        for path in BOT.rglob("*.py")
        if WALL_CLOCK.search(path.read_text(encoding="utf-8"))
    }
    assert readers <= NOT_YET_SWITCHED
