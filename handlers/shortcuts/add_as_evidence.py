"""The *Add as evidence* message shortcut: opens a modal to pick the ref for any message;
the submission (handlers/views/evidence_submitted.py) records it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.views import evidence as views
from bot.views import ids
from slack.actors import NotAdmitted, teams_of
from slack.deps import Deps
from slack.evidence import permalink_of, shortcut_message
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
        try:
            deps.actors.admit(teams_of(body))
        except NotAdmitted as exc:
            user_id = str(body["user"]["id"])
            answer(refusal(exc.message), client=client, respond=respond, user_id=user_id,
                   logger=logger)  # fmt: skip
            return
        message = shortcut_message(body)
        refs = message.refs
        view = views.evidence_modal(
            default_ref=refs[0] if refs else "",
            description=message.plain_text,
            preview=message.plain_text,
            channel_id=message.channel_id,
            message_ts=message.ts,
            links=message.links,
            files=[{"id": f.id, "name": f.name} for f in message.files],
            permalink=permalink_of(deps.actors, client, message, logger),
        )
        open_view(client, body["trigger_id"], view, logger)
