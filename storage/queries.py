"""Read queries for lists, shows, roles and lookups: written once, indexed.

Every query that can return a board's recommendations, reviews, agencies or evidence takes
the boards it may read (`boards`, storage/scope.py): a collection of board ids, or
EVERY_BOARD where a caller works for the whole deployment (an import run by its operator,
the reminder sweep) and says so. tests/storage/test_board_scope.py walks every query here
with two boards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, union
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.built import Built
from storage.models import (
    AWAITING_IMPACT,
    OPEN_STATUSES,
    PLACEHOLDERS,
    Agency,
    AgencyMember,
    Board,
    BoardRole,
    DueDateChange,
    Evidence,
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationTheme,
    Review,
    Status,
    UpdateSource,
)
from storage.scope import EVERY_BOARD as EVERY_BOARD  # re-exported: callers say queries.EVERY_BOARD
from storage.scope import BoardScope as BoardScope
from storage.scope import EveryBoard as EveryBoard
from storage.scope import ScopeFacts as ScopeFacts
from storage.scope import board_of_channel as board_of_channel
from storage.scope import in_boards as in_boards
from storage.scope import linked_channels as linked_channels
from storage.scope import scope_facts as scope_facts


def board_roles_of(session: Session, user_id: str, board_id: int | None) -> list[str]:
    stmt = select(BoardRole.role).where(BoardRole.user_id == user_id)
    if board_id is not None:
        stmt = stmt.where(BoardRole.board_id == board_id)
    return [str(r) for r in session.exec(stmt).all()]


def board_id_of_review(session: Session, review_id: int) -> int | None:
    return session.exec(select(Review.board_id).where(Review.id == review_id)).first()


def recommendation_in_full(
    session: Session, ref: str, boards: BoardScope
) -> tuple[Recommendation, Review, Board, Agency | None, Person | None] | None:
    """A recommendation with its review, board, agency and lead officer: one query."""
    row = session.execute(
        sa_select(Recommendation, Review, Board, Agency, Person)
        .join(Review, col(Review.id) == Recommendation.review_id)
        .join(Board, col(Board.id) == Review.board_id)
        .outerjoin(Agency, col(Agency.id) == Recommendation.agency_id)
        .outerjoin(Person, col(Person.id) == Recommendation.lead_officer_id)
        .where(col(Recommendation.ref) == ref, in_boards(Review.board_id, boards))
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


@dataclass(frozen=True)
class Standing:
    """A user's standing on one recommendation, read in one statement."""

    board_roles: tuple[str, ...]  # chair, admin: held on the recommendation's board
    agency_member: bool  # a member of the owning agency
    deputising_for: str | None  # the away lead officer whose deputy the user is


@dataclass(frozen=True)
class AwayFacts:
    """A person's away dates and named deputy, as `/recs away` recorded them. Whether that
    makes them away on a day is bot.rules.away's to say, not storage's."""

    id: str
    away_until: Any
    deputy_id: str | None
    tz: str | None = None  # their own time zone, as Slack last gave it


@dataclass(frozen=True)
class StandingFacts:
    """What decides a user's standing on one recommendation, read in one statement: their
    board roles and agency membership, and the away dates of the lead officer and of the
    user, for the away rule to decide whether the user stands in for the lead."""

    board_roles: tuple[str, ...]  # chair, admin: held on the recommendation's board
    agency_member: bool  # a member of the owning agency
    lead: AwayFacts | None  # the lead officer, when one is set and known
    user: AwayFacts  # the user themself (no dates if unknown)
    board_zone: str | None = None  # the recommendation's board's: a person with none of their own


def _standing_columns(user: Any) -> tuple[Any, Any, Any]:
    board = sa_select(col(Review.board_id)).where(col(Review.id) == bindparam("s_review"))

    def holds(role: str) -> Any:
        return exists().where(
            col(BoardRole.user_id) == user,
            col(BoardRole.board_id) == board.scalar_subquery(),
            col(BoardRole.role) == role,
        )

    member = exists().where(
        col(AgencyMember.agency_id) == bindparam("s_agency"), col(AgencyMember.user_id) == user
    )
    return holds("chair").label("chair"), holds("admin").label("admin"), member.label("member")


