"""Mapping a Slack user to an Actor: who is let in at all (the installed workspace only, and
nobody while it is unknown), workspace admins from users.info (cached), another workspace
never an admin, and agency members from a Slack user group."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.services.people import People
from slack.actors import (
    ForeignWorkspace,
    SlackActors,
    WorkspaceUnknown,
    event_teams,
    sync_agency_usergroups,
    teams_of,
)
from storage.db import Database
from storage.models import Agency, AgencyMember
from tests.support.fake_slack import TEAM_ID, FakeSlack


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_workspace_admin_comes_from_users_info_and_is_cached(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0SAMPATEL", real_name="Sam Patel", is_admin=True)
    actors = SlackActors(client_for(fake_slack))
    first = actors.actor("U0SAMPATEL", TEAM_ID)
    again = actors.actor("U0SAMPATEL", TEAM_ID)
    assert first.is_workspace_admin and first.name == "Sam Patel"
    assert again == first
    assert len(fake_slack.calls("users.info")) == 1


def test_workspace_owner_is_an_admin_and_a_plain_member_is_not(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0RUTHOKAF", is_owner=True)
    actors = SlackActors(client_for(fake_slack))
    assert actors.actor("U0RUTHOKAF", TEAM_ID).is_workspace_admin
    assert not actors.actor("U0MOAHMED0", TEAM_ID).is_workspace_admin


def test_an_admin_of_another_workspace_is_not_an_admin_here(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0SAMPATEL", is_admin=True)
    actors = SlackActors(client_for(fake_slack))
    assert not actors.is_home("T0OTHER") and actors.is_home(TEAM_ID)
    assert not actors.actor("U0SAMPATEL", "T0OTHER").is_workspace_admin


def test_only_the_installed_workspace_is_let_in(fake_slack: FakeSlack) -> None:
    actors = SlackActors(client_for(fake_slack))
    actors.admit([TEAM_ID])
    actors.admit([TEAM_ID, None])
    for teams in (["T0OTHER"], [TEAM_ID, "T0OTHER"], ["T0OTHER", TEAM_ID], [None], []):
        with pytest.raises(ForeignWorkspace):
            actors.admit(teams)


def test_when_auth_test_fails_nobody_is_let_in_and_the_cause_is_logged(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Fails closed: an unknown installed workspace is no reason to take anyone for a home
    user; once auth.test answers again, the home workspace is let in."""
    clock = [0.0]
    actors = SlackActors(client_for(fake_slack), monotonic=lambda: clock[0])
    fake_slack.fail_always("auth.test", 500)
    for teams in ([TEAM_ID], ["T0OTHER"], []):
        with pytest.raises(WorkspaceUnknown) as refused:
            actors.admit(teams)
        assert "try again" in refused.value.message
    assert "auth.test failed" in caplog.text
    assert not actors.actor("U0SAMPATEL", TEAM_ID).is_workspace_admin
    fake_slack.recover()
    clock[0] += 60
    actors.admit([TEAM_ID])


def test_auth_test_failing_is_not_asked_again_on_every_request(fake_slack: FakeSlack) -> None:
    actors = SlackActors(client_for(fake_slack), monotonic=lambda: 0.0)
    fake_slack.fail_always("auth.test", 500)
    for _ in range(5):
        with pytest.raises(WorkspaceUnknown):
            actors.admit([TEAM_ID])
    assert len(fake_slack.calls("auth.test")) == 0  # failed calls are served as faults
    assert len(fake_slack.faults_served) == 1


