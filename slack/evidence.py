"""Slack I/O for evidence: the message that carries it (from a channel event, the *Add as
evidence* shortcut, or that shortcut's modal), its permalink, and what the bot says about
it in the message's thread: the :paperclip: reaction and the reply with its buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.services.evidence import ChannelMessage, EvidenceOutcome, SlackFile
from bot.views import evidence as views
from bot.views.blocks import as_dicts
from slack.actors import SlackActors
from slack.replies import post_safely

REACTION = "paperclip"  # on a message whose evidence is recorded; taken off by an undo


def message_from(event: dict[str, Any], *, private: bool | None = None) -> ChannelMessage:
    """A channel message event (or a message in a shortcut's payload) as the services read
    it. Private unless Slack says the channel is public (`channel_type` "channel") or the
    caller knows it is."""
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
        private=private if private is not None else event.get("channel_type") != "channel",
    )


def shortcut_message(body: dict[str, Any], *, private: bool) -> ChannelMessage:
    """The message a message shortcut was used on (its payload keeps the channel apart)."""
    event = dict(body.get("message") or {})
    event["channel"] = (body.get("channel") or {}).get("id", "")
    event.setdefault("ts", body.get("message_ts", ""))
    return message_from(event, private=private)


def channel_is_private(client: WebClient, channel_id: str, logger: logging.Logger) -> bool:
    """Whether a channel is private (conversations.info); when Slack cannot say, it is."""
    found = post_safely(client.conversations_info, logger, channel=channel_id)
    channel = (found or {}).get("channel") or {}
    if not isinstance(channel, dict) or "is_private" not in channel:
        return True
    return bool(channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))


def chosen_message(metadata: dict[str, Any], user_id: str) -> ChannelMessage:
    """The message the *Add as evidence* modal was opened on, from its private metadata:
    its links and files, as the person submitting the modal."""
    files = tuple(
        SlackFile(str(f.get("id", "")), str(f.get("name", ""))) for f in metadata.get("files") or ()
    )
    links = " ".join(f"<{link}>" for link in metadata.get("links") or ())
    return ChannelMessage(
        channel_id=str(metadata.get("channel", "")),
        ts=str(metadata.get("ts", "")),
        user_id=user_id,
        text=links,
        files=files,
        private=metadata.get("private") is not False,
    )


def permalink_of(
    actors: SlackActors,
    client: WebClient,
    message: ChannelMessage,
    logger: logging.Logger,
    team_id: str | None = None,
) -> str | None:
    """Made from the workspace's (`team_id`'s, with many) address when known; otherwise asked
    of chat.getPermalink."""
    made = actors.permalink(message.channel_id, message.ts, message.thread_ts, team_id)
    if made:
        return made
    found = post_safely(
        client.chat_getPermalink, logger, channel=message.channel_id, message_ts=message.ts
    )
    return str(found["permalink"]) if found and found.get("permalink") else None


def tell_in_thread(
    client: WebClient, message: ChannelMessage, outcome: EvidenceOutcome, logger: logging.Logger
) -> None:
    """What was recorded (with its Undo and Accept buttons), or why nothing was."""
    if outcome.recorded:
        mark = {"channel": message.channel_id, "timestamp": message.ts, "name": REACTION}
        post_safely(client.reactions_add, logger, **mark)
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


def unmark(client: WebClient, body: dict[str, Any], logger: logging.Logger) -> None:
    """After Undo on the bot's thread reply: the :paperclip: comes off the thread's parent,
    the message the evidence came from."""
    thread_ts = (body.get("message") or {}).get("thread_ts")
    channel = (body.get("channel") or {}).get("id")
    if channel and thread_ts:
        post_safely(
            client.reactions_remove, logger, channel=channel, timestamp=thread_ts, name=REACTION
        )
