"""The reminder policy: every kind at every threshold, weekends, bank holidays, the clock
change and time zones. Times are UTC; London is UTC+0 until 29 March 2015, then UTC+1."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.reminders import due as reminders
from bot.reminders.due import Policy, Subject
from storage.models import Board, Status

POLICY = Policy()
LONDON = "Europe/London"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def open_item(due: date | None, last_touch: date = date(2015, 3, 1), **kw: object) -> Subject:
    return Subject(status=Status.in_progress, due_on=due, last_touch=last_touch, **kw)  # type: ignore[arg-type]


def keys(subject: Subject, now: str, tz: str = LONDON, policy: Policy = POLICY) -> list[str]:
    return [r.key for r in reminders.owner_reminders(subject, policy, utc(now), tz)]


# --- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2015, 3, 2), date(2015, 3, 2)),  # a Monday
        (date(2015, 3, 7), date(2015, 3, 9)),  # Saturday -> Monday
        (date(2015, 3, 8), date(2015, 3, 9)),  # Sunday -> Monday
        (date(2014, 12, 25), date(2014, 12, 29)),  # Christmas, Boxing Day, weekend
        (date(2014, 12, 26), date(2014, 12, 29)),
        (date(2015, 4, 3), date(2015, 4, 7)),  # Good Friday, weekend, Easter Monday
        (date(2015, 12, 28), date(2015, 12, 29)),  # Boxing Day (substitute day)
    ],
)
def test_reminders_go_out_on_the_next_working_day(day: date, expected: date) -> None:
    assert reminders.next_working_day(day) == expected


# --- due soon, at every threshold -----------------------------------------------------------

DUE = date(2015, 3, 25)  # a Wednesday, before the clock change: London is UTC


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2015-02-23T09:29", []),  # 30 days before (a Monday), one minute early
        ("2015-02-23T09:30", ["due-soon:30:2015-02-23"]),
        ("2015-03-10T12:00", ["due-soon:30:2015-02-23"]),  # still the current period
        ("2015-03-11T09:30", ["due-soon:14:2015-03-11"]),  # 14 days before
        ("2015-03-22T09:30", []),  # 3 days before is a Sunday: nothing goes at weekends…
        ("2015-03-23T09:30", ["due-soon:3:2015-03-22"]),  # …so it goes on Monday
        ("2015-03-25T09:30", ["overdue:2015-03-25"]),  # the due day
    ],
)
def test_due_soon_reminders_at_thirty_fourteen_and_three_days(
    now: str, expected: list[str]
) -> None:
    assert keys(open_item(DUE), now) == expected


def test_only_the_latest_reminder_is_sent_after_a_gap() -> None:
    # The scheduler was down from 20 Feb to 19 Mar: one reminder, not a backlog.
    assert keys(open_item(DUE), "2015-03-19T10:00") == ["due-soon:14:2015-03-11"]


def test_a_board_can_change_its_thresholds() -> None:
    board = Board(name="b", due_soon_days="7, 1", overdue_every_days=3, created_at=utc("2015-01-01T00:00"))
    policy = Policy.of(board)
    assert policy.due_soon_days == (7, 1)
    assert keys(open_item(DUE), "2015-03-18T09:30", policy=policy) == ["due-soon:7:2015-03-18"]
    assert keys(open_item(DUE), "2015-03-24T09:30", policy=policy) == ["due-soon:1:2015-03-24"]
    assert keys(open_item(DUE), "2015-03-30T08:30", policy=policy) == ["overdue:2015-03-28"]


# --- overdue, weekly, across weekends, bank holidays and the clock change -------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2015-03-25T09:30", ["overdue:2015-03-25"]),
        ("2015-03-31T12:00", ["overdue:2015-03-25"]),
        ("2015-04-01T08:29", []),  # 09:29 BST: nothing before half past nine
        ("2015-04-01T08:30", ["overdue:2015-04-01"]),  # 09:30 BST, after the clock change
        ("2015-04-08T08:30", ["overdue:2015-04-08"]),
    ],
)
def test_overdue_reminders_on_the_due_day_then_every_seven_days(
    now: str, expected: list[str]
) -> None:
    assert keys(open_item(DUE), now) == expected


def test_overdue_over_easter_waits_for_the_tuesday() -> None:
    due = date(2015, 4, 3)  # Good Friday
    assert keys(open_item(due), "2015-04-02T12:00") == ["due-soon:3:2015-03-31"]
    assert keys(open_item(due), "2015-04-06T12:00") == []  # Easter Monday
    assert keys(open_item(due), "2015-04-07T08:30") == ["overdue:2015-04-03"]


def test_christmas_bank_holidays_move_the_reminder_to_monday() -> None:
    due = date(2015, 1, 8)  # 14 days before is Christmas Day
    for day in ("2014-12-25", "2014-12-26", "2014-12-27", "2014-12-28"):
        assert keys(open_item(due, date(2014, 12, 1)), f"{day}T12:00") == []
    assert keys(open_item(due, date(2014, 12, 1)), "2014-12-29T09:30") == [
        "due-soon:14:2014-12-25"
    ]


def test_clock_change_keeps_the_reminder_at_half_past_nine_local() -> None:
    due = date(2015, 3, 30)  # the Monday after the clocks go forward on 29 March
    assert keys(open_item(due), "2015-03-30T08:29") == []  # 09:29 BST
    assert keys(open_item(due), "2015-03-30T08:30") == ["overdue:2015-03-30"]
    # On the Friday before, London was still on GMT.
    assert keys(open_item(due), "2015-03-27T09:29") == []
    assert keys(open_item(due), "2015-03-27T09:30") == ["due-soon:3:2015-03-27"]


# --- time zones -----------------------------------------------------------------------------


def test_each_owner_is_reminded_at_half_past_nine_in_their_own_zone() -> None:
    item = open_item(date(2015, 3, 30))  # due-soon:14 on Monday 16 March
    # Tokyo (UTC+9) reaches 09:30 first, London (UTC+0) next, New York (EDT, UTC-4) last.
    assert keys(item, "2015-03-16T00:29", "Asia/Tokyo") == []
    assert keys(item, "2015-03-16T00:30", "Asia/Tokyo") == ["due-soon:14:2015-03-16"]
    assert keys(item, "2015-03-16T00:30", LONDON) == []  # half past midnight in London
    assert keys(item, "2015-03-16T09:30", LONDON) == ["due-soon:14:2015-03-16"]
    assert keys(item, "2015-03-16T13:29", "America/New_York") == []
    assert keys(item, "2015-03-13T13:30", "America/New_York") == ["due-soon:30:2015-02-28"]
    assert keys(item, "2015-03-16T13:30", "America/New_York") == ["due-soon:14:2015-03-16"]


def test_nothing_goes_in_the_evening_or_at_weekends_even_when_catching_up() -> None:
    assert keys(open_item(DUE), "2015-03-12T17:59") == ["due-soon:14:2015-03-11"]
    assert keys(open_item(DUE), "2015-03-12T18:00") == []
    assert keys(open_item(DUE), "2015-03-14T12:00") == []  # Saturday


def test_an_unknown_time_zone_falls_back_to_the_board_zone() -> None:
    assert keys(open_item(DUE), "2015-02-23T09:30", "Mars/Olympus") == ["due-soon:30:2015-02-23"]


# --- stale nudge ----------------------------------------------------------------------------


def test_stale_nudge_after_sixty_days_without_an_update() -> None:
    item = open_item(None, last_touch=date(2015, 1, 1))  # +60 days: Monday 2 March
    assert keys(item, "2015-03-02T09:29") == []
    assert keys(item, "2015-03-02T09:30") == ["stale:2015-03-02"]
    assert keys(item, "2015-05-01T08:30") == ["stale:2015-05-01"]  # and every 60 days after


def test_stale_nudge_is_not_sent_while_due_date_reminders_chase_the_item() -> None:
    assert keys(open_item(date(2015, 3, 20), date(2015, 1, 1)), "2015-03-02T09:30") == [
        "due-soon:30:2015-02-18"
    ]
    far = open_item(date(2015, 9, 30), date(2015, 1, 1))
    assert keys(far, "2015-03-02T09:30") == ["stale:2015-03-02"]


# --- impact check, escalation, digest, snooze ------------------------------------------------


def test_impact_check_six_months_after_completion() -> None:
    done = Subject(
        status=Status.completed,
        due_on=date(2014, 10, 31),
        last_touch=date(2014, 9, 15),
        completed_on=date(2014, 9, 15),
    )
    assert keys(done, "2015-03-13T12:00") == []
    assert keys(done, "2015-03-16T09:30") == ["impact-check:2015-03-15"]  # Sunday -> Monday
    assured = Subject(**{**done.__dict__, "status": Status.assured})
    assert keys(assured, "2015-03-16T09:30") == ["impact-check:2015-03-15"]
    embedded = Subject(**{**done.__dict__, "status": Status.embedded})
    assert keys(embedded, "2015-03-16T09:30") == []


def test_escalation_when_more_than_fourteen_days_overdue() -> None:
    item = open_item(date(2015, 2, 13))  # +15 days is Saturday 28 Feb
    assert reminders.escalation(item, POLICY, utc("2015-02-27T12:00"), LONDON) is None
    found = reminders.escalation(item, POLICY, utc("2015-03-02T09:30"), LONDON)
    assert found is not None and found.key == "escalation:2015-02-28"
    later = reminders.escalation(item, POLICY, utc("2015-06-01T09:30"), LONDON)
    assert later is not None and later.key == "escalation:2015-02-28"  # once per due date


def test_closed_and_done_items_are_not_chased() -> None:
    for status in (Status.not_implemented, Status.superseded, Status.embedded):
        item = Subject(status=status, due_on=date(2015, 1, 1), last_touch=date(2014, 1, 1))
        assert keys(item, "2015-03-02T09:30") == []
        assert reminders.escalation(item, POLICY, utc("2015-03-02T09:30"), LONDON) is None


def test_snooze_holds_owner_reminders_but_not_the_escalation() -> None:
    item = open_item(date(2015, 2, 13), snoozed_until=date(2015, 3, 6))
    assert keys(item, "2015-03-02T09:30") == []
    assert keys(item, "2015-03-09T09:30") == ["overdue:2015-03-06"]
    assert reminders.escalation(item, POLICY, utc("2015-03-02T09:30"), LONDON) is not None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2015-03-02T08:59", None),
        ("2015-02-27T17:00", "digest:2015-02-23"),
        ("2015-03-02T09:00", "digest:2015-03-02"),
        ("2015-03-06T09:00", "digest:2015-03-02"),
        ("2015-04-06T12:00", None),  # Easter Monday: no digest…
        ("2015-04-07T08:00", "digest:2015-04-06"),  # …it goes on Tuesday, 09:00 BST
    ],
)
def test_weekly_digest_on_monday_at_nine_board_time(now: str, expected: str | None) -> None:
    found = reminders.digest(POLICY, utc(now))
    assert (found.key if found else None) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2015-03-02T08:59", None),  # before 09:00 board time
        ("2015-03-02T09:00", "chair-digest:2015-03-01"),  # 1 March is a Sunday: Monday 2nd
        ("2015-03-31T12:00", "chair-digest:2015-03-01"),
        ("2015-03-01T12:00", None),  # a Sunday: nothing goes
        ("2015-01-02T09:00", "chair-digest:2015-01-01"),  # New Year's Day: the 2nd
    ],
)
def test_monthly_chairs_digest_on_the_first_working_day(now: str, expected: str | None) -> None:
    found = reminders.monthly_digest(POLICY, utc(now))
    assert (found.key if found else None) == expected


def test_policy_reads_a_boards_settings_and_survives_nonsense() -> None:
    board = Board(
        name="b", due_soon_days="x, 10,,10", reminder_time="25:99", created_at=utc("2015-01-01T00:00")
    )
    policy = Policy.of(board)
    assert policy.due_soon_days == (10,)
    assert policy.reminder_time.hour == 9 and policy.reminder_time.minute == 30
