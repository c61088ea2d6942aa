"""Read queries over the state of recommendations: as they are now, or as they stood at a
moment, rebuilt from their append-only history. One selectable feeds counts, lists and papers.

A status is the last `status_to` written before the moment; the at-risk flag is the last
`at_risk_to` (a completion clears it); a due date is the last move before the moment, or the
date the first later move started from; the last update is the newest update before it; the
owner agency, lead officer and text are those the first later change replaced (from the
audit log, storage.as_of_fields).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, and_, bindparam, case, exists, false, func, or_, true
from sqlalchemy import select as sa_select
from sqlalchemy.sql import FromClause, Subquery
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import replacement_traverse
from sqlmodel import Session, col, select

from storage import as_of_fields as fields
from storage.built import Built
from storage.models import (
    OPEN_STATUSES,
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


def of_board(board_id: Any) -> ColumnElement[bool]:
    """Recommendations of one board's reviews: a chair's overview, not the whole country's
    (`board_id` a value or a bindparam)."""
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
    return _state_select(cutoff, day, review_id, board_id).subquery("rec_state")


def _state_select(cutoff: Any, day: Any, review_id: Any, board_id: Any) -> Any:
    """`recommendation_state`'s query; each argument None (not filtered), a value or a
    bindparam (a statement built once, see `Scope`)."""
    changing = _current_state() if cutoff is None else _state_before(cutoff)
    r = Recommendation
    stmt = sa_select(
        col(r.id).label("id"),
        col(r.ref).label("ref"),
        col(r.review_id).label("review_id"),
        col(r.number).label("number"),
        col(r.label).label("label"),
        changing.text.label("text"),
        changing.agency_id.label("agency_id"),
        changing.lead_officer_id.label("lead_officer_id"),
        changing.status.label("status"),
        changing.at_risk.label("at_risk"),
        changing.due_on.label("due_on"),
        changing.timescale.label("timescale"),
        col(r.original_due_on).label("original_due_on"),
        col(r.original_timescale).label("original_timescale"),
        col(r.accepted_on).label("accepted_on"),
        changing.last_update_at.label("last_update_at"),
        col(r.created_at).label("created_at"),
        _moves_before(cutoff).label("due_moves"),
    )
    return _in_scope(stmt, cutoff, day, review_id, board_id)


@dataclass(frozen=True)
class _ChangingColumns:
    """The state that history changes: the stored columns now, or subqueries over the
    history as it stood before a cutoff."""

    status: Any
    at_risk: Any
    due_on: Any
    timescale: Any
    last_update_at: Any
    agency_id: Any
    lead_officer_id: Any
    text: Any


def _current_state() -> _ChangingColumns:
    r = Recommendation
    return _ChangingColumns(
        status=col(r.status),
        at_risk=col(r.at_risk),
        due_on=col(r.due_on),
        timescale=col(r.timescale),
        last_update_at=col(r.last_update_at),
        agency_id=col(r.agency_id),
        lead_officer_id=col(r.lead_officer_id),
        text=col(r.text),
    )


def _state_before(cutoff: Any) -> _ChangingColumns:
    r = Recommendation
    pu = ProgressUpdate
    status = func.coalesce(
        _latest_update(col(pu.status_to), cutoff, col(pu.status_to).is_not(None)),
        Status.not_started.value,
    )
    # A completion clears the at-risk flag, so it counts as an at-risk update.
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
    last_update_at = (
        sa_select(func.max(col(pu.created_at)))
        .where(col(pu.recommendation_id) == col(r.id), col(pu.created_at) < cutoff)
        .correlate(r)
        .scalar_subquery()
    )
    return _ChangingColumns(
        status,
        at_risk,
        due_on,
        timescale,
        last_update_at,
        agency_id=fields.field_before(fields.AGENCY, cutoff),
        lead_officer_id=fields.field_before(fields.LEAD_OFFICER, cutoff),
        text=fields.field_before(fields.TEXT, cutoff),
    )


def _in_scope(stmt: Any, cutoff: Any, day: Any, review_id: Any, board_id: Any) -> Any:
    """One review's or one board's recommendations, and as of a cutoff only those that
    existed then: created before it, or accepted on or before `day`."""
    r = Recommendation
    if review_id is not None:
        stmt = stmt.where(col(r.review_id) == review_id)
    if board_id is not None:
        stmt = stmt.where(of_board(board_id))
    if cutoff is not None:
        existed = col(r.created_at) < cutoff
        if day is not None:
            existed = or_(existed, and_(col(r.accepted_on).is_not(None), col(r.accepted_on) <= day))
        stmt = stmt.where(existed)
    return stmt


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


def _rows_stmt(state: FromClause, brag: ColumnElement[Any], *, few: bool = False) -> Any:
    """The state's rows with their agency's and lead officer's names: joined, or with `few`
    (a page of rows) looked up by key for each row, which spares hashing every agency."""
    s = state.c
    if few:
        agency: Any = sa_select(col(Agency.name)).where(col(Agency.id) == s.agency_id)
        lead: Any = sa_select(col(Person.name)).where(col(Person.id) == s.lead_officer_id)
        agency, lead = agency.scalar_subquery(), lead.scalar_subquery()
    else:
        agency, lead = col(Agency.name), col(Person.name)
    stmt = sa_select(
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
        agency.label("agency"),
        lead.label("lead_officer"),
        s.lead_officer_id,
        brag.label("brag"),
    ).select_from(state)
    if few:
        return stmt
    return stmt.outerjoin(Agency, col(Agency.id) == s.agency_id).outerjoin(
        Person, col(Person.id) == s.lead_officer_id
    )


def _state_row(row: Any) -> StateRow:
    values = dict(row._mapping)
    values.pop(_TOTAL, None)  # the window count of state_rows and StateSummary.due
    values.pop(_OVERDUE, None)
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
_OVERDUE = "overdue"  # StateSummary.due: which of its two lists a row is in


def over_state(expression: ColumnElement[Any], state: FromClause) -> ColumnElement[Any]:
    """An expression over the recommendation table (the BRAG rule) pointed at the columns of
    the same names in a state selectable instead."""
    table: Any = Recommendation.__table__  # type: ignore[attr-defined]
    columns: Any = state.c

    def swap(element: Any, **_kw: Any) -> Any:
        if isinstance(element, Column) and element.table is table and element.name in columns:
            return columns[element.name]
        return None

    swapped: ColumnElement[Any] = replacement_traverse(expression, {}, swap)
    return swapped


# --- statements built once per shape --------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose recommendations and when: one review's or one board's (never every board's
    at once: no board sees another's figures); now, or
    as they stood just before `cutoff` (`day` the day that ends there, see
    `recommendation_state`). Its statements are built once per shape (which fields are set)
    and run with its values as parameters: building the state query, and the BRAG CASE over
    it, costs more in Python than the database takes to run them, on every summary."""

    review_id: int | None = None
    board_id: int | None = None
    cutoff: datetime | None = None
    day: date | None = None

    def __post_init__(self) -> None:
        if self.review_id is None and self.board_id is None:
            raise ValueError("a summary's scope names its review or its board")

    @property
    def shape(self) -> tuple[bool, bool, bool, bool]:
        return (
            self.review_id is not None,
            self.board_id is not None,
            self.cutoff is not None,
            self.day is not None,
        )

    def params(self) -> dict[str, Any]:
        values = {
            "st_review": self.review_id,
            "st_board": self.board_id,
            "st_cutoff": self.cutoff,
            "st_day": self.day,
        }
        return {name: value for name, value in values.items() if value is not None}


