"""Fifty people updating one recommendation at once: every update lands."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from bot import services
from storage.db import Database
from storage.models import ProgressUpdate, Status
from storage.queries import EVERY_BOARD
from tests.conftest import CSC_LEAD

WRITERS = 50


def test_fifty_parallel_updates_all_land_in_the_history(demo_db: Database) -> None:
    with demo_db.unit_of_work(write=False) as uow:
        rec_id = services.get_recommendation(uow.session, "H-29", boards=EVERY_BOARD).id
        before = uow.session.exec(
            select(func.count()).where(ProgressUpdate.recommendation_id == rec_id)
        ).one()

    def update(n: int) -> None:
        with demo_db.unit_of_work() as uow:
            flag = n % 2 == 0
            services.record_update(uow, CSC_LEAD, "H-29", at_risk=flag, note=f"update {n}")
            uow.commit()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(update, range(WRITERS)))

    with demo_db.unit_of_work(write=False) as uow:
        updates = uow.session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.recommendation_id == rec_id)
            .order_by(ProgressUpdate.id)  # type: ignore[arg-type]
        ).all()
        final = services.get_recommendation(uow.session, "H-29", boards=EVERY_BOARD)
    assert len(updates) == before + WRITERS
    assert {u.text for u in updates[-WRITERS:]} == {f"update {n}" for n in range(WRITERS)}
    # The flag is whatever the last committed update said.
    assert final.at_risk == updates[-1].at_risk_to
    assert final.status == Status.in_progress
