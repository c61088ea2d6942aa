"""Only Slack gets in: forged, foreign-signed, stale, unsigned and replayed requests are
refused with 401 and write nothing.

Replays: bolt checks the signature and the five-minute window but not whether it has seen a
request before, so the app remembers every accepted signature (in `processed_event`, for ten
minutes) and refuses the same signature a second time. Slack's own redeliveries are signed
afresh, so they are not replays.
"""

from __future__ import annotations

import pytest

from tests.reliability.live import Fingerprint
from tests.support.driver import SendOptions, SlackDriver
from tests.support.fake_slack import FakeSlack

TVP_LEAD = "U0DEVSHARM"

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


def test_a_replayed_event_is_refused_but_a_redelivery_is_not(slack: SlackDriver) -> None:
    first = slack.message(TVP_LEAD, "just chatting about H-15", channel="C0BOARD01")
    assert first.status_code == 200
    assert slack.replay().status_code == 401
    assert slack.redeliver().status_code == 200
