"""Which roles a person holds on a board or a recommendation (looked up), and the refusals
that follow from bot.rules.permissions' table (decided there).

A user's standing on one recommendation is their board roles, their agency membership, and
whether they stand in for its away lead officer: storage reads the facts in one statement,
and bot.rules.away decides who stands in, so a deputy may answer exactly when the reminders
would go to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import Session

from bot.errors import UserError
from bot.rules import away, scope
from bot.rules.dates import zone
from bot.rules.permissions import Act, Actor, Role, given_roles, require
from storage import queries
from storage.models import Agency, Board, Person, Recommendation
from storage.queries import Standing


def boards_in_view(session: Session, actor: Actor) -> frozenset[int]:
    """The boards `actor` may read from where they asked (bot.rules.scope decides)."""
    facts = queries.scope_facts(session, actor.user_id, actor.channel_id, actor.workspace)
    return scope.boards_in_view(
        actor, channel_board=facts.channel_board, standing=facts.standing,
        every_board=facts.boards,
    )  # fmt: skip


def one_board(session: Session, actor: Actor, *, act: Act | None = None) -> Board:
    """The one board a request concerns: the only one `actor` may see (with `act`, the only
    one they may do it on). Otherwise a person's error saying where to ask."""
    boards = sorted(boards_in_view(session, actor))
    if act is not None and len(boards) > 1:
        boards = [b for b in boards if _may(session, actor, b, act)] or boards
    if len(boards) > 1:
        names = "; ".join(b.name for b in queries.boards_by_ids(session, boards[:8]))
        raise UserError(
            f"You have a part on several boards ({names}): ask in the channel of the board "
            "you mean.",
            example="/recs summary H",
        )
    board = session.get(Board, boards[0]) if boards else None
    if board is None:
        raise UserError(scope.NO_BOARD, example="/recs help")
    return board


def chaired_in_view(session: Session, user_id: str, boards: frozenset[int]) -> list[Board]:
    """The boards `user_id` chairs among `boards` (those in view where they ask)."""
    return [b for b in queries.boards_chaired_by(session, user_id) if b.id in boards]


def board_for_act(session: Session, actor: Actor, act: Act, what: str) -> Board:
    """`one_board` for `act`, and NotAllowed unless `actor` may do it there."""
    board = one_board(session, actor, act=act)
    require_on_board(session, actor, board.id, act, what)
    return board


def _may(session: Session, actor: Actor, board_id: int, act: Act) -> bool:
    try:
        require(board_roles(session, actor, board_id), act, "")
    except UserError:
        return False
    return True


def _no_status(user_id: str) -> bool:
    return False


def standing_on(
    session: Session,
    user_id: str,
    rec: Recommendation,
    now: datetime,
    *,
    slack_says_away: Callable[[str], bool] = _no_status,
) -> Standing:
    """Each person is judged on their own local date at `now` (their time zone, else the
    board's), as the reminder sweep judges them; `slack_says_away` reads a person's Slack
    status where the caller can (the lead's, then the user's own), else statuses count as at
    work."""
    facts = queries.standing_facts(session, user_id, rec)
    deputising = None
    if facts.lead is not None and facts.lead.deputy_id == user_id:
        people = {facts.lead.id: facts.lead, user_id: facts.user}

        def local_day(person_id: str) -> date:
            person = people.get(person_id)
            return now.astimezone(zone(person.tz if person else None, facts.board_zone)).date()

        deputising = away.deputising_for(
            user_id,
            facts.lead.id,
            people,
            local_day=local_day,
            slack_says_away=slack_says_away,
        )
    return Standing(facts.board_roles, facts.agency_member, deputising)


def board_roles(session: Session, actor: Actor, board_id: int | None) -> set[Role]:
    return given_roles(actor, queries.board_roles_of(session, actor.user_id, board_id))


def roles_on(session: Session, actor: Actor, rec: Recommendation, now: datetime) -> set[Role]:
    """The actor's roles for one recommendation at `now` (the caller's clock): a deputy owns
    it while its lead officer is away (on their own local date)."""
    standing = standing_on(session, actor.user_id, rec, now)
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
    session: Session, actor: Actor, rec: Recommendation, act: Act, what: str, now: datetime
) -> set[Role]:
    """The actor's roles on `rec`, or NotAllowed saying who may `act` (owners by name)."""
    roles = roles_on(session, actor, rec, now)
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
