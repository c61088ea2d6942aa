"""Due dates and timescales: PRODUCT.md's table, relative forms, refusals and finding in prose."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.rules import dates
from bot.rules.dates import DATE_FORMS, DAY_FORMS, DueDate, find_timescale, parse_day, parse_due

# Child H's recommendations were accepted by the board in July 2014.
ACCEPTED = date(2014, 7, 31)


def _suggests_a_form(error: UserError, forms: tuple[str, ...] = DATE_FORMS) -> bool:
    return any(form in error.message for form in forms) and bool(error.example)


@pytest.mark.parametrize(
    ("text", "due_on"),
    [
        ("31/1/2012", date(2012, 1, 31)),
        ("30.6.2012", date(2012, 6, 30)),
        ("31 January 2012", date(2012, 1, 31)),
        ("2012-01-31", date(2012, 1, 31)),
        ("31st Jan 2012", date(2012, 1, 31)),
        ("31/01/12", date(2012, 1, 31)),
        ("31.10.14", date(2014, 10, 31)),
        ("1st of March 2013", date(2013, 3, 1)),
        ("January 31, 2012", date(2012, 1, 31)),
        ("March 2012", date(2012, 3, 31)),
        ("end of March 2012", date(2012, 3, 31)),
        ("by end of March 2012", date(2012, 3, 31)),
        ("By the end of March 2012", date(2012, 3, 31)),
        ("by September 2012", date(2012, 9, 30)),
        ("Sept 2012", date(2012, 9, 30)),
        ("February 2012", date(2012, 2, 29)),
        ("February 2013", date(2013, 2, 28)),
        ("between April 2012 and April 2013", date(2013, 4, 30)),
        ("between April and June 2012", date(2012, 6, 30)),
        ("between 1/4/2012 and 31/3/2013", date(2013, 3, 31)),
        ("2012/13", date(2013, 3, 31)),
        ("2012/2013", date(2013, 3, 31)),
        ("2012-13", date(2013, 3, 31)),
        ("1999/00", date(2000, 3, 31)),
        ("end of 2012", date(2012, 12, 31)),
        ("to be completed by 30 June 2012", date(2012, 6, 30)),
        ("Timescale: by end of March 2012.", date(2012, 3, 31)),
        ("Timescale for Completion: By end of March 2012", date(2012, 3, 31)),
        ("due 1/4/2012", date(2012, 4, 1)),
        ("no later than March 2012", date(2012, 3, 31)),
        ("  by\u00a0end of March 2012.  ", date(2012, 3, 31)),
    ],
)
def test_fixed_dates_and_months_read_as_product_table_says(text: str, due_on: date) -> None:
    assert parse_due(text, ACCEPTED).due_on == due_on
    assert parse_due(text).due_on == due_on


def test_timescale_keeps_the_phrase_as_written_without_the_full_stop() -> None:
    assert parse_due("  By end of March 2012. ") == DueDate(
        date(2012, 3, 31), "By end of March 2012"
    )


@pytest.mark.parametrize("text", ["March 2012", "end of March 2012", "by March 2012", "Mar 2012"])
def test_a_month_is_never_given_todays_day(text: str) -> None:
    # Any day but the 31st means a default (today's day of the month) leaked in.
    assert parse_due(text).due_on == date(2012, 3, 31)


@given(st.integers(dates.FIRST_YEAR, dates.LAST_YEAR), st.integers(1, 12))
@settings(max_examples=60, deadline=None)
def test_every_month_name_means_its_last_day(year: int, month: int) -> None:
    name = date(2000, month, 1).strftime("%B")
    assert parse_due(f"end of {name} {year}").due_on == dates.end_of_month(year, month)


@pytest.mark.parametrize(
    ("text", "accepted_on", "due_on"),
    [
        ("within 6 months", ACCEPTED, date(2015, 1, 31)),
        ("6 months", ACCEPTED, date(2015, 1, 31)),
        ("within 12 weeks", ACCEPTED, date(2014, 10, 23)),
        ("within 3 weeks", ACCEPTED, date(2014, 8, 21)),
        ("within 1 year", ACCEPTED, date(2015, 7, 31)),
        ("within 30 days", ACCEPTED, date(2014, 8, 30)),
        ("within six months", ACCEPTED, date(2015, 1, 31)),
        ("within a fortnight", ACCEPTED, date(2014, 8, 14)),
        ("within 6 months of acceptance", ACCEPTED, date(2015, 1, 31)),
        ("Timeframe – within 6 months", ACCEPTED, date(2015, 1, 31)),
        ("within 6 months", date(2011, 8, 31), date(2012, 2, 29)),
        ("within 6 months", date(2012, 8, 31), date(2013, 2, 28)),
        ("within 1 year", date(2012, 2, 29), date(2013, 2, 28)),
    ],
)
def test_relative_timescales_count_from_the_accepted_date(
    text: str, accepted_on: date, due_on: date
) -> None:
    assert parse_due(text, accepted_on).due_on == due_on


def test_relative_timescale_without_accepted_date_says_it_needs_one() -> None:
    with pytest.raises(UserError) as caught:
        parse_due("within 6 months")
    assert "accepted" in caught.value.message
    assert _suggests_a_form(caught.value)


def test_a_reversed_range_still_means_the_later_month() -> None:
    assert parse_due("between April 2013 and April 2012").due_on == date(2013, 4, 30)


@pytest.mark.parametrize(
    "text",
    [
        "soon",
        "ASAP",
        "31/2/2012",
        "29/2/2013",
        "13/13/2012",
        "1/13/2012",
        "0/1/2012",
        "next year",
        "2012",
        "March",
        "end of March",
        "31 March",
        "end of the year",
        "",
        "   ",
        "Q3",
        "Q3 2012",
        "1/2",
        "x" * 10_000,
        "31/1/1989",
        "1/1/2101",
        "tomorrow",
        "today",
        "within 0 days",
        "within 9999 years",
        "2012/14",
        "12-01-31",
        "31/1.2012",
        "\u0663\u0661/\u0661/\u0662\u0660\u0661\u0662",
        "\u2603\ufe0f\u200b",
        "March 2012 and then some",
        "by",
        "ongoing",
        "31 Febtember 2012",
        "between April 2012 and soon",
        "before March 2012",
    ],
)
def test_unreadable_due_dates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_due(text, ACCEPTED)
    assert _suggests_a_form(caught.value)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("31/2/2012", "29 days"),
        ("1/13/2012", "day first"),
        ("March", "no year"),
        ("31 March", "no year"),
        ("2012", "2012/13"),
        ("1/1/2101", "2100"),
        ("2012/14", "2012/13"),
    ],
)
def test_refusal_says_what_was_wrong(text: str, hint: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_due(text, ACCEPTED)
    assert hint in str(caught.value)


def test_a_long_paste_is_shown_cut_short() -> None:
    with pytest.raises(UserError) as caught:
        parse_due("not a date " * 1000)
    assert len(caught.value.message.splitlines()[0]) < 120


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_text_is_a_due_date_or_a_user_error(text: str) -> None:
    try:
        due = parse_due(text, ACCEPTED)
    except UserError as error:
        assert _suggests_a_form(error)
        return
    assert dates.FIRST_YEAR <= due.due_on.year <= dates.LAST_YEAR


_DATE_WORDS = st.sampled_from(
    ["by", "end", "of", "the", "within", "between", "and", "March", "Sept", "2012", "2013",
     "31/1/2012", "30.6.2012", "6", "months", "weeks", "2012/13", "-", "to", "timescale:"]
)  # fmt: skip


@given(st.lists(_DATE_WORDS, max_size=8).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_date_like_word_soup_is_a_due_date_or_a_user_error(text: str) -> None:
    try:
        due = parse_due(text, ACCEPTED)
    except UserError as error:
        assert _suggests_a_form(error)
        return
    assert dates.FIRST_YEAR <= due.due_on.year <= dates.LAST_YEAR


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/1/2012", date(2012, 1, 31)),
        ("30.6.2012", date(2012, 6, 30)),
        ("31 January 2012", date(2012, 1, 31)),
        ("2012-01-31", date(2012, 1, 31)),
        ("31.10.14", date(2014, 10, 31)),
        ("2 March 2015.", date(2015, 3, 2)),
    ],
)
def test_parse_day_reads_exact_days(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("March 2012", "31/3/2012"),
        ("end of March 2012", "31/3/2012"),
        ("2012/13", "31/3/2013"),
        ("by 31/1/2012", "31/1/2012"),
    ],
)
def test_parse_day_refuses_months_and_suggests_the_day(text: str, example: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_day(text)
    assert caught.value.example == example
    assert _suggests_a_form(caught.value, DAY_FORMS)


@pytest.mark.parametrize(
    "text", ["today", "yesterday", "within 6 months", "31 March", "31/2/2012", "", "soon"]
)
def test_parse_day_refuses_anything_but_a_day(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_day(text)
    assert _suggests_a_form(caught.value, DAY_FORMS)


@pytest.mark.parametrize(
    ("text", "phrase", "due_on"),
    [
        ("To be established by September 2012.", "by September 2012", date(2012, 9, 30)),
        ("Timescale for Completion: By end of March 2012", "By end of March 2012",
         date(2012, 3, 31)),
        ("Timeframe – within 6 months", "within 6 months", date(2015, 1, 31)),
        ("Audits run between April 2012 and April 2013 in each team.",
         "between April 2012 and April 2013", date(2013, 4, 30)),
        ("Revised guidance issued 31/1/2012", "31/1/2012", date(2012, 1, 31)),
        ("Briefings for all staff (30.6.2012).", "30.6.2012", date(2012, 6, 30)),
        ("Training was held in March 2012. Timescale: June 2012", "June 2012",
         date(2012, 6, 30)),
        ("Child H (then 21 months of age) was seen in September 2012; finish by March 2013.",
         "by March 2013", date(2013, 3, 31)),
    ],
)  # fmt: skip
def test_find_timescale_prefers_the_labelled_phrase_as_written(
    text: str, phrase: str, due_on: date
) -> None:
    assert find_timescale(text, ACCEPTED) == (phrase, DueDate(due_on, phrase))


def test_find_timescale_skips_relative_phrases_without_an_accepted_date() -> None:
    assert find_timescale("Timeframe – within 6 months") is None
    assert find_timescale("Within 6 months, or by March 2015 at the latest") == (
        "by March 2015",
        DueDate(date(2015, 3, 31), "by March 2015"),
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Embed the learning in practice.",
        "On 26.06.13 the chairperson supported the recommendation.",
        "Child H (then 21 months of age) was admitted.",
        "The case was closed in February 2013.",
        "At the end of May 2011 a drugs worker was introduced.",
        "Management was discussed in late May 2011.",
        "- 1.3.10 The very large number of children living with drug-dependent parents",
    ],
)
def test_find_timescale_finds_nothing_in_history_or_plain_prose(text: str) -> None:
    assert find_timescale(text, ACCEPTED) is None


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_find_timescale_on_any_text_returns_a_phrase_from_it_or_none(text: str) -> None:
    found = find_timescale(text, ACCEPTED)
    if found is not None:
        assert found[0] in text
        assert parse_due(found[0], ACCEPTED) == found[1]


@pytest.mark.parametrize(
    "text",
    [
        "assessments start at latest by 28 weeks of gestation where previous Care Proceedings",
        "review any case that is re-referred within twelve months before deciding",
        "a baby within six months of birth was seen",
        "Timescale: 28 weeks of gestation",
        "calls received within 6 months after the first incident are linked",
        "the audit looks at cases within 12 months and reports to the Board",
        "a supervisor is alerted after the third call in any twelve months; and",
    ],
)
def test_a_period_that_measures_something_else_is_not_a_timescale(text: str) -> None:
    assert find_timescale(text, ACCEPTED) is None


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The Trust should audit compliance with its policy within six months.",
         "within six months"),
        ("Refresher training for all staff (within 12 weeks).", "within 12 weeks"),
        ("Within 6 months, the Trust should audit its referrals.", "Within 6 months"),
        ("Timeframe – within 6 months of acceptance, reporting to the Board",
         "within 6 months of acceptance"),
        ("Audit the referrals, to be completed within 6 months of the review", "within 6 months"),
        ("The Board should publish the learning within 3 months", "within 3 months"),
    ],
)  # fmt: skip
def test_a_labelled_or_clause_ending_period_is_a_timescale(text: str, phrase: str) -> None:
    found = find_timescale(text, ACCEPTED)
    assert found is not None and found[0] == phrase
