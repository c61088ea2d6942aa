"""A user of a workspace where recs is not installed (a Slack Connect channel shared with a
partner organisation) reads nothing and writes nothing; and while recs cannot tell which
workspace it is installed in (auth.test failing), nobody is let in: each is told to try
again, nothing is written, and an event is answered 503 so that Slack delivers it later."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.views import ids
from tests.e2e.helpers import acked, shown
from tests.e2e.server import SIGNING_SECRET, ServeProcess, serve
from tests.reliability.live import Fingerprint
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

OWNER = "U0JOTURNER"  # Children's Social Care: H-27..H-30
CHAIR = "U0RUTHOKAF"
OTHER_TEAM = "T0OTHERTEAM"
READS = ["list", "list H", "show H-27", "summary", "summary H", 'theme "neglect"', "help", ""]
WRITES = ["note H-27 from a partner organisation", "update H-27 at-risk", "away until 2015-04-20"]


@pytest.fixture
def away(server: ServeProcess, fake_slack: FakeSlack) -> Iterator[SlackDriver]:
    with SlackDriver(server.events_url, SIGNING_SECRET, team_id=OTHER_TEAM, fake=fake_slack) as d:
        yield d


@pytest.mark.parametrize("text", READS + WRITES)
def test_a_user_of_another_workspace_is_refused_every_command(
    away: SlackDriver, prints: Fingerprint, fake_slack: FakeSlack, text: str
) -> None:
    before = prints.take()
    reply = shown(acked(away.command(OWNER, text)))
    assert "another workspace" in reply, reply
    assert "H-27" not in reply.replace(text, "")
    assert prints.take() == before
    assert fake_slack.responses() == []  # nothing follows the refusal


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        (ids.SHOW, "H-27"),
        ("list_page_next", json.dumps({"command": "list H", "page": 2})),
        (ids.UPDATE, "H-27"),
        (ids.IMPACT_EMBEDDED, "H-27"),
    ],
)
def test_a_user_of_another_workspace_is_refused_every_button(
    away: SlackDriver, prints: Fingerprint, fake_slack: FakeSlack, action_id: str, value: str
) -> None:
    before = prints.take()
    away.click(OWNER, action_id, value)
    answer = shown(fake_slack.wait_for(lambda c: c.method in {"response_url", "chat.postMessage"}).params)
    assert "another workspace" in answer
    assert fake_slack.calls("views.open") == []
    assert prints.take() == before


def test_a_user_of_another_workspace_gets_no_app_home_and_no_shortcut(
    away: SlackDriver, prints: Fingerprint, fake_slack: FakeSlack
) -> None:
    before = prints.take()
    assert away.app_home_opened(OWNER).status_code == 200
    message = {"type": "message", "user": OWNER, "ts": "1425286800.000200",
               "text": "Evidence for H-27: https://example.org/partner.pdf"}  # fmt: skip
    assert away.shortcut(OWNER, ids.ADD_AS_EVIDENCE, message=message, channel="C0BOARD01").status_code == 200
    fake_slack.wait_for("response_url")
    assert fake_slack.calls("views.publish") == [] and fake_slack.calls("views.open") == []
    assert prints.take() == before


@pytest.fixture
def blind_server(
    demo_url: str, fake_slack: FakeSlack, e2e_dir: Path
) -> Iterator[ServeProcess]:
    """A `serve` process that has never got an answer from auth.test."""
    fake_slack.fail_always("auth.test", 500)
    with serve(demo_url, fake_slack.url, e2e_dir, name="serve-blind") as running:
        yield running


def test_while_auth_test_fails_nobody_is_let_in_and_nothing_is_written(
    blind_server: ServeProcess, fake_slack: FakeSlack, prints: Fingerprint
) -> None:
    before = prints.take()
    with (
        SlackDriver(blind_server.events_url, SIGNING_SECRET, fake=fake_slack) as home,
        SlackDriver(
            blind_server.events_url, SIGNING_SECRET, team_id=OTHER_TEAM, fake=fake_slack
        ) as away,
    ):
        for driver in (away, home):
            for text in ["note H-27 written while auth.test fails", "list H", "show H-27",
                         "summary", 'theme "neglect"']:  # fmt: skip
                reply = shown(acked(driver.command(OWNER, text)))
                assert "try again" in reply, (driver.origin.team_id, text, reply)
            event = driver.message(
                OWNER, "Evidence for H-27: https://example.org/blind.pdf", channel="C0BOARD01"
            )
            assert event.status_code == 503
            driver.click(OWNER, ids.AT_RISK, "H-27")
            fake_slack.wait_for(lambda c: c.method == "response_url")
            fake_slack.clear()
    assert prints.take() == before
    assert "auth.test failed" in blind_server.log()
