"""A reminder's own buttons: Snooze 7 days, the impact check's answers, and Confirm or
Dismiss on a proposal made from a reply. (On track, At risk, Update… and Completed… are the
recommendation buttons, handled in recommendation_buttons.)"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.commands.dispatch import Reply
from bot.reminders import replies as reminder_replies
from bot.rules.permissions import Actor
from bot.views import ids
from bot.views import reminders as views
from bot.views.blocks import as_dicts
from bot.views.modals import impact_modal
from slack.deps import Deps
from slack.modals import open_view
from slack.registrar import Actions
from slack.replies import answer, run_action
from storage.models import Recommendation


def snoozed(rec: Recommendation) -> str:
    return f"Reminders for {rec.ref} are snoozed until {rec.snoozed_until:%d %B %Y}."


def register(app: Actions, deps: Deps) -> None:

    def run(
        body: dict[str, Any],
        respond: Respond | None,
        client: WebClient,
        logger: logging.Logger,
        use_case: Callable[[Actor], str],
        *,
        replace: bool = False,
    ) -> None:
        text = run_action(deps, body, use_case, client=client, respond=respond, logger=logger)
        if text is None:
            return
        if replace and respond is not None:
            # The proposal's buttons give way to the outcome, so it can't be confirmed twice.
            respond(text=text, blocks=as_dicts(views.recorded_blocks(text)),
                    replace_original=True)
            return
        answer(Reply.done(text), client=client, respond=respond, user_id=body["user"]["id"],
               logger=logger)

    @app.action(ids.SNOOZE)
    def on_snooze_button(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                         respond: Respond | None, client: WebClient,
                         logger: logging.Logger) -> None:
        ack()
        ref = action.get("value") or ""
        run(body, respond, client, logger, lambda actor: snoozed(deps.services.recommendations.snooze(actor, ref)))

    @app.action(ids.IMPACT_EMBEDDED)
    def on_impact_embedded(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                           client: WebClient, logger: logging.Logger) -> None:
        ack()
        # Embedded needs the finding, so ask for it; the submission records it.
        open_view(client, body["trigger_id"], impact_modal(action.get("value") or ""), logger)

    @app.action(ids.IMPACT_NOT_YET)
    def on_impact_not_yet(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                          respond: Respond | None, client: WebClient,
                          logger: logging.Logger) -> None:
        ack()
        ref = action.get("value") or ""
        run(body, respond, client, logger,
            lambda actor: reminder_replies.answer_impact_check(deps.db, actor, ref, False),
            replace=True)

    @app.action(ids.CONFIRM_PROPOSAL)
    def on_proposal_confirmed(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                              respond: Respond | None, client: WebClient,
                              logger: logging.Logger) -> None:
        ack()
        value = action.get("value") or "{}"
        run(body, respond, client, logger,
            lambda actor: reminder_replies.confirm_proposal(deps.db, actor, value), replace=True)

    @app.action(ids.DISMISS_PROPOSAL)
    def on_proposal_dismissed(ack: Ack, body: dict[str, Any], respond: Respond | None,
                              client: WebClient, logger: logging.Logger) -> None:
        ack()
        run(body, respond, client, logger, lambda actor: "Dismissed: nothing was changed.",
            replace=True)
