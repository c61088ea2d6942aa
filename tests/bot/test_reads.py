"""Lists: every page, in order, is what sorting the recommendations in Python gives, and each
page's total is the number that match (the statement sorts narrow rows, then joins)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.rules.brag import BRAG_ORDER, Thresholds, brag_for, brag_params
from bot.services.reads import LISTS
from storage.db import Database
from storage.models import Recommendation, RecommendationTheme, Status
from storage.queries import EVERY_BOARD, RecommendationFilter

TODAY = date(2015, 3, 2)
THEME = "a lesson of this test"


@pytest.fixture
def mixed(demo_db: Database) -> Database:
    """The Child H plan with statuses, flags, due dates (some shared, some none) and a theme
    spread over it at random, so every BRAG colour and every tie-break is exercised."""
    chance = random.Random(7)
    with demo_db.unit_of_work() as uow:
        recs = uow.session.exec(select(Recommendation)).all()
        for rec in recs:
            rec.status = chance.choice(list(Status))
            rec.at_risk = chance.random() < 0.2
            rec.due_on = chance.choice(
                [None, TODAY + timedelta(days=chance.choice([-40, -3, 5, 5, 45, 200]))]
            )
            rec.last_update_at = rec.created_at if chance.random() < 0.3 else None
            uow.session.add(rec)
            if chance.random() < 0.4:
                uow.session.add(RecommendationTheme(recommendation_id=rec.id, theme=THEME))
        uow.commit()
    return demo_db


def expected_refs(db: Database, *, theme: str | None = None) -> list[str]:
    with db.unit_of_work(write=False) as uow:
        recs = list(uow.session.exec(select(Recommendation)).all())
        themed = set(
            uow.session.exec(
                select(RecommendationTheme.recommendation_id).where(
                    RecommendationTheme.theme == theme
                )
            ).all()
        )
    if theme is not None:
        recs = [r for r in recs if r.id in themed]
    recs.sort(
        key=lambda r: (
            BRAG_ORDER[brag_for(r, TODAY)],
            r.due_on is None,
            r.due_on or TODAY,
            r.review_id,
            r.number,
        )
    )
    return [r.ref for r in recs]


def all_pages(db: Database, flt: RecommendationFilter, size: int) -> tuple[list[str], set[int]]:
    refs: list[str] = []
    totals: set[int] = set()
    params = brag_params(TODAY, Thresholds())
    with db.unit_of_work(write=False) as uow:
        for page in range(1, 40):
            rows, total = LISTS.page(uow.session, flt, params, page=page, page_size=size)
            totals.add(total)
            if not rows:
                break
            refs += [row.ref for row in rows]
            for row in rows:
                assert row.brag == brag_for(uow.session.get(Recommendation, row.id), TODAY)  # type: ignore[arg-type]
    return refs, totals


@pytest.mark.parametrize("size", [5, 40])
def test_pages_follow_the_worst_first_order(mixed: Database, size: int) -> None:
    expected = expected_refs(mixed)
    refs, totals = all_pages(mixed, RecommendationFilter(EVERY_BOARD), size)
    assert refs == expected
    assert totals == {len(expected)}


def test_a_themes_pages_and_total_count_only_its_recommendations(mixed: Database) -> None:
    expected = expected_refs(mixed, theme=THEME)
    assert 0 < len(expected) < 36
    refs, totals = all_pages(mixed, RecommendationFilter(EVERY_BOARD, theme=THEME), 4)
    assert refs == expected
    assert totals == {len(expected)}