def _standing_facts_statement() -> Any:
    user: Any = bindparam("s_user")

    def of(person: Any, column: Any, label: str) -> Any:
        return sa_select(column).where(col(Person.id) == person).scalar_subquery().label(label)

    lead: Any = bindparam("s_lead")
    board = sa_select(col(Review.board_id)).where(col(Review.id) == bindparam("s_review"))
    zone = sa_select(col(Board.time_zone)).where(col(Board.id) == board.scalar_subquery())
    return sa_select(
        *_standing_columns(user),
        of(lead, col(Person.id), "lead_id"),
        of(lead, col(Person.away_until), "lead_away_until"),
        of(lead, col(Person.deputy_id), "lead_deputy_id"),
        of(lead, col(Person.tz), "lead_tz"),
        of(user, col(Person.away_until), "user_away_until"),
        of(user, col(Person.tz), "user_tz"),
        zone.scalar_subquery().label("board_zone"),
    )


_STANDING_FACTS = _standing_facts_statement()


def _standing_values(user_id: str, rec: Recommendation) -> dict[str, Any]:
    return {
        "s_user": user_id,
        "s_review": rec.review_id,
        "s_agency": rec.agency_id,
        "s_lead": rec.lead_officer_id,
    }


def _roles(row: Any) -> tuple[str, ...]:
    return tuple(role for role, held in (("chair", row.chair), ("admin", row.admin)) if held)


def standing_facts(session: Session, user_id: str, rec: Recommendation) -> StandingFacts:
    """What decides a user's standing on `rec` (bot.services.access applies bot.rules.away to it): one
    round trip, with a statement built once."""
    row = session.execute(_STANDING_FACTS, _standing_values(user_id, rec)).one()
    lead = (
        AwayFacts(row.lead_id, row.lead_away_until, row.lead_deputy_id, row.lead_tz)
        if row.lead_id is not None
        else None
    )
    user = AwayFacts(user_id, row.user_away_until, None, row.user_tz)
    return StandingFacts(_roles(row), bool(row.member), lead, user, row.board_zone)


def recommendation_by_ref(
    session: Session, ref: str, boards: BoardScope, *, for_update: bool = False
) -> Recommendation | None:
    stmt = select(Recommendation).where(Recommendation.ref == ref)
    if not isinstance(boards, EveryBoard):
        in_scope = select(Review.id).where(in_boards(Review.board_id, boards))
        stmt = stmt.where(col(Recommendation.review_id).in_(in_scope))
    if for_update:
        # Serialises concurrent writers on one recommendation (a no-op on SQLite,
        # where BEGIN IMMEDIATE already serialises all writers).
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def review_by_code(session: Session, code: str, boards: BoardScope) -> Review | None:
    # Codes are stored upper case (services.ensure_review), so the unique index answers;
    # upper() on the column, which no index serves, is only the fallback for older rows.
    # A code is unique across boards: out of `boards`, a review is not found at all.
    scope = in_boards(Review.board_id, boards)
    found = session.exec(select(Review).where(Review.code == code.upper(), scope)).first()
    if found is not None:
        return found
    return session.exec(
        select(Review).where(func.upper(Review.code) == code.upper(), scope)
    ).first()


def review_codes(session: Session, boards: BoardScope, limit: int = 10) -> list[str]:
    """The codes of the reviews in `boards`, for a "known reviews" hint."""
    return list(
        session.exec(
            select(Review.code)
            .where(in_boards(Review.board_id, boards))
            .order_by(Review.code)
            .limit(limit)
        ).all()
    )


def reviews_in(session: Session, boards: BoardScope) -> Sequence[Review]:
    return session.exec(
        select(Review).where(in_boards(Review.board_id, boards)).order_by(Review.code)
    ).all()