def test_an_auth_test_answer_without_a_team_is_no_answer(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("auth.test", 200, error="invalid_auth")
    with pytest.raises(WorkspaceUnknown):
        SlackActors(client_for(fake_slack)).admit([TEAM_ID])


def test_the_workspaces_a_request_names_for_its_person() -> None:
    click = {"user": {"id": "U1", "team_id": "T0OTHER"}, "team": {"id": TEAM_ID}}
    assert teams_of(click) == ["T0OTHER", TEAM_ID]
    shared = {"user": "U1", "team": "T0OTHER", "user_team": "T0OTHER"}
    assert event_teams(shared, {"team_id": TEAM_ID}) == ["T0OTHER", "T0OTHER"]
    assert event_teams({"user": "U1"}, {"team_id": TEAM_ID}) == [TEAM_ID]


def test_users_info_failure_still_gives_an_actor_without_admin(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("users.info", 200, error="user_not_found")
    actor = SlackActors(client_for(fake_slack)).actor("U0GONE", TEAM_ID)
    assert actor.user_id == "U0GONE" and not actor.is_workspace_admin


def test_user_group_members_join_the_agency(fake_slack: FakeSlack, demo_db: Database) -> None:
    fake_slack.add_usergroup("S0TVP", ["U0NEWCOP1", "U0DEVSHARM"])
    checked = sync_agency_usergroups(
        client_for(fake_slack), People(demo_db), {"S0TVP": "Thames Valley Police (TVP)"}
    )
    assert checked == 2
    with demo_db.unit_of_work(write=False) as uow:
        tvp = uow.session.exec(select(Agency).where(Agency.short_name == "TVP")).one()
        members = set(
            uow.session.exec(
                select(AgencyMember.user_id).where(AgencyMember.agency_id == tvp.id)
            ).all()
        )
    assert {"U0NEWCOP1", "U0DEVSHARM"} <= members


def test_a_person_slack_places_in_another_workspace_is_not_let_in(fake_slack: FakeSlack) -> None:
    """App Home names only the workspace the event was delivered to; users.info says whose
    the person is."""
    actors = SlackActors(client_for(fake_slack))
    actors.admit_person("U0JOTURNER", [TEAM_ID])
    fake_slack.fail_next("users.info", 200, error="user_not_found")
    with pytest.raises(ForeignWorkspace):
        actors.admit_person("U0GONE", [TEAM_ID])


def test_the_directory_reads_every_page_of_members_once_while_cached(fake_slack: FakeSlack) -> None:
    from slack.actors import SlackDirectory

    for user_id, name in [("U0JOTURNER", "Jo Turner"), ("U0DEVSHARM", "Dev Sharma"),
                          ("U0GONE0001", "Left Long Ago")]:  # fmt: skip
        fake_slack.add_user(user_id, real_name=name, name=name.split()[0].lower())
    fake_slack.add_user("U0GONE0001", real_name="Left Long Ago", deleted=True)
    clock = [0.0]
    directory = SlackDirectory(client_for(fake_slack), page_size=1, monotonic=lambda: clock[0])

    members = {e.user_id: e for e in directory.entries()}
    again = directory.entries()

    assert set(members) == {"U0JOTURNER", "U0DEVSHARM"}  # no bot, no deleted user
    assert members["U0JOTURNER"].name == "Jo Turner"
    assert members["U0JOTURNER"].display_name == "jo"
    assert members["U0JOTURNER"].email == "jo@example.org"
    assert len(again) == 2
    pages = len(fake_slack.calls("users.list"))
    assert pages >= 3  # one member a page
    clock[0] += 601
    directory.entries()
    assert len(fake_slack.calls("users.list")) == 2 * pages


def test_a_directory_slack_refuses_gives_what_it_had(fake_slack: FakeSlack) -> None:
    from slack.actors import SlackDirectory

    fake_slack.add_user("U0JOTURNER", real_name="Jo Turner")
    clock = [0.0]
    directory = SlackDirectory(client_for(fake_slack), monotonic=lambda: clock[0])
    assert [e.user_id for e in directory.entries()] == ["U0JOTURNER"]
    fake_slack.fail_always("users.list", status=200, error="ratelimited")
    clock[0] += 601
    assert [e.user_id for e in directory.entries()] == ["U0JOTURNER"]
    assert SlackDirectory(client_for(fake_slack)).entries() == []
