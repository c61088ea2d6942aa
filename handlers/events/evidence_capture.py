"""Evidence posted in a board channel: a message naming refs with a link or file is recorded
(bot.services.evidence decides what), then the bot reacts :paperclip: and replies in the
thread (slack/evidence.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError

from bot.services.evidence import wants_recording
from slack.deps import Deps
from slack.evidence import message_from, permalink_of, tell_in_thread
from slack.listeners import speaker

RECORDED_SUBTYPES = (None, "file_share")


def in_a_channel(event: dict[str, Any]) -> bool:
    """Channel messages by people; direct messages belong to the reminder replies."""
    return (
        event.get("channel_type") != "im"
        and not event.get("bot_id")
        and event.get("subtype") in RECORDED_SUBTYPES
        and bool(event.get("user"))
    )


def register(app: App, deps: Deps) -> None:
    @app.event("message", matchers=[lambda event: in_a_channel(event)])
    def on_channel_message(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, logger: logging.Logger
    ) -> None:
        message = message_from(event)
        if not wants_recording(message):
            return
        # First, and only a read: links posted in other channels cost no Slack call and take
        # no write lock.
        if not deps.services.evidence.is_board_channel(message.channel_id):
            return
        actor = speaker(deps, event, body)
        if actor is None:
            return
        permalink = permalink_of(deps.actors, client, message, logger, actor.workspace)
        try:
            outcome = deps.services.evidence.from_channel(actor, message, permalink=permalink)
        except IntegrityError:
            # A retried delivery of the same message got there first (or a constraint
            # refused the row): either way a redelivery would change nothing, so the event
            # is acknowledged.
            logger.info("evidence not recorded for %s: IntegrityError", message.ts)
            return
        if outcome.duplicate:
            return
        # Recorded and committed: the reaction and the thread reply need not hold up
        # Slack's answer (`serve` answers events only after their listeners).
        deps.after_response(tell_in_thread, client, message, outcome, logger)