def agency_by_name(session: Session, board_id: int, name: str) -> Agency | None:
    wanted = name.strip().lower()
    return session.exec(
        select(Agency).where(
            Agency.board_id == board_id,
            or_(func.lower(Agency.name) == wanted, func.lower(Agency.short_name) == wanted),
        )
    ).first()


def agencies_matching(session: Session, boards: BoardScope, text: str) -> Sequence[Agency]:
    stmt = select(Agency).where(
        or_(
            func.lower(Agency.name).contains(text.lower()),
            func.lower(Agency.short_name) == text.lower(),
        ),
        in_boards(Agency.board_id, boards),
    )
    return session.exec(stmt.order_by(Agency.name)).all()


def person(session: Session, user_id: str) -> Person | None:
    return session.get(Person, user_id)


def person_by_name_or_email(session: Session, handle: str) -> Person | None:
    """By full name, email, the email's local part, or a first name that is unique; a Slack
    user before a placeholder an imported plan made."""
    handle = handle.lstrip("@").strip().lower()
    if not handle:
        return None
    real = _not_placeholder()
    return _person_by_handle(session, handle, real) or _person_by_handle(session, handle, None)


def _not_placeholder() -> ColumnElement[bool]:
    return and_(*(col(Person.id).not_like(prefix + "%") for prefix in PLACEHOLDERS))


def _person_by_handle(
    session: Session, handle: str, only: ColumnElement[bool] | None
) -> Person | None:
    exact = select(Person).where(
        or_(
            func.lower(Person.name) == handle,
            func.lower(Person.email) == handle,
            func.lower(Person.id) == handle,
            func.lower(Person.email).like(handle + "@%"),
        )
    )
    found = session.exec(exact if only is None else exact.where(only)).first()
    if found:
        return found
    first_name = select(Person).where(
        or_(
            func.lower(Person.name).like(handle + " %"),
            func.lower(Person.email).like(handle + ".%@%"),
        )
    )
    first_name = first_name if only is None else first_name.where(only)
    matches = session.exec(first_name.limit(2)).all()
    return matches[0] if len(matches) == 1 else None


def people_named(session: Session, name: str, *, limit: int = 5) -> Sequence[Person]:
    """Slack users (never placeholders) whose name is `name`, ignoring case."""
    return session.exec(
        select(Person)
        .where(func.lower(Person.name) == name.strip().lower(), _not_placeholder())
        .limit(limit)
    ).all()


def person_by_email(session: Session, email: str) -> Person | None:
    """The Slack user with this email, else its placeholder."""
    rows = session.exec(
        select(Person).where(func.lower(Person.email) == email.strip().lower()).limit(5)
    ).all()
    real = [p for p in rows if not p.id.startswith(PLACEHOLDERS)]
    found = real or list(rows)
    return found[0] if found else None


def placeholders_leading(session: Session, board_id: int) -> list[tuple[Person, list[str]]]:
    """Placeholders (not yet linked) that lead recommendations on a board, with their refs."""
    rows = session.execute(
        sa_select(Person, col(Recommendation.ref))
        .join(Recommendation, col(Recommendation.lead_officer_id) == Person.id)
        .join(Review, col(Review.id) == Recommendation.review_id)
        .where(col(Review.board_id) == board_id, ~_not_placeholder())
        .order_by(col(Person.name), col(Recommendation.id))
    ).all()
    found: dict[str, tuple[Person, list[str]]] = {}
    for person, ref in rows:
        found.setdefault(person.id, (person, []))[1].append(ref)
    return list(found.values())


def all_people(session: Session) -> Sequence[Person]:
    return session.exec(select(Person).where(_not_placeholder()).order_by(Person.name)).all()


def has_boards(session: Session, workspace: str | None = None) -> bool:
    """Whether the deployment (with `workspace`, that workspace) has any board yet: the
    first import makes one."""
    found = select(Board.id).limit(1)
    if workspace is not None:
        found = found.where(col(Board.team_id) == workspace)
    return session.exec(found).first() is not None


