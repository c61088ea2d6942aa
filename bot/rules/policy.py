"""A board's settings (PRODUCT.md, "Reminder policy" and "BRAG rating"): each one's default,
its bounds, and its one parser.

- The defaults are storage.models.BOARD_DEFAULTS, PRODUCT.md's, as a new board stores them
  (they live there because the Board model needs them and storage may not import bot);
  each setting here gives its default in the form the rules use (`(30, 14, 3)`, 09:30).
- `parse` reads a person's value strictly: anything out of bounds raises a SettingError
  that names the field, so the settings modal can mark that input.
- `read` is the same parser reading a stored value. Stored values were checked on the way
  in; one stored before a bound was tightened, or by hand, is read as the nearest bound
  (the board keeps as much of what it asked for as the bounds allow), and one that is not
  a value at all as the default: a sweep never fails, nor stops reminding, over a setting.
- `store` gives the column's form of a parsed value.

bot/reminders/due.Policy and bot/rules/brag.Thresholds read a board through these.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import time
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserError
from storage.models import BOARD_DEFAULTS

__all__ = [
    "AMBER_DUE_WITHIN_DAYS",
    "AMBER_STALE_DAYS",
    "DIGEST_TIME",
    "DIGEST_WEEKDAY",
    "DUE_SOON_DAYS",
    "EDITABLE",
    "ESCALATE_AFTER_DAYS",
    "IMPACT_CHECK_MONTHS",
    "NUMBERS",
    "OVERDUE_EVERY_DAYS",
    "REMINDER_TIME",
    "REQUIRE_EVIDENCE",
    "SETTINGS",
    "STALE_AFTER_DAYS",
    "TIME_ZONE",
    "Setting",
    "SettingError",
    "checked",
]

T = TypeVar("T")


class SettingError(UserError):
    """A bad value in one setting; `field` names it so the modal can mark that input."""

    def __init__(self, field: str, message: str, example: str | None = None) -> None:
        super().__init__(message, example)
        self.field = field


class _Unreadable(Exception):
    """Not a value of the setting at all (as opposed to one out of its bounds)."""


@dataclass(frozen=True)
class Setting(ABC, Generic[T]):
    """One board setting: `field` is its column on the board."""

    field: str

    @property
    def default(self) -> T:
        # Strict: a default outside its own bounds fails loudly (the tests read every one).
        return self.parse(getattr(BOARD_DEFAULTS, self.field))

    def parse(self, value: Any) -> T:
        """A person's value, or a SettingError naming the field and showing a good one."""
        return self._value(value, stored=False)

    def read(self, stored: Any) -> T:
        """A stored value, by the same parser: out of bounds reads as the nearest bound, not
        a value at all as the default."""
        try:
            return self._value(stored, stored=True)
        except _Unreadable:
            return self.default

    @abstractmethod
    def store(self, value: T) -> Any:
        """The column's form of a parsed value."""

    @abstractmethod
    def _value(self, value: Any, *, stored: bool) -> T:
        """The parser. A value out of bounds is brought within them when `stored`, else
        refused; one it cannot read raises _Unreadable when `stored`, else is refused."""

    def _refuse(self, message: str, example: str) -> SettingError:
        return SettingError(self.field, message, example)


@dataclass(frozen=True, kw_only=True)
class Number(Setting[int]):
    """A whole number from `low` to `high`: days, months or a weekday."""

    low: int
    high: int

    @property
    def bounds(self) -> tuple[int, int]:
        return self.low, self.high

    def store(self, value: int) -> int:
        return value

    def _value(self, value: Any, *, stored: bool) -> int:
        try:
            if isinstance(value, bool):
                raise ValueError(value)
            number = int(str(value).strip())
        except ValueError:
            if stored:
                raise _Unreadable(self.field) from None
            raise self._out_of_bounds() from None
        if self.low <= number <= self.high:
            return number
        if stored:
            return min(max(number, self.low), self.high)
        raise self._out_of_bounds()

    def _out_of_bounds(self) -> SettingError:
        return self._refuse(f"Give a number from {self.low} to {self.high}.", str(self.low))


