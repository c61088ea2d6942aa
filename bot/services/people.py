"""People: who they are (from Slack or an imported email), and their away days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlmodel import Session, select

from bot.errors import NotFound, UserError
from bot.rules.dates import zone
from bot.rules.permissions import SYSTEM, Act, Actor
from bot.services.audit import audit
from bot.services.base import UseCases
from storage import queries
from storage.db import UnitOfWork
from storage.models import (
    EMAIL_PLACEHOLDER,
    PLACEHOLDERS,
    AgencyMember,
    BoardRole,
    Person,
    Recommendation,
)


def ensure_person(
    session: Session,
    user_id: str,
    name: str | None = None,
    *,
    email: str | None = None,
    team_id: str | None = None,
    tz: str | None = None,
    is_workspace_admin: bool | None = None,
) -> Person:
    """The person for a Slack user id, created or refreshed; no audit (not a change of record)."""
    found = session.get(Person, user_id)
    if found is None:
        found = Person(id=user_id, name=name or user_id, email=email, team_id=team_id, tz=tz)
        if is_workspace_admin is not None:
            found.is_workspace_admin = is_workspace_admin
        session.add(found)
        session.flush()
        return found
    if name and found.name != name:
        found.name = name
    if email and not found.email:
        found.email = email
    if tz:
        found.tz = tz
    if team_id:
        found.team_id = team_id
    if is_workspace_admin is not None:
        found.is_workspace_admin = is_workspace_admin
    return found


def set_away(
    uow: UnitOfWork, actor: Actor, until: date | None, deputy_id: str | None = None
) -> Person:
    """Pauses one's own reminders until a date (inclusive), optionally to a deputy."""
    me = ensure_person(uow.session, actor.user_id, actor.name or None)
    if until is not None and until < uow.now.astimezone(zone(me.tz)).date():  # their own day
        raise UserError("That date has passed.", example="/recs away until 2015-04-20 @deputy")
    if deputy_id == actor.user_id:
        raise UserError(
            "You can't be your own deputy.", example="/recs away until 2015-04-20 @jane"
        )
    if deputy_id and uow.session.get(Person, deputy_id) is None:
        raise NotFound(f"I don't know the deputy {deputy_id}.")
    before = {"away_until": me.away_until, "deputy": me.deputy_id}
    me.away_until = until
    me.deputy_id = deputy_id if until else None
    uow.session.add(me)
    audit(
        uow,
        actor,
        "person.away",
        "person",
        me.id,
        before=before,
        after={"away_until": until, "deputy": me.deputy_id},
    )
    return me


EMAIL_PREFIX = EMAIL_PLACEHOLDER


def link_person(uow: UnitOfWork, actor: Actor, placeholder_id: str, user_id: str, name: str) -> Person:
    """Hands what a placeholder owned (lead officer, agency membership, roles, deputising) to
    its Slack user: the one with its email, once Slack has told us who that is, or the one a
    business manager linked its name to. The placeholder remembers the link, so a re-import
    that names it again finds the Slack user."""
    session = uow.session
    placeholder = session.get(Person, placeholder_id)
    person = ensure_person(session, user_id, name, email=placeholder.email if placeholder else None)
    if placeholder is not None:
        placeholder.linked_id = user_id
        session.add(placeholder)
    recs = session.exec(select(Recommendation).where(Recommendation.lead_officer_id == placeholder_id))
    for rec in recs:
        rec.lead_officer_id = user_id
        session.add(rec)
    for member in session.exec(select(AgencyMember).where(AgencyMember.user_id == placeholder_id)):
        session.delete(member)
        if session.get(AgencyMember, (member.agency_id, user_id)) is None:
            session.add(AgencyMember(agency_id=member.agency_id, user_id=user_id))
    for role in session.exec(select(BoardRole).where(BoardRole.user_id == placeholder_id)):
        role.user_id = user_id
        session.add(role)
    for deputised in session.exec(select(Person).where(Person.deputy_id == placeholder_id)):
        deputised.deputy_id = user_id
        session.add(deputised)
    audit(uow, actor, "person.link", "person", user_id, placeholder=placeholder_id)
    return person


def acting(uow: UnitOfWork, actor: Actor) -> None:
    """Records who is acting (their Person row), inside the write they make."""
    ensure_person(uow.session, actor.user_id, actor.name or None, team_id=actor.team_id)


class Named(Protocol):
    """A person as a command names them: `<@U123|jane>` from Slack, or `@jane` in the console
    (bot.commands.grammar.Mention)."""

    @property
    def raw(self) -> str: ...

    @property
    def slack_id(self) -> str | None: ...

    @property
    def handle(self) -> str: ...


def resolve(session: Session, named: Named) -> Person:
    """The person a mention names: a Slack user (stored on first sight), or someone already
    known by name or email."""
    if named.slack_id:
        name = named.raw.split("|", 1)[1].rstrip(">") if "|" in named.raw else None
        return ensure_person(session, named.slack_id, name)
    found = queries.person_by_name_or_email(session, named.handle)
    if found is None:
        raise NotFound(f"I don't know anyone called @{named.handle[:40]}.", example="@jane")
    return found


