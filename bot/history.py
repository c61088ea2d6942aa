"""As of a date: the board's view of its recommendations at the end of a day in the board's
time zone, rebuilt from the history, so a paper "as of" a past date shows no later fact.

`Moment` says which state to read (now, or the end of a day); `state_of` gives the one
selectable that the summary, the tracker and the board paper all read from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from bot.rules.brag import Thresholds, brag_rank_sql, brag_sql
from bot.rules.dates import zone
from bot.rules.policy import TIME_ZONE
from storage import as_of as history_queries
from storage.models import Board, ProgressUpdate, Review


def board_zone(board: Board | None) -> ZoneInfo:
    zone = TIME_ZONE.read(board.time_zone) if board else TIME_ZONE.default
    return ZoneInfo(zone)


def zone_named(name: str) -> ZoneInfo:
    """The zone of that name, or the policy's default for a name no longer known."""
    return zone(name)


def today_of(now: datetime, board: Board | None) -> date:
    """The board's today: the date in its own zone (a paper made at 00:30 BST is dated that
    day, not the UTC day before)."""
    return now.astimezone(board_zone(board)).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` ends in the zone, in UTC: history before it counts."""
    return datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)


@dataclass(frozen=True)
class Moment:
    """Now (`as_of` None), or the end of the day `as_of` in the board's time zone."""

    today: date  # the day BRAG and "overdue" are judged on
    as_of: date | None = None
    cutoff: datetime | None = None

    @classmethod
    def of(cls, now: datetime, as_of: date | None, board: Board | None) -> Moment:
        return cls.on(today_of(now, board), as_of, board)

    @classmethod
    def on(cls, today: date, as_of: date | None, board: Board | None) -> Moment:
        if as_of is None or as_of >= today:
            # Today's state is the live one; a future date has no history yet.
            return cls(today=today)
        return cls(today=as_of, as_of=as_of, cutoff=end_of_day(as_of, board_zone(board)))

    @property
    def is_past(self) -> bool:
        return self.cutoff is not None


def board_for(session: Session, review_id: int | None, board_id: int | None = None) -> Board | None:
    if board_id is not None:
        return session.get(Board, board_id)
    if review_id is None:
        return None
    review = session.get(Review, review_id)
    return session.get(Board, review.board_id) if review else None


def state_of(
    session: Session, review_id: int | None, moment: Moment, board_id: int | None = None
) -> Subquery:
    return history_queries.recommendation_state(
        moment.cutoff, moment.as_of, review_id, board_id=board_id
    )


def brag_over(state: Subquery, today: date, thresholds: Thresholds) -> ColumnElement[Any]:
    """bot.brag's one SQL rule, pointed at the state's columns instead of the table's."""
    return history_queries.over_state(brag_sql(today, thresholds), state)


def brag_rank(brag: ColumnElement[Any]) -> ColumnElement[Any]:
    return brag_rank_sql(brag)


def latest_progress(updates: Iterable[ProgressUpdate]) -> dict[int, ProgressUpdate]:
    """Each recommendation's latest progress note: the newest update with text.

    Updates are given oldest first. At the same moment a plain note wins over a status
    change's note, so an imported plan's progress is not hidden by "Status from the plan".
    """
    latest: dict[int, ProgressUpdate] = {}
    for update in updates:
        if not update.text.strip():
            continue
        held = latest.get(update.recommendation_id)
        if (
            held is not None
            and held.created_at == update.created_at
            and held.status_to is None
            and update.status_to is not None
        ):
            continue
        latest[update.recommendation_id] = update
    return latest
