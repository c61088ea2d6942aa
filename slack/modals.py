"""Opens the modals, reading what they show from the database (bot/home.py) and building
them with bot/views/modals.py."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot import services
from bot.home import agency_choices, review_choices, settings_form
from bot.views.imports import import_modal
from bot.views.modals import (
    add_modal,
    completed_modal,
    settings_modal,
    update_modal,
)
from slack.replies import post_safely
from storage.db import Database

log = logging.getLogger(__name__)


def command_modal(db: Database, name: str, channel_id: str | None) -> View | None:
    """The modal a `/recs` command asked for (`Reply.modal`)."""
    with db.unit_of_work(write=False) as uow:
        if name == "add":
            return add_modal(
                review_choices(uow.session), agency_choices(uow.session), channel_id=channel_id
            )
        if name == "settings":
            found = settings_form(uow.session)
            return settings_modal(*found) if found else None
    if name == "import":
        return import_modal(channel_id=channel_id)
    log.warning("no modal called %s", name)
    return None


def recommendation_modal(db: Database, kind: str, ref: str, channel_id: str | None) -> View:
    """The update or completed modal for one recommendation; UserError if the ref is unknown."""
    with db.unit_of_work(write=False) as uow:
        rec = services.get_recommendation(uow.session, ref)
        ref, text = rec.ref, rec.text
    if kind == "completed":
        return completed_modal(ref, text, channel_id=channel_id)
    return update_modal(ref, text, channel_id=channel_id)


def open_view(client: WebClient, trigger_id: str, view: View, logger: logging.Logger = log) -> None:
    post_safely(client.views_open, logger, trigger_id=trigger_id, view=view)
