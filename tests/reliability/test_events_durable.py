"""Events are not lost: an event whose write fails (the database is down) is answered with a
5xx, so that Slack redelivers it, and the redelivery records it exactly once.

Bolt acknowledges an event before its listener runs unless the app processes before
responding; the `serve` process routes Events API requests to an app that does.
"""

from __future__ import annotations

import time

from sqlmodel import col, func, select

from storage.db import Database
from storage.models import Evidence, ProgressUpdate, Recommendation, UpdateSource
from tests.e2e.server import ServeProcess
from tests.reliability.faults import database_down
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

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


def reminder_replies(db: Database, ref: str) -> int:
    with db.unit_of_work(write=False) as uow:
        return int(
            uow.session.exec(
                select(func.count())
                .select_from(ProgressUpdate)
                .join(Recommendation, col(Recommendation.id) == ProgressUpdate.recommendation_id)
                .where(
                    Recommendation.ref == ref, ProgressUpdate.source == UpdateSource.reminder_reply
                )
            ).one()
        )


def test_a_reminder_reply_while_the_database_is_down_is_recorded_once_after_redelivery(
    slack: SlackDriver, app_db: Database, demo_url: str, server: ServeProcess, fake: FakeSlack
) -> None:
    from tests.bot.reminders.test_sweep import remind_process

    process = remind_process(demo_url, fake, "2015-03-02T09:30")
    assert process.wait(timeout=120) == 0
    dm = next(
        m
        for m in fake.messages()
        if any(
            i["ref"] == "H-12" and i["kind"] == "overdue"  # the owner's DM, not the chair's
            for i in ((m.get("metadata") or {}).get("event_payload") or {}).get("items", [])
        )
    )
    reply = "H-12: Scoping report goes to the force board on 20 March."
    with database_down(demo_url):
        failed = slack.message(TVP_LEAD, reply, channel=dm["channel"], thread_ts=dm["ts"])
        assert failed.status_code >= 500, failed.status_code
    assert reminder_replies(app_db, "H-12") == 0
    assert slack.redeliver(retry_num=1, retry_reason="http_error").status_code == 200
    deadline = time.monotonic() + 10
    while reminder_replies(app_db, "H-12") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slack.redeliver(retry_num=2, retry_reason="http_error").status_code == 200
    time.sleep(0.3)
    assert reminder_replies(app_db, "H-12") == 1


def test_an_event_answered_with_a_5xx_is_run_when_the_same_delivery_comes_again(
    slack: SlackDriver, app_db: Database, demo_url: str
) -> None:
    """A failed delivery gives its signature back: Slack may send the very same request
    again, and it must be run (once), not refused as a replay."""
    link = "https://example.org/h14-same-delivery-again.pdf"
    before = evidence_rows(app_db)
    with database_down(demo_url):
        failed = slack.message(TVP_LEAD, f"Evidence for H-14: {link}", channel=BOARD_CHANNEL)
        assert failed.status_code >= 500, failed.status_code
    assert slack.replay({"X-Slack-Retry-Num": "1"}).status_code == 200
    assert wait_for_rows(app_db, before + 1) == before + 1
    assert slack.replay({"X-Slack-Retry-Num": "2"}).status_code in (200, 401)
    time.sleep(0.3)
    assert evidence_rows(app_db) == before + 1


def test_an_event_that_can_never_be_stored_is_acknowledged_not_redelivered_for_ever(
    slack: SlackDriver, app_db: Database, demo_url: str, server: ServeProcess
) -> None:
    """A failure that is not the database going away (here a constraint the app knows
    nothing of) would fail on every redelivery: it is answered 200 and logged by its type,
    never a 500 that asks Slack to send it again."""
    from tests.reliability.test_privacy import refuse_rows_saying

    marker = "never-storable-7790"
    refuse_rows_saying(demo_url, "evidence", "description", marker)
    before = evidence_rows(app_db)
    answer = slack.message(
        TVP_LEAD, f"Evidence for H-19: https://example.org/h19.pdf {marker}", channel=BOARD_CHANNEL
    )
    assert answer.status_code == 200
    assert evidence_rows(app_db) == before
    log = server.log()
    assert "IntegrityError" in log and marker not in log
