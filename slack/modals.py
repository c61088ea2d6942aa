"""Opens the modals, reading what they show through the read use cases and building them
with bot/views/modals.py."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.services.reading import Reads
from bot.views.imports import import_modal
from bot.views.modals import (
    add_modal,
    completed_modal,
    settings_modal,
    update_modal,
)
from slack.replies import post_safely

log = logging.getLogger(__name__)


def command_modal(reads: Reads, name: str, channel_id: str | None) -> View | None:
    """The modal a `/recs` command asked for (`Reply.modal`)."""
    if name == "add":
        return add_modal(reads.review_choices(), reads.agency_choices(), channel_id=channel_id)
    if name == "settings":
        found = reads.settings_form()
        return settings_modal(*found) if found else None
    if name == "import":
        return import_modal(channel_id=channel_id)
    log.warning("no modal called %s", name)
    return None


def recommendation_modal(reads: Reads, kind: str, ref: str, channel_id: str | None) -> View:
    """The update or completed modal for one recommendation; UserError if the ref is unknown."""
    rec = reads.recommendation(ref)
    ref, text = rec.ref, rec.text
    if kind == "completed":
        return completed_modal(ref, text, channel_id=channel_id)
    return update_modal(ref, text, channel_id=channel_id)


def open_view(client: WebClient, trigger_id: str, view: View, logger: logging.Logger = log) -> None:
    post_safely(client.views_open, logger, trigger_id=trigger_id, view=view)
