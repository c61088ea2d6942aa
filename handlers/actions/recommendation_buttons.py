"""The buttons on a recommendation (show, lists, App Home): Show, At risk, On track,
Update… and Completed…. The first three run a `/recs` command; the last two open a modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.commands.dispatch import Reply
from bot.errors import UserError
from bot.views import ids
from slack.actors import team_of
from slack.deps import Deps
from slack.home import publish_home
from slack.modals import open_view, recommendation_modal
from slack.registrar import Actions
from slack.replies import answer, refusal, run_safely
from storage.models import UpdateSource

# A button is a `/recs` command with the ref filled in.
COMMANDS = {
    ids.SHOW: "show {ref}",
    ids.AT_RISK: "update {ref} at-risk",
    ids.ON_TRACK: "update {ref} on-track",
}
MODALS = {ids.UPDATE: "update", ids.COMPLETED: "completed"}


def channel_of(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def in_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def register(app: Actions, deps: Deps) -> None:
    def on_recommendation_button(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond | None,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        team_id = team_of(body)
        action_id = action["action_id"]
        ref = action.get("value") or ""
        if action_id != ids.SHOW and deps.actors.is_foreign(team_id):
            answer(refusal(), client=client, respond=respond, user_id=user_id, logger=logger)
            return
        actor = deps.actors.actor(user_id, team_id)
        reply = run_safely(
            deps.runner, actor, COMMANDS[action_id].format(ref=ref), channel_of(body),
            UpdateSource.button,
        )
        answer(reply, client=client, respond=respond, user_id=user_id, logger=logger)
        if in_home(body) and action_id != ids.SHOW:
            publish_home(deps.services.reads, client, user_id, logger)

    def on_modal_button(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond | None,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            view = recommendation_modal(
                deps.services.reads, MODALS[action["action_id"]], action.get("value") or "", channel_of(body)
            )
        except UserError as exc:
            answer(Reply.error(exc), client=client, respond=respond, user_id=user_id)
            return
        open_view(client, body["trigger_id"], view, logger)

    for action_id in COMMANDS:
        app.action(action_id)(on_recommendation_button)
    for action_id in MODALS:
        app.action(action_id)(on_modal_button)
