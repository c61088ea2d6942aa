"""BRAG: PRODUCT.md's rule, and the SQL form agrees with the Python form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot import services
from bot.rules.brag import BRAG_BOUND_RANK, BRAG_ORDER, Brag, brag_of, brag_params, brag_sql
from storage.db import Database
from storage.models import Recommendation, Status
from storage.queries import EVERY_BOARD

TODAY = date(2015, 3, 2)
NOW = datetime(2015, 3, 2, 9, tzinfo=UTC)


def brag(
    status: Status = Status.in_progress,
    *,
    at_risk: bool = False,
    due: int | None = 90,
    updated_days_ago: int = 1,
) -> Brag:
    return brag_of(
        status=status,
        at_risk=at_risk,
        due_on=TODAY + timedelta(days=due) if due is not None else None,
        last_update_at=NOW - timedelta(days=updated_days_ago),
        created_at=NOW - timedelta(days=400),
        today=TODAY,
    )


@pytest.mark.parametrize("status", [Status.completed, Status.assured, Status.embedded])
def test_done_is_blue_even_when_overdue(status: Status) -> None:
    assert brag(status, due=-100) == Brag.blue


def test_past_due_is_red() -> None:
    assert brag(due=-1) == Brag.red
    assert brag(due=0) != Brag.red  # due today is not yet late


def test_at_risk_is_amber() -> None:
    assert brag(at_risk=True) == Brag.amber


def test_due_within_30_days_and_not_started_is_amber() -> None:
    assert brag(Status.not_started, due=30) == Brag.amber
    assert brag(Status.not_started, due=31) == Brag.green
    assert brag(Status.in_progress, due=10) == Brag.green


def test_no_update_for_60_days_is_amber() -> None:
    assert brag(updated_days_ago=61) == Brag.amber
    assert brag(updated_days_ago=59) == Brag.green


def test_everything_else_is_green() -> None:
    assert brag(due=None) == Brag.green


@settings(max_examples=40, deadline=None)
@given(
    status=st.sampled_from(list(Status)),
    at_risk=st.booleans(),
    due=st.one_of(st.none(), st.integers(-100, 100)),
    stale=st.integers(0, 120),
)
def test_sql_and_python_agree(
    sqlite_demo: Database, status: Status, at_risk: bool, due: int | None, stale: int
) -> None:
    with sqlite_demo.unit_of_work() as uow:
        rec = services.get_recommendation(uow.session, "H-7", boards=EVERY_BOARD)
        rec.status, rec.at_risk = status, at_risk
        rec.due_on = TODAY + timedelta(days=due) if due is not None else None
        rec.last_update_at = NOW - timedelta(days=stale)
        uow.session.add(rec)
        uow.session.flush()
        from_sql = uow.session.exec(
            select(brag_sql(TODAY)).where(Recommendation.id == rec.id)  # type: ignore[call-overload]
        ).one()
        rank_sql = uow.session.execute(
            select(BRAG_BOUND_RANK).where(Recommendation.id == rec.id),  # type: ignore[call-overload]
            brag_params(TODAY),
        ).scalar_one()
        expected = brag_of(
            status=status,
            at_risk=at_risk,
            due_on=rec.due_on,
            last_update_at=rec.last_update_at,
            created_at=rec.created_at,
            today=TODAY,
        )
    assert from_sql == expected.value
    assert rank_sql == BRAG_ORDER[expected]  # the lists' sort key, from the same rule


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from bot.demo import load_demo
    from tests import databases

    db = Database(databases.sqlite_url(tmp_path_factory.mktemp("brag")))
    load_demo(db)
    return db
