"""Builds the bolt App and the WSGI application that serves it (`python app.py serve`).

`build_app(deps)` is what tests, the bench and both modes use. The WSGI app routes
`POST /slack/events` (commands, events and interactivity) to bolt and answers `GET /healthz`
after checking the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import literal, select
from sqlalchemy.exc import SQLAlchemyError

import handlers
from bot.config import Settings
from bot.runner import CommandRunner
from handlers.deps import Deps
from handlers.slack_client import make_web_client
from storage.db import Database

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

log = logging.getLogger("recs.slack")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def pinned_clock(settings: Settings) -> Callable[[], datetime] | None:
    """RECS_CLOCK pins the clock for tests and demos, so BRAG colours are stable."""
    when = settings.recs_clock
    if when is None:
        return None
    pinned = when if when.tzinfo else when.replace(tzinfo=UTC)
    return lambda: pinned


def build_deps(settings: Settings, db: Database) -> Deps:
    return Deps(
        settings=settings, db=db, runner=CommandRunner(db), client=make_web_client(settings)
    )


def build_app(deps: Deps) -> App:
    """The bolt App with every listener. No auth.test at start-up: the first request makes
    it, against SLACK_API_URL like every other call."""
    app = App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret or "",
        token_verification_enabled=False,
        logger=log,
    )
    handlers.register(app, deps)
    return app


def healthy(db: Database) -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(select(literal(1)))
        return True
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return False


def wsgi_app(app: App, db: Database) -> WsgiApp:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok = healthy(db)
            body = b"ok\n" if ok else b"database unavailable\n"
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        body = b"not found\n"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return application
