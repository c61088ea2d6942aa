"""The Child H demo with history from every kind of change a paper must rebuild: progress,
a moved due date, evidence, and a new owner agency, lead officer and text for three items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import services
from bot.imports import ParsedRecommendation
from bot.imports.records import import_recommendations
from console.clock import MovableClock
from storage import queries
from storage.db import Database
from tests.conftest import ADMIN, CSC_LEAD, TVP_LEAD

CHANGED_ON = date(2015, 2, 20)
H3_NEW_TEXT = (
    "The Board should ask NHS England and Public Health to monitor jointly the drug and "
    "alcohol services provided in General Practice."
)


@pytest.fixture
def changed_plan(demo_db: Database, clock: MovableClock) -> Database:
    """On 20 February 2015: H-2 moves to Children's Social Care, H-13 to Jo Turner, H-3 is
    re-imported with new wording, H-2's due date moves and H-27 gets evidence."""
    clock.set(datetime(2015, 2, 20, 11, 0, tzinfo=UTC))
    with demo_db.unit_of_work() as uow:
        services.change_agency(uow, ADMIN, "H-2", "Children's Social Care")
        services.assign(uow, ADMIN, "H-13", CSC_LEAD.user_id)
        review = queries.review_by_code(uow.session, "H", queries.EVERY_BOARD)
        assert review is not None
        import_recommendations(uow, ADMIN, review, [ParsedRecommendation("3", H3_NEW_TEXT)])
        services.move_due_date(uow, ADMIN, "H-2", "31/3/2015", "pharmacy letters delayed")
        services.record_update(uow, TVP_LEAD, "H-12", note="Briefing drafted.")
        services.attach_evidence(
            uow, CSC_LEAD, "H-27", "https://example.org/csc/pre-birth-audit-2015.pdf", "Audit"
        )
        uow.commit()
    clock.set(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    return demo_db
