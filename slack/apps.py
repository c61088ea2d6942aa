"""Builds the bolt apps, and the WSGI application that serves them (`python app.py serve`).

`build_app(deps)` is what tests, the bench and both modes use. `serve_app` puts the router
(slack/router.py: shapes, replays, `/healthz`) in front of one app per kind of request.
Every app answers a listener's unexpected failure itself (`_answer_failures`): never a 500.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import cast

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult

import handlers
from bot.commands.replies import TRY_AGAIN
from handlers import actions, commands, events, home
from slack.actors import NOT_INSTALLED, WorkspaceUnknown
from slack.deps import Deps
from slack.replies import answer, refusal
from slack.router import EVENTS_PATH, HEALTH_PATH, WsgiApp, wsgi_app
from storage.db import is_connection_error

log = logging.getLogger("recs.slack")
# Bolt's own messages quote request bodies (a failed signature, an unhandled request):
# under a library's name, the log policy withholds their text (logpolicy.py).
BOLT_LOG = logging.getLogger("slack_bolt.recs")
LISTENER_LOG_NAME = "recs.listeners"  # the `logger` bolt hands our listeners

__all__ = ["EVENTS_PATH", "HEALTH_PATH", "build_app", "serve_app"]


def build_app(deps: Deps) -> App:
    """The bolt App with every listener. No auth.test at start-up: the first request makes
    it, against SLACK_API_URL like every other call."""
    app = _bolt_app(deps)
    handlers.register(app, deps)
    return app


def _bolt_app(
    deps: Deps, *, answer_on_return: bool = False, command: bool = False
) -> App:
    """With many workspaces every app authorises with bolt's InstallationStoreAuthorize
    (each workspace's token, rotated); `build_app`'s runs bolt's OAuth flow (the router
    sends it /slack/install and /slack/oauth_redirect)."""

    def authorize(enterprise_id: str | None) -> AuthorizeResult:
        # The installation recs knows (slack.actors), not a second auth.test of bolt's own
        # that could answer differently; while it is unknown, requests are refused.
        return deps.actors.authorization(enterprise_id)

    oauth = deps.oauth
    # Bolt takes an Authorize instance as is (it may answer None: no installation, refused).
    chosen = cast(Callable[..., AuthorizeResult], oauth.authorize) if oauth else authorize
    app = App(
        name=LISTENER_LOG_NAME,
        client=deps.client,
        authorize=chosen,
        # Every app is given the OAuth settings, so that bolt never makes default ones from
        # SLACK_CLIENT_ID (a file store of its own) and knows recs's installation store.
        oauth_settings=oauth.settings if oauth else None,
        signing_secret=deps.settings.slack_signing_secret or "",
        # Many workspaces: what a person of a workspace with no installation is told.
        user_facing_authorize_error_message=NOT_INSTALLED,
        token_verification_enabled=False,
        logger=BOLT_LOG,
        process_before_response=answer_on_return,
    )
    _answer_failures(app, command=command)
    return app


def _answer_failures(app: App, *, command: bool) -> None:
    """A failure no listener answered (bolt's authorization asked while the workspace is
    unknown, or a listener's bug): logged by type with an error id (never its message,
    which may quote a database's parameters), and answered rather than left as a 500.

    "Try again" (the database went away, or the workspace is unknown) is 503 for an event,
    so that Slack redelivers it; any other failure would fail again, so it is acknowledged,
    never redelivered for ever. A command is told why in its ack, a click through its
    response_url; a modal gets the 503, which keeps it open."""

    @app.error
    def on_error(error: Exception, response: BoltResponse | None, respond: Respond | None) -> None:
        if response is None:  # Socket Mode: bolt answers for itself
            return
        retry = is_connection_error(error) or isinstance(error, WorkspaceUnknown)
        if retry:
            log.warning("request not run, try again: %s", type(error).__name__)
            text = error.message if isinstance(error, WorkspaceUnknown) else TRY_AGAIN
        else:
            error_id = uuid.uuid4().hex[:8]
            log.error("listener failed (error id %s): %s", error_id, type(error).__name__,
                      exc_info=error)  # fmt: skip
            text = f"Sorry, something went wrong on our side (error id {error_id}). Nothing was saved."
        response.status, response.body = (503 if retry else 200), ""
        if command:
            response.status = 200
            response.body = json.dumps({"response_type": "ephemeral", "text": text})
            response.headers = {"content-type": ["application/json"]}
        elif respond is not None and getattr(respond, "response_url", None):
            answer(refusal(text), client=app.client, respond=respond, user_id="", logger=log)
            response.status = 200


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
    return app


def build_command_app(deps: Deps) -> App:
    """The slash command listener, answered when it returns (`process_before_response`).

    Bolt's default runs a listener on a worker and polls every 10 ms for its ack, so an
    answer waits for the next poll. `/recs` answers in its ack and hands whatever follows
    to `Deps.after_response`, so here its answer goes out the moment the listener is done.
    """
    app = _bolt_app(deps, answer_on_return=True, command=True)
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
        install=SlackRequestHandler(app) if deps.oauth else None,
    )
