"""Many workspaces (issue 19): two workspaces install recs through bolt's OAuth flow against
the fake Slack (`GET /slack/install`, then `GET /slack/oauth_redirect` with the code Slack's
consent page gives and the state the app issued); then each workspace's signed commands,
its reminders and its digest go out with its own bot token and see its own board only.

Alpha has the Child H board, Bravo the Bravo board (tests/support/second_board.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.demo import BOARD_CHANNEL
from storage.db import Database
from storage.models import Board
from tests.conftest import REPO
from tests.e2e.helpers import acked, shown
from tests.e2e.server import SIGNING_SECRET, ServeProcess, serve
from tests.support import payloads
from tests.support import second_board as bravo
from tests.support.driver import SlackDriver
from tests.support.fake_oauth import CLIENT_ID, CLIENT_SECRET
from tests.support.fake_slack import FakeSlack, SlackCall, dm_channel

ALPHA, BRAVO = "T0ALPHA", "T0BRAVO"
AT = "2015-03-02T09:30"  # a Monday: the weekly digests go, with the morning's reminders
JO = "U0JOTURNER"  # lead officer on Child H (Alpha)
OAUTH_ENV = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    "SLACK_STATE_SECRET": "e2e-state-secret",
}


@pytest.fixture
def two_boards(demo_db: Database) -> Database:
    """Child H in Alpha, Bravo's board in Bravo."""
    bravo.add_second_board(demo_db)
    with demo_db.unit_of_work() as uow:
        for board in uow.session.exec(select(Board)).all():
            board.team_id = BRAVO if board.name == bravo.BOARD else ALPHA
        uow.commit()
    return demo_db


@pytest.fixture
def server(two_boards: Database, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[ServeProcess]:
    with serve(two_boards.url, fake_slack.url, tmp_path, **OAUTH_ENV) as running:
        yield running


def install(server: ServeProcess, fake: FakeSlack, team_id: str) -> str:
    """Installs recs into `team_id` as a person would; the workspace's bot token."""
    page = httpx.get(f"{server.root}/slack/install")
    assert page.status_code == 200, page.text
    state = re.search(r"[?&]state=([^&\"']+)", page.text)
    assert state is not None and "slack-app-oauth-state" in page.headers["set-cookie"]
    code = fake.oauth.authorize(team_id)
    done = httpx.get(
        f"{server.root}/slack/oauth_redirect", params={"code": code, "state": state[1]},
        headers={"Cookie": f"slack-app-oauth-state={state[1]}"},
    )  # fmt: skip
    assert done.status_code == 200, done.text
    return fake.oauth.tokens_of(team_id)[-1]


def token_of(call: SlackCall) -> str:
    """The bot token a call was made with ("" for none: a response_url, oauth.v2.access)."""
    authorization = call.headers.get("authorization", "")
    return authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else ""


def remind(db: Database, fake: FakeSlack) -> str:
    env = {**os.environ, "DATABASE_URL": db.url, "SLACK_API_URL": fake.url,
           "RECS_LOG_LEVEL": "WARNING", **OAUTH_ENV}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(REPO / "app.py"), "remind", "--once", "--at", AT],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_two_installed_workspaces_each_see_their_own_board_with_their_own_token(
    server: ServeProcess, fake_slack: FakeSlack
) -> None:
    alpha, bravo_token = install(server, fake_slack, ALPHA), install(server, fake_slack, BRAVO)
    assert alpha != bravo_token
    with SlackDriver(server.events_url, SIGNING_SECRET, ALPHA, fake=fake_slack) as from_alpha:
        mine = shown(acked(from_alpha.command(JO, "show H-27", channel=BOARD_CHANNEL)))
        theirs = shown(acked(from_alpha.command(JO, f"show {bravo.REVIEW}-1")))
        in_their_channel = shown(acked(from_alpha.command(JO, "list", channel=bravo.CHANNEL)))
    with SlackDriver(server.events_url, SIGNING_SECRET, BRAVO, fake=fake_slack) as from_bravo:
        bravo_sees = shown(acked(from_bravo.command(bravo.CHAIR, f"show {bravo.REVIEW}-1")))
        bravo_h = shown(acked(from_bravo.command(bravo.CHAIR, "show H-27", channel=BOARD_CHANNEL)))
    text = "the bravo partnership should audit bravo"  # Bravo's recommendations say it
    assert "H-27" in mine and bravo.MARK not in mine.lower()
    assert "no recommendation" in theirs and text not in theirs
    assert text not in in_their_channel and bravo.BOARD not in in_their_channel
    assert text in bravo_sees
    assert "no recommendation" in bravo_h
    users = {c.params.get("user"): token_of(c) for c in fake_slack.calls("users.info")}
    assert users[JO] == alpha and users[bravo.CHAIR] == bravo_token
    assert {token_of(c) for c in fake_slack.calls("auth.test")} <= {alpha, bravo_token}


def test_a_workspace_without_an_installation_is_refused(
    server: ServeProcess, fake_slack: FakeSlack
) -> None:
    install(server, fake_slack, ALPHA)
    with SlackDriver(server.events_url, SIGNING_SECRET, BRAVO, fake=fake_slack) as from_bravo:
        answer = from_bravo.command(bravo.CHAIR, f"show {bravo.REVIEW}-1")
    assert answer.status_code == 200
    assert "the bravo partnership should audit bravo" not in answer.text
    # Bolt finds no installation for Bravo: recs says so, and no bot speaks in Bravo.
    assert "not installed in this workspace" in shown(fake_slack.responses()[-1])
    assert {token_of(c) for c in fake_slack.calls() if token_of(c)} <= set(
        fake_slack.oauth.tokens_of(ALPHA)
    )


