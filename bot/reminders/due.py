"""The reminder policy, pure: given a recommendation, its board's policy and the moment,
which reminders are due now, each with a period key that names it once and for all.

Every kind is a sequence of *anchor* days (due date minus 30, 14, 3 days; the due day and
every 7 days after; 60 days after the last update; 6 months after completion). An anchor
that falls on a weekend or an England and Wales bank holiday is sent on the next working
day, at the board's reminder time (09:30) in the recipient's own time zone. The reminder
that is due is the latest anchor whose moment has passed: a sweep that was missed (a
restart, a crash) catches up with exactly one message, never a backlog, and only in
sending hours (working days, 09:30 to 18:00 in the recipient's zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

# Re-exported for slack/notifier.py, which still imports it from here; its home is the away rule.
from bot.rules import policy as board_settings
from bot.rules.dates import zone
from bot.rules.lifecycle import AWAITING_IMPACT, OPEN_STATUSES
from storage.models import Board, Status

SENDING_ENDS = time(18, 0)  # local: what is not sent by then waits for the next working day


class Kind(StrEnum):
    due_soon = "due-soon"
    overdue = "overdue"
    stale = "stale"
    impact_check = "impact-check"
    escalation = "escalation"  # to each chair, by DM
    escalation_board = "escalation-board"  # once to the board channel
    digest = "digest"  # the weekly board digest
    chair_digest = "chair-digest"  # the monthly digest, to each chair by DM
    manual = "manual"  # `/recs remind REF`


OWNER_KINDS = (Kind.due_soon, Kind.overdue, Kind.stale, Kind.impact_check)


@dataclass(frozen=True)
class Policy:
    """A board's reminder policy: its settings as bot.rules.policy reads them (the defaults
    are a new board's)."""

    due_soon_days: tuple[int, ...] = board_settings.DUE_SOON_DAYS.default
    overdue_every_days: int = board_settings.OVERDUE_EVERY_DAYS.default
    stale_after_days: int = board_settings.STALE_AFTER_DAYS.default
    impact_check_months: int = board_settings.IMPACT_CHECK_MONTHS.default
    escalate_after_days: int = board_settings.ESCALATE_AFTER_DAYS.default
    reminder_time: time = board_settings.REMINDER_TIME.default
    digest_weekday: int = board_settings.DIGEST_WEEKDAY.default  # Monday is 0
    digest_time: time = board_settings.DIGEST_TIME.default
    time_zone: str = board_settings.TIME_ZONE.default  # the board's, for the channel and the digest

    @classmethod
    def of(cls, board: Board) -> Policy:
        return cls(
            due_soon_days=board_settings.DUE_SOON_DAYS.read(board.due_soon_days),
            overdue_every_days=board_settings.OVERDUE_EVERY_DAYS.read(board.overdue_every_days),
            stale_after_days=board_settings.STALE_AFTER_DAYS.read(board.stale_after_days),
            impact_check_months=board_settings.IMPACT_CHECK_MONTHS.read(board.impact_check_months),
            escalate_after_days=board_settings.ESCALATE_AFTER_DAYS.read(board.escalate_after_days),
            reminder_time=board_settings.REMINDER_TIME.read(board.reminder_time),
            digest_weekday=board_settings.DIGEST_WEEKDAY.read(board.digest_weekday),
            digest_time=board_settings.DIGEST_TIME.read(board.digest_time),
            time_zone=board_settings.TIME_ZONE.read(board.time_zone),
        )

    @property
    def horizon_days(self) -> int:
        """How far ahead of its due date a recommendation can first be reminded."""
        return max(self.due_soon_days, default=0)


@dataclass(frozen=True)
class Subject:
    """What the policy needs to know about one recommendation."""

    status: Status
    due_on: date | None
    last_touch: date  # the last update, or the day it was added
    completed_on: date | None = None
    snoozed_until: date | None = None


@dataclass(frozen=True)
class DueReminder:
    kind: Kind
    anchor: date  # the calendar day the policy names
    send_on: date  # the working day it goes out
    detail: str = ""  # e.g. the "14" of due-soon:14

    @property
    def period(self) -> str:
        return f"{self.detail}:{self.anchor.isoformat()}" if self.detail else self.anchor.isoformat()

    @property
    def key(self) -> str:
        """The period key: `due-soon:14:2015-03-17`, `overdue:2015-04-07`."""
        return f"{self.kind}:{self.period}"


# --- working days and moments ----------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` local time on `day` in `tz`, as UTC (zoneinfo handles the clock changes)."""
    return datetime.combine(day, at, tz).astimezone(UTC)


def _latest_passed(
    candidates: Iterator[DueReminder], now: datetime, at: time, tz: ZoneInfo
) -> DueReminder | None:
    """The last of the (anchor-ordered) candidates whose sending moment has passed."""
    found = None
    for candidate in candidates:
        if moment(candidate.send_on, at, tz) > now:
            break
        found = candidate
    return found


