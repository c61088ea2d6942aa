"""Evidence posted in a board channel: a message naming refs with a link or file is recorded
(bot.evidence decides what), then the bot reacts :paperclip: and replies in the thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError

from bot.services.evidence import (
    ChannelMessage,
    EvidenceOutcome,
    SlackFile,
    wants_recording,
)
from bot.views import evidence as views
from bot.views.blocks import as_dicts
from slack.deps import Deps
from slack.replies import post_safely

REACTION = "paperclip"
RECORDED_SUBTYPES = (None, "file_share")


def message_from(event: dict[str, Any]) -> ChannelMessage:
    files = tuple(
        SlackFile(
            str(f.get("id", "")), str(f.get("name") or f.get("title") or ""), f.get("permalink")
        )
        for f in event.get("files") or ()
        if f.get("id")
    )
    return ChannelMessage(
        channel_id=str(event.get("channel", "")),
        ts=str(event.get("ts", "")),
        user_id=str(event.get("user", "")),
        text=str(event.get("text") or ""),
        files=files,
        thread_ts=str(event["thread_ts"]) if event.get("thread_ts") else None,
    )


def in_a_channel(event: dict[str, Any]) -> bool:
    """Channel messages by people; direct messages belong to the reminder replies."""
    return (
        event.get("channel_type") != "im"
        and not event.get("bot_id")
        and event.get("subtype") in RECORDED_SUBTYPES
        and bool(event.get("user"))
    )


def permalink_of(
    deps: Deps, client: WebClient, message: ChannelMessage, logger: logging.Logger
) -> str | None:
    """Made from the workspace's address when known; otherwise asked of chat.getPermalink."""
    made = deps.actors.permalink(message.channel_id, message.ts, message.thread_ts)
    if made:
        return made
    answer = post_safely(
        client.chat_getPermalink, logger, channel=message.channel_id, message_ts=message.ts
    )
    return str(answer["permalink"]) if answer and answer.get("permalink") else None


def tell_in_thread(
    client: WebClient, message: ChannelMessage, outcome: EvidenceOutcome, logger: logging.Logger
) -> None:
    if outcome.recorded:
        post_safely(
            client.reactions_add,
            logger,
            channel=message.channel_id,
            timestamp=message.ts,
            name=REACTION,
        )
        text, blocks = views.recorded_text(outcome), views.recorded_blocks(outcome)
    elif outcome.unknown_refs:
        text, blocks = views.unknown_ref_text(outcome), views.unknown_ref_blocks(outcome)
    elif outcome.refused:
        text, blocks = "Nothing was recorded.", views.refused_blocks(outcome)
    else:
        return
    post_safely(
        client.chat_postMessage,
        logger,
        channel=message.channel_id,
        thread_ts=message.ts,
        text=text,
        blocks=as_dicts(blocks),
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
        team_id = event.get("team") or body.get("team_id")
        if deps.actors.is_foreign(team_id):
            return
        actor = deps.actors.actor(message.user_id, team_id)
        permalink = permalink_of(deps, client, message, logger)
        try:
            outcome = deps.services.evidence.from_channel(actor, message, permalink=permalink)
        except IntegrityError:
            return  # a retried delivery of the same message got there first
        if outcome.duplicate:
            return
        # Recorded and committed: the reaction and the thread reply need not hold up
        # Slack's answer (`serve` answers events only after their listeners).
        deps.after_response(tell_in_thread, client, message, outcome, logger)