def _bound_state(shape: tuple[bool, bool, bool, bool]) -> Subquery:
    review, board, past, day = shape
    return _state_select(
        bindparam("st_cutoff") if past else None,
        bindparam("st_day") if day else None,
        bindparam("st_review") if review else None,
        bindparam("st_board") if board else None,
    ).subquery("rec_state")


@dataclass(frozen=True)
class DueRows:
    """Open recommendations overdue on a day and due soon after it: the first few of each,
    in due order, and how many there are."""

    overdue: list[StateRow]
    overdue_total: int
    due_soon: list[StateRow]
    due_soon_total: int


class StateSummary:
    """The summary's reads of the state: counts by status, BRAG and agency, and the open
    recommendations overdue and due soon. `brag` is an expression over the recommendation
    table whose own parameters come with each call (bot.brag.BRAG_BOUND and brag_params);
    it is pointed at the state once per shape."""

    def __init__(self, brag: ColumnElement[Any]) -> None:
        self._brag = brag
        self._built = Built()

    def counts(
        self, session: Session, scope: Scope, params: dict[str, Any]
    ) -> list[tuple[Any, Any, str | None, int]]:
        """(status, BRAG, agency name, count): at most statuses × colours × agencies rows
        (an agency's name may come twice, from two boards: add them up)."""
        stmt = self._built.get(("counts", scope.shape), lambda: self._counts(scope.shape))
        rows = session.execute(stmt, {**params, **scope.params()}).all()
        return [(status, brag, agency, int(n)) for status, brag, agency, n in rows]

    def due(
        self,
        session: Session,
        scope: Scope,
        params: dict[str, Any],
        *,
        today: date,
        until: date,
        listed: int,
    ) -> DueRows:
        """The first `listed` open recommendations due before `today`, and the first due from
        `today` to `until`, each in due order, with the totals: one query."""
        stmt = self._built.get(("due", scope.shape), lambda: self._due(scope.shape))
        window = {"due_today": today, "due_until": until, "due_listed": listed}
        rows = session.execute(stmt, {**params, **scope.params(), **window}).all()
        overdue = [r for r in rows if r._mapping[_OVERDUE]]
        soon = [r for r in rows if not r._mapping[_OVERDUE]]
        return DueRows(
            [_state_row(r) for r in overdue],
            int(overdue[0]._mapping[_TOTAL]) if overdue else 0,
            [_state_row(r) for r in soon],
            int(soon[0]._mapping[_TOTAL]) if soon else 0,
        )

    def _counts(self, shape: tuple[bool, bool, bool, bool]) -> Any:
        state = _bound_state(shape)
        coloured = sa_select(
            state.c.status, over_state(self._brag, state).label("brag"), state.c.agency_id
        ).subquery()
        group = (coloured.c.status, coloured.c.brag, coloured.c.agency_id)
        groups = sa_select(*group, func.count().label("n")).group_by(*group).subquery()
        # Named after grouping: an index lookup per group, not a join on every row (nor a
        # hash of every agency in the country). Two agencies of one name come back as two
        # rows; the caller adds them up.
        name = sa_select(col(Agency.name)).where(col(Agency.id) == groups.c.agency_id)
        return sa_select(
            groups.c.status, groups.c.brag, name.scalar_subquery().label("agency"), groups.c.n
        )

    def _due(self, shape: tuple[bool, bool, bool, bool]) -> Any:
        state = _bound_state(shape)
        s = state.c
        overdue = s.due_on < bindparam("due_today")
        # Both lists from one pass: numbered and counted within each, the few kept named.
        due = (
            sa_select(
                *s,
                overdue.label(_OVERDUE),
                func.count().over(partition_by=overdue).label(_TOTAL),
                func.row_number()
                .over(partition_by=overdue, order_by=(s.due_on, s.review_id, s.number))
                .label("place"),
            )
            .where(
                s.status.in_([status.value for status in OPEN_STATUSES]),
                s.due_on <= bindparam("due_until"),
            )
            .subquery("due")
        )
        d = due.c
        return (
            _rows_stmt(due, over_state(self._brag, due), few=True)
            .add_columns(d[_OVERDUE], d[_TOTAL])
            .where(d.place <= bindparam("due_listed"))
            .order_by(d.due_on, d.review_id, d.number)
        )


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
    shape = (review_id is not None, board_id is not None, end is not None)
    stmt = _CHANGES.get(shape, lambda: _change_statement(*shape))
    values = {**Scope(review_id, board_id).params(), "ch_start": start, "ch_refs": refs}
    if end is not None:
        values["ch_end"] = end
    rows = session.execute(stmt, values).all()
    counts = rows[0]._mapping  # one row at least: the counts, on each ref's row
    return ChangeCounts(
        status_changes={s.value: int(n) for s in Status if (n := counts[s.value])},
        updates=int(counts["updates"]),
        due_moves=int(counts["due_moves"]),
        evidence_added=int(counts["evidence_added"]),
        added=int(counts["added"]),
        changed_refs=[row.ref for row in rows if row.ref is not None],
    )


