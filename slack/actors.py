"""Maps the Slack user behind a request to an `Actor` (bot/actors.py).

Workspace admin comes from users.info (`is_admin`/`is_owner`), cached for a few minutes so a
busy channel costs one lookup per person. Chair, board admin and owner come from the database
(board roles, lead officers, agency members) when a service checks them.

Who may use recs at all is decided first (`SlackActors.refusal`), and fails closed: a person
of another workspace (a Slack Connect channel shared with a partner organisation) reads
nothing and writes nothing, and so does anyone when recs cannot tell which workspace it is
installed in (auth.test failing): they are told to try again, and the cause is logged.

Where recs serves many workspaces (the OAuth install, slack/oauth.py), "installed" means
that the workspace has an installation in the store, and each person is looked up with
their workspace's own bot token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import UserError
from bot.rules.permissions import Actor
from bot.services.leads import DirectoryEntry
from bot.services.people import People

if TYPE_CHECKING:
    from slack.oauth import Installations

log = logging.getLogger(__name__)

USER_TTL_SECONDS = 300.0
AUTH_RETRY_SECONDS = 5.0  # after auth.test fails, ask again at most this often
AUTH_TIMEOUT_SECONDS = 2  # auth.test is asked inside Slack's three seconds
MAX_NAME = 200  # what the person table stores

FOREIGN_TEAM = (
    "recs is installed in another workspace: from here you can neither read nor change "
    "anything."
)
NOT_INSTALLED = (
    "recs is not installed in this workspace (or was removed from it): from here you can "
    "neither read nor change anything. A workspace admin can add it again."
)
WORKSPACE_UNKNOWN = (
    "recs can't confirm which workspace you are in just now. Nothing was read or saved: "
    "please try again in a minute."
)


class NotAdmitted(UserError):
    """The person behind a request may not use recs from where they are."""


class ForeignWorkspace(NotAdmitted):
    """Another workspace than the installed one, or none named."""

    def __init__(self) -> None:
        super().__init__(FOREIGN_TEAM)


class WorkspaceUnknown(NotAdmitted):
    """The installed workspace is unknown (auth.test failing): refused with "try again"; an
    event is answered 503, so that Slack delivers it again later."""

    def __init__(self) -> None:
        super().__init__(WORKSPACE_UNKNOWN)


def teams_of(body: dict[str, Any]) -> list[str | None]:
    """The workspaces an interaction names for the person (block actions, views,
    shortcuts): their own (`user.team_id`) and the payload's (`team.id`)."""
    return [(body.get("user") or {}).get("team_id"), (body.get("team") or {}).get("id")]


def event_teams(event: dict[str, Any], body: dict[str, Any]) -> list[str | None]:
    """The workspaces an event names for the person behind it: `user_team` and `team` in the
    event (Slack Connect), else the workspace it was delivered for."""
    named = [event.get("user_team"), event.get("team")]
    return named if any(named) else [body.get("team_id")]


@dataclass(frozen=True)
class SlackProfile:
    name: str
    is_admin: bool
    tz: str | None
    email: str | None
    status_text: str = ""
    status_emoji: str = ""
    team_id: str | None = None  # the person's own workspace


