"""Events are not lost: an event whose write fails (the database is down) is answered with a
5xx, so that Slack redelivers it, and the redelivery records it exactly once.

Bolt acknowledges an event before its listener runs unless the app processes before
responding; the `serve` process routes Events API requests to an app that does.
"""

from __future__ import annotations

import time

from sqlmodel import func, select

from storage.db import Database
from storage.models import Evidence
from tests.e2e.server import ServeProcess
from tests.reliability.faults import database_down
from tests.slack.driver import SlackDriver

TVP_LEAD = "U0DEVSHARM"
BOARD_CHANNEL = "C0BOARD01"
SECRET_TEXT = "Evidence for H-13: https://example.org/h13-multi-agency-audit-7731.pdf"


def evidence_rows(db: Database) -> int:
    with db.unit_of_work(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(Evidence)).one())


def wait_for_rows(db: Database, count: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while (found := evidence_rows(db)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_evidence_posted_while_the_database_is_down_is_recorded_once_after_redelivery(
    slack: SlackDriver, app_db: Database, demo_url: str, server: ServeProcess
) -> None:
    before = evidence_rows(app_db)
    with database_down(demo_url):
        failed = slack.message(TVP_LEAD, SECRET_TEXT, channel=BOARD_CHANNEL)
        assert failed.status_code >= 500, failed.status_code
    assert evidence_rows(app_db) == before
    assert server.process.poll() is None
    assert slack.redeliver(retry_num=1, retry_reason="http_error").status_code == 200
    assert wait_for_rows(app_db, before + 1) == before + 1
    assert slack.redeliver(retry_num=2, retry_reason="http_error").status_code == 200
    time.sleep(0.3)
    assert evidence_rows(app_db) == before + 1
    assert SECRET_TEXT not in server.log()
