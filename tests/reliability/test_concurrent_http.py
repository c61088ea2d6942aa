"""Fifty people updating one recommendation at once over HTTP: every update is in its
history, and its flag is the one the last committed update set."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from bot import services
from storage.db import Database
from storage.models import ProgressUpdate
from storage.queries import EVERY_BOARD
from tests.e2e.helpers import acked, shown
from tests.reliability.live import scaled
from tests.support.driver import SlackDriver

CSC_LEAD = "U0JOTURNER"


def test_fifty_parallel_updates_over_http_all_land(slack: SlackDriver, app_db: Database) -> None:
    writers = scaled(50)
    texts = [
        f"update H-29 {'at-risk' if n % 2 else 'on-track'} parallel update {n}"
        for n in range(writers)
    ]
    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(lambda text: slack.command(CSC_LEAD, text), texts))
    for reply in replies:
        assert ":warning:" not in shown(acked(reply)), shown(acked(reply))
    with app_db.unit_of_work(write=False) as uow:
        rec = services.get_recommendation(uow.session, "H-29", boards=EVERY_BOARD)
        updates = uow.session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.recommendation_id == rec.id)
            .order_by(col(ProgressUpdate.id))
        ).all()
    mine = [u for u in updates if (u.text or "").startswith("parallel update")]
    assert sorted(u.text for u in mine) == sorted(t.split(" ", 3)[3] for t in texts)
    assert rec.at_risk == mine[-1].at_risk_to
