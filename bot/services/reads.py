"""Read use cases: what a list, a `show` or App Home needs, in one query each where possible."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from sqlmodel import Session, select

from bot.errors import UserError
from bot.rules.brag import (
    Brag,
    Thresholds,
    brag_bound,
    brag_for,
    brag_params,
    brag_params_by_board,
)
from bot.rules.lifecycle import status_words
from bot.rules.permissions import Actor
from bot.rules.refs import normalise_ref
from bot.rules.scope import NO_BOARD, may_see_private_evidence
from bot.rules.text import link_host
from bot.services.access import board_roles
from bot.services.lookups import get_review, no_such_recommendation
from storage import queries
from storage.models import (
    Board,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Recommendation,
    RecommendationPart,
    RecommendationTheme,
    Review,
)
from storage.queries import BoardScope, RecommendationFilter, RecommendationRow

PAGE_SIZE = 40  # a whole review plan of dozens fits one message (50 blocks)
LISTS = queries.RecommendationList(brag_bound, partial(brag_bound, rank=True))


@dataclass
class RecommendationPage:
    title: str
    rows: list[RecommendationRow]
    total: int
    page: int
    page_size: int
    command: str  # the list command, so the pagination buttons can run it again

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def list_page(
    session: Session,
    flt: RecommendationFilter,
    *,
    today: date,
    thresholds: Thresholds | Mapping[int, Thresholds],
    title: str,
    command: str,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> RecommendationPage:
    """`thresholds`: the board's, or each board's of a list across boards."""
    if isinstance(thresholds, Thresholds):
        params = brag_params(today, thresholds)
    else:
        params = brag_params_by_board(today, thresholds)
    rows, total = LISTS.page(session, flt, params, page=page, page_size=page_size)
    return RecommendationPage(title, rows, total, page, page_size, command)


@dataclass
class HistoryEntry:
    at: datetime
    author: str
    text: str
    kind: str  # "update", "evidence", "due"


@dataclass
class RecommendationDetail:
    rec: Recommendation
    review: Review
    board: Board
    agency: str | None
    lead_officer: str | None
    brag: Brag
    updates: list[ProgressUpdate]
    evidence: list[Evidence]
    due_changes: list[DueDateChange]
    parts: list[RecommendationPart]
    themes: list[str]
    names: dict[str, str] = field(default_factory=dict)
    private_evidence: int = 0  # items from a private channel this reader may not see

    def history(self) -> list[HistoryEntry]:
        entries = [
            HistoryEntry(u.created_at, self.author(u), describe_update(u), "update")
            for u in self.updates
        ]
        entries += [
            HistoryEntry(e.posted_at, self.name(e.posted_by_id), describe_evidence(e), "evidence")
            for e in self.evidence
        ]
        entries += [
            HistoryEntry(c.changed_at, self.name(c.changed_by_id), describe_due_change(c), "due")
            for c in self.due_changes
        ]
        return sorted(entries, key=lambda e: e.at)

    def author(self, update: ProgressUpdate) -> str:
        if update.on_behalf_of_id:
            return f"{self.name(update.author_id)} (for {self.name(update.on_behalf_of_id)})"
        return self.name(update.author_id)

    def name(self, user_id: str | None) -> str:
        if user_id is None:
            return "—"
        return self.names.get(user_id, user_id)


def describe_update(update: ProgressUpdate) -> str:
    parts = []
    if update.status_to:
        parts.append(f"status → {status_words(update.status_to)}")
    if update.at_risk_to is True:
        parts.append("flagged at risk")
    if update.at_risk_to is False:
        parts.append("back on track")
    if update.text:
        parts.append(update.text)
    return "; ".join(parts) or "(no text)"


def describe_evidence(evidence: Evidence) -> str:
    """The link with the host it really goes to, then what the poster said of it: a
    description may name any site, so the host is never left to it."""
    what = evidence.url or f"file {evidence.slack_file_id}"
    host = link_host(evidence.url)
    text = f"evidence ({evidence.state})" + (f" on {host}" if host else "") + f": {what}"
    if evidence.description:
        text += f" — {evidence.description}"
    if evidence.review_reason:
        text += f" [reason: {evidence.review_reason}]"
    return text


def describe_due_change(change: DueDateChange) -> str:
    old = f"{change.old_due_on:%d %b %Y}" if change.old_due_on else "none"
    text = f"due date {old} → {change.new_due_on:%d %b %Y} (“{change.new_timescale}”)"
    return text + (f": {change.reason}" if change.reason else "")


def detail(
    session: Session, ref: str, today: date, reader: Actor, boards: BoardScope
) -> RecommendationDetail:
    """A recommendation in full, as `reader` may see it: not at all outside `boards`, and
    without the evidence of a private channel they are not in (bot.rules.scope)."""
    ref = normalise_ref(ref)
    found = queries.recommendation_in_full(session, ref, boards)
    if found is None:
        raise no_such_recommendation(ref)
    rec, review, board, agency, lead = found
    updates, every_item, moves = queries.history(session, rec.id)  # type: ignore[arg-type]
    evidence = shown_evidence(session, reader, board, every_item)
    parts = session.exec(
        select(RecommendationPart).where(RecommendationPart.recommendation_id == rec.id)
    ).all()
    themes = session.exec(
        select(RecommendationTheme.theme).where(RecommendationTheme.recommendation_id == rec.id)
    ).all()
    people = {u.author_id for u in updates} | {e.posted_by_id for e in evidence}
    people |= {u.on_behalf_of_id for u in updates if u.on_behalf_of_id}
    people |= {c.changed_by_id for c in moves}
    return RecommendationDetail(
        rec=rec,
        review=review,
        board=board,
        agency=agency.name if agency else None,
        lead_officer=lead.name if lead else None,
        brag=brag_for(rec, today, Thresholds.of(board)),
        updates=list(updates),
        evidence=list(evidence),
        due_changes=list(moves),
        parts=list(parts),
        themes=list(themes),
        names=queries.names_of(session, people),
        private_evidence=len(every_item) - len(evidence),
    )


def shown_evidence(
    session: Session, reader: Actor, board: Board, items: Sequence[Evidence]
) -> list[Evidence]:
    """The evidence `reader` may see: all of it, but what came from a private channel only
    if they are in that channel, posted it, or chair or administer the board."""
    roles = None
    shown = []
    for item in items:
        if item.channel_private:
            if roles is None:
                roles = board_roles(session, reader, board.id)
            allowed = may_see_private_evidence(
                reader, channel_id=item.channel_id, posted_by=item.posted_by_id, board_roles=roles
            )
            if not allowed:
                continue
        shown.append(item)
    return shown


def review_in_scope(
    session: Session, code: str | None, boards: Collection[int]
) -> tuple[Review | None, Board | None]:
    """The review a command names among `boards`, with its board (thresholds, zone,
    meetings), in one statement; no code means every review of `boards`, with the board
    when there is one. An unknown code is the person's error (NotFound, naming the reviews
    there are); so is seeing no board at all."""
    if not boards:
        raise UserError(NO_BOARD, example="/recs help")
    if not code:
        only = sorted(boards)
        return None, (session.get(Board, only[0]) if len(only) == 1 else None)
    found = queries.review_with_board(session, code, boards)
    if found is None:
        get_review(session, code, boards=boards)  # raises NotFound with the reviews' codes
    assert found is not None
    return found


def review_title(review: Review | None) -> str:
    return f"{review.title} ({review.code})" if review else "All reviews"


def thresholds_for(session: Session, boards: Collection[int]) -> dict[int, Thresholds]:
    """Each board's thresholds: a list across boards judges each recommendation by its own
    board's."""
    found = queries.boards_by_ids(session, boards)
    return {board.id: Thresholds.of(board) for board in found if board.id is not None}


def reviews(session: Session, boards: Collection[int]) -> list[Review]:
    return list(queries.reviews_in(session, boards))


def sample_completed(session: Session, n: int, today: date, board: Board) -> list[RecommendationRow]:
    """n of the board's completed, not yet assured recommendations, drawn at random for
    verification. The database draws them: any of the completed ones may come up, and only
    n rows are read."""
    from storage.models import Status

    flt = RecommendationFilter([board.id or 0], statuses=(Status.completed,))
    return LISTS.sample(session, flt, brag_params(today, Thresholds.of(board)), n)