class SlackActors:
    """Slack user id + team id -> Actor, with users.info and auth.test cached."""

    def __init__(
        self,
        client: WebClient,
        *,
        people: People | None = None,
        ttl: float = USER_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        installations: Installations | None = None,
    ) -> None:
        self.client = client
        self.installations = installations  # many workspaces: each one's bot, from the store
        self.people = people  # with them, a person's first request adopts their imported email
        self.ttl = ttl
        self._monotonic = monotonic
        self._profiles: dict[str, tuple[float, SlackProfile | None]] = {}
        self._adopted: set[str] = set()  # people whose email placeholder was looked for
        self._team_id: str | None = None
        self._team_url: str | None = None
        self._addresses: dict[str, str] = {}  # many workspaces: each one's address, by id
        self._bot: tuple[str | None, str | None] = (None, None)  # the bot's user id and bot id
        self._auth_failed_at: float | None = None
        self._lock = threading.Lock()

    def installed_team(self) -> str | None:
        """The workspace the bot token belongs to (auth.test), asked once it answers; None
        while it cannot be asked (asked again after `AUTH_RETRY_SECONDS`)."""
        if self._team_id is not None:
            return self._team_id
        failed_at = self._auth_failed_at
        if failed_at is not None and self._monotonic() - failed_at < AUTH_RETRY_SECONDS:
            return None
        try:
            found = self._auth_client().auth_test()
            team_id = found.get("team_id")
            if not isinstance(team_id, str) or not team_id:
                raise SlackClientError("auth.test named no team")
        except SlackClientError as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else None
            log.warning("auth.test failed: %s %s", type(exc).__name__, reason or "")
            self._auth_failed_at = self._monotonic()
            return None
        self._team_url = str(found.get("url") or "") or None
        self._bot = (found.get("user_id"), found.get("bot_id"))
        self._team_id = team_id
        return self._team_id

    def authorization(self, enterprise_id: str | None) -> AuthorizeResult:
        """What bolt needs to run a request (its `authorize`): the one installation, from
        the auth.test asked here, so that bolt asks no auth.test of its own and the app has
        one answer to "which workspace?". Raises WorkspaceUnknown while there is none."""
        team_id = self.installed_team()
        if team_id is None:
            raise WorkspaceUnknown()
        bot_user_id, bot_id = self._bot
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token=self.client.token,
            bot_user_id=bot_user_id, bot_id=bot_id,
        )  # fmt: skip

    def _auth_client(self) -> WebClient:
        """The bot's client without its retries: a request waits on this call, and Slack
        wants an answer within three seconds."""
        bot = self.client
        return WebClient(token=bot.token, base_url=bot.base_url, timeout=AUTH_TIMEOUT_SECONDS)

    def admit(self, teams: list[str | None]) -> None:
        """Lets in the person behind a request, or raises why not: every workspace the
        request names must be the installed one. Fails closed: a request naming none is from
        another workspace (ForeignWorkspace); while the installed workspace is unknown,
        nobody is let in (WorkspaceUnknown)."""
        named = [team for team in teams if team]
        if self.installations is not None:
            self._admit_installed(named)
            return
        installed = self.installed_team()
        if installed is None:
            raise WorkspaceUnknown()
        if not named or any(team != installed for team in named):
            raise ForeignWorkspace()

    def _admit_installed(self, named: list[str]) -> None:
        """Many workspaces: the request names one workspace, and it installed recs."""
        assert self.installations is not None
        if not named or len(set(named)) > 1:
            raise ForeignWorkspace()
        try:
            installed = self.installations.installed(named[0])
        except (SQLAlchemyError, SlackClientError) as exc:  # the store, or a rotation
            log.warning("installation unknown: %s", type(exc).__name__)
            raise WorkspaceUnknown() from exc
        if not installed:
            raise ForeignWorkspace()

    def admit_person(self, user_id: str, teams: list[str | None]) -> None:
        """`admit`, and the person's own workspace as Slack describes them (users.info) must
        be the installed one too: for an event that names only the workspace it was
        delivered to (App Home). A person Slack cannot describe is not let in."""
        self.admit(teams)
        home = next(team for team in teams if team)  # admit: there is one
        found = self.profile(user_id, home)
        if found is None or (found.team_id and found.team_id != home):
            raise ForeignWorkspace()

    def is_home(self, team_id: str | None) -> bool:
        try:
            self.admit([team_id])
        except NotAdmitted:
            return False
        return True

    def permalink(
        self, channel_id: str, ts: str, thread_ts: str | None = None, team_id: str | None = None
    ) -> str | None:
        """A message's permalink, made as Slack makes it from the workspace's address
        (auth.test, asked once; with many workspaces, once for each with its own bot) instead
        of a chat.getPermalink call per message; None when the address is unknown."""
        address = self._address_of(team_id)
        if not address or not channel_id or not ts:
            return None
        link = f"{address.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    def profile(
        self, user_id: str, team_id: str | None = None, *, client: WebClient | None = None
    ) -> SlackProfile | None:
        """users.info, cached; asked with `client`, else the bot of `team_id` (many
        workspaces), else the bot's own client."""
        now = self._monotonic()
        with self._lock:
            cached = self._profiles.get(user_id)
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        client = client or self._client_of(team_id)
        if client is None:
            return None  # a workspace recs is not installed in: nobody to ask
        found = self._fetch(user_id, client)
        with self._lock:
            self._profiles[user_id] = (now, found)
        return found

    def _address_of(self, team_id: str | None) -> str | None:
        if self.installations is None:
            self.installed_team()
            return self._team_url
        if not team_id:
            return None
        with self._lock:
            known = self._addresses.get(team_id)
        if known:
            return known
        client = self._client_of(team_id)
        try:
            found = str(client.auth_test().get("url") or "") if client is not None else ""
        except SlackClientError as exc:
            log.warning("auth.test for a workspace's address failed: %s", type(exc).__name__)
            return None  # asked again next time; the caller asks chat.getPermalink meanwhile
        with self._lock:
            self._addresses[team_id] = found
        return found or None

    def _client_of(self, team_id: str | None) -> WebClient | None:
        if self.installations is None:
            return self.client
        return self.installations.client_for(team_id)

    def _fetch(self, user_id: str, client: WebClient) -> SlackProfile | None:
        try:
            user = client.users_info(user=user_id)["user"]
        except (SlackApiError, SlackClientError) as exc:
            # Without the profile the person still acts, just without workspace-admin rights.
            log.warning("users.info failed for %s: %s", user_id, type(exc).__name__)
            return None
        profile = user.get("profile") or {}
        name = user.get("real_name") or profile.get("real_name") or user.get("name") or user_id
        return SlackProfile(
            name=str(name)[:MAX_NAME],
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            tz=user.get("tz"),
            email=profile.get("email"),
            status_text=profile.get("status_text") or "",
            status_emoji=profile.get("status_emoji") or "",
            team_id=user.get("team_id") if isinstance(user.get("team_id"), str) else None,
        )

    def actor(self, user_id: str, team_id: str | None, channel_id: str | None = None) -> Actor:
        """The person, once `refusal` has let them in; `channel_id` is where they asked."""
        found = self.profile(user_id, team_id)
        if self.people is not None and found and found.email and user_id not in self._adopted:
            self._adopt(self.people, user_id, found.name, found.email)
        return Actor(
            user_id=user_id,
            name=found.name if found else "",
            team_id=team_id,
            is_workspace_admin=bool(found and found.is_admin) and self.is_home(team_id),
            channel_id=channel_id,
            workspace=team_id if self.installations is not None else None,
        )

    def _adopt(self, people: People, user_id: str, name: str, email: str) -> None:
        """Once per person and process: what an imported plan gave their email is theirs
        before the request that follows reads or checks it."""
        try:
            if people.adopt_email_placeholder(user_id, name, email):
                log.info("linked an imported lead officer to %s", user_id)
        except SQLAlchemyError as exc:
            # The request meets the same database and answers for itself; try next time.
            log.warning("email placeholder not linked: %s", type(exc).__name__)
            return
        with self._lock:
            self._adopted.add(user_id)

    def remember(self, user_id: str, team_id: str | None = None) -> None:
        """Stores the person's name, email and time zone (reminders use the zone)."""
        found = self.profile(user_id, team_id)
        if found is None or self.people is None:
            return
        self.people.remember(
            user_id, found.name, email=found.email, tz=found.tz, is_workspace_admin=found.is_admin
        )


