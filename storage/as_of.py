"""Read queries over the state of recommendations: as they are now, or as they stood at a
moment, rebuilt from their append-only history. One selectable feeds counts, lists and papers.

A status is the last `status_to` written before the moment; the at-risk flag is the last
`at_risk_to` (a completion clears it); a due date is the last move before the moment, or the
date the first later move started from; the last update is the newest update before it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import (
    Agency,
    AuditLog,
    DueDateChange,
    Evidence,
    IssuedReport,
    Person,
    ProgressUpdate,
    Recommendation,
    Review,
    Status,
)

STATE_COLUMNS = (
    "id",
    "ref",
    "review_id",
    "number",
    "label",
    "text",
    "agency_id",
    "lead_officer_id",
    "status",
    "at_risk",
    "due_on",
    "timescale",
    "original_due_on",
    "original_timescale",
    "accepted_on",
    "last_update_at",
    "created_at",
    "due_moves",
)


def _moves_before(cutoff: datetime | None) -> Any:
    stmt = sa_select(func.count(col(DueDateChange.id))).where(
        col(DueDateChange.recommendation_id) == col(Recommendation.id)
    )
    if cutoff is not None:
        stmt = stmt.where(col(DueDateChange.changed_at) < cutoff)
    return stmt.correlate(Recommendation).scalar_subquery()


def _latest_update(column: Any, cutoff: datetime, *conditions: Any) -> Any:
    """The column of the newest update before the cutoff that meets the conditions."""
    pu = ProgressUpdate
    return (
        sa_select(column)
        .where(
            col(pu.recommendation_id) == col(Recommendation.id),
            col(pu.created_at) < cutoff,
            *conditions,
        )
        .order_by(col(pu.created_at).desc(), col(pu.id).desc())
        .limit(1)
        .correlate(Recommendation)
        .scalar_subquery()
    )


def _due_as_of(new_column: Any, old_column: Any, live: Any, cutoff: datetime) -> Any:
    """The due date (or timescale) the last move before the cutoff set, or the one the
    first later move replaced, or, with no moves at all, the current one."""
    d = DueDateChange
    mine = col(d.recommendation_id) == col(Recommendation.id)
    before = col(d.changed_at) < cutoff
    last_before = (
        sa_select(new_column)
        .where(mine, before)
        .order_by(col(d.changed_at).desc(), col(d.id).desc())
        .limit(1)
        .correlate(Recommendation)
        .scalar_subquery()
    )
    first_after = (
        sa_select(old_column)
        .where(mine, ~before)
        .order_by(col(d.changed_at), col(d.id))
        .limit(1)
        .correlate(Recommendation)
        .scalar_subquery()
    )
    any_before = exists(sa_select(col(d.id)).where(mine, before).correlate(Recommendation))
    any_after = exists(sa_select(col(d.id)).where(mine, ~before).correlate(Recommendation))
    return case((any_before, last_before), (any_after, first_after), else_=live)


def of_board(board_id: int) -> ColumnElement[bool]:
    """Recommendations of one board's reviews: a chair's overview, not the whole country's."""
    reviews = sa_select(col(Review.id)).where(col(Review.board_id) == board_id)
    return col(Recommendation.review_id).in_(reviews)


def recommendation_state(
    cutoff: datetime | None = None,
    day: date | None = None,
    review_id: int | None = None,
    *,
    board_id: int | None = None,
) -> Subquery:
    """Every recommendation's state now (no cutoff) or just before `cutoff`.

    As of a past moment only recommendations that existed then are present: created before
    it, or accepted by the board on or before `day` (an imported plan keeps its acceptance
    date and its dated history, though it was typed in later).
    """
    r = Recommendation
    pu = ProgressUpdate
    if cutoff is None:
        status: Any = col(r.status)
        at_risk: Any = col(r.at_risk)
        due_on: Any = col(r.due_on)
        timescale: Any = col(r.timescale)
        last_update: Any = col(r.last_update_at)
    else:
        status = func.coalesce(
            _latest_update(col(pu.status_to), cutoff, col(pu.status_to).is_not(None)),
            Status.not_started.value,
        )
        at_risk = func.coalesce(
            _latest_update(
                func.coalesce(col(pu.at_risk_to), false()),
                cutoff,
                or_(col(pu.at_risk_to).is_not(None), col(pu.status_to) == Status.completed),
            ),
            false(),
        )
        due_on = _due_as_of(
            col(DueDateChange.new_due_on), col(DueDateChange.old_due_on), col(r.due_on), cutoff
        )
        timescale = _due_as_of(
            col(DueDateChange.new_timescale),
            col(DueDateChange.old_timescale),
            col(r.timescale),
            cutoff,
        )
        last_update = (
            sa_select(func.max(col(pu.created_at)))
            .where(col(pu.recommendation_id) == col(r.id), col(pu.created_at) < cutoff)
            .correlate(r)
            .scalar_subquery()
        )
    stmt = sa_select(
        col(r.id).label("id"),
        col(r.ref).label("ref"),
        col(r.review_id).label("review_id"),
        col(r.number).label("number"),
        col(r.label).label("label"),
        col(r.text).label("text"),
        col(r.agency_id).label("agency_id"),
        col(r.lead_officer_id).label("lead_officer_id"),
        status.label("status"),
        at_risk.label("at_risk"),
        due_on.label("due_on"),
        timescale.label("timescale"),
        col(r.original_due_on).label("original_due_on"),
        col(r.original_timescale).label("original_timescale"),
        col(r.accepted_on).label("accepted_on"),
        last_update.label("last_update_at"),
        col(r.created_at).label("created_at"),
        _moves_before(cutoff).label("due_moves"),
    )
    if review_id is not None:
        stmt = stmt.where(col(r.review_id) == review_id)
    if board_id is not None:
        stmt = stmt.where(of_board(board_id))
    if cutoff is not None:
        existed = col(r.created_at) < cutoff
        if day is not None:
            existed = or_(existed, and_(col(r.accepted_on).is_not(None), col(r.accepted_on) <= day))
        stmt = stmt.where(existed)
    return stmt.subquery("rec_state")


