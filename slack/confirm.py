"""After a modal closes: tell the person what was saved, by DM (a modal has no response_url)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.commands.dispatch import Reply
from bot.views.blocks import as_dicts
from slack.replies import post_safely


def confirm(client: WebClient, user_id: str, reply: Reply, logger: logging.Logger) -> None:
    post_safely(
        client.chat_postMessage,
        logger,
        channel=user_id,
        text=reply.text,
        blocks=as_dicts(reply.blocks) or None,
    )
