"""The HTTP front door of `python app.py serve`: `POST /slack/events` and `GET /healthz`.

Before bolt sees a request the router
1. refuses a body over 1 MB (413) or one whose shape Slack would never send (400,
   slack/payloads.py): bolt and the listeners then only meet shapes they can read;
2. refuses a replay (401): every correctly signed request's signature is claimed once
   (storage/replay.py), whatever its headers say. `X-Slack-Retry-Num` is not signed, so it
   grants nothing. An event is also known by its `event_id`: any delivery of an event
   already answered is acknowledged and not run again, and a delivery answered with a 5xx
   gives its signature back, so that Slack's redelivery, however it is signed, is run;
3. fails closed: when the replay guard cannot reach its table, the request is not run
   (a command is told to try again; anything else gets 503, which Slack retries);
4. hands bolt the body it checked (not bolt's own second parse), and answers 400 if bolt
   still cannot take it: never a 500.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import SQLAlchemyError

from bot.commands.replies import TRY_AGAIN
from slack.payloads import CLICK, COMMAND, EVENT, OTHER, SlackRequest, read_request
from storage.db import Database
from storage.replay import claim_signature, event_answered, mark_event_answered, release_signature

EVENTS_PATH = "/slack/events"
OAUTH_PATHS = frozenset({"/slack/install", "/slack/oauth_redirect"})  # slack/oauth.py
HEALTH_PATH = "/healthz"
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Verdict:
    """What the replay guard made of a request: run it (with the signature it claimed, if
    any), or answer it with `refusal` instead."""

    claimed: str | None = None
    refusal: WsgiHttpResponse | None = None


class ReplayGuard:
    """Claims each correctly signed request's signature once; knows which events were
    answered. Badly signed requests pass untouched: bolt refuses them without the database."""

    def __init__(self, db: Database, signing_secret: str) -> None:
        self.db = db
        self.verifier = SignatureVerifier(signing_secret)

    def check(self, request: SlackRequest, headers: dict[str, Any], body: bytes) -> Verdict:
        timestamp = str(headers.get("x-slack-request-timestamp") or "")
        signature = str(headers.get("x-slack-signature") or "")
        if not timestamp.isdigit() or not signature:
            return Verdict()
        if not self.verifier.is_valid(body, timestamp, signature):
            return Verdict()
        # The signature as computed, not as sent: a re-spelt header is the same request.
        key = self.verifier.generate_signature(timestamp=timestamp, body=body) or signature
        try:
            # An event answered before is acknowledged again and not run, however its
            # delivery is signed: the same ack Slack got the first time.
            if request.event_id and event_answered(self.db, request.event_id):
                log.info("event %s already answered: acknowledged again", request.event_id)
                return Verdict(refusal=_plain(200, ""))
            if not claim_signature(self.db, key, datetime.now(UTC)):
                log.warning("refused a replayed %s", request.kind)
                return Verdict(refusal=_plain(401, "replayed request\n"))
        except SQLAlchemyError as exc:
            log.warning("replay guard unavailable, request not run: %s", type(exc).__name__)
            return Verdict(refusal=_unavailable(request.kind))
        return Verdict(claimed=key)

    def settle(self, verdict: Verdict, request: SlackRequest, status: int) -> None:
        """After an event's answer: remember an answered event; give back the signature of
        one that failed (5xx), so that a redelivery with the same signature is run."""
        if request.kind != EVENT or verdict.claimed is None:
            return
        try:
            if status >= 500:
                release_signature(self.db, verdict.claimed)
            elif status < 300 and request.event_id:
                mark_event_answered(self.db, request.event_id, datetime.now(UTC))
        except SQLAlchemyError as exc:
            log.warning("event bookkeeping failed: %s", type(exc).__name__)


class Router:
    """The WSGI application: each kind of request to the bolt app that answers it."""

    def __init__(
        self,
        db: Database,
        apps: dict[str, App],
        guard: ReplayGuard | None = None,
        install: WsgiApp | None = None,
    ) -> None:
        self.db = db
        self.apps = apps
        self.guard = guard
        self.install = install  # many workspaces: bolt's install pages

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in OAUTH_PATHS and method == "GET" and self.install is not None:
            return self.install(environ, start_response)  # bolt's OAuth flow
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = self.db.healthy()
            response = _plain(200, "ok\n") if ok else _plain(503, "database unavailable\n")
        elif path == EVENTS_PATH and method == "POST":
            response = self.post(environ)
        else:
            response = _plain(404, "not found\n")
        start_response(response.status, response.get_headers())
        return response.get_body()

    def post(self, environ: dict[str, Any]) -> WsgiHttpResponse:
        body = read_body(environ)
        if body is None:
            return _plain(413, "too large\n")
        request = read_request(body, str(environ.get("CONTENT_TYPE") or ""))
        if request is None:
            return _plain(400, "malformed request\n")
        http = WsgiHttpRequest(environ)
        headers = http.get_headers()
        verdict = self.guard.check(request, headers, body) if self.guard else Verdict()
        if verdict.refusal is not None:
            return verdict.refusal
        answer = self.dispatch(request, body, headers, http.query_string)
        if self.guard is not None:
            self.guard.settle(verdict, request, answer.status)
        return WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)

    def dispatch(
        self, request: SlackRequest, body: bytes, headers: dict[str, Any], query: str
    ) -> BoltResponse:
        """Bolt's answer to the body the router checked. Bolt verifies the signature on the
        raw body; its listeners read the parsed one."""
        bolt_request = BoltRequest(body="", query=query, headers=headers)
        bolt_request.raw_body = body.decode("utf-8")
        bolt_request.body = request.body
        bolt_request.context = build_context(BoltContext({}), request.body)
        try:
            return self.apps[request.kind].dispatch(bolt_request)
        except Exception as exc:
            # Only a shape bolt could not take gets here: the request's fault, not ours.
            log.warning("bolt could not take a %s: %s", request.kind, type(exc).__name__)
            return BoltResponse(status=400, body="malformed request\n")


def wsgi_app(
    app: App,
    db: Database,
    *,
    events: App | None = None,
    commands: App | None = None,
    clicks: App | None = None,
    signing_secret: str | None = None,
    install: WsgiApp | None = None,
) -> WsgiApp:
    """The router over `app`; with `events`, `commands` or `clicks`, those kinds go to those
    apps; with `signing_secret`, replays are refused; with `install`, `GET /slack/install`
    and `/slack/oauth_redirect` go to it (bolt's OAuth flow, many workspaces)."""
    apps = {EVENT: events or app, COMMAND: commands or app, CLICK: clicks or app, OTHER: app}
    guard = ReplayGuard(db, signing_secret) if signing_secret else None
    return Router(db, apps, guard, install)


def read_body(environ: dict[str, Any]) -> bytes | None:
    """The request body (None if too large), put back so that it can be read again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    body: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _plain(status: int, text: str) -> WsgiHttpResponse:
    return WsgiHttpResponse(status=status, headers={"content-type": ["text/plain"]}, body=text)


def _unavailable(kind: str) -> WsgiHttpResponse:
    """What a request the guard could not check gets: a command, Slack's ephemeral answer
    saying to try again; anything else 503, which Slack shows or retries."""
    if kind != COMMAND:
        return _plain(503, "try again\n")
    text = json.dumps({"response_type": "ephemeral", "text": TRY_AGAIN})
    return WsgiHttpResponse(
        status=200, headers={"content-type": ["application/json"]}, body=text
    )


__all__ = ["CLICK", "COMMAND", "EVENT", "OTHER", "Router", "wsgi_app"]
