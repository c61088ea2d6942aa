"""The board summary: counts by status, BRAG and agency, overdue and due soon, from SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from bot.brag import Brag, Thresholds, brag_rank_sql, brag_sql
from storage import queries
from storage.models import Status
from storage.queries import RecommendationFilter, RecommendationRow

LISTED = 10  # overdue and due-soon items shown in the message; the report has them all


@dataclass
class BoardSummary:
    title: str
    today: date
    total: int
    by_status: dict[str, int]
    by_brag: dict[str, int]
    by_agency: dict[str, dict[str, int]]  # agency -> brag -> count
    overdue: list[RecommendationRow]
    overdue_total: int
    due_soon: list[RecommendationRow]
    due_soon_total: int

    @property
    def implemented(self) -> int:
        return self.by_status.get(Status.completed, 0)

    @property
    def assured(self) -> int:
        return self.by_status.get(Status.assured, 0)

    @property
    def embedded(self) -> int:
        return self.by_status.get(Status.embedded, 0)


def board_summary(
    session: Session, review_id: int | None, title: str, today: date, thresholds: Thresholds
) -> BoardSummary:
    brag = brag_sql(today, thresholds)
    base = RecommendationFilter(review_id=review_id)
    by_status = {str(s): n for s, n in queries.count_by(session, base, brag, "status")}
    by_brag = {str(b): n for b, n in queries.count_by(session, base, brag, "brag")}
    by_agency: dict[str, dict[str, int]] = {}
    for agency, colour, n in queries.count_by(session, base, brag, "agency", "brag"):
        by_agency.setdefault(agency or "No agency", {})[str(colour)] = n
    overdue, overdue_total = queries.list_recommendations(
        session,
        RecommendationFilter(review_id=review_id, overdue_before=today),
        brag,
        brag_rank_sql(brag),
        page_size=LISTED,
    )
    soon = RecommendationFilter(
        review_id=review_id,
        statuses=(Status.not_started, Status.in_progress),
        brag=None,
    )
    due_soon, due_soon_total = queries.list_due_between(
        session, soon, brag, today, today + timedelta(days=30), limit=LISTED
    )
    return BoardSummary(
        title=title,
        today=today,
        total=sum(by_status.values()),
        by_status=by_status,
        by_brag={b.value: by_brag.get(b.value, 0) for b in Brag},
        by_agency=dict(sorted(by_agency.items())),
        overdue=overdue,
        overdue_total=overdue_total,
        due_soon=due_soon,
        due_soon_total=due_soon_total,
    )
