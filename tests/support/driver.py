"""Plays Slack's side of an app's HTTP endpoint: signs requests as Slack does and posts them.

Signing follows https://docs.slack.dev/authentication/verifying-requests-from-slack/:
HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret, sent as
`X-Slack-Signature: v0=<hex>` beside `X-Slack-Request-Timestamp`. Every send can also
forge, age, drop or re-sign the request to test the app's defences.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

import httpx

from tests.support import payloads
from tests.support.fake_slack import FakeSlack
from tests.support.fake_workspace import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.support.payloads import Origin, StateValues

STALE_SECONDS = 6 * 60
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


class SendOptions(TypedDict, total=False):
    """How to tamper with one request; by default it is signed correctly and sent once."""

    secret: str  # sign with this secret instead of the app's
    forged: bool  # a well-formed signature that matches nothing
    stale: bool  # a timestamp six minutes old
    timestamp: int  # sign as of this Unix time
    unsigned: bool  # leave out X-Slack-Signature and X-Slack-Request-Timestamp
    retry_num: int  # X-Slack-Retry-Num, as when Slack redelivers an event
    retry_reason: str  # X-Slack-Retry-Reason (default http_timeout)
    headers: dict[str, str]  # anything else


@dataclass(frozen=True)
class SignedRequest:
    """Exactly what goes over the wire, so it can be replayed byte for byte."""

    body: bytes
    headers: dict[str, str]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Slack's request signature: `v0=` + HMAC-SHA256 hex of `v0:{timestamp}:{body}`."""
    basestring = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


def signed_request(
    body: bytes, content_type: str, signing_secret: str, **options: Unpack[SendOptions]
) -> SignedRequest:
    timestamp = options.get("timestamp") or int(time.time())
    if options.get("stale"):
        timestamp -= STALE_SECONDS
    headers = {"Content-Type": content_type, "User-Agent": USER_AGENT}
    if not options.get("unsigned"):
        secret = options.get("secret", signing_secret)
        sig = signature(secret, timestamp, body)
        if options.get("forged"):
            sig = "v0=" + secrets.token_hex(32)
        headers["X-Slack-Request-Timestamp"] = str(timestamp)
        headers["X-Slack-Signature"] = sig
    if options.get("retry_num") is not None:
        headers["X-Slack-Retry-Num"] = str(options["retry_num"])
        headers["X-Slack-Retry-Reason"] = options.get("retry_reason", "http_timeout")
    headers.update(options.get("headers", {}))
    return SignedRequest(body, headers)


