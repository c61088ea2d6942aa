"""Submissions of the evidence modals: *Add as evidence* (the ref picked for a message) and
*Reject evidence* (the chair's reason, sent to the owner by DM)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import UserError
from bot.services import evidence as capture
from bot.views import evidence as views
from bot.views import ids
from slack.actors import team_of
from slack.deps import Deps
from slack.evidence import tell_in_thread
from slack.forms import Form, refuse
from slack.replies import FOREIGN_TEAM, post_safely


def _message(form: Form, user_id: str) -> capture.ChannelMessage:
    meta = form.metadata
    files = tuple(
        capture.SlackFile(str(f.get("id", "")), str(f.get("name", "")))
        for f in meta.get("files") or ()
    )
    links = " ".join(f"<{link}>" for link in meta.get("links") or ())
    return capture.ChannelMessage(
        channel_id=str(meta.get("channel", "")),
        ts=str(meta.get("ts", "")),
        user_id=user_id,
        text=links,
        files=files,
    )


def register(app: App, deps: Deps) -> None:
    @app.view(ids.EVIDENCE_MODAL)
    def on_evidence_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        form = Form(view)
        user_id = body["user"]["id"]
        team_id = team_of(body)
        if deps.actors.is_foreign(team_id):
            refuse(ack, views.REF_FIELD, UserError(FOREIGN_TEAM))
            return
        actor = deps.actors.actor(user_id, team_id)
        message = _message(form, user_id)
        try:
            outcome = deps.services.evidence.from_chosen_message(
                actor,
                message,
                form.text(views.REF_FIELD),
                form.text(views.DESCRIPTION_FIELD),
                permalink=form.metadata.get("permalink"),
            )
        except UserError as exc:
            refuse(ack, views.REF_FIELD, exc)
            return
        ack()
        tell_in_thread(client, message, outcome, logger)

    @app.view(ids.REJECT_EVIDENCE_MODAL)
    def on_reject_evidence_submitted(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        form = Form(view)
        team_id = team_of(body)
        if deps.actors.is_foreign(team_id):
            refuse(ack, views.REASON_FIELD, UserError(FOREIGN_TEAM))
            return
        actor = deps.actors.actor(body["user"]["id"], team_id)
        evidence_id = int(form.metadata.get("evidence") or 0)
        try:
            decided = deps.services.evidence.reject(
                actor, evidence_id, form.text(views.REASON_FIELD)
            )
        except UserError as exc:
            refuse(ack, views.REASON_FIELD, exc)
            return
        ack()
        text = views.reviewed_text(decided.ref, decided.state, decided.reason)
        for user_id in decided.tell:
            post_safely(client.chat_postMessage, logger, channel=user_id, text=text)
