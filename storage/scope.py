"""Which boards a query may read, and the facts that decide which boards a request may see
(bot.rules.scope decides; bot.services.access asks). A board's data is read only through
queries that take `boards`: a collection of board ids, or EVERY_BOARD, said out loud by a
caller that works for the whole deployment (an operator's import, the reminder sweep)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, literal, true, union
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import (
    Agency,
    AgencyMember,
    Board,
    BoardChannel,
    BoardRole,
    Person,
    Recommendation,
    Review,
)


class EveryBoard:
    """The whole deployment, said out loud: see EVERY_BOARD."""

    def __repr__(self) -> str:
        return "EVERY_BOARD"


EVERY_BOARD = EveryBoard()
BoardScope = Collection[int] | EveryBoard


def in_boards(column: Any, boards: BoardScope) -> ColumnElement[bool]:
    """`column` (a board id) is one of `boards`."""
    if isinstance(boards, EveryBoard):
        return true()
    return col(column).in_(sorted(boards))


def board_of_channel(session: Session, channel_id: str | None) -> int | None:
    """The board whose home channel this is, or which linked it (evidence is captured in
    these channels only, and a request made in one concerns that board)."""
    if not channel_id:
        return None
    home = sa_select(col(Board.id)).where(col(Board.channel_id) == channel_id)
    linked = sa_select(col(BoardChannel.board_id)).where(col(BoardChannel.channel_id) == channel_id)
    found = session.execute(union(home, linked).limit(1)).first()
    return None if found is None else int(found[0])


@dataclass(frozen=True)
class ScopeFacts:
    """What decides which boards a request may read (bot.rules.scope decides): the board
    whose channel it came from, the boards the person holds a role on, owns a
    recommendation of, or stands in on as an away lead's deputy, and every board there is."""

    channel_board: int | None
    standing: frozenset[int]
    boards: tuple[int, ...]


def _scope_statement(*, by_workspace: bool) -> Any:
    user: Any = bindparam("sc_user")
    channel: Any = bindparam("sc_channel")
    # Many workspaces: only the request's workspace's boards exist for it (the others'
    # channel, role and lead rows are then outside every board, so never in view).
    every: Any = sa_select(literal("board").label("kind"), col(Board.id).label("board_id"))
    if by_workspace:
        every = every.where(col(Board.team_id) == bindparam("sc_team"))

    def kind(name: str, column: Any) -> Any:
        return sa_select(literal(name).label("kind"), col(column).label("board_id"))

    deputised = sa_select(col(Person.id)).where(col(Person.deputy_id) == user)

    def leads(who: Any) -> Any:  # each branch an indexed lookup; an OR would read every row
        return (
            kind("lead", Review.board_id)
            .join(Recommendation, col(Recommendation.review_id) == Review.id)
            .where(who)
        )
    return union(
        kind("channel", Board.id).where(col(Board.channel_id) == channel),
        kind("channel", BoardChannel.board_id).where(col(BoardChannel.channel_id) == channel),
        kind("role", BoardRole.board_id).where(col(BoardRole.user_id) == user),
        kind("agency", Agency.board_id)
        .join(AgencyMember, col(AgencyMember.agency_id) == Agency.id)
        .where(col(AgencyMember.user_id) == user),
        leads(col(Recommendation.lead_officer_id) == user),
        leads(col(Recommendation.lead_officer_id).in_(deputised)),
        every,
    )


_SCOPE = _scope_statement(by_workspace=False)
_WORKSPACE_SCOPE = _scope_statement(by_workspace=True)


def scope_facts(
    session: Session, user_id: str, channel_id: str | None, workspace: str | None = None
) -> ScopeFacts:
    """The facts bot.rules.scope needs, in one statement; with `workspace`, every board
    there is means every board of that workspace."""
    params = {"sc_user": user_id, "sc_channel": channel_id or ""}
    if workspace is None:
        rows = session.execute(_SCOPE, params).all()
    else:
        rows = session.execute(_WORKSPACE_SCOPE, {**params, "sc_team": workspace}).all()
    channel = [int(r.board_id) for r in rows if r.kind == "channel"]
    standing = frozenset(int(r.board_id) for r in rows if r.kind in ("role", "agency", "lead"))
    every = tuple(sorted({int(r.board_id) for r in rows if r.kind == "board"}))
    return ScopeFacts(channel[0] if channel else None, standing, every)


def linked_channels(session: Session, board_id: int) -> list[str]:
    return list(
        session.exec(
            select(BoardChannel.channel_id)
            .where(BoardChannel.board_id == board_id)
            .order_by(col(BoardChannel.channel_id))
        ).all()
    )


__all__ = [
    "EVERY_BOARD",
    "BoardScope",
    "EveryBoard",
    "ScopeFacts",
    "board_of_channel",
    "in_boards",
    "linked_channels",
    "scope_facts",
]
