"""`app_uninstalled` and `tokens_revoked`: with many workspaces (the OAuth install), bolt's own
listeners delete the workspace's installation from recs's store, so its token is never used
again; with one bot token there is nothing to delete, and the event is acknowledged and
logged by kind (never a 404, which Slack would retry)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from slack.deps import Deps

log = logging.getLogger(__name__)
EVENTS = ("app_uninstalled", "tokens_revoked")


def register(app: App, deps: Deps) -> None:
    if deps.oauth is not None:
        app.enable_token_revocation_listeners()
        return
    for kind in EVENTS:
        app.event(kind)(_noted(kind))


def _noted(kind: str) -> Any:
    def listener(ack: Any) -> None:
        ack()
        log.warning("%s received: the bot token may no longer work", kind)

    return listener
