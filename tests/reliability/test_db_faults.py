"""The database goes away while commands arrive: people are told to try again, the process
stays up, nothing is half-written, and commands work again once it is back.

PostgreSQL: the test database refuses connections and its open ones are terminated
(pg_terminate_backend), the shared server keeps running. SQLite: another connection holds
the write lock past the app's busy timeout.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from storage.db import Database
from storage.models import ProgressUpdate, Recommendation
from tests.e2e.helpers import acked, shown
from tests.e2e.server import ServeProcess
from tests.reliability.faults import database_down
from tests.reliability.live import Fingerprint, terminate_backends
from tests.support.driver import SlackDriver

ADMIN = "U0SAMPATEL"
TVP_LEAD = "U0DEVSHARM"


def counts(db: Database) -> tuple[int, int]:
    with db.unit_of_work(write=False) as uow:
        recs = uow.session.exec(select(func.count()).select_from(Recommendation)).one()
        updates = uow.session.exec(select(func.count()).select_from(ProgressUpdate)).one()
    return int(recs), int(updates)


def test_commands_while_the_database_is_down_say_try_again_and_write_nothing(
    slack: SlackDriver, server: ServeProcess, demo_url: str, prints: Fingerprint, app_db: Database
) -> None:
    before = prints.take()
    with database_down(demo_url):
        texts = [
            "note H-15 written during the outage",
            'add H "Audit written during the outage" agency:"Thames Valley Police" due:"May 2015"',
        ]
        users = [TVP_LEAD, ADMIN]
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(lambda t: slack.command(*t), zip(users, texts, strict=True)))
        for reply in replies:
            assert "try again" in shown(acked(reply)).lower()
    assert server.process.poll() is None
    assert prints.take() == before
    after = acked(slack.command(TVP_LEAD, "note H-15 written after the outage"))
    assert "try again" not in shown(after).lower()
    assert counts(app_db)[1] == before["progress_update"][0] + 1


def test_connections_killed_between_commands_are_replaced(
    slack: SlackDriver, demo_url: str, app_db: Database, server: ServeProcess
) -> None:
    if not demo_url.startswith("postgresql"):
        return  # SQLite has no server connections to kill
    _, updates = counts(app_db)
    for n in range(3):
        terminate_backends(demo_url)
        body = acked(slack.command(TVP_LEAD, f"note H-16 after a killed connection {n}"))
        assert "try again" not in shown(body).lower(), shown(body)
    assert counts(app_db)[1] == updates + 3
    assert server.process.poll() is None
