"""Which roles a person holds on a board or a recommendation (looked up), and the refusals
that follow from bot.rules.permissions' table (decided there)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.rules.permissions import Act, Actor, Role, given_roles, require
from storage import queries
from storage.models import Agency, Person, Recommendation


def board_roles(session: Session, actor: Actor, board_id: int | None) -> set[Role]:
    return given_roles(actor, queries.board_roles_of(session, actor.user_id, board_id))


def roles_on(session: Session, actor: Actor, rec: Recommendation, today: date) -> set[Role]:
    """The actor's roles for one recommendation on `today` (the caller's clock): a deputy owns
    it while its lead officer is away."""
    standing = queries.standing_on(session, actor.user_id, rec, today)
    roles = given_roles(actor, standing.board_roles)
    if rec.lead_officer_id == actor.user_id or standing.agency_member or standing.deputising_for:
        roles.add(Role.owner)
    return roles


def owners_in_words(session: Session, rec: Recommendation) -> str:
    """"Only the lead officer (Jo Turner), a member of Children's Social Care or a board admin"."""
    parts = []
    if rec.lead_officer_id:
        lead = session.get(Person, rec.lead_officer_id)
        parts.append(f"the lead officer ({lead.name if lead else rec.lead_officer_id})")
    if rec.agency_id:
        agency = session.get(Agency, rec.agency_id)
        if agency:
            parts.append(f"a member of {agency.name}")
    parts.append("a board admin")
    return "Only " + ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def require_on(
    session: Session, actor: Actor, rec: Recommendation, act: Act, what: str, today: date
) -> set[Role]:
    """The actor's roles on `rec`, or NotAllowed saying who may `act` (owners by name)."""
    roles = roles_on(session, actor, rec, today)
    who = None
    if act in (Act.update, Act.add_evidence, Act.reply_to_reminder):
        who = owners_in_words(session, rec) + f" can do that on {rec.ref}."
    require(roles, act, what, who)
    return roles


def require_on_board(
    session: Session, actor: Actor, board_id: int | None, act: Act, what: str
) -> set[Role]:
    roles = board_roles(session, actor, board_id)
    require(roles, act, what)
    return roles
