"""The impact check's answer: *Embedded*, with what the audit found."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands.replies import Reply
from bot.errors import UserError
from bot.reminders import replies as reminder_replies
from bot.views import ids
from bot.views.modals import IMPACT_FINDING
from slack.actors import team_of
from slack.deps import Deps
from slack.forms import Form, refuse
from slack.replies import FOREIGN_TEAM, post_safely


def register(app: App, deps: Deps) -> None:
    @app.view(ids.IMPACT_MODAL)
    def on_impact_submitted(
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
            refuse(ack, IMPACT_FINDING, UserError(FOREIGN_TEAM))
            return
        actor = deps.actors.actor(user_id, team_id)
        ref = str(form.metadata.get("ref") or "")
        try:
            text = reminder_replies.answer_impact_check(
                deps.db, actor, ref, True, form.text(IMPACT_FINDING)
            )
        except UserError as exc:
            refuse(ack, IMPACT_FINDING, exc)
            return
        except Exception as exc:
            refuse(ack, IMPACT_FINDING, UserError(Reply.failure(exc).text))
            return
        ack()
        post_safely(client.chat_postMessage, logger, channel=user_id, text=text)
