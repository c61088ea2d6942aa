"""The board summary: counts by status, BRAG and agency, overdue and due soon, and what changed
since the last board meeting, from SQL aggregates, now or as of the end of a past day."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot import history
from bot.errors import UserError
from bot.rules.brag import BRAG_BOUND, Brag, Thresholds, brag_params
from bot.rules.lifecycle import OPEN_STATUSES
from bot.services import reads
from bot.services.access import chaired_in_view
from storage import as_of as state_queries
from storage.as_of import ChangeCounts, StateRow
from storage.models import Board, Review, Status

LISTED = 10  # overdue and due-soon items shown in the message; the report has them all
DUE_SOON_DAYS = 30
CHANGES_DEFAULT_DAYS = 30  # when the board has no last meeting date


@dataclass
class BoardSummary:
    title: str
    today: date  # the day judged: today, or the as-of date
    total: int
    by_status: dict[str, int]
    by_brag: dict[str, int]
    by_agency: dict[str, dict[str, int]]  # agency -> brag -> count
    overdue: list[StateRow]
    overdue_total: int
    due_soon: list[StateRow]
    due_soon_total: int
    as_of: date | None = None  # set when the summary is of a past day
    since: date | None = None
    since_meeting: bool = False  # `since` is the board's last meeting
    changes: ChangeCounts | None = None
    review_code: str | None = None
    status_order: list[str] = field(default_factory=lambda: [s.value for s in Status])

    @property
    def implemented(self) -> int:
        return self.by_status.get(Status.completed, 0)

    @property
    def assured(self) -> int:
        return self.by_status.get(Status.assured, 0)

    @property
    def embedded(self) -> int:
        return self.by_status.get(Status.embedded, 0)

    @property
    def open(self) -> int:
        return sum(self.by_status.get(s, 0) for s in OPEN_STATUSES)


def review_summary(
    session: Session,
    code: str | None,
    now: datetime,
    boards: Collection[int],
    *,
    as_of: date | None = None,
) -> BoardSummary:
    """`/recs summary [CODE]`: a review's summary, or every review of the board asked about;
    the review and its board read in one statement (its thresholds, zone and last meeting
    come from the board). Never a sum across boards. Judged on the board's day at `now`, as
    the board paper is: just after midnight in London it is already tomorrow there."""
    review, board = summary_scope(session, code, boards)
    return board_summary(
        session,
        review.id if review else None,
        reads.review_title(review),
        history.today_of(now, board),
        Thresholds.of(board),
        as_of=as_of,
        board_id=None if review else board.id if board else None,
        board=board,
    )


def summary_scope(
    session: Session, code: str | None, boards: Collection[int]
) -> tuple[Review | None, Board | None]:
    """The review `/recs summary [CODE]` asks about and its board, or with no code the one
    board in view; a person's error otherwise (an unknown review, several boards)."""
    review, board = reads.review_in_scope(session, code, boards)
    if review is None and board is None:
        raise UserError(
            "You have a part on several boards: name a review, or ask in the board's channel.",
            example="/recs summary H",
        )
    return review, board


def chaired_summaries(
    session: Session, user_id: str, boards: frozenset[int], now: datetime
) -> list[BoardSummary]:
    """A chair's `/recs` and App Home: a summary of each board they chair among `boards`,
    each on its own day, thresholds, zone and last meeting; never a sum across boards."""
    return [
        board_summary(
            session, None, board.name, history.today_of(now, board), Thresholds.of(board),
            board_id=board.id, board=board,
        )
        for board in chaired_in_view(session, user_id, boards)
    ]  # fmt: skip


def board_summary(
    session: Session,
    review_id: int | None,
    title: str,
    today: date,
    thresholds: Thresholds,
    *,
    as_of: date | None = None,
    since: date | None = None,
    listed: int = LISTED,
    board_id: int | None = None,
    board: Board | None = None,
) -> BoardSummary:
    """The summary of a review (or all reviews, or one board's with `board_id`) today, or as
    it stood at the end of `as_of`. `board` saves reading the board again when the caller
    has it (the review's board, or the board itself)."""
    if board is None:
        board = history.board_for(session, review_id, board_id)
    moment = history.Moment.on(today, as_of, board)
    scope = state_queries.Scope(review_id, board_id, moment.cutoff, moment.as_of)
    brag = brag_params(moment.today, thresholds)
    tallies = _Tallies.of(_STATE.counts(session, scope, brag))
    due = _STATE.due(
        session,
        scope,
        brag,
        today=moment.today,
        until=moment.today + timedelta(days=DUE_SOON_DAYS),
        listed=listed,
    )
    since, since_meeting = _changes_since(since, board, moment.today)
    changes = _changes(session, review_id, board_id, board, since, moment, listed)
    return BoardSummary(
        title=title,
        today=moment.today,
        total=sum(tallies.by_status.values()),
        by_status=tallies.by_status,
        by_brag={b.value: tallies.by_brag.get(b.value, 0) for b in Brag},
        by_agency=dict(sorted(tallies.by_agency.items())),
        overdue=due.overdue,
        overdue_total=due.overdue_total,
        due_soon=due.due_soon,
        due_soon_total=due.due_soon_total,
        as_of=moment.as_of,
        since=since,
        since_meeting=since_meeting,
        changes=changes,
    )


@dataclass
class _Tallies:
    """One aggregate (at most statuses × colours × agencies groups) folded three ways."""

    by_status: dict[str, int] = field(default_factory=dict)
    by_brag: dict[str, int] = field(default_factory=dict)
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)  # agency -> brag -> n

    @classmethod
    def of(cls, counts: list[tuple[Any, Any, str | None, int]]) -> _Tallies:
        tallies = cls()
        for status, colour, agency, n in counts:
            tallies.by_status[str(status)] = tallies.by_status.get(str(status), 0) + n
            tallies.by_brag[str(colour)] = tallies.by_brag.get(str(colour), 0) + n
            cell = tallies.by_agency.setdefault(agency or "No agency", {})
            cell[str(colour)] = cell.get(str(colour), 0) + n
        return tallies


def _changes_since(since: date | None, board: Board | None, today: date) -> tuple[date, bool]:
    """The first day changes are counted from, and whether it is the board's last meeting:
    the day asked for, else the last meeting, else `CHANGES_DEFAULT_DAYS` ago."""
    if since is not None:
        return since, False
    if board is not None and board.last_meeting_on is not None:
        return board.last_meeting_on, True
    return today - timedelta(days=CHANGES_DEFAULT_DAYS), False


def _changes(
    session: Session,
    review_id: int | None,
    board_id: int | None,
    board: Board | None,
    since: date,
    moment: history.Moment,
    listed: int,
) -> ChangeCounts | None:
    """What changed from the start of `since` to the moment; nothing when `since` is later."""
    if since > moment.today:
        return None
    zone = history.board_zone(board)
    return state_queries.changes_between(
        session,
        review_id,
        history.end_of_day(since - timedelta(days=1), zone),
        moment.cutoff,
        refs=listed,
        board_id=board_id,
    )


# The state's counts and lists with the BRAG rule as parameters: built once per scope shape.
_STATE = state_queries.StateSummary(BRAG_BOUND)
