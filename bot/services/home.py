"""What App Home shows a person: their open recommendations, and for chairs the board summary.

Also the few reads the modals need (reviews, agencies, the board's settings).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules import policy
from bot.rules.lifecycle import OPEN_STATUSES
from bot.rules.permissions import Actor
from bot.services import reads, summary
from bot.services.access import boards_in_view
from bot.services.summary import BoardSummary
from storage import ledger, queries
from storage.models import Board, BoardRoleKind
from storage.queries import RecommendationFilter


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class SettingsForm:
    """The board's current settings, as the settings modal shows them."""

    channel_id: str | None
    chair_ids: Sequence[str]
    linked_channel_ids: Sequence[str]
    due_soon_days: str
    overdue_every_days: int
    stale_after_days: int
    escalate_after_days: int
    amber_due_within_days: int
    amber_stale_days: int
    require_evidence: bool
    board_name: str = ""  # whose settings they are, said at the top of the form


HOME_RECOMMENDATIONS = 20  # two blocks each, leaving room for the board overview


@dataclass
class HomePage:
    mine: reads.RecommendationPage
    overviews: list[BoardSummary]  # for chairs: each board they chair, in view
    # For a board's admins (the business manager): whom its reminders cannot reach.
    unreachable: list[ledger.Unreachable] = field(default_factory=list)


def home_page(session: Session, actor: Actor, now: datetime) -> HomePage:
    """The person's own open recommendations, and the overview of each board they chair:
    nothing of a board they have no part on (App Home is no board's channel)."""
    boards = boards_in_view(session, actor)
    user_id = actor.user_id
    mine = reads.list_page(
        session,
        RecommendationFilter(boards, owned_by=user_id, statuses=OPEN_STATUSES),
        today=now.date(),
        thresholds=reads.thresholds_for(session, boards),
        title="My recommendations",
        command="list mine",
        page_size=HOME_RECOMMENDATIONS,
    )
    unreachable = [
        found
        for board in queries.boards_administered_by(session, user_id)
        for found in ledger.unreachable(session, board.id)
    ]
    overviews = summary.chaired_summaries(session, user_id, boards, now)
    return HomePage(mine, overviews, unreachable)


def review_choices(session: Session, boards: Collection[int]) -> list[Choice]:
    return [Choice(r.code, f"{r.code} · {r.title}") for r in reads.reviews(session, boards)]


def agency_choices(session: Session, boards: Collection[int]) -> list[Choice]:
    agencies = queries.agencies_matching(session, boards, "")
    return [Choice(a.name, a.name) for a in agencies]


def form_of(session: Session, board: Board) -> SettingsForm:
    chairs = queries.people_with_role(session, board.id or 0, BoardRoleKind.chair)
    return SettingsForm(
        channel_id=board.channel_id,
        chair_ids=[p.id for p in chairs if not p.id.startswith("email:")],
        linked_channel_ids=queries.linked_channels(session, board.id or 0),
        # As the rules read them: an old value out of bounds shows as the bound in force
        # (Slack refuses a number input whose initial value is outside its own bounds).
        due_soon_days=policy.DUE_SOON_DAYS.store(policy.DUE_SOON_DAYS.read(board.due_soon_days)),
        overdue_every_days=policy.OVERDUE_EVERY_DAYS.read(board.overdue_every_days),
        stale_after_days=policy.STALE_AFTER_DAYS.read(board.stale_after_days),
        escalate_after_days=policy.ESCALATE_AFTER_DAYS.read(board.escalate_after_days),
        amber_due_within_days=policy.AMBER_DUE_WITHIN_DAYS.read(board.amber_due_within_days),
        amber_stale_days=policy.AMBER_STALE_DAYS.read(board.amber_stale_days),
        require_evidence=policy.REQUIRE_EVIDENCE.read(board.require_evidence),
        board_name=board.name,
    )
