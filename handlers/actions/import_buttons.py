"""The `/recs import` preview's buttons: Import all, Edit (a modal), Cancel, and paging.

Every click is acked at once; the work follows. Import all runs the whole draft in one
transaction as the admin who clicked, and the preview message then shows the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.commands.replies import Reply
from bot.errors import NotAllowed, UserError
from bot.rules.permissions import Actor
from bot.views import imports as views
from slack.actors import team_of
from slack.deps import Deps
from slack.import_preview import show_finished, show_page
from slack.modals import open_view
from slack.registrar import Actions
from slack.replies import FOREIGN_TEAM, tell

Click = Callable[[Actor, dict[str, Any], list[str], WebClient, logging.Logger], None]


def register(app: Actions, deps: Deps) -> None:
    def listener(*action_ids: str) -> Callable[[Click], Click]:
        """Acks, finds the actor and the button's value, and turns errors into a DM."""

        def decorate(handle: Click) -> Click:
            def on_click(
                ack: Ack, body: dict[str, Any], client: WebClient, logger: logging.Logger
            ) -> None:
                ack()
                user_id = body["user"]["id"]
                team_id = team_of(body)
                try:
                    if deps.actors.is_foreign(team_id):
                        raise NotAllowed(FOREIGN_TEAM)
                    actor = deps.actors.actor(user_id, team_id)
                    value = str(body["actions"][0].get("value") or "").split(":")
                    handle(actor, body, value, client, logger)
                except UserError as exc:
                    tell(client, user_id, str(exc), logger)
                except Exception as exc:
                    tell(client, user_id, Reply.failure(exc).text, logger)

            for action_id in action_ids:
                app.action(action_id)(on_click)
            return handle

        return decorate

    @listener(views.IMPORT_ALL)
    def on_import_all(
        actor: Actor, body: dict[str, Any], value: list[str], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        result = deps.services.imports.import_all(actor, _number(value, 0))
        _finish(client, body, actor, f"Imported. {result.describe()}", logger)

    @listener(views.CANCEL)
    def on_cancel(
        actor: Actor, body: dict[str, Any], value: list[str], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        draft = deps.services.imports.cancel(actor, _number(value, 0))
        text = f"Import of review {draft.review_code} cancelled. Nothing was imported."
        _finish(client, body, actor, text, logger)

    @listener(views.PAGE_PREV, views.PAGE_NEXT)
    def on_page(
        actor: Actor, body: dict[str, Any], value: list[str], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        draft = deps.services.imports.draft(actor, _number(value, 0), "see an import")
        channel, ts = _message(body)
        if channel and ts:
            show_page(client, channel, ts, draft, _number(value, 1), logger)

    @listener(views.EDIT, views.EDIT_ROW)
    def on_edit(
        actor: Actor, body: dict[str, Any], value: list[str], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        draft = deps.services.imports.draft(actor, _number(value, 0), "correct an import")
        if not draft.is_open:
            raise UserError(f"That import was already {draft.state}.")
        index = _number(value, 1)
        if not 0 <= index < len(draft.recommendations):
            raise UserError("That recommendation is no longer in the import.")
        channel, ts = _message(body)
        view = views.edit_modal(
            draft, index, channel_id=channel, message_ts=ts, page=_number(value, 2)
        )
        open_view(client, body["trigger_id"], view, logger)


def _number(value: list[str], position: int) -> int:
    try:
        return int(value[position])
    except (IndexError, ValueError):
        raise UserError("That button is out of date: run `/recs import` again.") from None


def _message(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def _finish(
    client: WebClient, body: dict[str, Any], actor: Actor, text: str, logger: logging.Logger
) -> None:
    channel, ts = _message(body)
    if channel and ts:
        show_finished(client, channel, ts, text, logger)
    else:
        tell(client, actor.user_id, text, logger)
