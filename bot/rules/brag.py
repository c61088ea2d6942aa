"""BRAG, derived and never typed: one rule, as Python for one item and as SQL for many.

Blue: completed, assured or embedded. Red: past due and not Blue. Amber: at risk,
or due soon and not started, or no update for too long. Green: everything else.
The two forms are tested against each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, case
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from bot.rules import policy
from storage.models import CLOSED_STATUSES, DONE_STATUSES, Board, Recommendation, Review, Status
from storage.queries import BRAG_GROUP


class Brag(StrEnum):
    blue = "blue"
    red = "red"
    amber = "amber"
    green = "green"
    grey = "grey"  # closed: not implemented or superseded; never chased


BRAG_ORDER = {Brag.red: 0, Brag.amber: 1, Brag.green: 2, Brag.blue: 3, Brag.grey: 4}
BRAG_EMOJI = {
    Brag.red: ":red_circle:",
    Brag.amber: ":large_orange_circle:",
    Brag.green: ":large_green_circle:",
    Brag.blue: ":large_blue_circle:",
    Brag.grey: ":white_circle:",
}


@dataclass(frozen=True)
class Thresholds:
    """A board's amber thresholds, as bot.rules.policy reads them (the defaults a new
    board's): due within so many days and not started; no update for so many days."""

    due_within_days: int = policy.AMBER_DUE_WITHIN_DAYS.default
    stale_days: int = policy.AMBER_STALE_DAYS.default

    @classmethod
    def of(cls, board: Board | None) -> Thresholds:
        if board is None:
            return cls()
        return cls(
            policy.AMBER_DUE_WITHIN_DAYS.read(board.amber_due_within_days),
            policy.AMBER_STALE_DAYS.read(board.amber_stale_days),
        )


def _stale_before(today: date, thresholds: Thresholds) -> datetime:
    return datetime.combine(today - timedelta(days=thresholds.stale_days), time(), UTC)


def brag_of(
    *,
    status: Status,
    at_risk: bool,
    due_on: date | None,
    last_update_at: datetime | None,
    created_at: datetime,
    today: date,
    thresholds: Thresholds = Thresholds(),
) -> Brag:
    if status in DONE_STATUSES:
        return Brag.blue
    if status in CLOSED_STATUSES:
        return Brag.grey
    if due_on is not None and due_on < today:
        return Brag.red
    if at_risk:
        return Brag.amber
    soon = today + timedelta(days=thresholds.due_within_days)
    if status == Status.not_started and due_on is not None and due_on <= soon:
        return Brag.amber
    if (last_update_at or created_at) < _stale_before(today, thresholds):
        return Brag.amber
    return Brag.green


def brag_for(rec: Recommendation, today: date, thresholds: Thresholds = Thresholds()) -> Brag:
    return brag_of(
        status=rec.status,
        at_risk=rec.at_risk,
        due_on=rec.due_on,
        last_update_at=rec.last_update_at,
        created_at=rec.created_at,
        today=today,
        thresholds=thresholds,
    )


def brag_sql(today: date, thresholds: Thresholds = Thresholds()) -> ColumnElement[Any]:
    """The same rule as a SQL CASE over the recommendation table, for lists and counts."""
    return _brag_case(
        today, today + timedelta(days=thresholds.due_within_days), _stale_before(today, thresholds)
    )


# The rule's three moments as named parameters: one statement serves every day and board,
# so it is built once (building costs more than running, on every list).
TODAY, DUE_SOON, STALE_BEFORE = "brag_today", "brag_due_soon", "brag_stale_before"