@dataclass(frozen=True)
class StateRow:
    """One recommendation as it stood, with its names and BRAG."""

    id: int
    ref: str
    review_id: int
    number: int
    label: str
    text: str
    status: Status
    at_risk: bool
    due_on: date | None
    timescale: str | None
    original_due_on: date | None
    original_timescale: str | None
    last_update_at: datetime | None
    created_at: datetime
    due_moves: int
    agency: str | None
    lead_officer: str | None
    lead_officer_id: str | None
    brag: str


def _rows_stmt(state: Subquery, brag: ColumnElement[Any]) -> Any:
    s = state.c
    return (
        sa_select(
            s.id,
            s.ref,
            s.review_id,
            s.number,
            s.label,
            s.text,
            s.status,
            s.at_risk,
            s.due_on,
            s.timescale,
            s.original_due_on,
            s.original_timescale,
            s.last_update_at,
            s.created_at,
            s.due_moves,
            col(Agency.name).label("agency"),
            col(Person.name).label("lead_officer"),
            s.lead_officer_id,
            brag.label("brag"),
        )
        .select_from(state)
        .outerjoin(Agency, col(Agency.id) == s.agency_id)
        .outerjoin(Person, col(Person.id) == s.lead_officer_id)
    )


def _state_row(row: Any) -> StateRow:
    values = dict(row._mapping)
    values.pop(_TOTAL, None)  # state_rows' window count
    values["status"] = Status(values["status"])
    values["at_risk"] = bool(values["at_risk"])
    values["last_update_at"] = _utc(values["last_update_at"])
    values["created_at"] = _utc(values["created_at"])
    values["due_on"] = _day(values["due_on"])
    values["original_due_on"] = _day(values["original_due_on"])
    return StateRow(**values)


def _utc(value: Any) -> datetime | None:
    # Scalar subqueries can lose the column type on SQLite and come back as text.
    from datetime import UTC

    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def state_rows(
    session: Session,
    state: Subquery,
    brag: ColumnElement[Any],
    *conditions: ColumnElement[bool],
    order: Sequence[Any] = (),
    limit: int | None = None,
) -> tuple[list[StateRow], int]:
    """Rows of the state, filtered, in order (by number when none is given), and the total."""
    stmt = _rows_stmt(state, brag)
    if conditions:
        stmt = stmt.where(*conditions)
    # The total rides on each row as a window count (taken before the LIMIT): one query,
    # not a second count over the same subquery, which costs more to build than to run.
    stmt = stmt.add_columns(func.count().over().label(_TOTAL))
    stmt = stmt.order_by(*(order or (state.c.review_id, state.c.number)))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    total = int(rows[0]._mapping[_TOTAL]) if rows else 0  # no offset: no rows means none match
    return [_state_row(r) for r in rows], total


_TOTAL = "total_matching"


def state_counts(
    session: Session, state: Subquery, brag: ColumnElement[Any], *keys: str
) -> list[tuple[Any, ...]]:
    """Counts of the state grouped by any of: status, brag, agency. One aggregate query."""
    base = _rows_stmt(state, brag).subquery()
    group = [base.c[k] for k in keys]
    stmt = sa_select(*group, func.count()).group_by(*group)
    return [tuple(row) for row in session.execute(stmt).all()]


# --- the history itself, between two moments ----------------------------------------------


def updates_between(
    session: Session, rec_ids: Sequence[int], start: datetime | None, end: datetime | None
) -> Sequence[ProgressUpdate]:
    stmt = select(ProgressUpdate).where(col(ProgressUpdate.recommendation_id).in_(rec_ids))
    if start is not None:
        stmt = stmt.where(col(ProgressUpdate.created_at) >= start)
    if end is not None:
        stmt = stmt.where(col(ProgressUpdate.created_at) < end)
    return session.exec(stmt.order_by(col(ProgressUpdate.created_at), col(ProgressUpdate.id))).all()


