"""Builds the bolt App and the WSGI application that serves it (`python app.py serve`).

`build_app(deps)` is what tests, the bench and both modes use. The WSGI app routes
`POST /slack/events` (commands, events and interactivity) to bolt and answers `GET /healthz`
after checking the database.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import literal, select
from sqlalchemy.exc import SQLAlchemyError

import handlers
from handlers import actions, commands, events, home
from slack.deps import Deps
from storage.db import Database, is_connection_error
from storage.replay import claim_signature

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

log = logging.getLogger("recs.slack")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_app(deps: Deps) -> App:
    """The bolt App with every listener. No auth.test at start-up: the first request makes
    it, against SLACK_API_URL like every other call."""
    app = _bolt_app(deps)
    handlers.register(app, deps)
    return app


def _bolt_app(deps: Deps, *, answer_on_return: bool = False) -> App:
    return App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret or "",
        token_verification_enabled=False,
        logger=log,
        process_before_response=answer_on_return,
    )


def healthy(db: Database) -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(select(literal(1)))
        return True
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return False


def build_event_app(deps: Deps) -> App:
    """The Events API listeners, run *before* the HTTP answer (`process_before_response`).

    Bolt otherwise acknowledges an event before its listener runs, so a listener that fails
    (the database is down) would lose a posted evidence link or a reminder reply for good.
    Here a failure answers 5xx, Slack redelivers, and the listeners' event keys
    (processed_event) make the redelivery record once.
    """
    app = _bolt_app(deps, answer_on_return=True)
    for kind in (events, home):
        kind.register(app, deps)

    @app.error
    def on_event_error(error: Exception, response: BoltResponse) -> None:
        # Only the type: a database error's text carries the SQL parameters (message text).
        if is_connection_error(error):
            log.warning("event not recorded, Slack will redeliver: %s", type(error).__name__)
            response.status = 503
        else:
            log.error("event listener failed, Slack will redeliver: %s", type(error).__name__)
            response.status = 500
        response.body = ""

    return app


def build_command_app(deps: Deps) -> App:
    """The slash command listener, answered when it returns (`process_before_response`).

    Bolt's default runs a listener on a worker and polls every 10 ms for its ack, so an
    answer waits for the next poll. `/recs` answers in its ack and hands whatever follows
    to `Deps.after_response`, so here its answer goes out the moment the listener is done.
    """
    app = _bolt_app(deps, answer_on_return=True)
    commands.register(app, deps)
    return app


def build_action_app(deps: Deps) -> App:
    """Button clicks (`block_actions`), answered the moment they arrive: each action
    listener runs as bolt's lazy listener after an ack that does nothing else
    (handlers.actions.LazyActions), instead of waiting for bolt's 10 ms poll for the ack."""
    app = _bolt_app(deps, answer_on_return=True)
    actions.register(actions.LazyActions(app), deps)
    return app


def serve_app(deps: Deps, app: App) -> WsgiApp:
    """What `python app.py serve` runs: commands and clicks answered as soon as they ack,
    events processed before they are acknowledged, and replayed requests refused."""
    return wsgi_app(
        app,
        deps.db,
        events=build_event_app(deps),
        commands=build_command_app(deps),
        clicks=build_action_app(deps),
        signing_secret=deps.settings.slack_signing_secret,
    )


MAX_BODY = 1_000_000  # Slack's payloads are far smaller; a bigger body is not from Slack


def wsgi_app(
    app: App,
    db: Database,
    *,
    events: App | None = None,
    commands: App | None = None,
    clicks: App | None = None,
    signing_secret: str | None = None,
) -> WsgiApp:
    """Routes /slack/events to bolt and answers /healthz. With `events`, Events API requests
    (JSON bodies) go to that app; with `commands`, slash commands go to that one; with
    `clicks`, block actions go to that one; with `signing_secret`, a correctly signed
    request seen before (a replay) is refused with 401."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    handler_for = {
        EVENT: SlackRequestHandler(events, path=EVENTS_PATH) if events else slack,
        COMMAND: SlackRequestHandler(commands, path=EVENTS_PATH) if commands else slack,
        CLICK: SlackRequestHandler(clicks, path=EVENTS_PATH) if clicks else slack,
        OTHER: slack,
    }
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = healthy(db)
            return plain(
                start_response,
                "200 OK" if ok else "503 Service Unavailable",
                b"ok\n" if ok else b"database unavailable\n",
            )
        if path == EVENTS_PATH and method == "POST":
            body = read_body(environ)
            if body is None:
                return plain(start_response, "413 Payload Too Large", b"too large\n")
            is_json = environ.get("CONTENT_TYPE", "").startswith("application/json")
            kind = kind_of(body, is_json)
            if kind is None:
                return plain(start_response, "400 Bad Request", b"malformed request\n")
            if verifier is not None and is_replay(verifier, db, environ, body):
                return plain(start_response, "401 Unauthorized", b"replayed request\n")
            return handler_for[kind](environ, start_response)
        return plain(start_response, "404 Not Found", b"not found\n")

    return application


def plain(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def read_body(environ: dict[str, Any]) -> bytes | None:
    """The request body (None if too large), put back so bolt's adapter can read it again."""
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


EVENT, COMMAND, CLICK, OTHER = "event", "command", "click", "other"


def kind_of(body: bytes, is_json: bool) -> str | None:
    """EVENT for a JSON object (the Events API), COMMAND for a form that names its command
    and user, CLICK for a form whose `payload` is a `block_actions` object, OTHER for any
    other form whose `payload`, if any, is a JSON object (views, shortcuts); None for
    anything else, which would make bolt's parser raise, and a 500 would invite Slack to
    send the same garbage again."""
    try:
        if is_json:
            return EVENT if isinstance(json.loads(body), dict) else None
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (ValueError, UnicodeDecodeError):
        return None
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"][0])
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        return CLICK if payload.get("type") == "block_actions" else OTHER
    if "command" in fields:
        return COMMAND if fields.get("user_id", [""])[0] else None
    return OTHER


def is_replay(
    verifier: SignatureVerifier, db: Database, environ: dict[str, Any], body: bytes
) -> bool:
    """A correctly signed request whose signature was accepted before. Badly signed requests
    are left to bolt, which refuses them without touching the database. Slack's event
    retries (X-Slack-Retry-Num) may carry the original's signature; they are let through
    because every event listener records once per event (processed_event)."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if environ.get("HTTP_X_SLACK_RETRY_NUM") or not timestamp.isdigit() or not signature:
        return False
    if not verifier.is_valid(body, timestamp, signature):
        return False
    try:
        first = claim_signature(db, signature, datetime.now(UTC))
    except SQLAlchemyError as exc:
        # The request itself will meet the same outage and write nothing, so let it through
        # to be answered ("try again" for a command, a 5xx for an event).
        log.warning("replay check skipped: database unavailable (%s)", type(exc).__name__)
        return False
    if not first:
        log.warning("refused a replayed request")
    return not first
