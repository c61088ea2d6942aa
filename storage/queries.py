"""Read queries for lists, shows, roles and lookups: written once, indexed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, union
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import (
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
)


def board_roles_of(session: Session, user_id: str, board_id: int | None) -> list[str]:
    stmt = select(BoardRole.role).where(BoardRole.user_id == user_id)
    if board_id is not None:
        stmt = stmt.where(BoardRole.board_id == board_id)
    return [str(r) for r in session.exec(stmt).all()]


def board_id_of_review(session: Session, review_id: int) -> int | None:
    return session.exec(select(Review.board_id).where(Review.id == review_id)).first()


def is_owner(session: Session, user_id: str, rec: Recommendation) -> bool:
    if rec.lead_officer_id == user_id:
        return True
    if rec.agency_id is None:
        return False
    member = session.exec(
        select(AgencyMember).where(
            AgencyMember.agency_id == rec.agency_id, AgencyMember.user_id == user_id
        )
    ).first()
    return member is not None


def away_lead_deputised_by(session: Session, user_id: str, rec: Recommendation, today: Any) -> str | None:
    """The lead officer this user stands in for on `rec`, while the lead officer is away."""
    if rec.lead_officer_id is None or rec.lead_officer_id == user_id:
        return None
    lead = session.get(Person, rec.lead_officer_id)
    if lead is None or lead.deputy_id != user_id or lead.away_until is None:
        return None
    return lead.id if lead.away_until >= today else None


def recommendation_by_ref(
    session: Session, ref: str, *, for_update: bool = False
) -> Recommendation | None:
    stmt = select(Recommendation).where(Recommendation.ref == ref)
    if for_update:
        # Serialises concurrent writers on one recommendation (a no-op on SQLite,
        # where BEGIN IMMEDIATE already serialises all writers).
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def review_by_code(session: Session, code: str) -> Review | None:
    # Codes are stored upper case (services.ensure_review), so the unique index answers;
    # upper() on the column, which no index serves, is only the fallback for older rows.
    found = session.exec(select(Review).where(Review.code == code.upper())).first()
    if found is not None:
        return found
    return session.exec(select(Review).where(func.upper(Review.code) == code.upper())).first()


def agency_by_name(session: Session, board_id: int, name: str) -> Agency | None:
    wanted = name.strip().lower()
    return session.exec(
        select(Agency).where(
            Agency.board_id == board_id,
            or_(func.lower(Agency.name) == wanted, func.lower(Agency.short_name) == wanted),
        )
    ).first()


def agencies_matching(session: Session, board_id: int | None, text: str) -> Sequence[Agency]:
    stmt = select(Agency).where(
        or_(
            func.lower(Agency.name).contains(text.lower()),
            func.lower(Agency.short_name) == text.lower(),
        )
    )
    if board_id is not None:
        stmt = stmt.where(Agency.board_id == board_id)
    return session.exec(stmt.order_by(Agency.name)).all()


def person(session: Session, user_id: str) -> Person | None:
    return session.get(Person, user_id)


def person_by_name_or_email(session: Session, handle: str) -> Person | None:
    """By full name, email, the email's local part, or a first name that is unique."""
    handle = handle.lstrip("@").strip().lower()
    if not handle:
        return None
    exact = session.exec(
        select(Person).where(
            or_(
                func.lower(Person.name) == handle,
                func.lower(Person.email) == handle,
                func.lower(Person.id) == handle,
                func.lower(Person.email).like(handle + "@%"),
            )
        )
    ).first()
    if exact:
        return exact
    first_name = session.exec(
        select(Person)
        .where(
            or_(
                func.lower(Person.name).like(handle + " %"),
                func.lower(Person.email).like(handle + ".%@%"),
            )
        )
        .limit(2)
    ).all()
    return first_name[0] if len(first_name) == 1 else None


def all_people(session: Session) -> Sequence[Person]:
    return session.exec(
        select(Person).where(col(Person.id).not_like("email:%")).order_by(Person.name)
    ).all()


def first_board(session: Session) -> Board | None:
    # LIMIT 1: first() alone still builds every board (150 nationally) before keeping one.
    return session.exec(select(Board).order_by(col(Board.id)).limit(1)).first()


def first_review(session: Session) -> Review | None:
    return session.exec(select(Review).limit(1)).first()


def boards_chaired_by(session: Session, user_id: str) -> Sequence[Board]:
    return session.exec(
        select(Board)
        .join(BoardRole, col(BoardRole.board_id) == Board.id)
        .where(BoardRole.user_id == user_id, BoardRole.role == "chair")
    ).all()


def people_with_role(session: Session, board_id: int, role: str) -> Sequence[Person]:
    return session.exec(
        select(Person)
        .join(BoardRole, col(BoardRole.user_id) == Person.id)
        .where(BoardRole.board_id == board_id, BoardRole.role == role)
        .order_by(Person.name)
    ).all()


