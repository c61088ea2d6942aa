"""Who is acting, and what they may do to a recommendation (PRODUCT.md's roles)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlmodel import Session

from bot.errors import NotAllowed
from storage import queries
from storage.models import Recommendation


class Role(StrEnum):
    admin = "admin"
    chair = "chair"
    owner = "owner"
    member = "member"


@dataclass(frozen=True)
class Actor:
    """A person acting through Slack, the console, an import or the scheduler."""

    user_id: str
    name: str = ""
    team_id: str | None = None
    is_workspace_admin: bool = False


SYSTEM = Actor(user_id="system", name="recs")


def board_roles(session: Session, actor: Actor, board_id: int | None) -> set[Role]:
    roles = {Role.member}
    if actor.is_workspace_admin or actor is SYSTEM:
        roles.add(Role.admin)
    roles |= {Role(r) for r in queries.board_roles_of(session, actor.user_id, board_id)}
    return roles


def roles_on(
    session: Session, actor: Actor, rec: Recommendation, today: date | None = None
) -> set[Role]:
    """The actor's roles for one recommendation. A deputy owns it while its lead is away."""
    board_id = queries.board_id_of_review(session, rec.review_id)
    roles = board_roles(session, actor, board_id)
    if queries.is_owner(session, actor.user_id, rec) or standing_in_for(
        session, actor, rec, today
    ):
        roles.add(Role.owner)
    return roles


def standing_in_for(
    session: Session, actor: Actor, rec: Recommendation, today: date | None = None
) -> str | None:
    """The away lead officer this actor deputises for on `rec`, if any."""
    return queries.away_lead_deputised_by(
        session, actor.user_id, rec, today or datetime.now(UTC).date()
    )


def require(roles: set[Role], allowed: set[Role], what: str, who: str) -> None:
    """Refuse unless one of the roles is allowed, saying who may do it."""
    if roles & allowed:
        return
    raise NotAllowed(f"You can't {what}. {who}")
