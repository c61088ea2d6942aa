"""Only Slack gets in: forged, foreign-signed, stale, unsigned and replayed requests are
refused with 401 and write nothing.

Replays: bolt checks the signature and the five-minute window but not whether it has seen a
request before, so the app remembers every accepted signature (in `seen_request`, for ten
minutes) and refuses the same signature a second time, whatever unsigned headers come with
it: `X-Slack-Retry-Num` added to a captured request grants nothing. An event is also known
by its id: any delivery of an event already answered is acknowledged and not run again.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select

from storage.db import Database
from storage.models import AuditLog, Evidence, ProgressUpdate
from tests.reliability.live import Fingerprint
from tests.support.driver import SendOptions, SlackDriver
from tests.support.fake_slack import FakeSlack

TVP_LEAD = "U0DEVSHARM"
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}

TAMPERED: dict[str, SendOptions] = {
    "forged signature": {"forged": True},
    "signed with another secret": {"secret": "not-the-apps-secret"},
    "timestamp six minutes old": {"stale": True},
    "no signature headers": {"unsigned": True},
    "timestamp in the future": {"timestamp": 4_102_444_800},
    "garbage signature": {"headers": {"X-Slack-Signature": "v0=zz"}},
}


@pytest.mark.parametrize("how", list(TAMPERED))
def test_a_tampered_command_is_refused_with_401_and_writes_nothing(
    slack: SlackDriver, prints: Fingerprint, fake: FakeSlack, how: str
) -> None:
    before = prints.take()
    response = slack.command(TVP_LEAD, "note H-15 written by an impostor", **TAMPERED[how])
    assert response.status_code == 401
    assert prints.take() == before
    assert fake.calls("users.info") == [] and fake.responses() == []


@pytest.mark.parametrize("how", ["forged signature", "timestamp six minutes old"])
def test_tampered_clicks_and_events_are_refused(
    slack: SlackDriver, prints: Fingerprint, how: str
) -> None:
    before = prints.take()
    click = slack.click(TVP_LEAD, "rec_at_risk", "H-15", **TAMPERED[how])
    event = slack.message(
        TVP_LEAD,
        "Evidence for H-15: https://example.org/forged.pdf",
        channel="C0BOARD01",
        **TAMPERED[how],
    )
    assert (click.status_code, event.status_code) == (401, 401)
    assert prints.take() == before


def test_a_replayed_command_is_refused_and_writes_once(
    slack: SlackDriver, prints: Fingerprint
) -> None:
    first = slack.command(TVP_LEAD, "note H-15 replay check: training booked")
    assert first.status_code == 200
    after_first = prints.take()
    replayed = slack.replay()
    assert replayed.status_code == 401
    assert prints.take() == after_first


def count(db: Database, table: type, *where: object) -> int:
    with db.unit_of_work(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(table).where(*where)).one())


def test_a_replayed_command_with_a_retry_header_is_refused_and_writes_once(
    slack: SlackDriver, app_db: Database
) -> None:
    note = "replay with a retry header: one note only"
    assert slack.command(TVP_LEAD, f"note H-15 {note}").status_code == 200
    for n in range(1, 4):
        replayed = slack.replay({**RETRY, "X-Slack-Retry-Num": str(n)})
        assert replayed.status_code == 401
    assert count(app_db, ProgressUpdate, col(ProgressUpdate.text) == note) == 1


def test_a_replayed_evidence_command_with_a_retry_header_records_once(
    slack: SlackDriver, app_db: Database
) -> None:
    link = "https://example.org/replayed-evidence-7731.pdf"
    assert slack.command(TVP_LEAD, f"evidence H-15 {link} Audit").status_code == 200
    for headers in (RETRY, {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}):
        assert slack.replay(headers).status_code == 401
    assert count(app_db, Evidence, col(Evidence.url) == link) == 1


def test_a_replayed_click_with_a_retry_header_is_refused_and_writes_once(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    before = count(app_db, AuditLog, col(AuditLog.ref) == "H-14")
    assert slack.click(TVP_LEAD, "rec_at_risk", "H-14").status_code == 200
    fake.wait_for(lambda c: c.method in {"response_url", "chat.postMessage"})
    for n in range(1, 4):
        assert slack.replay({**RETRY, "X-Slack-Retry-Num": str(n)}).status_code == 401
    after = count(app_db, AuditLog, col(AuditLog.ref) == "H-14")
    assert after == before + 1


def test_a_replayed_event_with_a_retry_header_records_once(
    slack: SlackDriver, app_db: Database, prints: Fingerprint
) -> None:
    link = "https://example.org/replayed-event-8812.pdf"
    first = slack.message(TVP_LEAD, f"Evidence for H-17: {link}", channel="C0BOARD01")
    assert first.status_code == 200
    after_first = prints.take()
    for n in range(1, 6):
        replayed = slack.replay({**RETRY, "X-Slack-Retry-Num": str(n)})
        assert replayed.status_code in (200, 401)
    assert prints.take() == after_first
    assert count(app_db, Evidence, col(Evidence.url) == link) == 1


def test_a_replayed_event_is_not_run_again_and_a_redelivery_is_acknowledged(
    slack: SlackDriver, prints: Fingerprint
) -> None:
    first = slack.message(TVP_LEAD, "just chatting about H-15", channel="C0BOARD01")
    assert first.status_code == 200
    after_first = prints.take()
    assert slack.replay().status_code in (200, 401)
    assert slack.redeliver().status_code == 200
    assert prints.take() == after_first


def test_a_retry_header_on_a_new_request_is_no_way_past_the_guard(
    slack: SlackDriver, app_db: Database
) -> None:
    """A request that first arrives already marked as a retry is run once, then refused."""
    note = "first seen with a retry header"
    assert slack.command(TVP_LEAD, f"note H-18 {note}", retry_num=1).status_code == 200
    assert slack.replay().status_code == 401
    assert slack.replay(RETRY).status_code == 401
    assert count(app_db, ProgressUpdate, col(ProgressUpdate.text) == note) == 1