def board_named(session: Session, name: str) -> Board | None:
    """The board of this name (the operator's RECS_BOARD): names are unique."""
    return session.exec(select(Board).where(Board.name == name).limit(1)).first()


def first_admin(session: Session) -> Person | None:
    """The admin given a role first (the console acts as them until told otherwise)."""
    return session.exec(
        select(Person)
        .join(BoardRole, col(BoardRole.user_id) == Person.id)
        .where(BoardRole.role == "admin")
        .order_by(col(BoardRole.id))
        .limit(1)
    ).first()


def board_workspaces(session: Session) -> list[str | None]:
    """The workspaces the boards belong to (None: a board of no workspace)."""
    found = session.exec(select(Board.team_id).distinct()).all()
    return sorted(found, key=lambda team: team or "")


def first_review(session: Session) -> Review | None:
    return session.exec(select(Review).limit(1)).first()


def boards_with_role(session: Session, user_id: str, role: str) -> Sequence[Board]:
    return session.exec(
        select(Board)
        .join(BoardRole, col(BoardRole.board_id) == Board.id)
        .where(BoardRole.user_id == user_id, BoardRole.role == role)
    ).all()


def boards_by_ids(session: Session, board_ids: Collection[int]) -> Sequence[Board]:
    """The boards with these ids (the caller's boards in view: their thresholds)."""
    if not board_ids:
        return []
    return session.exec(select(Board).where(col(Board.id).in_(sorted(board_ids)))).all()


def boards_chaired_by(session: Session, user_id: str) -> Sequence[Board]:
    return boards_with_role(session, user_id, "chair")


def boards_administered_by(session: Session, user_id: str) -> Sequence[Board]:
    return boards_with_role(session, user_id, "admin")


def people_with_role(session: Session, board_id: int, role: str) -> Sequence[Person]:
    return session.exec(
        select(Person)
        .join(BoardRole, col(BoardRole.user_id) == Person.id)
        .where(BoardRole.board_id == board_id, BoardRole.role == role)
        .order_by(Person.name)
    ).all()


@dataclass(frozen=True)
class RecommendationFilter:
    boards: BoardScope  # the boards the list may read; there is no default
    review_id: int | None = None
    agency_ids: tuple[int, ...] | None = None
    statuses: tuple[Status, ...] | None = None
    brag: str | None = None
    overdue_before: Any = None  # a date: due before it and not done
    owned_by: str | None = None  # a user id: lead officer or agency member
    theme: str | None = None


def owned_by_clause(user_id: Any) -> ColumnElement[bool]:
    """Led by the user, or owned by an agency they belong to (`user_id` a value or a
    bindparam).

    Written as `id IN (led UNION by agency)`, each branch an indexed lookup: an OR across
    the two columns makes PostgreSQL read every open recommendation in the country."""
    owned: Any = Recommendation.__table__.alias("owned")  # type: ignore[attr-defined]
    member_agencies = select(AgencyMember.agency_id).where(AgencyMember.user_id == user_id)
    led = sa_select(owned.c.id).where(owned.c.lead_officer_id == user_id)
    by_agency = sa_select(owned.c.id).where(owned.c.agency_id.in_(member_agencies))
    return col(Recommendation.id).in_(union(led, by_agency))


def history(
    session: Session, rec_id: int
) -> tuple[Sequence[ProgressUpdate], Sequence[Evidence], Sequence[DueDateChange]]:
    updates = session.exec(
        select(ProgressUpdate)
        .where(ProgressUpdate.recommendation_id == rec_id)
        .order_by(col(ProgressUpdate.created_at), col(ProgressUpdate.id))
    ).all()
    evidence = session.exec(
        select(Evidence)
        .where(Evidence.recommendation_id == rec_id)
        .order_by(col(Evidence.posted_at), col(Evidence.id))
    ).all()
    moves = session.exec(
        select(DueDateChange)
        .where(DueDateChange.recommendation_id == rec_id)
        .order_by(col(DueDateChange.changed_at), col(DueDateChange.id))
    ).all()
    return updates, evidence, moves


