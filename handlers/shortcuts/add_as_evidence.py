"""The *Add as evidence* message shortcut: opens a modal to pick the ref for a message in a
board's channel (home or linked); the submission (handlers/views/evidence_submitted.py)
records it. Whether the channel is private is asked of Slack and kept with the evidence."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import UserError
from bot.services.evidence import NOT_A_BOARD_CHANNEL
from bot.views import evidence as views
from bot.views import ids
from slack.actors import teams_of
from slack.deps import Deps
from slack.evidence import channel_is_private, permalink_of, shortcut_message
from slack.modals import open_view
from slack.replies import answer, refusal


def register(app: App, deps: Deps) -> None:
    @app.shortcut(ids.ADD_AS_EVIDENCE)
    def on_add_as_evidence(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond | None,
        logger: logging.Logger,
    ) -> None:
        ack()
        user_id = str(body["user"]["id"])
        channel_id = str((body.get("channel") or {}).get("id") or "")
        try:
            deps.actors.admit(teams_of(body))
            if not deps.services.evidence.is_board_channel(channel_id):
                raise UserError(NOT_A_BOARD_CHANNEL)
        except UserError as exc:
            answer(refusal(exc.message), client=client, respond=respond, user_id=user_id,
                   logger=logger)  # fmt: skip
            return
        private = channel_is_private(client, channel_id, logger)
        message = shortcut_message(body, private=private)
        refs = message.refs
        view = views.evidence_modal(
            default_ref=refs[0] if refs else "",
            description=message.plain_text,
            preview=message.plain_text,
            channel_id=message.channel_id,
            message_ts=message.ts,
            links=message.links,
            files=[{"id": f.id, "name": f.name} for f in message.files],
            permalink=permalink_of(deps.actors, client, message, logger, teams_of(body)[0]),
            private=private,
        )
        open_view(client, body["trigger_id"], view, logger)