@dataclass(frozen=True)
class RecommendationFilter:
    review_id: int | None = None
    agency_ids: tuple[int, ...] | None = None
    statuses: tuple[Status, ...] | None = None
    brag: str | None = None
    overdue_before: Any = None  # a date: due before it and not done
    owned_by: str | None = None  # a user id: lead officer or agency member
    theme: str | None = None


def owned_by_clause(user_id: str) -> ColumnElement[bool]:
    """Led by the user, or owned by an agency they belong to.

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


def _filtered(flt: RecommendationFilter, brag_expr: ColumnElement[Any]) -> Any:
    from sqlalchemy import and_

    stmt: Any = (
        sa_select(
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
            brag_expr.label("brag"),
            col(Recommendation.last_update_at),
        )
        .outerjoin(Agency, col(Agency.id) == Recommendation.agency_id)
        .outerjoin(Person, col(Person.id) == Recommendation.lead_officer_id)
    )
    conditions: list[Any] = []
    if flt.review_id is not None:
        conditions.append(Recommendation.review_id == flt.review_id)
    if flt.agency_ids is not None:
        conditions.append(col(Recommendation.agency_id).in_(flt.agency_ids))
    if flt.statuses:
        conditions.append(col(Recommendation.status).in_(flt.statuses))
    if flt.brag:
        conditions.append(brag_expr == flt.brag)
    if flt.overdue_before is not None:
        conditions.append(col(Recommendation.due_on) < flt.overdue_before)
        conditions.append(col(Recommendation.status).in_((Status.not_started, Status.in_progress)))
    if flt.owned_by:
        conditions.append(owned_by_clause(flt.owned_by))
    if flt.theme:
        themed = select(RecommendationTheme.recommendation_id).where(
            RecommendationTheme.theme == flt.theme
        )
        conditions.append(col(Recommendation.id).in_(themed))
    if conditions:
        stmt = stmt.where(and_(*conditions))
    return stmt


def list_recommendations(
    session: Session,
    flt: RecommendationFilter,
    brag_expr: ColumnElement[Any],
    brag_rank: ColumnElement[Any],
    *,
    page: int = 1,
    page_size: int = 15,
) -> tuple[list[RecommendationRow], int]:
    """One page of recommendations, worst BRAG first, and the total that match."""
    stmt = _filtered(flt, brag_expr)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(
            brag_rank,
            col(Recommendation.due_on).is_(None),
            col(Recommendation.due_on),
            col(Recommendation.review_id),
            col(Recommendation.number),
        )
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return [RecommendationRow(*row) for row in rows], int(total)


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
        col(Recommendation.status).in_((Status.not_started, Status.in_progress)),
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
        col(Recommendation.status).in_((Status.completed, Status.assured)),
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
    last_update: ProgressUpdate | None


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
    latest_ids = (
        select(func.max(ProgressUpdate.id))
        .where(col(ProgressUpdate.recommendation_id).in_(rec_ids))
        .group_by(col(ProgressUpdate.recommendation_id))
    )
    updates = session.exec(select(ProgressUpdate).where(col(ProgressUpdate.id).in_(latest_ids))).all()
    latest = {u.recommendation_id: u for u in updates}
    return {
        rec.id: ReminderDetail(rec, title, agency, lead, latest.get(rec.id or 0))  # type: ignore[misc]
        for rec, title, agency, lead in rows
    }


def away_owners(session: Session, today: Any) -> list[tuple[Person, int]]:
    """People away today who lead open recommendations, with how many they lead."""
    rows = session.exec(
        select(Person, func.count(col(Recommendation.id)))
        .join(Recommendation, col(Recommendation.lead_officer_id) == Person.id)
        .where(
            col(Person.away_until).is_not(None),
            col(Person.away_until) >= today,
            col(Recommendation.status).in_((Status.not_started, Status.in_progress)),
        )
        .group_by(col(Person.id))
        .order_by(col(Person.name))
    ).all()
    return [(p, int(n)) for p, n in rows]


def board_with_channel(session: Session, channel_id: str) -> Board | None:
    """The board whose home channel this is (evidence capture listens only there)."""
    return session.exec(select(Board).where(Board.channel_id == channel_id)).first()


def sample_recommendations(
    session: Session, flt: RecommendationFilter, brag_expr: ColumnElement[Any], n: int
) -> list[RecommendationRow]:
    """n matching rows drawn at random by the database (ORDER BY random() LIMIT n): n rows
    come back however many match, and every match has the same chance."""
    stmt = _filtered(flt, brag_expr).order_by(func.random()).limit(max(0, n))
    return [RecommendationRow(*row) for row in session.exec(stmt).all()]
