"""Publishes a person's App Home: their recommendations, and for chairs the board overview."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.rules.permissions import Actor
from bot.services.reading import Reads
from bot.views.home import home_view
from slack.replies import post_safely


def publish_home(reads: Reads, client: WebClient, actor: Actor, logger: logging.Logger) -> None:
    page, today = reads.home_page(actor), reads.today()
    view = home_view(page, today)
    post_safely(client.views_publish, logger, user_id=actor.user_id, view=view)
