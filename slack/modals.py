"""Opens the modals, reading what they show through the read use cases and building them
with bot/views/modals.py."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.rules.permissions import Actor
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


def command_modal(reads: Reads, name: str, actor: Actor) -> View | None:
    """The modal a `/recs` command asked for (`Reply.modal`), showing only what the person
    may see from where they asked."""
    channel_id = actor.channel_id
    if name == "add":
        choices = reads.review_choices(actor), reads.agency_choices(actor)
        return add_modal(*choices, channel_id=channel_id)
    if name == "settings":
        found = reads.settings_form(actor)
        return settings_modal(*found) if found else None
    if name == "import":
        return import_modal(channel_id=channel_id)
    log.warning("no modal called %s", name)
    return None


def recommendation_modal(reads: Reads, kind: str, ref: str, actor: Actor) -> View:
    """The update or completed modal for one recommendation; UserError if the ref is unknown
    (or not one the person may see)."""
    channel_id = actor.channel_id
    rec = reads.recommendation(actor, ref)
    ref, text = rec.ref, rec.text
    if kind == "completed":
        return completed_modal(ref, text, channel_id=channel_id)
    return update_modal(ref, text, channel_id=channel_id)


def open_view(client: WebClient, trigger_id: str, view: View, logger: logging.Logger = log) -> None:
    post_safely(client.views_open, logger, trigger_id=trigger_id, view=view)