def names_of(session: Session, user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.exec(select(Person.id, Person.name).where(col(Person.id).in_(user_ids))).all()
    return {pid: name for pid, name in rows}


@dataclass(frozen=True)
class RecommendationRow:
    """One line of a list: the recommendation with its names and computed BRAG."""

    id: int
    ref: str
    label: str
    text: str
    status: Status
    at_risk: bool
    due_on: Any
    agency: str | None
    lead_officer: str | None
    lead_officer_id: str | None
    brag: str
    last_update_at: Any


class RecommendationList:
    """Pages of recommendations, worst BRAG first, each with the total that match: one query.

    A statement is built once per filter shape (which fields are set) and run with the
    filter's values as parameters: building the BRAG CASE, the ownership union and the
    count costs more in Python than the database takes to run them, on every list.
    `brag` and `brag_rank` are expressions over the recommendation table whose own
    parameters come with each call (bot.brag.BRAG_BOUND and brag_params).
    """

    def __init__(
        self,
        brag: Callable[[int], ColumnElement[Any]],
        brag_rank: Callable[[int], ColumnElement[Any]],
    ) -> None:
        # Each a function of how many groups of boards in a list have thresholds of their
        # own (`groups`): most lists have none (bot.rules.brag.brag_bound).
        self._brag = brag
        self._brag_rank = brag_rank
        self._built = Built()

    def page(
        self,
        session: Session,
        flt: RecommendationFilter,
        params: dict[str, Any],
        *,
        page: int = 1,
        page_size: int = 15,
    ) -> tuple[list[RecommendationRow], int]:
        shape, values = _shape(flt)
        values = {**params, **values}
        groups = groups_in(params)
        rows = session.execute(
            self._built.get(("page", shape, groups), lambda: self._page_statement(shape, groups)),
            {**values, "page_limit": page_size, "page_offset": (page - 1) * page_size},
        ).all()
        if rows:
            return [RecommendationRow(*row[:-1]) for row in rows], int(rows[0][-1])
        if page == 1:
            return [], 0
        # Past the last page: no row carries the total, so count on its own.
        count = self._built.get(("count", shape, groups), lambda: self._count(shape, groups))
        total = session.execute(count, values)
        return [], int(total.scalar_one())

    def sample(
        self, session: Session, flt: RecommendationFilter, params: dict[str, Any], n: int
    ) -> list[RecommendationRow]:
        """n matching rows drawn at random by the database (ORDER BY random() LIMIT n): n
        rows come back however many match, and every match has the same chance."""
        shape, values = _shape(flt)
        stmt = self._rows(shape, groups_in(params)).order_by(func.random()).limit(max(0, n))
        return [RecommendationRow(*row) for row in session.execute(stmt, {**params, **values})]

    def _count(self, shape: tuple[bool, ...], groups: int) -> Any:
        if shape == _THEME_ALONE:
            # Every theme row names one recommendation once (its key), so a theme's count
            # is its index's: no visit to the recommendations, nationally 12,000 and more.
            return sa_select(func.count()).where(
                col(RecommendationTheme.theme) == bindparam("f_theme")
            )
        matching = sa_select(col(Recommendation.id)).where(
            *_conditions(shape, self._brag(groups))
        )
        return sa_select(func.count()).select_from(matching.subquery())

    def _page_statement(self, shape: tuple[bool, ...], groups: int) -> Any:
        """The page is sorted and cut on the recommendation's own narrow columns, and only its
        rows are joined to their agency and lead officer and carry their text: sorting whole
        rows across every match cost most of a list across all reviews (100,000 nationally).
        The total is a scalar subquery, run once per statement: one round trip, and unlike a
        window count it never holds every matching row."""
        rec = Recommendation
        rank = self._brag_rank(groups).label("rank")  # ordered by its label: once a row
        page = (
            sa_select(
                col(rec.id).label("id"),
                rank,
                col(rec.due_on).label("due_on"),
                col(rec.review_id).label("review_id"),
                col(rec.number).label("number"),
            )
            .where(*_conditions(shape, self._brag(groups)))
            .order_by(*_page_order(rank, col(rec.due_on), rec))
            .limit(bindparam("page_limit"))
            .offset(bindparam("page_offset"))
            .subquery("page")
        )
        total = self._count(shape, groups).scalar_subquery().label("total_matching")
        return (
            sa_select(*self._columns(groups), total)
            .select_from(page)
            .join(rec, col(rec.id) == page.c.id)
            .outerjoin(Agency, col(Agency.id) == rec.agency_id)
            .outerjoin(Person, col(Person.id) == rec.lead_officer_id)
            .order_by(*_page_order(page.c.rank, page.c.due_on, page.c))
        )

    def _columns(self, groups: int) -> tuple[Any, ...]:
        """A RecommendationRow's columns, in its fields' order."""
        return (
            col(Recommendation.id),
            col(Recommendation.ref),
            col(Recommendation.label),
            col(Recommendation.text),
            col(Recommendation.status),
            col(Recommendation.at_risk),
            col(Recommendation.due_on),
            col(Agency.name).label("agency"),
            col(Person.name).label("lead_officer"),
            col(Recommendation.lead_officer_id),
            self._brag(groups).label("brag"),
            col(Recommendation.last_update_at),
        )

    def _rows(self, shape: tuple[bool, ...], groups: int) -> Any:
        return (
            sa_select(*self._columns(groups))
            .outerjoin(Agency, col(Agency.id) == Recommendation.agency_id)
            .outerjoin(Person, col(Person.id) == Recommendation.lead_officer_id)
            .where(*_conditions(shape, self._brag(groups)))
        )


BRAG_GROUP = "brag_g{}_{}"  # a group's parameter: its number, then "boards", "soon", "stale"


def groups_in(params: dict[str, Any]) -> int:
    """How many groups of boards with thresholds of their own the BRAG parameters carry
    (bot.rules.brag.brag_params_by_board)."""
    return sum(1 for i in range(len(params)) if BRAG_GROUP.format(i, "boards") in params)


def _page_order(rank: Any, due_on: Any, keys: Any) -> tuple[Any, ...]:
    """Worst BRAG first, then the soonest due (undated last), then the plan's own order."""
    return (rank, due_on.is_(None), due_on, keys.review_id, keys.number)


_FILTER_FIELDS = (
    "board_ids",
    "review_id",
    "agency_ids",
    "statuses",
    "brag",
    "overdue_before",
    "owned_by",
    "theme",
)
_THEME_ALONE = tuple(name == "theme" for name in _FILTER_FIELDS)  # `/recs theme "…"`


def _shape(flt: RecommendationFilter) -> tuple[tuple[bool, ...], dict[str, Any]]:
    """Which of the filter's fields are set, and their values as the statement's parameters."""
    values: dict[str, Any] = {}
    if not isinstance(flt.boards, EveryBoard):
        values["f_board_ids"] = sorted(flt.boards) or [-1]  # no board: no row
    for name in _FILTER_FIELDS[1:]:
        value = getattr(flt, name)
        if value is None or (name == "statuses" and not value):
            continue
        values["f_" + name] = list(value) if name in ("agency_ids", "statuses") else value
    shape = tuple("f_" + name in values for name in _FILTER_FIELDS)
    return shape, values


def _conditions(shape: tuple[bool, ...], brag: ColumnElement[Any]) -> list[Any]:
    wanted = dict(zip(_FILTER_FIELDS, shape, strict=True))
    rec = Recommendation
    conditions: list[Any] = []
    if wanted["board_ids"]:
        in_scope = sa_select(col(Review.id)).where(
            col(Review.board_id).in_(bindparam("f_board_ids", expanding=True))
        )
        conditions.append(col(rec.review_id).in_(in_scope))
    if wanted["review_id"]:
        conditions.append(col(rec.review_id) == bindparam("f_review_id"))
    if wanted["agency_ids"]:
        conditions.append(col(rec.agency_id).in_(bindparam("f_agency_ids", expanding=True)))
    if wanted["statuses"]:
        conditions.append(col(rec.status).in_(bindparam("f_statuses", expanding=True)))
    if wanted["brag"]:
        conditions.append(brag == bindparam("f_brag"))
    if wanted["overdue_before"]:
        conditions.append(col(rec.due_on) < bindparam("f_overdue_before"))
        conditions.append(col(rec.status).in_(OPEN_STATUSES))
    if wanted["owned_by"]:
        conditions.append(owned_by_clause(bindparam("f_owned_by")))
    if wanted["theme"]:
        themed = select(RecommendationTheme.recommendation_id).where(
            RecommendationTheme.theme == bindparam("f_theme")
        )
        conditions.append(col(rec.id).in_(themed))
    return conditions


@dataclass(frozen=True)
class ReminderCandidate:
    """A recommendation that may have a reminder due: what the policy and the sweep need."""

    id: int
    ref: str
    board_id: int
    status: Status
    due_on: Any
    last_update_at: Any
    created_at: Any
    completed_at: Any
    snoozed_until: Any
    lead_officer_id: str | None


def reminder_candidates(
    session: Session, *, due_by: Any, untouched_before: Any, completed_before: Any
) -> list[ReminderCandidate]:
    """Only the rows that can have a reminder due (the status/due and status/last-update
    indexes serve it): chased and due by `due_by`, chased and untouched since
    `untouched_before`, or completed before `completed_before` and awaiting impact."""
    from sqlalchemy import and_

    chased = and_(
        col(Recommendation.status).in_(OPEN_STATUSES),
        col(Recommendation.response) != "not_accepted",
    )
    untouched = or_(
        col(Recommendation.last_update_at) < untouched_before,
        and_(
            col(Recommendation.last_update_at).is_(None),
            col(Recommendation.created_at) < untouched_before,
        ),
    )
    awaiting_impact = and_(
        col(Recommendation.status).in_(AWAITING_IMPACT),
        col(Recommendation.completed_at) < completed_before,
    )
    stmt = (
        sa_select(
            col(Recommendation.id),
            col(Recommendation.ref),
            col(Review.board_id),
            col(Recommendation.status),
            col(Recommendation.due_on),
            col(Recommendation.last_update_at),
            col(Recommendation.created_at),
            col(Recommendation.completed_at),
            col(Recommendation.snoozed_until),
            col(Recommendation.lead_officer_id),
        )
        .join(Review, col(Review.id) == Recommendation.review_id)
        .where(
            or_(
                and_(chased, col(Recommendation.due_on) <= due_by),
                and_(chased, untouched),
                awaiting_impact,
            )
        )
        .order_by(col(Recommendation.id))
    )
    return [ReminderCandidate(*row) for row in session.execute(stmt).all()]


def _every_board_id(session: Session) -> Sequence[int]:
    return session.exec(select(col(Board.id))).all()  # type: ignore[return-value]


def all_boards(session: Session) -> Sequence[Board]:
    return session.exec(select(Board).order_by(col(Board.id))).all()


def people_by_ids(session: Session, user_ids: set[str]) -> dict[str, Person]:
    if not user_ids:
        return {}
    found = session.exec(select(Person).where(col(Person.id).in_(user_ids))).all()
    return {p.id: p for p in found}


def chairs_by_board(session: Session) -> dict[int, list[str]]:
    rows = session.exec(
        select(BoardRole.board_id, BoardRole.user_id)
        .where(BoardRole.role == "chair")
        .order_by(col(BoardRole.user_id))
    ).all()
    chairs: dict[int, list[str]] = {}
    for board_id, user_id in rows:
        chairs.setdefault(board_id, []).append(user_id)
    return chairs


@dataclass(frozen=True)
class ReminderDetail:
    """What a reminder message shows about its recommendation."""

    rec: Recommendation
    review_title: str
    agency: str | None
    lead_officer: str | None
    last_note: ProgressUpdate | None  # the last note a person wrote (see `is_note`)
    last_note_by: str | None = None


def is_note() -> Any:
    """An update a person wrote: it has text, and it is not the line an import writes for a
    status it read from a plan ("Status from the imported plan."). An imported plan's own
    progress column is a note: a person wrote it there."""
    return and_(
        col(ProgressUpdate.text) != "",
        or_(
            col(ProgressUpdate.source) != UpdateSource.import_,
            col(ProgressUpdate.status_to).is_(None),
        ),
    )


def reminder_details(session: Session, rec_ids: set[int]) -> dict[int, ReminderDetail]:
    if not rec_ids:
        return {}
    rows = session.exec(
        select(Recommendation, Review.title, Agency.name, Person.name)
        .join(Review, col(Review.id) == Recommendation.review_id)
        .outerjoin(Agency, col(Agency.id) == Recommendation.agency_id)
        .outerjoin(Person, col(Person.id) == Recommendation.lead_officer_id)
        .where(col(Recommendation.id).in_(rec_ids))
    ).all()
    newest = (
        func.row_number()
        .over(
            partition_by=col(ProgressUpdate.recommendation_id),
            order_by=(col(ProgressUpdate.created_at).desc(), col(ProgressUpdate.id).desc()),
        )
        .label("newest")
    )
    ranked = (
        select(col(ProgressUpdate.id).label("id"), newest)
        .where(col(ProgressUpdate.recommendation_id).in_(rec_ids), is_note())
        .subquery()
    )
    notes = session.exec(
        select(ProgressUpdate, Person.name)
        .join(ranked, ranked.c.id == col(ProgressUpdate.id))
        .outerjoin(Person, col(Person.id) == ProgressUpdate.author_id)
        .where(ranked.c.newest == 1)
    ).all()
    latest = {u.recommendation_id: (u, author) for u, author in notes}
    found = {}
    for rec, title, agency, lead in rows:
        note, author = latest.get(rec.id or 0, (None, None))
        found[rec.id] = ReminderDetail(rec, title, agency, lead, note, author)
    return found  # type: ignore[return-value]


def open_leads(session: Session, board_id: int) -> list[tuple[Person, int]]:
    """The lead officers of a board's open recommendations, with how many each leads: the
    people the board's digest says are away, when bot.rules.away says so."""
    rows = session.exec(
        select(Person, func.count(col(Recommendation.id)))
        .join(Recommendation, col(Recommendation.lead_officer_id) == Person.id)
        .join(Review, col(Review.id) == Recommendation.review_id)
        .where(
            col(Review.board_id) == board_id,
            col(Recommendation.status).in_(OPEN_STATUSES),
        )
        .group_by(col(Person.id))
        .order_by(col(Person.name))
    ).all()
    return [(p, int(n)) for p, n in rows]


def _review_with_board(code_column: Any) -> Any:
    return (
        select(Review, Board)
        .join(Board, col(Board.id) == col(Review.board_id))
        .where(
            code_column == bindparam("code"),
            col(Board.id).in_(bindparam("boards", expanding=True)),
        )
    )


# By the stored code (upper case, the unique index answers), then upper() on the column for
# older rows: as review_by_code. Built once: a summary reads this on every request.
_REVIEW_WITH_BOARD = (
    _review_with_board(col(Review.code)),
    _review_with_board(func.upper(col(Review.code))),
)


def review_with_board(
    session: Session, code: str, boards: BoardScope
) -> tuple[Review, Board] | None:
    """A review by its code, with its board: one statement where a summary needed three."""
    ids = sorted(boards) if not isinstance(boards, EveryBoard) else list(_every_board_id(session))
    for stmt in _REVIEW_WITH_BOARD:
        found = session.execute(stmt, {"code": code.upper(), "boards": ids or [-1]}).first()
        if found is not None:
            return found[0], found[1]
    return None