DIRECTORY_TTL_SECONDS = 600.0
DIRECTORY_PAGES = 100  # 200 members a page: 20,000 members is far past any board's workspace


class SlackDirectory:
    """The workspace's members from `users.list`, cached for a few minutes: the names an
    imported plan gives as lead officers are matched against them (bot/services/leads.py).
    A Slack that can't be read gives no members, so the names stay placeholders."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = DIRECTORY_TTL_SECONDS,
        page_size: int = 200,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.page_size = page_size
        self._monotonic = monotonic
        self._cached: tuple[float, list[DirectoryEntry]] | None = None
        self._lock = threading.Lock()

    def entries(self) -> list[DirectoryEntry]:
        with self._lock:
            now = self._monotonic()
            if self._cached is None or now - self._cached[0] >= self.ttl:
                found = self._fetch()
                if found is None:
                    return self._cached[1] if self._cached else []
                self._cached = (now, found)
            return self._cached[1]

    def _fetch(self) -> list[DirectoryEntry] | None:
        members: list[DirectoryEntry] = []
        cursor: str | None = None
        try:
            for _ in range(DIRECTORY_PAGES):
                page = self.client.users_list(limit=self.page_size, cursor=cursor)
                members += [_entry(user) for user in page.get("members") or [] if _is_person(user)]
                cursor = ((page.get("response_metadata") or {}).get("next_cursor")) or None
                if not cursor:
                    break
        except (SlackApiError, SlackClientError, OSError) as exc:  # OSError: no connection
            log.warning("users.list failed: %s", type(exc).__name__)
            return None
        return members


def _is_person(user: dict[str, Any]) -> bool:
    return not (user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT")


def _entry(user: dict[str, Any]) -> DirectoryEntry:
    profile = user.get("profile") or {}
    return DirectoryEntry(
        user_id=str(user.get("id")),
        name=user.get("real_name") or profile.get("real_name") or user.get("name") or "",
        display_name=profile.get("display_name") or "",
        email=profile.get("email"),
    )


def sync_agency_usergroups(client: WebClient, people: People, groups: dict[str, str]) -> int:
    """Adds each Slack user group's members to its agency (RECS_AGENCY_USERGROUPS).

    Members are only added, never removed: leaving a Slack group should not silently take
    away someone's recommendations. Returns how many memberships were checked.
    """
    checked = 0
    for usergroup, agency_name in groups.items():
        try:
            members = client.usergroups_users_list(usergroup=usergroup)["users"]
        except (SlackApiError, SlackClientError) as exc:
            log.warning("usergroups.users.list %s failed: %s", usergroup, type(exc).__name__)
            continue
        added = people.join_agency(agency_name, members)
        if added is None:
            return checked  # no board yet
        checked += added
    return checked
