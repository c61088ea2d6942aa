"""Timescales written in a recommendation's prose (issue 15, kind 6): "within the next six
months" counts from the accepted date, "progress at April 2012" is a deadline, and a history
date stays history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from bot.imports.report_text import ReportParse, parse_report
from bot.rules import dates

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "timescales-in-prose.txt"


def _parse(accepted_on: date | None = None) -> ReportParse:
    return parse_report(FIXTURE.read_text(encoding="utf-8"), accepted_on)


ACCEPTED = date(2012, 1, 1)


def test_timescales_in_prose_read_as_deadlines() -> None:
    found = {r.label: (r.timescale, r.due_on) for r in _parse(ACCEPTED).recommendations}
    assert found == {
        "1": ("within the next six months", ACCEPTED + relativedelta(months=6)),
        "2": ("April 2012", date(2012, 4, 30)),
        "3": ("by the end of September 2012", date(2012, 9, 30)),
        "4": ("within three months", ACCEPTED + relativedelta(months=3)),
        "5": (None, None),  # "first began to discuss … in September 2011" is history
        "6": ("by 31/3/2012", date(2012, 3, 31)),
    }


def test_the_dates_rules_read_the_prose_forms_and_still_refuse_history() -> None:
    assert dates.parse_due("within the next six months", ACCEPTED).due_on == date(2012, 7, 1)
    assert dates.find_timescale("report on progress at April 2012.", ACCEPTED) == (
        "April 2012",
        dates.DueDate(date(2012, 4, 30), "April 2012"),
    )
    assert dates.find_timescale("She moved at the end of May 2011 to a new flat.") is None
    assert dates.find_timescale("He was seen at 3 months old by the health visitor.") is None


def test_a_relative_timescale_in_prose_waits_for_the_accepted_date() -> None:
    rec = {r.label: r for r in _parse().recommendations}["1"]
    assert (rec.timescale, rec.due_on) == ("within the next six months", None)
