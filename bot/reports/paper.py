"""The one builder behind every board paper: the rows of a review's plan as they stood at the
end of a day (or now), with their latest progress, evidence, updates and due-date moves, and
the summary's figures read from the same state.

The XLSX, DOCX and CSV writers only lay this out; none of them reads the database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot import history, services
from bot.rules.brag import Thresholds
from bot.rules.lifecycle import status_words
from bot.services.summary import BoardSummary, board_summary
from storage import as_of as state_queries
from storage import queries
from storage.models import (
    OPEN_STATUSES,
    Board,
    BoardRoleKind,
    DueDateChange,
    EvidenceState,
    ProgressUpdate,
    Status,
)
from storage.queries import EVERY_BOARD

HIDDEN_EVIDENCE = {EvidenceState.withdrawn.value, EvidenceState.rejected.value}
DEFAULT_MARKING = "OFFICIAL"  # the Government Security Classifications' everyday marking

# How a colour reads in words, so colour is never the only carrier of a rating.
BRAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "grey": "Closed"}


@dataclass(frozen=True)
class PaperOptions:
    """What a paper says that the plan's data does not: its marking, the meeting it goes to,
    and whom to contact (by default the board's business manager, its first admin)."""

    marking: str = DEFAULT_MARKING
    meeting_on: date | None = None
    contact: str | None = None


PRIVATE_EVIDENCE = "an item in a private channel: see /recs show in Slack"


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    description: str
    state: str
    posted_at: datetime


@dataclass(frozen=True)
class TrackerRow:
    ref: str
    label: str
    text: str
    agency: str
    lead_officer: str
    due_on: date | None
    timescale: str
    original_due_on: date | None
    original_timescale: str
    status: Status
    at_risk: bool
    brag: str
    latest_update: str
    latest_update_at: datetime | None
    evidence: list[EvidenceLink]
    due_moves: int

    @property
    def status_words(self) -> str:
        """`In progress (at risk)`: the status as a board reads it."""
        words = status_words(self.status)
        return words[:1].upper() + words[1:] + (" (at risk)" if self.at_risk else "")

    @property
    def brag_word(self) -> str:
        return BRAG_WORDS.get(self.brag, self.brag.title())


@dataclass(frozen=True)
class UpdateLine:
    ref: str
    at: datetime
    author: str
    text: str
    status_to: str | None
    source: str


@dataclass(frozen=True)
class DueMove:
    ref: str
    old_due_on: date | None
    new_due_on: date
    new_timescale: str
    reason: str
    changed_at: datetime
    changed_by: str


@dataclass
class BoardPaper:
    review_code: str
    review_title: str
    board_name: str
    day: date  # the day judged: the as-of date, or today
    as_of: date | None  # set when rebuilt from history
    summary: BoardSummary
    rows: list[TrackerRow]
    updates: list[UpdateLine] = field(default_factory=list)
    moves: list[DueMove] = field(default_factory=list)
    prepared_on: date | None = None  # the day the paper was made (today in the board's zone)
    review_kind: str = "other"
    published_on: date | None = None
    zone: str = "Europe/London"  # the board's: times are shown in it
    thresholds: Thresholds = field(default_factory=Thresholds)
    marking: str = DEFAULT_MARKING
    meeting_on: date | None = None
    contact: str = ""

    @property
    def title(self) -> str:
        return f"{self.review_title} ({self.review_code}): action plan"

    @property
    def progress_heading(self) -> str:
        # The cabinet report's own form: "Progress at 31.10.14".
        return f"Progress at {self.day:%d.%m.%y}"

    @property
    def overdue(self) -> list[TrackerRow]:
        return [
            r
            for r in self.rows
            if r.status in OPEN_STATUSES and r.due_on is not None and r.due_on < self.day
        ]

    @property
    def for_sign_off(self) -> list[TrackerRow]:
        """Reported complete, awaiting the chair's assurance."""
        return [r for r in self.rows if r.status == Status.completed]

    @property
    def at_risk(self) -> list[TrackerRow]:
        return [r for r in self.rows if r.at_risk and r.status in OPEN_STATUSES]

    def moves_since(self, since: date | None) -> list[DueMove]:
        """The moves from the start of `since` in the board's zone (all, with no date)."""
        if since is None:
            return list(self.moves)
        start = history.end_of_day(since - timedelta(days=1), history.zone_named(self.zone))
        return [m for m in self.moves if m.changed_at >= start]

    def days_overdue(self, row: TrackerRow) -> int:
        return (self.day - row.due_on).days if row.due_on else 0

    def local(self, moment: datetime) -> datetime:
        """A stored (UTC) time in the board's zone, without its zone: what a reader expects."""
        return moment.astimezone(history.zone_named(self.zone)).replace(tzinfo=None)

    def to_json(self) -> str:
        """The paper's facts, stored with an issued paper so what the board saw is on record."""
        facts = {
            "review": self.review_code,
            "day": self.day,
            "as_of": self.as_of,
            "rows": [asdict(r) for r in self.rows],
            "moves": [asdict(m) for m in self.moves],
            "by_status": self.summary.by_status,
            "by_brag": self.summary.by_brag,
            "by_agency": self.summary.by_agency,
            "marking": self.marking,
        }
        return json.dumps(facts, default=str, sort_keys=True)


def build_paper(
    session: Session,
    review_code: str,
    as_of: date | None,
    now: datetime,
    options: PaperOptions | None = None,
) -> BoardPaper:
    """The paper for a review, now or as it stood at the end of `as_of` in the board's zone.

    The figures (the summary) and the rows read the same state: one `Moment`, taken from
    `now` in the board's zone, decides both."""
    options = options or PaperOptions()
    # The caller has checked the review is the asker's to see (or is the operator's export).
    review = services.get_review(session, review_code, boards=EVERY_BOARD)
    board = history.board_for(session, review.id)
    moment = history.Moment.of(now, as_of, board)
    today = history.today_of(now, board)
    thresholds = Thresholds.of(board)
    summary = board_summary(
        session, review.id, review.title, today, thresholds, as_of=moment.as_of, board=board
    )
    summary.review_code = review.code
    rows, updates, moves = _plan_rows(session, review.id, moment, thresholds)  # type: ignore[arg-type]
    return BoardPaper(
        review_code=review.code,
        review_title=review.title,
        board_name=board.name if board else "",
        day=moment.today,
        as_of=moment.as_of,
        summary=summary,
        rows=rows,
        updates=updates,
        moves=moves,
        prepared_on=today,
        review_kind=str(review.kind),
        published_on=review.published_on,
        zone=history.board_zone(board).key,
        thresholds=thresholds,
        marking=options.marking.strip() or DEFAULT_MARKING,
        meeting_on=options.meeting_on,
        contact=options.contact or _business_manager(session, board),
    )


def _plan_rows(
    session: Session, review_id: int, moment: history.Moment, thresholds: Thresholds
) -> tuple[list[TrackerRow], list[UpdateLine], list[DueMove]]:
    """Each recommendation as it stood, with its history up to the moment."""
    state = history.state_of(session, review_id, moment)
    brag = history.brag_over(state, moment.today, thresholds)
    states, _ = state_queries.state_rows(session, state, brag)
    ids = [s.id for s in states]
    updates = state_queries.updates_between(session, ids, None, moment.cutoff)
    latest = history.latest_progress(updates)
    evidence = _evidence_shown(session, ids, moment.cutoff)
    moves = state_queries.due_changes_before(session, ids, moment.cutoff)
    people = {u.author_id for u in updates} | {m.changed_by_id for m in moves}
    names = queries.names_of(session, people)
    refs = {s.id: s.ref for s in states}
    return (
        [_row(s, latest.get(s.id), evidence.get(s.id, [])) for s in states],
        [_update_line(u, refs, names) for u in updates],
        [_due_move(m, refs, names) for m in moves],
    )


def _business_manager(session: Session, board: Board | None) -> str:
    """The board's first admin (PRODUCT.md: the board business manager), with an email."""
    if board is None or board.id is None:
        return ""
    admins = queries.people_with_role(session, board.id, BoardRoleKind.admin)
    if not admins:
        return ""
    admin = admins[0]
    email = f", {admin.email}" if admin.email else ""
    return f"{admin.name}, Board business manager{email}"


def _evidence_shown(
    session: Session, ids: list[int], cutoff: datetime | None
) -> dict[int, list[EvidenceLink]]:
    """Each recommendation's evidence as it stood, but none withdrawn or rejected by then."""
    evidence: dict[int, list[EvidenceLink]] = {}
    for item, state_then in state_queries.evidence_before(session, ids, cutoff):
        if state_then in HIDDEN_EVIDENCE:
            continue
        if item.channel_private:
            # A paper is a file anyone who holds it reads: never a private channel's link or
            # words (its members, chairs and admins see it in Slack).
            link, description = PRIVATE_EVIDENCE, ""
        else:
            link = item.url or item.permalink or f"slack file {item.slack_file_id}"
            description = item.description
        evidence.setdefault(item.recommendation_id, []).append(
            EvidenceLink(link, description, state_then, item.posted_at)
        )
    return evidence


def _update_line(update: ProgressUpdate, refs: dict[int, str], names: dict[str, str]) -> UpdateLine:
    return UpdateLine(
        refs[update.recommendation_id],
        update.created_at,
        names.get(update.author_id, update.author_id),
        update.text,
        str(update.status_to) if update.status_to else None,
        str(update.source),
    )


def _due_move(move: DueDateChange, refs: dict[int, str], names: dict[str, str]) -> DueMove:
    return DueMove(
        refs[move.recommendation_id],
        move.old_due_on,
        move.new_due_on,
        move.new_timescale,
        move.reason,
        move.changed_at,
        names.get(move.changed_by_id, move.changed_by_id),
    )


def _row(s: state_queries.StateRow, latest: Any, evidence: list[EvidenceLink]) -> TrackerRow:
    return TrackerRow(
        ref=s.ref,
        label=s.label,
        text=s.text,
        agency=s.agency or "",
        lead_officer=s.lead_officer or "",
        due_on=s.due_on,
        timescale=s.timescale or "",
        original_due_on=s.original_due_on,
        original_timescale=s.original_timescale or "",
        status=s.status,
        at_risk=s.at_risk,
        brag=s.brag,
        latest_update=latest.text if latest else "",
        latest_update_at=latest.created_at if latest else None,
        evidence=evidence,
        due_moves=s.due_moves,
    )