@dataclass(frozen=True, kw_only=True)
class DayList(Setting[tuple[int, ...]]):
    """Up to `most` numbers of days from `low` to `high`, farthest first: "30,14,3"."""

    low: int
    high: int
    most: int

    @property
    def bounds(self) -> tuple[int, int]:
        return self.low, self.high

    def store(self, value: tuple[int, ...]) -> str:
        return ",".join(str(day) for day in value)

    def _value(self, value: Any, *, stored: bool) -> tuple[int, ...]:
        days: set[int] = set()
        for part in str(value).replace(";", ",").replace(" ", ",").split(","):
            if not part:
                continue
            try:
                day = int(part)
            except ValueError:
                if stored:
                    continue  # keep what can be read
                raise self._refused() from None
            if not self.low <= day <= self.high:
                if not stored:
                    raise self._refused()
                day = min(max(day, self.low), self.high)
            days.add(day)
        if not days:
            if stored:
                raise _Unreadable(self.field)
            raise self._refused()
        if len(days) > self.most:
            if not stored:
                raise self._refused()
            # The reminders nearest the due date matter most.
            days = set(sorted(days)[: self.most])
        return tuple(sorted(days, reverse=True))

    def _refused(self) -> SettingError:
        return self._refuse(
            f"Give up to {self.most} numbers of days before the due date, "
            f"each from {self.low} to {self.high}, separated by commas.",
            self.store(self.default),
        )


@dataclass(frozen=True)
class ClockTime(Setting[time]):
    """A time of day, "09:30"."""

    def store(self, value: time) -> str:
        return f"{value:%H:%M}"

    def _value(self, value: Any, *, stored: bool) -> time:
        try:
            hours, minutes = str(value).strip().split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            if stored:
                raise _Unreadable(self.field) from None
            raise self._refuse("Give a time of day as hours and minutes.", "09:30") from None


@dataclass(frozen=True)
class ZoneName(Setting[str]):
    """An IANA time zone name, "Europe/London"."""

    def store(self, value: str) -> str:
        return value

    def _value(self, value: Any, *, stored: bool) -> str:
        name = str(value or "").strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            if stored:
                raise _Unreadable(self.field) from None
            raise self._refuse("Give a time zone such as Europe/London.", "Europe/London") from None
        return name


@dataclass(frozen=True)
class Flag(Setting[bool]):
    """On or off."""

    def store(self, value: bool) -> bool:
        return value

    def _value(self, value: Any, *, stored: bool) -> bool:
        if isinstance(value, bool):
            return value
        if stored:
            raise _Unreadable(self.field)
        raise self._refuse("Say yes or no.", "yes")


TIME_ZONE = ZoneName("time_zone")  # the board's: the channel's digest and its dates
REQUIRE_EVIDENCE = Flag("require_evidence")  # `completed` needs evidence
DUE_SOON_DAYS = DayList("due_soon_days", low=1, high=365, most=6)
OVERDUE_EVERY_DAYS = Number("overdue_every_days", low=1, high=90)
STALE_AFTER_DAYS = Number("stale_after_days", low=7, high=365)
IMPACT_CHECK_MONTHS = Number("impact_check_months", low=1, high=36)
ESCALATE_AFTER_DAYS = Number("escalate_after_days", low=1, high=365)
AMBER_DUE_WITHIN_DAYS = Number("amber_due_within_days", low=1, high=365)  # BRAG
AMBER_STALE_DAYS = Number("amber_stale_days", low=7, high=365)  # BRAG
REMINDER_TIME = ClockTime("reminder_time")
DIGEST_WEEKDAY = Number("digest_weekday", low=0, high=6)  # Monday is 0
DIGEST_TIME = ClockTime("digest_time")

SETTINGS: dict[str, Setting[Any]] = {
    s.field: s
    for s in (
        TIME_ZONE,
        REQUIRE_EVIDENCE,
        DUE_SOON_DAYS,
        OVERDUE_EVERY_DAYS,
        STALE_AFTER_DAYS,
        IMPACT_CHECK_MONTHS,
        ESCALATE_AFTER_DAYS,
        AMBER_DUE_WITHIN_DAYS,
        AMBER_STALE_DAYS,
        REMINDER_TIME,
        DIGEST_WEEKDAY,
        DIGEST_TIME,
    )
}
NUMBERS: tuple[Number, ...] = tuple(s for s in SETTINGS.values() if isinstance(s, Number))
# What the settings modal edits, with bounds it shows (`/recs settings`).
EDITABLE: tuple[Number | DayList, ...] = (
    DUE_SOON_DAYS,
    OVERDUE_EVERY_DAYS,
    STALE_AFTER_DAYS,
    ESCALATE_AFTER_DAYS,
    AMBER_DUE_WITHIN_DAYS,
    AMBER_STALE_DAYS,
)


def checked(field_name: str, value: Any) -> Any:
    """A person's value for a board setting, parsed strictly and in its column's form:
    what a settings change stores. Raises SettingError naming the field."""
    setting = SETTINGS[field_name]
    return setting.store(setting.parse(value))