def in_sending_hours(now: datetime, at: time, tz: ZoneInfo) -> bool:
    """Reminders, caught-up ones too, go on working days from `at` until the evening in the
    recipient's zone: never at 04:30 because a server in London restarted."""
    local = now.astimezone(tz)
    return is_working_day(local.date()) and at <= local.time() < SENDING_ENDS


def _reminder(kind: Kind, anchor: date, detail: str = "") -> DueReminder:
    return DueReminder(kind, anchor, next_working_day(anchor), detail)


# --- the kinds ---------------------------------------------------------------------------


def _deadline_sequence(due_on: date, policy: Policy, until: date) -> Iterator[DueReminder]:
    """due-soon at each threshold, then overdue on the due day and every N days after."""
    for days in policy.due_soon_days:
        yield _reminder(Kind.due_soon, due_on - timedelta(days=days), str(days))
    anchor = due_on
    while anchor <= until:
        yield _reminder(Kind.overdue, anchor)
        anchor += timedelta(days=policy.overdue_every_days)


def _stale_sequence(last_touch: date, policy: Policy, until: date) -> Iterator[DueReminder]:
    anchor = last_touch + timedelta(days=policy.stale_after_days)
    while anchor <= until:
        yield _reminder(Kind.stale, anchor)
        anchor += timedelta(days=policy.stale_after_days)


def _is_snoozed(subject: Subject, today: date) -> bool:
    return subject.snoozed_until is not None and today <= subject.snoozed_until


def owner_reminders(
    subject: Subject, policy: Policy, now: datetime, tz_name: str | None
) -> list[DueReminder]:
    """The reminders due now to the owner, at 09:30 in the owner's time zone."""
    tz = zone(tz_name, policy.time_zone)
    today = now.astimezone(tz).date()
    at = policy.reminder_time
    if _is_snoozed(subject, today) or not in_sending_hours(now, at, tz):
        return []
    due: list[DueReminder] = []
    if subject.status in OPEN_STATUSES:
        if subject.due_on is not None:
            found = _latest_passed(_deadline_sequence(subject.due_on, policy, today), now, at, tz)
            if found:
                due.append(found)
        # The stale nudge is for work the due-date reminders are not already chasing.
        chased = subject.due_on is not None and (
            subject.due_on - today
        ).days <= policy.horizon_days
        if not chased:
            found = _latest_passed(_stale_sequence(subject.last_touch, policy, today), now, at, tz)
            if found:
                due.append(found)
    elif subject.status in AWAITING_IMPACT and subject.completed_on is not None:
        anchor = subject.completed_on + relativedelta(months=policy.impact_check_months)
        found = _latest_passed(iter([_reminder(Kind.impact_check, anchor)]), now, at, tz)
        if found:
            due.append(found)
    return due


def escalation(
    subject: Subject, policy: Policy, now: datetime, tz_name: str | None
) -> DueReminder | None:
    """Overdue by more than the board's days: raised once per due date (to each chair, and
    once to the board channel). A snooze does not hold it: the chair still needs to know."""
    if subject.status not in OPEN_STATUSES or subject.due_on is None:
        return None
    anchor = subject.due_on + timedelta(days=policy.escalate_after_days + 1)
    tz = zone(tz_name, policy.time_zone)
    if not in_sending_hours(now, policy.reminder_time, tz):
        return None
    return _latest_passed(iter([_reminder(Kind.escalation, anchor)]), now, policy.reminder_time, tz)


def digest(policy: Policy, now: datetime) -> DueReminder | None:
    """This week's board digest, once its moment has passed (moved to a working day)."""
    tz = zone(policy.time_zone)
    if not in_sending_hours(now, policy.digest_time, tz):
        return None
    today = now.astimezone(tz).date()
    anchor = today - timedelta(days=(today.weekday() - policy.digest_weekday) % 7)
    weeks = (_reminder(Kind.digest, anchor - timedelta(days=7 * n)) for n in (1, 0))
    return _latest_passed(weeks, now, policy.digest_time, tz)


def monthly_digest(policy: Policy, now: datetime) -> DueReminder | None:
    """This month's digest for the chairs: the first working day, at the digest time."""
    tz = zone(policy.time_zone)
    if not in_sending_hours(now, policy.digest_time, tz):
        return None
    first = now.astimezone(tz).date().replace(day=1)
    months = (_reminder(Kind.chair_digest, first - relativedelta(months=n)) for n in (1, 0))
    return _latest_passed(months, now, policy.digest_time, tz)


def first_sending_moment(day: date, policies: Iterable[Policy]) -> datetime | None:
    """The earliest moment of `day` at which any of these boards sends reminders (its
    reminder time in its own zone), as UTC; None if there is no board."""
    moments = [moment(day, p.reminder_time, zone(p.time_zone)) for p in policies]
    return min(moments, default=None)


def earliest_candidate_due(today: date, policy: Policy) -> date:
    """Recommendations due after this day cannot have a deadline reminder yet (the sweep's
    candidate query uses it, with a day's slack for time zones)."""
    return today + timedelta(days=policy.horizon_days + 1)
