"""Publishes a person's App Home: their recommendations, and for chairs the board overview."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.home import home_page
from bot.views.home import home_view
from slack.replies import post_safely
from storage.db import Database


def publish_home(db: Database, client: WebClient, user_id: str, logger: logging.Logger) -> None:
    today = db.clock().date()
    with db.unit_of_work(write=False) as uow:
        page = home_page(uow.session, user_id, today)
    post_safely(client.views_publish, logger, user_id=user_id, view=home_view(page, today))
