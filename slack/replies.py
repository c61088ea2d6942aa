"""Sends a `Reply` (bot/commands/replies.py) the Slack way: the ack, then whatever follows it.

Ephemeral or in-channel text goes in the ack itself; modals, uploads, direct messages and
slow work (`Reply.later`) follow it, so Slack always gets its answer within three seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block

from bot.commands.dispatch import CommandRunner, Reply
from bot.rules.permissions import Actor
from bot.views.blocks import as_dicts
from bot.views.recommendations import error_blocks
from storage.models import UpdateSource

log = logging.getLogger(__name__)

def run_safely(
    runner: CommandRunner,
    actor: Actor,
    text: str,
    channel_id: str | None,
    source: UpdateSource | None = None,
) -> Reply:
    """The runner turns person errors and database outages into replies; this adds the rest."""
    try:
        return runner.run(actor, text, channel_id=channel_id, source=source)
    except Exception as exc:
        return Reply.failure(exc)


def message_fields(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "blocks": as_dicts(reply.blocks) or None,
        "response_type": "in_channel" if reply.public else "ephemeral",
    }


def refusal(text: str) -> Reply:
    return Reply(text=text, blocks=error_blocks(text, None), ok=False)


def follow_up(
    reply: Reply,
    *,
    client: WebClient,
    respond: Respond | None,
    channel_id: str | None,
    user_id: str,
    logger: logging.Logger = log,
) -> None:
    """Everything a reply carries besides its text, after the ack."""
    for dm in reply.direct_messages:
        direct_message(client, dm.user_id, dm.text, dm.blocks, logger)
    if reply.upload is not None and channel_id:
        filename, content, title = reply.upload
        post_safely(
            client.files_upload_v2,
            logger,
            channel=channel_id,
            content=content,
            filename=filename,
            title=title,
        )
    if reply.later is not None:
        later = reply.later
        try:
            result = later()
        except Exception:
            logger.exception("slow work failed after the ack")
            result = refusal("Sorry, that failed on our side. Nothing was saved.")
        answer(
            result,
            client=client,
            respond=respond,
            user_id=user_id,
            # An ephemeral placeholder can't become a message for the channel: that follows it.
            replace_original=reply.placeholder and not result.public,
            logger=logger,
        )
        follow_up(
            _without_later(result),
            client=client,
            respond=respond,
            channel_id=channel_id,
            user_id=user_id,
            logger=logger,
        )


def _without_later(reply: Reply) -> Reply:
    reply.later = None
    return reply


def answer(
    reply: Reply,
    *,
    client: WebClient,
    respond: Respond | None,
    user_id: str,
    replace_original: bool = False,
    logger: logging.Logger = log,
) -> None:
    """The reply's text: to the response_url when there is one (commands, message buttons),
    otherwise as a DM (buttons in App Home have no response_url)."""
    if respond is not None and getattr(respond, "response_url", None):
        try:
            respond(**message_fields(reply), replace_original=replace_original)
            return
        except (SlackApiError, SlackClientError, OSError) as exc:
            logger.warning("response_url post failed: %s", type(exc).__name__)
            return
    confirm(client, user_id, reply, logger)


def confirm(client: WebClient, user_id: str, reply: Reply, logger: logging.Logger = log) -> None:
    """A reply by DM: what a closed modal saved, or an answer where there is no response_url."""
    direct_message(client, user_id, reply.text, reply.blocks, logger)


def tell(client: WebClient, user_id: str, text: str, logger: logging.Logger = log) -> None:
    """A short plain DM: what went wrong after a modal had closed, or on a DM's button."""
    direct_message(client, user_id, text, [], logger)


def direct_message(
    client: WebClient, user_id: str, text: str, blocks: list[Block], logger: logging.Logger
) -> None:
    post_safely(
        client.chat_postMessage,
        logger,
        channel=user_id,
        text=text,
        blocks=as_dicts(blocks) or None,  # None: left out of the call, a text-only message
    )


def post_safely(call: Callable[..., Any], logger: logging.Logger, **kwargs: Any) -> Any:
    """A Web API call whose failure is logged (after the client's own retries), not raised:
    the write it reports on has already been committed."""
    try:
        return call(**kwargs)
    except (SlackApiError, SlackClientError) as exc:
        logger.warning("Slack call failed: %s", _error_name(exc))
        return None


def _error_name(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    return type(exc).__name__


def acknowledge(ack: Ack, reply: Reply) -> None:
    ack(**message_fields(reply))
