"""The buttons on an evidence thread reply: *Undo* (the poster), *Accept* (the owner or a
chair) and *Reject…* (a chair; opens the reason modal)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.commands.dispatch import Reply
from bot.errors import UserError
from bot.rules.permissions import Actor
from bot.services.evidence import ReviewedEvidence
from bot.views import evidence as views
from bot.views import ids
from bot.views.blocks import as_dicts
from bot.views.recommendations import confirmation_blocks
from slack.actors import team_of
from slack.deps import Deps
from slack.evidence import REACTION
from slack.modals import open_view
from slack.registrar import Actions
from slack.replies import answer, post_safely, refusal, run_action


def _ids(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip().isdigit()]


def register(app: Actions, deps: Deps) -> None:
    @app.action(ids.EVIDENCE_UNDO)
    def on_evidence_undo(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()

        def undo(actor: Actor) -> list[str]:
            return deps.services.evidence.undo(actor, _ids(action.get("value") or ""))

        refs = run_action(deps, body, undo, client=client, respond=respond, logger=logger)
        if refs is None:
            return
        text = views.undone_text(list(dict.fromkeys(refs)))
        respond(
            text=text,
            blocks=as_dicts(confirmation_blocks(text)),
            replace_original=True,
        )
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        if channel and message.get("thread_ts"):
            post_safely(
                client.reactions_remove,
                logger,
                channel=channel,
                timestamp=message["thread_ts"],
                name=REACTION,
            )

    @app.action(ids.EVIDENCE_ACCEPT)
    def on_evidence_accept(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()

        def accept(actor: Actor) -> ReviewedEvidence:
            return deps.services.evidence.accept(actor, action.get("value") or "")

        decided = run_action(deps, body, accept, client=client, respond=respond, logger=logger)
        if decided is None:
            return
        user_id = body["user"]["id"]
        text = views.reviewed_text(decided.ref, decided.state, None)
        answer(Reply.done(text, decided.ref), client=client, respond=respond, user_id=user_id)
        for other in decided.tell:
            if other != user_id:
                post_safely(client.chat_postMessage, logger, channel=other, text=text)

    @app.action(ids.EVIDENCE_REJECT)
    def on_evidence_reject(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()
        if deps.actors.is_foreign(team_of(body)):
            answer(refusal(), client=client, respond=respond, user_id=body["user"]["id"])
            return
        try:
            evidence_id = int(action.get("value") or 0)
            decided = deps.services.evidence.reviewed(evidence_id)
        except (UserError, ValueError):
            return
        open_view(
            client,
            body["trigger_id"],
            views.reject_modal(evidence_id, decided.ref, decided.what),
            logger,
        )
