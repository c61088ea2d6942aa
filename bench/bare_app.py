"""The floor: a bolt app that only acknowledges, served exactly as `python app.py serve` serves
recs (bolt's WSGI adapter under waitress, the same threads). What bolt, waitress and HTTP
cost by themselves; bench/ack.py compares recs with it.

    SLACK_SIGNING_SECRET=... SLACK_API_URL=... PORT=3001 python -m bench.bare_app

With BARE_ANSWER_ON_RETURN=1 the app answers when its listener returns
(`process_before_response`), as recs's `serve` does for commands, clicks and events; by default it is
bolt's default app, which polls for the ack every 10 ms (the floor the issue names).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def build_app() -> App:
    client = WebClient(
        token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-bench"),
        base_url=os.environ.get("SLACK_API_URL", "http://127.0.0.1:9/api/"),
    )
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=bool(os.environ.get("BARE_ANSWER_ON_RETURN")),
    )

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/recs")(only_ack)
    app.action(re.compile(".*"))(only_ack)
    app.event("message")(only_ack)
    return app


def wsgi(app: App) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def main() -> None:
    waitress.serve(
        wsgi(build_app()),
        host="127.0.0.1",
        port=int(os.environ.get("PORT", "3001")),
        threads=int(os.environ.get("THREADS", "8")),
        ident="bare",
    )


if __name__ == "__main__":
    main()