def due_changes_before(
    session: Session, rec_ids: Sequence[int], end: datetime | None
) -> Sequence[DueDateChange]:
    stmt = select(DueDateChange).where(col(DueDateChange.recommendation_id).in_(rec_ids))
    if end is not None:
        stmt = stmt.where(col(DueDateChange.changed_at) < end)
    return session.exec(stmt.order_by(col(DueDateChange.changed_at), col(DueDateChange.id))).all()


def evidence_before(
    session: Session, rec_ids: Sequence[int], end: datetime | None
) -> list[tuple[Evidence, str]]:
    """Evidence posted before the moment, each with its state then (from the audit log)."""
    stmt = select(Evidence).where(col(Evidence.recommendation_id).in_(rec_ids))
    if end is not None:
        stmt = stmt.where(col(Evidence.posted_at) < end)
    items = session.exec(stmt.order_by(col(Evidence.posted_at), col(Evidence.id))).all()
    if end is None or not items:
        return [(e, str(e.state)) for e in items]
    audit = session.exec(
        select(AuditLog.entity_id, AuditLog.detail)
        .where(
            AuditLog.entity == "evidence",
            col(AuditLog.entity_id).in_([str(e.id) for e in items]),
            col(AuditLog.at) < end,
        )
        .order_by(col(AuditLog.at), col(AuditLog.id))
    ).all()
    state_then: dict[str, str] = {}
    for entity_id, detail in audit:
        state = json.loads(detail or "{}").get("state")
        if state:
            state_then[entity_id] = state
    return [(e, state_then.get(str(e.id), str(e.state))) for e in items]


@dataclass(frozen=True)
class ChangeCounts:
    status_changes: dict[str, int]
    updates: int
    due_moves: int
    evidence_added: int
    added: int
    changed_refs: list[str]


def changes_between(
    session: Session,
    review_id: int | None,
    start: datetime,
    end: datetime | None,
    *,
    refs: int,
    board_id: int | None = None,
) -> ChangeCounts:
    """What happened in a window: aggregates, plus the first refs whose status moved."""
    r, pu = Recommendation, ProgressUpdate
    in_review: list[Any] = [col(r.review_id) == review_id] if review_id is not None else []
    if board_id is not None:
        in_review.append(of_board(board_id))

    def window(column: Any) -> list[Any]:
        return [column >= start] + ([column < end] if end is not None else [])

    def joined(column: Any, table: Any, rec_column: Any) -> Any:
        return sa_select(column).select_from(table).join(r, col(r.id) == rec_column)

    status_rows = session.execute(
        joined(col(pu.status_to), pu, col(pu.recommendation_id))
        .add_columns(func.count())
        .where(col(pu.status_to).is_not(None), *window(col(pu.created_at)), *in_review)
        .group_by(col(pu.status_to))
    ).all()
    updates = session.execute(
        joined(func.count(), pu, col(pu.recommendation_id)).where(
            *window(col(pu.created_at)), *in_review
        )
    ).scalar_one()
    moves = session.execute(
        joined(func.count(), DueDateChange, col(DueDateChange.recommendation_id)).where(
            *window(col(DueDateChange.changed_at)), *in_review
        )
    ).scalar_one()
    evidence = session.execute(
        joined(func.count(), Evidence, col(Evidence.recommendation_id)).where(
            *window(col(Evidence.posted_at)), *in_review
        )
    ).scalar_one()
    added = session.execute(
        sa_select(func.count()).select_from(r).where(*window(col(r.created_at)), *in_review)
    ).scalar_one()
    changed = session.execute(
        joined(col(r.ref), pu, col(pu.recommendation_id))
        .where(col(pu.status_to).is_not(None), *window(col(pu.created_at)), *in_review)
        .group_by(col(r.ref), col(r.review_id), col(r.number))
        .order_by(col(r.review_id), col(r.number))
        .limit(refs)
    ).all()
    return ChangeCounts(
        status_changes={str(s): int(n) for s, n in status_rows},
        updates=int(updates),
        due_moves=int(moves),
        evidence_added=int(evidence),
        added=int(added),
        changed_refs=[row[0] for row in changed],
    )


# --- issued papers ---------------------------------------------------------------------------


def issued_paper(session: Session, review_id: int, fmt: str, as_of: date) -> IssuedReport | None:
    """The paper last issued to the board for that review, format and day, if any."""
    return session.exec(
        select(IssuedReport)
        .where(
            IssuedReport.review_id == review_id,
            IssuedReport.format == fmt,
            IssuedReport.as_of == as_of,
        )
        .order_by(col(IssuedReport.issued_at).desc(), col(IssuedReport.id).desc())
        .limit(1)
    ).first()
