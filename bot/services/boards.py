"""Boards, their reviews, agencies and roles, and the settings an admin edits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from bot.errors import NotFound, UserError
from bot.rules import policy
from bot.rules.permissions import SYSTEM, Act, Actor
from bot.services.access import board_for_act, require_on_board
from bot.services.audit import audit
from bot.services.base import UseCases
from bot.services.people import acting, ensure_person
from storage import queries
from storage.db import UnitOfWork
from storage.models import (
    Agency,
    AgencyMember,
    Board,
    BoardChannel,
    BoardRole,
    BoardRoleKind,
    Review,
    ReviewKind,
)


def ensure_board(
    uow: UnitOfWork, actor: Actor, name: str, *, channel_id: str | None = None
) -> Board:
    """The board of this name, made if there is none; a workspace's own (`actor.workspace`)
    where recs serves many, and made in it. Board names are unique across the deployment:
    a workspace whose board's name (RECS_BOARD) another workspace already has gets its own
    board, named with its workspace id, never the other's."""
    own_name = f"{name} ({actor.workspace})"[:200] if actor.workspace is not None else name
    found = select(Board).where(col(Board.name).in_({name, own_name}))
    if actor.workspace is not None:
        found = found.where(Board.team_id == actor.workspace)
    board = uow.session.exec(found.order_by(col(Board.id))).first()
    if board:
        return board
    if queries.board_named(uow.session, name) is not None:
        name = own_name  # taken in another workspace
    board = Board(name=name, channel_id=channel_id, team_id=actor.workspace, created_at=uow.now)
    uow.session.add(board)
    uow.session.flush()
    audit(uow, actor, "board.create", "board", board.id, name=name)
    return board


def grant_role(
    uow: UnitOfWork, actor: Actor, board: Board, user_id: str, role: BoardRoleKind
) -> None:
    exists = uow.session.exec(
        select(BoardRole).where(
            BoardRole.board_id == board.id, BoardRole.user_id == user_id, BoardRole.role == role
        )
    ).first()
    if exists:
        return
    uow.session.add(BoardRole(board_id=board.id, user_id=user_id, role=role))  # type: ignore[arg-type]
    audit(uow, actor, "role.grant", "board", board.id, user=user_id, role=role)


def ensure_review(
    uow: UnitOfWork,
    actor: Actor,
    board: Board,
    code: str,
    title: str | None = None,
    *,
    kind: ReviewKind = ReviewKind.SCR,
    published_on: date | None = None,
    accepted_on: date | None = None,
) -> Review:
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", code) or len(code) > 32:
        raise UserError(
            f"'{code}' is not a review code: use letters, digits and dashes.",
            example="--review CSPR-2024-03",
        )
    # Codes are unique across the deployment (refs are made from them), so look everywhere.
    review = queries.review_by_code(uow.session, code, queries.EVERY_BOARD)
    if review and review.board_id != board.id:
        raise UserError(
            f"The review code '{code.upper()}' is taken by another board: choose another.",
            example="--review CSPR-2024-03",
        )
    if review:
        return review
    review = Review(
        board_id=board.id,  # type: ignore[arg-type]
        code=code.upper(),
        title=title or f"Review {code.upper()}",
        kind=kind,
        published_on=published_on,
        accepted_on=accepted_on,
        created_at=uow.now,
    )
    uow.session.add(review)
    uow.session.flush()
    audit(uow, actor, "review.create", "review", review.id, code=review.code, title=review.title)
    return review


def ensure_agency(uow: UnitOfWork, actor: Actor, board_id: int, name: str) -> Agency:
    name = re.sub(r"\s+", " ", name).strip()
    short = None
    match = re.match(r"^(.*?)\s*\(([A-Za-z]{2,10})\)$", name)
    if match:
        short = match.group(2)
    agency = queries.agency_by_name(uow.session, board_id, name)
    if agency:
        return agency
    agency = Agency(board_id=board_id, name=name, short_name=short)
    uow.session.add(agency)
    uow.session.flush()
    audit(uow, actor, "agency.create", "agency", agency.id, name=name)
    return agency


def add_agency_member(uow: UnitOfWork, actor: Actor, agency: Agency, user_id: str) -> None:
    if uow.session.get(AgencyMember, (agency.id, user_id)):
        return
    uow.session.add(AgencyMember(agency_id=agency.id, user_id=user_id))  # type: ignore[arg-type]
    audit(uow, actor, "agency.member_add", "agency", agency.id, user=user_id)


@dataclass(frozen=True)
class BoardSettings:
    """What the settings modal edits; None leaves a value as it is."""

    channel_id: str | None = None
    chair_ids: tuple[str, ...] | None = None
    linked_channel_ids: tuple[str, ...] | None = None  # where evidence is captured besides
    due_soon_days: str | None = None
    overdue_every_days: int | None = None
    stale_after_days: int | None = None
    escalate_after_days: int | None = None
    amber_due_within_days: int | None = None
    amber_stale_days: int | None = None
    require_evidence: bool | None = None


