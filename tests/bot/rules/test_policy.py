"""A board's settings (bot/rules/policy.py): one source of defaults, the bounds of each setting,
and one parser for each, strict for a person's input and forgiving of an old stored value."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import services
from bot.errors import UserError
from bot.reminders.due import Policy
from bot.rules import policy
from bot.rules.brag import Thresholds
from bot.rules.permissions import SYSTEM
from storage.db import Database
from storage.models import BOARD_DEFAULTS, Board

CREATED = datetime(2015, 1, 1, tzinfo=UTC)


def test_a_new_board_gets_exactly_the_policys_defaults(db: Database) -> None:
    with db.unit_of_work() as uow:
        board = services.ensure_board(uow, SYSTEM, "A new board")
        uow.commit()
    with db.unit_of_work(write=False) as uow:
        stored = uow.session.get(Board, board.id)
        assert stored is not None
        for field, setting in policy.SETTINGS.items():
            assert getattr(stored, field) == setting.store(setting.default), field
        assert Policy.of(stored) == Policy()
        assert Thresholds.of(stored) == Thresholds()


def test_every_board_default_is_a_setting_with_bounds_it_keeps() -> None:
    assert set(asdict(BOARD_DEFAULTS)) == set(policy.SETTINGS)
    for field, setting in policy.SETTINGS.items():
        stored = getattr(BOARD_DEFAULTS, field)
        assert setting.parse(stored) == setting.default, field  # a default passes its own check


def test_the_defaults_are_product_mds() -> None:
    assert Policy() == Policy(
        due_soon_days=(30, 14, 3),
        overdue_every_days=7,
        stale_after_days=60,
        impact_check_months=6,
        escalate_after_days=14,
        reminder_time=time(9, 30),
        digest_weekday=0,
        digest_time=time(9, 0),
        time_zone="Europe/London",
    )
    assert Thresholds() == Thresholds(due_within_days=30, stale_days=60)
    assert policy.REQUIRE_EVIDENCE.default is True


# --- a person's input: strict, naming the field ------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (policy.OVERDUE_EVERY_DAYS, 0),
        (policy.OVERDUE_EVERY_DAYS, 91),
        (policy.STALE_AFTER_DAYS, 6),
        (policy.ESCALATE_AFTER_DAYS, "soon"),
        (policy.AMBER_DUE_WITHIN_DAYS, 366),
        (policy.AMBER_STALE_DAYS, "3"),
        (policy.DUE_SOON_DAYS, "soon"),
        (policy.DUE_SOON_DAYS, ""),
        (policy.DUE_SOON_DAYS, "30,14,0"),
        (policy.DUE_SOON_DAYS, "400"),
        (policy.DUE_SOON_DAYS, "60,30,21,14,7,3,1"),
        (policy.REMINDER_TIME, "25:99"),
        (policy.DIGEST_WEEKDAY, 7),
        (policy.TIME_ZONE, "Mars/Olympus_Mons"),
    ],
)
def test_a_value_out_of_bounds_is_refused_naming_its_field(
    setting: policy.Setting[object], value: object
) -> None:
    with pytest.raises(policy.SettingError) as caught:
        setting.parse(value)
    assert caught.value.field == setting.field
    assert isinstance(caught.value, UserError) and caught.value.example


@pytest.mark.parametrize(
    ("text", "days"),
    [("30,14,3", (30, 14, 3)), ("3, 14, 30", (30, 14, 3)), ("7;1", (7, 1)), ("10,,10", (10,))],
)
def test_due_soon_days_are_read_in_any_order(text: str, days: tuple[int, ...]) -> None:
    assert policy.DUE_SOON_DAYS.parse(text) == days
    assert policy.DUE_SOON_DAYS.store(days) == ",".join(str(d) for d in days)


def test_a_settings_change_stores_the_checked_value_in_its_columns_form() -> None:
    assert policy.checked("due_soon_days", "3, 14, 30") == "30,14,3"
    assert policy.checked("overdue_every_days", "14") == 14
    with pytest.raises(policy.SettingError) as caught:
        policy.checked("stale_after_days", 400)
    assert caught.value.field == "stale_after_days" and "7 to 365" in caught.value.message


def test_the_bounds_a_form_shows_are_the_ones_checked() -> None:
    for setting in policy.EDITABLE:
        low, high = setting.bounds
        setting.parse(setting.store(setting.parse(low)))
        with pytest.raises(policy.SettingError):
            setting.parse(high + 1)


# --- a stored value: the same parser ------------------------------------------------------------


@given(st.sampled_from(sorted(policy.NUMBERS, key=lambda s: s.field)), st.integers(-1000, 1000))
def test_a_stored_value_reads_as_the_person_entered_it(setting: policy.Number, value: int) -> None:
    try:
        entered = setting.parse(value)
    except policy.SettingError:
        return
    assert setting.read(value) == entered


def test_an_old_stored_value_out_of_bounds_reads_as_the_nearest_bound() -> None:
    """Stored before a bound was tightened, or by hand: the board keeps as much of what it
    asked for as the bounds allow, rather than the reminders stopping or a sweep failing."""
    board = Board(
        name="old",
        overdue_every_days=0,
        stale_after_days=1000,
        escalate_after_days=-3,
        amber_stale_days=3,
        due_soon_days="400, 30",
        digest_weekday=9,
        created_at=CREATED,
    )
    found = Policy.of(board)
    assert (found.overdue_every_days, found.stale_after_days, found.escalate_after_days) == (
        1,
        365,
        1,
    )
    assert found.due_soon_days == (365, 30) and found.digest_weekday == 6
    assert Thresholds.of(board).stale_days == 7


def test_an_old_stored_value_that_is_not_a_value_reads_as_the_default() -> None:
    board = Board(
        name="old",
        due_soon_days="x, 10,,10",
        reminder_time="25:99",
        digest_time="soon",
        time_zone="Mars/Olympus_Mons",
        created_at=CREATED,
    )
    found = Policy.of(board)
    assert found.due_soon_days == (10,)  # what can be read is kept
    assert found.reminder_time == time(9, 30) and found.digest_time == time(9, 0)
    assert found.time_zone == "Europe/London"
    assert Policy.of(Board(name="old", due_soon_days="never", created_at=CREATED)).due_soon_days == (
        30,
        14,
        3,
    )