class SlackDriver:
    """Sends commands, clicks, submissions, shortcuts and events to a bolt app's URL."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        team_id: str = TEAM_ID,
        *,
        fake: FakeSlack | None = None,
        channel: str = "C0BOARD",
        channel_name: str = "recs-board",
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.origin = Origin(team_id=team_id)
        self.fake = fake
        self.channel = channel
        self.channel_name = channel_name
        self.last_request: SignedRequest | None = None
        self.last_response_url: str | None = None
        self._http = httpx.Client(timeout=timeout)
        self._sequence = itertools.count(1)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SlackDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- wire -----------------------------------------------------------------------------

    def send(self, request: SignedRequest) -> httpx.Response:
        self.last_request = request
        return self._http.post(self.url, content=request.body, headers=request.headers)

    def replay(self, headers: dict[str, str] | None = None) -> httpx.Response:
        """The last request again, byte for byte: same timestamp, same signature; with
        `headers` added, as an attacker may add unsigned ones (X-Slack-Retry-Num)."""
        if self.last_request is None:
            raise RuntimeError("nothing sent yet")
        request = self.last_request
        if headers:
            request = SignedRequest(request.body, {**request.headers, **headers})
        return self.send(request)

    def redeliver(self, retry_num: int = 1, retry_reason: str = "http_timeout") -> httpx.Response:
        """The last body again, freshly signed and marked as a retry, as Slack redelivers."""
        if self.last_request is None:
            raise RuntimeError("nothing sent yet")
        content_type = self.last_request.headers["Content-Type"]
        return self.send(
            signed_request(
                self.last_request.body,
                content_type,
                self.signing_secret,
                retry_num=retry_num,
                retry_reason=retry_reason,
            )
        )

    def post_form(self, fields: dict[str, str], **options: Unpack[SendOptions]) -> httpx.Response:
        body = urlencode(fields).encode()
        return self.send(signed_request(body, FORM, self.signing_secret, **options))

    def post_interaction(
        self, payload: dict[str, Any], **options: Unpack[SendOptions]
    ) -> httpx.Response:
        """Interactivity goes as a form with one `payload` field holding JSON."""
        return self.post_form({"payload": json.dumps(payload)}, **options)

    def post_json(self, body: dict[str, Any], **options: Unpack[SendOptions]) -> httpx.Response:
        encoded = json.dumps(body).encode()
        return self.send(signed_request(encoded, JSON, self.signing_secret, **options))

    # -- slash commands -------------------------------------------------------------------

    def command(
        self,
        user: str,
        text: str = "",
        *,
        channel: str | None = None,
        command: str = "/recs",
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        fields = payloads.slash_command(
            self.origin,
            user_id=user,
            user_name=self._user_name(user),
            text=text,
            channel_id=channel or self.channel,
            channel_name=self._channel_name(channel),
            response_url=self._new_response_url("command"),
            command=command,
        )
        return self.post_form(fields, **options)

    # -- block actions --------------------------------------------------------------------

    def click(
        self,
        user: str,
        action_id: str,
        value: str = "",
        *,
        block_id: str = "",
        message: dict[str, Any] | None = None,
        channel: str | None = None,
        view: dict[str, Any] | None = None,
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """A button click on `message` (default: a bot message) or inside `view`."""
        action = payloads.button_action(action_id, value, block_id=block_id)
        return self.act(user, action, message=message, channel=channel, view=view, **options)

    def act(
        self,
        user: str,
        action: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        channel: str | None = None,
        view: dict[str, Any] | None = None,
        ephemeral: bool = False,
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """Any block action (see `payloads.select_action`, `date_action`, ...)."""
        message = message or self._bot_message()
        channel_id = channel or message.get("channel") or self.channel
        payload = payloads.block_actions(
            self.origin,
            user=self._user(user),
            actions=[action],
            channel={"id": channel_id, "name": self._channel_name(channel_id)},
            message=message,
            view=view,
            response_url=self._new_response_url("action"),
            is_ephemeral=ephemeral,
        )
        return self.post_interaction(payload, **options)

    # -- views ----------------------------------------------------------------------------

    def submit_view(
        self,
        user: str,
        callback_id: str,
        values: StateValues | None = None,
        *,
        private_metadata: str = "",
        view_id: str = "",
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """Submits a modal; `values` is `{block_id: {action_id: str | payloads.*_value(...)}}`."""
        view = payloads.submitted_view(
            self.origin,
            callback_id=callback_id,
            values=values or {},
            private_metadata=private_metadata,
            view_id=view_id,
        )
        payload = payloads.view_submission(self.origin, user=self._user(user), view=view)
        return self.post_interaction(payload, **options)

    def close_view(
        self,
        user: str,
        callback_id: str,
        *,
        private_metadata: str = "",
        view_id: str = "",
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        view = payloads.submitted_view(
            self.origin,
            callback_id=callback_id,
            values={},
            private_metadata=private_metadata,
            view_id=view_id,
        )
        payload = payloads.view_closed(self.origin, user=self._user(user), view=view)
        return self.post_interaction(payload, **options)

    # -- shortcuts ------------------------------------------------------------------------

    def shortcut(
        self,
        user: str,
        callback_id: str,
        *,
        message: dict[str, Any] | None = None,
        channel: str | None = None,
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """A message shortcut on `message` if given, otherwise a global shortcut."""
        if message is None:
            payload = payloads.global_shortcut(
                self.origin, user=self._user(user), callback_id=callback_id
            )
            return self.post_interaction(payload, **options)
        channel_id = channel or message.get("channel") or self.channel
        payload = payloads.message_shortcut(
            self.origin,
            user=self._user(user),
            callback_id=callback_id,
            channel={"id": channel_id, "name": self._channel_name(channel_id)},
            message=message,
            response_url=self._new_response_url("shortcut"),
        )
        return self.post_interaction(payload, **options)

    # -- events ---------------------------------------------------------------------------

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """An Events API callback; resend with the same `event_id` and `retry_num` for a retry."""
        return self.post_json(
            payloads.event_callback(self.origin, event, event_id=event_id), **options
        )

    def message(
        self,
        user: str,
        text: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        event_id: str | None = None,
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        """A `message` event from `user` in `channel` (a thread reply if `thread_ts`)."""
        event = payloads.message_event(
            user=user,
            text=text,
            channel=channel or self.channel,
            ts=ts,
            thread_ts=thread_ts,
            files=files,
        )
        return self.event(event, event_id=event_id, **options)

    def app_home_opened(self, user: str, **options: Unpack[SendOptions]) -> httpx.Response:
        return self.event(payloads.app_home_opened_event(user), **options)

    def url_verification(
        self,
        challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        **options: Unpack[SendOptions],
    ) -> httpx.Response:
        return self.post_json(payloads.url_verification(challenge), **options)

    # -- naming ---------------------------------------------------------------------------

    def _new_response_url(self, kind: str) -> str:
        name = f"{kind}-{next(self._sequence)}"
        if self.fake is not None:
            self.last_response_url = self.fake.response_url(name)
        else:
            hook = f"{next(self._sequence)}/{secrets.token_hex(12)}"
            self.last_response_url = f"https://hooks.slack.com/actions/{self.origin.team_id}/{hook}"
        return self.last_response_url

    def _user_name(self, user_id: str) -> str:
        known = self.fake.workspace.users.get(user_id) if self.fake else None
        return (known.name if known and known.name else "") or user_id.lower()

    def _user(self, user_id: str) -> dict[str, str]:
        return self.origin.user(user_id, self._user_name(user_id))

    def _channel_name(self, channel_id: str | None) -> str:
        if channel_id is None or channel_id == self.channel:
            return self.channel_name
        if channel_id.startswith("D"):
            return "directmessage"
        known = self.fake.workspace.channels.get(channel_id) if self.fake else None
        return (known.name if known and known.name else "") or channel_id.lower()

    def _bot_message(self) -> dict[str, Any]:
        return {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": "",
            "ts": payloads.new_ts(),
            "team": self.origin.team_id,
            "blocks": [],
        }