def brag_params(today: date, thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
    """The values of `BRAG_BOUND`'s parameters on a day, under a board's thresholds."""
    return {
        TODAY: today,
        DUE_SOON: today + timedelta(days=thresholds.due_within_days),
        STALE_BEFORE: _stale_before(today, thresholds),
    }


def _brag_case(
    today: Any, soon: Any, stale_before: Any, value: Callable[[Brag], Any] = lambda b: b.value
) -> ColumnElement[Any]:
    """The rule as a CASE over the recommendation table, each colour's result `value(colour)`:
    its name for the BRAG itself, its place in BRAG_ORDER for sorting."""
    r = Recommendation
    status, due_on = col(r.status), col(r.due_on)
    last_touch = case(
        (col(r.last_update_at).is_(None), col(r.created_at)), else_=col(r.last_update_at)
    )
    return case(
        (status.in_(DONE_STATUSES), value(Brag.blue)),
        (status.in_(CLOSED_STATUSES), value(Brag.grey)),
        (and_(due_on.is_not(None), due_on < today), value(Brag.red)),
        (col(r.at_risk).is_(True), value(Brag.amber)),
        (
            and_(status == Status.not_started, due_on.is_not(None), due_on <= soon),
            value(Brag.amber),
        ),
        (last_touch < stale_before, value(Brag.amber)),
        else_=value(Brag.green),
    )


def brag_rank_sql(brag: ColumnElement[Any]) -> ColumnElement[Any]:
    """Worst first: the order lists and App Home sort by. `CASE brag WHEN …` names the BRAG
    expression once (a searched CASE would repeat it per colour: SQL to send and plan)."""
    return case({b.value: rank for b, rank in BRAG_ORDER.items()}, value=brag, else_=9)


_TODAY: Any = bindparam(TODAY)
_SOON: Any = bindparam(DUE_SOON)
_STALE: Any = bindparam(STALE_BEFORE)
BRAG_BOUND = _brag_case(_TODAY, _SOON, _STALE)
# The rank straight from the rule (one CASE a row, not the BRAG's CASE inside a second one):
# a list across every review evaluates it for each recommendation it sorts.
BRAG_BOUND_RANK = _brag_case(_TODAY, _SOON, _STALE, value=BRAG_ORDER.__getitem__)


# --- one list, several boards ----------------------------------------------------------------
# A list across boards judges each recommendation by its own board's thresholds. The boards
# whose thresholds differ from the list's most common set are grouped by their set, and each
# group's moments are chosen by a CASE on the review's board (an uncorrelated subquery the
# database runs once). Most lists are of one board, or of boards that all keep the defaults:
# then there are no groups, and the statement is BRAG_BOUND's.


def _group(i: int, name: str) -> str:
    return BRAG_GROUP.format(i, name)


def brag_bound(groups: int = 0, *, rank: bool = False) -> ColumnElement[Any]:
    """BRAG_BOUND (or its rank) where `groups` sets of boards have thresholds of their own."""
    value: Callable[[Brag], Any] = BRAG_ORDER.__getitem__ if rank else (lambda b: b.value)
    if not groups:
        return BRAG_BOUND_RANK if rank else BRAG_BOUND
    reviews = col(Recommendation.review_id)

    def of_group(i: int) -> Any:
        boards: Any = bindparam(_group(i, "boards"), expanding=True)
        return reviews.in_(select(Review.id).where(col(Review.board_id).in_(boards)))

    soon = case(*[(of_group(i), bindparam(_group(i, "soon"))) for i in range(groups)], else_=_SOON)
    stale = case(
        *[(of_group(i), bindparam(_group(i, "stale"))) for i in range(groups)], else_=_STALE
    )
    return _brag_case(_TODAY, soon, stale, value=value)


def brag_params_by_board(today: date, by_board: Mapping[int, Thresholds]) -> dict[str, Any]:
    """The parameters of `brag_bound(groups)` on a day, the most common set of thresholds
    the default (storage.queries.groups_in counts the groups they carry)."""
    sets: dict[Thresholds, list[int]] = {}
    for board_id, thresholds in sorted(by_board.items()):
        sets.setdefault(thresholds, []).append(board_id)
    ordered = sorted(sets.items(), key=lambda item: (-len(item[1]), item[1][0]))
    default = ordered[0][0] if ordered else Thresholds()
    params = brag_params(today, default)
    for i, (thresholds, boards) in enumerate(ordered[1:]):
        own = brag_params(today, thresholds)
        params[_group(i, "boards")] = boards
        params[_group(i, "soon")] = own[DUE_SOON]
        params[_group(i, "stale")] = own[STALE_BEFORE]
    return params
