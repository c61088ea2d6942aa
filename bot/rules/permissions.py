"""Who is acting, and what they may do to a recommendation (PRODUCT.md's roles)."""

from __future__ import annotations

from collections.abc import Iterable
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


def _given_roles(actor: Actor, held: Iterable[str]) -> set[Role]:
    """Everyone is a member; a workspace admin (and the system) is an admin everywhere."""
    roles = {Role.member} | {Role(r) for r in held}
    if actor.is_workspace_admin or actor is SYSTEM:
        roles.add(Role.admin)
    return roles


def board_roles(session: Session, actor: Actor, board_id: int | None) -> set[Role]:
    return _given_roles(actor, queries.board_roles_of(session, actor.user_id, board_id))


def roles_on(
    session: Session, actor: Actor, rec: Recommendation, today: date | None = None
) -> set[Role]:
    """The actor's roles for one recommendation. A deputy owns it while its lead is away."""
    standing = queries.standing_on(
        session, actor.user_id, rec, today or datetime.now(UTC).date()
    )
    roles = _given_roles(actor, standing.board_roles)
    if rec.lead_officer_id == actor.user_id or standing.agency_member or standing.deputising_for:
        roles.add(Role.owner)
    return roles


def require(roles: set[Role], allowed: set[Role], what: str, who: str) -> None:
    """Refuse unless one of the roles is allowed, saying who may do it."""
    if roles & allowed:
        return
    raise NotAllowed(f"You can't {what}. {who}")
