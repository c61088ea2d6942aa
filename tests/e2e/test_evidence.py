"""Evidence in the board channel, end to end: signed HTTP to `python app.py serve` against
the loopback Slack. A retried event records once, *Undo* withdraws and audits, an unknown ref
records nothing, and the *Add as evidence* shortcut works on a message without a ref."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlmodel import col, select

from bot.views import ids
from storage.db import Database
from storage.models import AuditLog, Evidence, EvidenceState, ProcessedEvent
from tests.conftest import CSC_LEAD, MEMBER
from tests.e2e.server import ServeProcess
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

BOARD_CHANNEL = "C0BOARD01"
H3_LINK = "https://example.org/public-health/gp-monitoring-review.pdf"


@pytest.fixture
def server(own_server: ServeProcess) -> ServeProcess:
    """Each test counts the evidence rows from none: a database and `serve` of its own."""
    return own_server


@pytest.fixture
def slack(slack: SlackDriver) -> SlackDriver:
    """The e2e driver, posting in the demo board's channel, where evidence is recorded."""
    slack.channel = BOARD_CHANNEL
    return slack


def evidence_rows(db: Database, ref_id: int | None = None) -> list[Evidence]:
    with db.unit_of_work(write=False) as uow:
        stmt = select(Evidence).where(col(Evidence.message_ts).is_not(None))
        return list(uow.session.exec(stmt.order_by(col(Evidence.id))).all())


def wait_until(check: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError("condition not met")


def last_ts(slack: SlackDriver) -> str:
    """The ts of the message event the driver sent last."""
    assert slack.last_request is not None
    return str(json.loads(slack.last_request.body)["event"]["ts"])


def thread_replies(fake: FakeSlack, ts: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages(BOARD_CHANNEL) if m.get("thread_ts") == ts]


def test_evidence_delivered_three_times_is_recorded_once(
    slack: SlackDriver, fake_slack: FakeSlack, demo_db: Database
) -> None:
    text = f"Evidence for h–3: <{H3_LINK}|GP monitoring review>"
    first = slack.message(MEMBER.user_id, text, event_id="Ev0H3EVIDENCE")
    assert first.status_code == 200
    ts = last_ts(slack)
    for retry in (1, 2):
        assert slack.redeliver(retry_num=retry).status_code == 200

    wait_until(lambda: thread_replies(fake_slack, ts))
    time.sleep(0.5)  # let the retries finish too
    rows = evidence_rows(demo_db)
    assert len(rows) == 1
    item = rows[0]
    assert (item.url, item.state, item.posted_by_id) == (
        H3_LINK,
        EvidenceState.proposed,
        MEMBER.user_id,
    )
    assert item.permalink and item.permalink.endswith(ts.replace(".", ""))
    assert "GP monitoring review" in item.description
    assert len(fake_slack.calls("reactions.add")) == 1
    assert fake_slack.calls("reactions.add")[0].params["name"] == "paperclip"
    replies = thread_replies(fake_slack, ts)
    assert len(replies) == 1 and "H-3" in replies[0]["text"]
    with demo_db.unit_of_work(write=False) as uow:
        assert len(uow.session.exec(select(ProcessedEvent)).all()) == 1


def test_undo_withdraws_the_evidence_and_audits_it(
    slack: SlackDriver, fake_slack: FakeSlack, demo_db: Database
) -> None:
    slack.message(CSC_LEAD.user_id, "H-27 audit: https://example.org/csc/pre-birth-audit.pdf")
    ts = last_ts(slack)
    reply = wait_until(lambda: thread_replies(fake_slack, ts))[0]
    [item] = evidence_rows(demo_db)
    assert item.state == EvidenceState.recorded

    slack.click(
        CSC_LEAD.user_id,
        ids.EVIDENCE_UNDO,
        str(item.id),
        message={**reply, "thread_ts": ts},
        channel=BOARD_CHANNEL,
    )

    def undone() -> bool:
        return evidence_rows(demo_db)[0].state == EvidenceState.withdrawn

    wait_until(undone)
    with demo_db.unit_of_work(write=False) as uow:
        actions = uow.session.exec(
            select(AuditLog.action).where(
                AuditLog.entity == "evidence", AuditLog.entity_id == str(item.id)
            )
        ).all()
    assert list(actions) == ["evidence.add", "evidence.undo"]
    wait_until(lambda: fake_slack.calls("reactions.remove"))


def test_unknown_ref_with_a_link_records_nothing_and_says_so(
    slack: SlackDriver, fake_slack: FakeSlack, demo_db: Database
) -> None:
    slack.message(CSC_LEAD.user_id, "Evidence for H-99: https://example.org/nothing.pdf")
    ts = last_ts(slack)

    reply = wait_until(lambda: thread_replies(fake_slack, ts))[0]
    assert "H-99" in reply["text"]
    assert evidence_rows(demo_db) == []
    assert fake_slack.calls("reactions.add") == []


def test_shortcut_adds_a_message_without_a_ref_as_evidence(
    slack: SlackDriver, fake_slack: FakeSlack, demo_db: Database
) -> None:
    message = {
        "type": "message",
        "user": CSC_LEAD.user_id,
        "text": "Minutes of the pre-birth conference review <https://example.org/csc/minutes.pdf>",
        "ts": "1425286800.000100",
    }
    slack.shortcut(CSC_LEAD.user_id, ids.ADD_AS_EVIDENCE, message=message, channel=BOARD_CHANNEL)
    opened = wait_until(lambda: fake_slack.calls("views.open"))[0]
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == ids.EVIDENCE_MODAL

    answer = slack.submit_view(
        CSC_LEAD.user_id,
        ids.EVIDENCE_MODAL,
        {"ref": {"value": "h-28"}, "description": {"value": "Conference minutes"}},
        private_metadata=view["private_metadata"],
    )
    assert answer.status_code == 200
    [item] = wait_until(lambda: evidence_rows(demo_db))
    assert (item.url, item.state, item.message_ts) == (
        "https://example.org/csc/minutes.pdf",
        EvidenceState.recorded,
        "1425286800.000100",
    )
    assert item.permalink