def update_board_settings(
    uow: UnitOfWork, actor: Actor, board_id: int, new: BoardSettings
) -> Board:
    """Admin: the board's channel, chairs, reminder policy and BRAG thresholds, audited."""
    require_on_board(uow.session, actor, board_id, Act.settings, "change the board settings")
    board = uow.session.get(Board, board_id)
    if board is None:
        raise NotFound("There is no such board.")
    before = board.model_dump(exclude={"created_at"})
    changes: dict[str, Any] = {}
    if new.channel_id is not None:
        if new.channel_id:
            _require_free(uow, board_id, new.channel_id, "channel")
        changes["channel_id"] = new.channel_id or None
    for setting in (*policy.EDITABLE, policy.REQUIRE_EVIDENCE):
        value = getattr(new, setting.field)
        if value is not None:
            changes[setting.field] = policy.checked(setting.field, value)
    for name, value in changes.items():
        setattr(board, name, value)
    uow.session.add(board)
    chairs_before = _set_chairs(uow, actor, board, new.chair_ids)
    linked_before = _set_linked_channels(uow, actor, board, new.linked_channel_ids)
    uow.session.flush()
    after = board.model_dump(exclude={"created_at"})
    audit(
        uow,
        actor,
        "board.settings",
        "board",
        board.id,
        before={k: before[k] for k in changes if before[k] != after[k]},
        after={k: after[k] for k in changes if before[k] != after[k]},
        chairs_before=chairs_before,
        chairs_after=sorted(new.chair_ids) if new.chair_ids is not None else chairs_before,
        linked_before=linked_before,
        linked_after=sorted(set(new.linked_channel_ids))
        if new.linked_channel_ids is not None
        else linked_before,
    )
    return board


def _require_free(uow: UnitOfWork, board_id: int, channel_id: str, field: str) -> None:
    """A channel is one board's at most: another board's channel would hand it this
    board's evidence and answers (and this board theirs)."""
    owner = queries.board_of_channel(uow.session, channel_id)
    if owner is not None and owner != board_id:
        raise policy.SettingError(
            field, "That channel belongs to another board: each channel serves one board."
        )


def _set_linked_channels(
    uow: UnitOfWork, actor: Actor, board: Board, channel_ids: tuple[str, ...] | None
) -> list[str]:
    """The board's linked channels become `channel_ids` (None leaves them as they are)."""
    board_id = board.id or 0
    before = queries.linked_channels(uow.session, board_id)
    if channel_ids is None:
        return before
    wanted = set(channel_ids) - {board.channel_id}
    for channel_id in sorted(wanted):
        _require_free(uow, board_id, channel_id, "evidence_channels")
    for row in uow.session.exec(select(BoardChannel).where(BoardChannel.board_id == board_id)):
        if row.channel_id not in wanted:
            uow.session.delete(row)
    for channel_id in sorted(wanted - set(before)):
        uow.session.add(BoardChannel(board_id=board_id, channel_id=channel_id, created_at=uow.now))
    return before


def _set_chairs(
    uow: UnitOfWork, actor: Actor, board: Board, chair_ids: tuple[str, ...] | None
) -> list[str]:
    current = uow.session.exec(
        select(BoardRole).where(BoardRole.board_id == board.id, BoardRole.role == "chair")
    ).all()
    before = sorted(r.user_id for r in current)
    if chair_ids is None:
        return before
    if not chair_ids:
        raise policy.SettingError("chairs", "A board needs at least one chair.")
    for role in current:
        if role.user_id not in chair_ids:
            uow.session.delete(role)
            audit(uow, actor, "role.revoke", "board", board.id, user=role.user_id, role="chair")
    for user_id in chair_ids:
        ensure_person(uow.session, user_id)
        grant_role(uow, actor, board, user_id, BoardRoleKind.chair)
    return before


_WORKSPACE_ID = re.compile(r"[TE][A-Z0-9]{2,31}")


def give_to_workspace(uow: UnitOfWork, actor: Actor, name: str, team_id: str) -> Board:
    """The operator's: the board named `name` becomes the workspace's (`board.team_id`), so
    that with many workspaces its people see it and its reminders go with that workspace's
    bot. A board already another workspace's is not taken from it."""
    if not _WORKSPACE_ID.fullmatch(team_id):
        raise UserError(
            f"'{team_id[:40]}' is not a Slack workspace id.", example="--workspace T0123ABCD"
        )
    board = queries.board_named(uow.session, name)
    if board is None:
        names = "; ".join(b.name for b in queries.all_boards(uow.session)[:8]) or "none yet"
        raise NotFound(f"There is no board named '{name[:80]}' (boards: {names}).")
    if board.team_id not in (None, team_id):
        raise UserError(
            f"'{board.name}' is another workspace's ({board.team_id}): it stays theirs.",
            example=f'python app.py board "{board.name}" --workspace {board.team_id}',
        )
    if board.team_id != team_id:
        board.team_id = team_id
        uow.session.add(board)
        audit(uow, actor, "board.workspace", "board", board.id, after=team_id)
    return board


class Boards(UseCases):
    """A board's settings, as its admin edits them; its workspace, as the operator gives it."""

    def give_to_workspace(self, name: str, team_id: str) -> Board:
        with self.writing() as uow:
            board = give_to_workspace(uow, SYSTEM, name, team_id)
            uow.commit()
        return board

    def change_settings(self, actor: Actor, board_id: int, new: BoardSettings) -> Board:
        with self.writing() as uow:
            acting(uow, actor)
            board = update_board_settings(uow, actor, board_id, new)
            uow.commit()
        return board

    def require(self, actor: Actor, act: Act, what: str) -> None:
        """Refuses, before a form opens, someone who may not `act` on the board the request
        concerns (bot.services.access.one_board)."""
        with self.reading() as uow:
            board_for_act(uow.session, actor, act, what)
