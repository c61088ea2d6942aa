"""Slack's OAuth install, for a deployment that serves many workspaces (issue 19).

With `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and `SLACK_STATE_SECRET` set, `serve` offers
`GET /slack/install` and `GET /slack/oauth_redirect` through bolt's own OAuth flow
(`OAuthSettings`). Installations and the flow's one-time states live in recs's database, in
slack_sdk's SQLAlchemy installation and state stores, whose tables the Alembic migrations
make (never the stores). Requests are authorised by bolt's `InstallationStoreAuthorize`
with their workspace's bot token; reminders and digests get the same token from
`Installations`. Tokens that expire (token rotation) are rotated with the client secret
when they near their end, and the new ones saved for every process.

The state secret signs each state the store issues: a state is taken back only if this
deployment made it, besides being one use and short-lived.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.engine import Engine

from bot.config import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_PATHS = frozenset({INSTALL_PATH, REDIRECT_PATH})
STATE_SECONDS = 600  # an install started and not finished within ten minutes starts again
BOT_TTL_SECONDS = 30.0  # a workspace's bot read again this often: far inside the rotation
MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"


def bot_scopes(manifest: Path = MANIFEST) -> list[str]:
    """The bot scopes manifest.yml declares: what an install asks each workspace for."""
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return [str(scope) for scope in data["oauth_config"]["scopes"]["bot"]]


class SignedStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's state store, each state it issues signed with SLACK_STATE_SECRET and
    checked before it is consumed."""

    def __init__(self, secret: str, engine: Engine) -> None:
        super().__init__(expiration_seconds=STATE_SECONDS, engine=engine, logger=log)
        self._secret = secret.encode("utf-8")

    def _signature(self, state: str) -> str:
        return hmac.new(self._secret, state.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = super().issue(*args, **kwargs)
        return f"{state}.{self._signature(state)}"

    def consume(self, state: str) -> bool:
        issued, _, signature = state.rpartition(".")
        if not issued or not hmac.compare_digest(signature, self._signature(issued)):
            log.warning("refused an OAuth state this deployment did not sign")
            return False
        return bool(super().consume(issued))


class Installations:
    """The workspaces that installed recs, from the installation store: each one's bot, its
    token rotated first when it is near its expiry (and saved, for every process)."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        rotator: TokenRotator,
        make_client: Callable[[str], WebClient],
        *,
        rotate_minutes: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.rotator = rotator
        self.make_client = make_client
        self.rotate_minutes = rotate_minutes
        self._monotonic = monotonic
        self._bots: dict[str, tuple[float, Bot | None]] = {}
        # Each workspace's client, with the token it was made for: a rotated token, a new one.
        self._clients: dict[str, tuple[str, WebClient]] = {}
        self._lock = threading.Lock()

    def bot(self, team_id: str) -> Bot | None:
        """The workspace's bot (None: not installed), read at most every BOT_TTL_SECONDS."""
        now = self._monotonic()
        with self._lock:
            cached = self._bots.get(team_id)
        if cached and now - cached[0] < BOT_TTL_SECONDS:
            return cached[1]
        bot = self._rotated(self.store.find_bot(enterprise_id=None, team_id=team_id))
        with self._lock:
            self._bots[team_id] = (now, bot)
        return bot

    def _rotated(self, bot: Bot | None) -> Bot | None:
        if bot is None or bot.bot_refresh_token is None:
            return bot
        rotated = self.rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=self.rotate_minutes
        )
        if rotated is None:
            return bot
        self.store.save_bot(rotated)
        log.info("rotated the bot token of workspace %s", bot.team_id)
        return rotated

    def installed(self, team_id: str) -> bool:
        found = self.bot(team_id)
        return found is not None and bool(found.bot_token)

    def client_for(self, team_id: str | None) -> WebClient | None:
        """The workspace's bot client; None where recs is not installed."""
        found = self.bot(team_id) if team_id else None
        if found is None or not found.bot_token:
            return None
        token = found.bot_token
        with self._lock:
            made = self._clients.get(found.team_id or "")
            if made is None or made[0] != token:  # the workspace's old token goes with it
                made = self._clients[found.team_id or ""] = (token, self.make_client(token))
            return made[1]


@dataclass(frozen=True)
class OAuth:
    """What the bolt apps and the sweep need to serve many workspaces."""

    settings: OAuthSettings  # bolt's OAuth flow, for the install pages
    authorize: InstallationStoreAuthorize  # every app's authorize: the store, rotated
    installations: Installations


def many_workspaces(settings: Settings) -> bool:
    return bool(
        settings.slack_client_id and settings.slack_client_secret and settings.slack_state_secret
    )


def oauth_for(
    settings: Settings, engine: Engine, api_client: WebClient,
    make_client: Callable[[str], WebClient],
) -> OAuth:  # fmt: skip
    """Bolt's OAuth flow and authorisation on recs's database; `api_client` (no token,
    SLACK_API_URL) makes oauth.v2.access and the rotations' calls; `make_client` a bot's."""
    client_id, secret = str(settings.slack_client_id), str(settings.slack_client_secret)
    minutes = settings.slack_token_rotation_minutes
    store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine, logger=log)
    oauth_settings = OAuthSettings(
        client_id=client_id, client_secret=secret, scopes=bot_scopes(),
        install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=store, installation_store_bot_only=True,
        state_store=SignedStateStore(str(settings.slack_state_secret), engine),
        state_expiration_seconds=STATE_SECONDS, token_rotation_expiration_minutes=minutes,
        logger=log,
    )  # fmt: skip
    authorize = InstallationStoreAuthorize(
        client_id=client_id, client_secret=secret, installation_store=store, bot_only=True,
        token_rotation_expiration_minutes=minutes,
        cache_enabled=True,  # auth.test once a token, not once a request
        client=api_client, logger=log,
    )  # fmt: skip
    oauth_settings.authorize = authorize
    rotator = TokenRotator(client_id=client_id, client_secret=secret, client=api_client)
    installations = Installations(store, rotator, make_client, rotate_minutes=minutes)
    return OAuth(oauth_settings, authorize, installations)
