"""The OAuth side of the fake Slack: the workspaces that install the app, and the tokens it
hands each one (`oauth.v2.access`), rotated on request (`grant_type=refresh_token`).

A test plays the installer: `authorize(team)` is what Slack's consent page gives back (a
one-use code for that workspace), which the test passes to the app's redirect URL with the
state the app issued. The app then exchanges the code with `oauth.v2.access`, here. Every
token knows its workspace, so `auth.test` (and a test reading the recorded calls) can tell
which workspace's token a call used.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any

from tests.support.fake_workspace import APP_ID, BOT_ID, BOT_USER_ID

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Grant:
    """A token the fake issued: its workspace, and when it expires (None: never)."""

    team_id: str
    expires_at: float | None


class FakeOAuth:
    """Installs and tokens. `expires_in` (seconds) makes tokens that expire and rotate, as an
    app with token rotation turned on gets; None (the default) makes lasting ones."""

    def __init__(self, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in: int | None = None
        self.teams: dict[str, str] = {}  # id -> name
        self.tokens: dict[str, Grant] = {}
        self._codes: dict[str, tuple[str, str]] = {}  # code -> team, installer
        self._refresh: dict[str, str] = {}  # refresh token -> team
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()

    def authorize(self, team_id: str, *, name: str | None = None, installer: str = "U0INSTALL") -> str:
        """The code Slack's consent page would send back for this workspace (one use)."""
        with self._lock:
            self.teams[team_id] = name or f"Workspace {team_id}"
            code = f"code-{team_id}-{next(self._sequence)}"
            self._codes[code] = (team_id, installer)
        return code

    def tokens_of(self, team_id: str) -> list[str]:
        """Every bot token issued to the workspace, oldest first."""
        with self._lock:
            return [t for t, grant in self.tokens.items() if grant.team_id == team_id]

    def team_of(self, token: str) -> str | None:
        with self._lock:
            grant = self.tokens.get(token)
        return grant.team_id if grant else None

    def expired(self, token: str) -> bool:
        with self._lock:
            grant = self.tokens.get(token)
        return bool(grant and grant.expires_at is not None and grant.expires_at <= time.time())

    def access(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """oauth.v2.access: a code for its workspace's first token, or a refresh token for a
        new one (and a new refresh token)."""
        if not self._client_ok(params, headers):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            with self._lock:
                team_id = self._refresh.pop(str(params.get("refresh_token", "")), None)
            if team_id is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return self._granted(team_id, None)
        with self._lock:
            found = self._codes.pop(str(params.get("code", "")), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        return self._granted(*found)

    def _granted(self, team_id: str, installer: str | None) -> dict[str, Any]:
        with self._lock:
            n = next(self._sequence)
            token = f"xoxb-{team_id}-{n}"
            expires = None if self.expires_in is None else time.time() + self.expires_in
            self.tokens[token] = Grant(team_id, expires)
            answer: dict[str, Any] = {
                "ok": True,
                "app_id": APP_ID,
                "access_token": token,
                "token_type": "bot",
                "scope": "chat:write,commands,users:read",
                "bot_user_id": BOT_USER_ID,
                "team": {"id": team_id, "name": self.teams.get(team_id, team_id)},
                "enterprise": None,
                "is_enterprise_install": False,
            }
            if installer is not None:
                answer["authed_user"] = {"id": installer}
            if self.expires_in is not None:
                refresh = f"xoxe-1-{team_id}-{n}"
                self._refresh[refresh] = team_id
                answer.update(refresh_token=refresh, expires_in=self.expires_in)
            return answer

    def answer(
        self, method: str, params: dict[str, Any], headers: dict[str, str], token: str
    ) -> dict[str, Any] | None:
        """The fake Slack's answer to an OAuth call, or to auth.test with a token issued here;
        None for anything else (the default workspace answers it)."""
        if method == "oauth.v2.access":
            return self.access(params, headers)
        if method == "auth.test":
            return self.auth_test(token)
        return None

    def auth_test(self, token: str) -> dict[str, Any] | None:
        """auth.test for a token the fake issued; None for any other (the default workspace)."""
        team_id = self.team_of(token)
        if team_id is None:
            return None
        if self.expired(token):
            return {"ok": False, "error": "token_expired"}
        domain = team_id.lower()
        return {
            "ok": True,
            "url": f"https://{domain}.slack.com/",
            "team": self.teams.get(team_id, team_id),
            "user": "recs",
            "team_id": team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _client_ok(self, params: dict[str, Any], headers: dict[str, str]) -> bool:
        client_id, secret = params.get("client_id"), params.get("client_secret")
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            client_id, _, secret = decoded.partition(":")
        return client_id == self.client_id and secret == self.client_secret