def test_reminders_and_digests_go_with_the_token_of_their_boards_workspace(
    server: ServeProcess, two_boards: Database, fake_slack: FakeSlack
) -> None:
    alpha, bravo_token = install(server, fake_slack, ALPHA), install(server, fake_slack, BRAVO)
    remind(two_boards, fake_slack)
    posts = fake_slack.calls("chat.postMessage")
    by_channel: dict[str, set[str]] = {}
    for call in posts:
        by_channel.setdefault(str(call.params["channel"]), set()).add(token_of(call))
    assert by_channel[BOARD_CHANNEL] == {alpha}  # Child H's digest and escalations
    assert by_channel[bravo.CHANNEL] == {bravo_token}  # Bravo's digest
    bravo_people = {dm_channel(u) for u in (bravo.LEAD, bravo.DEPUTY, bravo.CHAIR, bravo.ADMIN)}
    for channel, tokens in by_channel.items():
        assert tokens == ({bravo_token} if channel in bravo_people | {bravo.CHANNEL} else {alpha})
    assert by_channel[dm_channel(JO)] == {alpha}


def test_an_expiring_token_is_rotated_and_the_new_one_used_and_kept(
    server: ServeProcess, two_boards: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.oauth.expires_in = 3600  # within bolt's 120 minutes: rotated at first use
    first = install(server, fake_slack, ALPHA)
    with SlackDriver(server.events_url, SIGNING_SECRET, ALPHA, fake=fake_slack) as from_alpha:
        assert "H-27" in shown(acked(from_alpha.command(JO, "show H-27", channel=BOARD_CHANNEL)))
    rotated = fake_slack.oauth.tokens_of(ALPHA)
    assert len(rotated) >= 2 and rotated[0] == first
    refreshes = [c for c in fake_slack.calls("oauth.v2.access")
                 if c.params.get("grant_type") == "refresh_token"]  # fmt: skip
    assert refreshes
    with two_boards.engine.connect() as connection:
        kept = connection.execute(
            text("SELECT bot_token FROM slack_bots WHERE team_id = :team ORDER BY id DESC LIMIT 1"),
            {"team": ALPHA},
        ).scalar_one()
    assert kept != first and kept in rotated
    users = [token_of(c) for c in fake_slack.calls("users.info")]
    assert users and first not in users


def test_an_uninstalled_workspace_is_forgotten_and_refused_until_it_installs_again(
    server: ServeProcess, fake_slack: FakeSlack, two_boards: Database
) -> None:
    """`app_uninstalled` (and `tokens_revoked`) delete the workspace's installation from the
    store, through bolt's own listeners: its token is never used again, and its people are
    refused, while the other workspace goes on."""
    install(server, fake_slack, ALPHA)
    bravo_token = install(server, fake_slack, BRAVO)
    with SlackDriver(server.events_url, SIGNING_SECRET, BRAVO, fake=fake_slack) as from_bravo:
        gone = from_bravo.event({"type": "app_uninstalled"})
        assert gone.status_code == 200, gone.text
        fake_slack.clear()
        after = from_bravo.command(bravo.CHAIR, f"show {bravo.REVIEW}-1")
    assert "the bravo partnership should audit bravo" not in after.text
    assert "not installed in this workspace" in shown(fake_slack.responses()[-1])
    assert bravo_token not in {token_of(c) for c in fake_slack.calls()}
    with two_boards.unit_of_work(write=False) as uow:
        teams = uow.session.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
    assert BRAVO not in teams and ALPHA in teams
    with SlackDriver(server.events_url, SIGNING_SECRET, ALPHA, fake=fake_slack) as from_alpha:
        assert "H-27" in shown(acked(from_alpha.command(JO, "show H-27", channel=BOARD_CHANNEL)))


def test_evidence_posted_in_a_workspace_links_to_its_message_without_asking_slack_each_time(
    server: ServeProcess, fake_slack: FakeSlack, two_boards: Database
) -> None:
    """The permalink is made from the workspace's own address (auth.test with its bot, once),
    as with one bot token: no chat.getPermalink per evidence message."""
    install(server, fake_slack, ALPHA)
    with SlackDriver(server.events_url, SIGNING_SECRET, ALPHA, fake=fake_slack) as from_alpha:
        for n in (1, 2):
            event = payloads.message_event(
                user=JO, text=f"Evidence for H-27: https://example.org/audit-{n}.pdf",
                channel=BOARD_CHANNEL, ts=f"1425290000.00010{n}",
            )  # fmt: skip
            posted = from_alpha.event({**event, "team": ALPHA})  # posted in Alpha
            assert posted.status_code == 200, posted.text
    assert fake_slack.calls("chat.getPermalink") == []
    with two_boards.unit_of_work(write=False) as uow:
        links = uow.session.execute(
            text("SELECT permalink FROM evidence WHERE url LIKE 'https://example.org/audit-%'")
        ).scalars().all()
    assert sorted(links) == [
        f"https://t0alpha.slack.com/archives/{BOARD_CHANNEL}/p142529000000010{n}" for n in (1, 2)
    ]
