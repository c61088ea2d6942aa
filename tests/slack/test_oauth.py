"""The OAuth install's parts on their own (slack/oauth.py), on SQLite and PostgreSQL: the
stores work on the tables the migration made, states are signed and used once, a token
near its expiry is rotated and saved, and "installed" is per workspace."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient

from bot.config import Settings
from slack.actors import ForeignWorkspace, SlackActors
from slack.oauth import Installations, oauth_for
from storage.db import Database
from tests.support.fake_oauth import CLIENT_ID, CLIENT_SECRET
from tests.support.fake_slack import FakeSlack


def settings_for(fake: FakeSlack) -> Settings:
    return Settings(
        slack_api_url=fake.url, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET,
        slack_state_secret="state-secret",
    )  # fmt: skip


def installations(fake: FakeSlack, db: Database) -> Installations:
    api = WebClient(base_url=fake.url)
    oauth = oauth_for(settings_for(fake), db.engine, api,
                      lambda token: WebClient(token=token, base_url=fake.url))  # fmt: skip
    return oauth.installations


def install(fake: FakeSlack, db: Database, team_id: str) -> None:
    """What bolt's redirect handler does with Slack's answer: the store keeps the install."""
    from slack_sdk.oauth.installation_store import Installation

    answer = WebClient(base_url=fake.url).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=fake.oauth.authorize(team_id)
    )
    store = installations(fake, db).store
    store.save(
        Installation(
            app_id=answer["app_id"], team_id=team_id, user_id="U0INSTALL",
            bot_token=answer["access_token"], bot_id="B0BOT", bot_user_id=answer["bot_user_id"],
            bot_refresh_token=answer.get("refresh_token"),
            bot_token_expires_in=answer.get("expires_in"),
        )
    )  # fmt: skip


def test_a_state_is_taken_back_once_and_only_if_this_deployment_signed_it(
    fake_slack: FakeSlack, db: Database
) -> None:
    oauth = oauth_for(settings_for(fake_slack), db.engine, WebClient(base_url=fake_slack.url),
                      lambda token: WebClient(token=token))  # fmt: skip
    states = oauth.settings.state_store
    issued = states.issue()
    forged = issued.rsplit(".", 1)[0] + ".0123456789abcdef0123456789abcdef"
    assert not states.consume(forged)
    assert states.consume(issued)
    assert not states.consume(issued)


def test_installed_means_an_installation_in_the_store_per_workspace(
    fake_slack: FakeSlack, db: Database
) -> None:
    install(fake_slack, db, "T0ALPHA")
    found = installations(fake_slack, db)
    assert found.installed("T0ALPHA") and not found.installed("T0BRAVO")
    actors = SlackActors(WebClient(base_url=fake_slack.url), installations=found)
    actors.admit(["T0ALPHA"])
    for teams in (["T0BRAVO"], ["T0ALPHA", "T0BRAVO"], [None]):
        with pytest.raises(ForeignWorkspace):
            actors.admit(teams)
    fake_slack.add_user("U0ALPHA1")
    actor = actors.actor("U0ALPHA1", "T0ALPHA")
    assert actor.workspace == "T0ALPHA"
    (info,) = fake_slack.calls("users.info")
    assert info.headers["authorization"] == f"Bearer {fake_slack.oauth.tokens_of('T0ALPHA')[0]}"


def test_a_token_near_its_expiry_is_rotated_saved_and_its_client_used(
    fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.oauth.expires_in = 600  # inside the 120 minutes: rotated at first use
    install(fake_slack, db, "T0ALPHA")
    first = fake_slack.oauth.tokens_of("T0ALPHA")[0]
    client = installations(fake_slack, db).client_for("T0ALPHA")
    assert client is not None and client.token != first
    assert client.token in fake_slack.oauth.tokens_of("T0ALPHA")
    saved = installations(fake_slack, db).store.find_bot(enterprise_id=None, team_id="T0ALPHA")
    assert saved is not None and saved.bot_token == client.token
    assert saved.bot_token_expires_at is not None and saved.bot_token_expires_at > time.time()


def test_each_workspace_keeps_its_own_client_while_its_token_holds(
    fake_slack: FakeSlack, db: Database
) -> None:
    """A request or a sweep for one workspace, then another, then the first again: one client
    each (a client carries its connection pool), replaced only when that workspace's token
    changes."""
    install(fake_slack, db, "T0ALPHA")
    install(fake_slack, db, "T0BRAVO")
    found = installations(fake_slack, db)
    alpha, bravo = found.client_for("T0ALPHA"), found.client_for("T0BRAVO")
    assert alpha is not None and bravo is not None and alpha is not bravo
    assert found.client_for("T0ALPHA") is alpha and found.client_for("T0BRAVO") is bravo