_CHANGES = Built()


def _change_statement(review: bool, board: bool, bounded: bool) -> Any:
    """The window's counts (updates counted per status they set) joined to the first refs
    whose status moved, in order: a row per ref, or one with no ref."""
    r, pu = Recommendation, ProgressUpdate
    status_to = col(pu.status_to)
    in_scope: list[Any] = [col(r.review_id) == bindparam("st_review")] if review else []
    if board:
        in_scope.append(of_board(bindparam("st_board")))

    def window(column: Any) -> list[Any]:
        return [column >= bindparam("ch_start")] + (
            [column < bindparam("ch_end")] if bounded else []
        )

    def counted(table: Any, at: Any, rec_column: Any | None = None) -> Any:
        stmt = sa_select(func.count()).select_from(table)
        if rec_column is not None:
            stmt = stmt.join(r, col(r.id) == rec_column)
        # correlate(None): the outer query reads the recommendation table too.
        return stmt.where(*window(at), *in_scope).correlate(None).scalar_subquery()

    def of_updates(*columns: Any) -> Any:
        return (
            sa_select(*columns)
            .select_from(pu)
            .join(r, col(r.id) == col(pu.recommendation_id))
            .where(*window(col(pu.created_at)), *in_scope)
        )

    counts = of_updates(
        func.count().label("updates"),
        *(func.count(case((status_to == s, 1))).label(s.value) for s in Status),
        counted(
            DueDateChange, col(DueDateChange.changed_at), col(DueDateChange.recommendation_id)
        ).label("due_moves"),
        counted(Evidence, col(Evidence.posted_at), col(Evidence.recommendation_id)).label(
            "evidence_added"
        ),
        counted(r, col(r.created_at)).label("added"),
    )
    moved = (
        of_updates(col(r.ref), col(r.review_id), col(r.number))
        .where(status_to.is_not(None))
        .group_by(col(r.ref), col(r.review_id), col(r.number))
        .order_by(col(r.review_id), col(r.number))
        .limit(bindparam("ch_refs"))
        .subquery("moved")
    )
    totals = counts.subquery("totals")
    return (
        sa_select(totals, moved.c.ref)
        .select_from(totals.outerjoin(moved, true()))
        .order_by(moved.c.review_id, moved.c.number)
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