@dataclass(frozen=True)
class Placeholder:
    """A lead officer an import kept by name or email, and the recommendations they lead."""

    id: str
    name: str
    email: str | None
    refs: tuple[str, ...]


def placeholders(uow: UnitOfWork, actor: Actor) -> list[Placeholder]:
    """The board's placeholders still leading recommendations; for its admins."""
    board = _admin_board(uow, actor, "see the people an import could not match")
    found = queries.placeholders_leading(uow.session, board)
    return [Placeholder(p.id, p.name, p.email, tuple(refs)) for p, refs in found]


def link_placeholder(uow: UnitOfWork, actor: Actor, written: str, user: Named) -> tuple[Placeholder, Person]:
    """`/recs people link "Jo Turner" @jo`: what the placeholder leads becomes @jo's, and a
    re-import that names "Jo Turner" again finds @jo."""
    board = _admin_board(uow, actor, "link the people an import could not match")
    wanted = " ".join(written.split()).casefold()
    found = [
        Placeholder(p.id, p.name, p.email, tuple(refs))
        for p, refs in queries.placeholders_leading(uow.session, board)
        if wanted in (" ".join(p.name.split()).casefold(), (p.email or "").casefold())
    ]
    if not found:
        raise NotFound(
            f"No imported lead officer called '{written[:60]}' is waiting to be linked. "
            "See them with `/recs people`.",
            example='/recs people link "Jo Turner" @jo',
        )
    person = resolve(uow.session, user)
    if person.id.startswith(PLACEHOLDERS):
        raise UserError("Link them to a Slack user: mention them.", example="@jo")
    link_person(uow, actor, found[0].id, person.id, person.name)
    return found[0], person


def _admin_board(uow: UnitOfWork, actor: Actor, what: str) -> int:
    """The board whose lead officers an admin links: the one they administer from where they
    ask (in its channel, when they have several)."""
    from bot.services.access import board_for_act

    if not queries.has_boards(uow.session, actor.workspace):
        raise NotFound("There is no board yet: import a review first.")
    return board_for_act(uow.session, actor, Act.import_plan, what).id or 0


class People(UseCases):
    """A person's own away days, the Slack user who takes over an imported email, and the
    lead officers an import kept by name until an admin links them."""

    def placeholders(self, actor: Actor) -> list[Placeholder]:
        with self.reading() as uow:
            return placeholders(uow, actor)

    def link(self, actor: Actor, written: str, user: Named) -> tuple[Placeholder, Person]:
        with self.writing() as uow:
            acting(uow, actor)
            linked = link_placeholder(uow, actor, written, user)
            uow.commit()
        return linked

    def away(self, actor: Actor, until: date, deputy: Named | None = None) -> Person:
        with self.writing() as uow:
            deputy_id = resolve(uow.session, deputy).id if deputy else None
            me = set_away(uow, actor, until, deputy_id)
            uow.commit()
        return me

    def back(self, actor: Actor) -> Person:
        with self.writing() as uow:
            me = set_away(uow, actor, None)
            uow.commit()
        return me

    def remember(
        self, user_id: str, name: str, *, email: str | None, tz: str | None,
        is_workspace_admin: bool,
    ) -> None:  # fmt: skip
        """Stores what Slack says of a person: name, email, time zone (reminders use it)."""
        with self.writing() as uow:
            ensure_person(
                uow.session, user_id, name, email=email, tz=tz,
                is_workspace_admin=is_workspace_admin,
            )  # fmt: skip
            uow.commit()

    def join_agency(self, agency_name: str, user_ids: list[str]) -> int | None:
        """Adds Slack users to the agency of this name on every board that has one
        (RECS_AGENCY_USERGROUPS: the workspace's groups, which every board of the workspace
        shares); returns how many memberships were checked, or None when there is no board
        yet. Never removes anyone."""
        from bot.services.boards import add_agency_member

        with self.writing() as uow:
            boards = queries.all_boards(uow.session)
            if not boards:
                return None
            agencies = [
                found for board in boards
                if (found := queries.agency_by_name(uow.session, board.id or 0, agency_name))
            ]  # fmt: skip
            for user_id in user_ids:
                ensure_person(uow.session, user_id)
                for agency in agencies:
                    add_agency_member(uow, SYSTEM, agency, user_id)
            uow.commit()
        return len(user_ids) * len(agencies)

    def adopt_email_placeholder(self, user_id: str, name: str, email: str) -> bool:
        """A Slack user whose email an imported plan named as a lead officer takes over what
        the placeholder held, at their first request (the sweep only links those due a
        reminder). True when there was a placeholder; a read alone when there was none."""
        placeholder_id = EMAIL_PREFIX + email.strip().lower()
        with self.reading() as uow:
            if uow.session.get(Person, placeholder_id) is None:
                return False
        with self.writing() as uow:
            link_person(uow, SYSTEM, placeholder_id, user_id, name)
            uow.commit()
        return True
