"""Pagination buttons under a list: the value is JSON {command, page}; the list command
runs again at that page and replaces the message."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.commands import grammar as c
from bot.commands.dispatch import Reply
from bot.errors import UserError
from bot.views import ids
from slack.actors import team_of
from slack.deps import Deps
from slack.registrar import Actions
from slack.replies import answer

PREVIOUS = ids.LIST_PAGE + "_prev"
NEXT = ids.LIST_PAGE + "_next"


def page_command(value: str) -> c.Command:
    """The list command to run, at the page the button names; UserError if it is not one."""
    try:
        wanted = json.loads(value)
        text, page = str(wanted["command"]), int(wanted["page"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError("That page button is out of date: run the list again.") from exc
    command = c.parse(text)
    if not isinstance(command, c.ListRecs | c.Theme) or not 0 < page < 10_000:
        raise UserError("That page button is out of date: run the list again.")
    return dataclasses.replace(command, page=page)


def register(app: Actions, deps: Deps) -> None:
    def on_list_page(
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
        actor = deps.actors.actor(user_id, team_id)
        try:
            reply = deps.runner.execute(actor, page_command(action.get("value") or ""))
            if reply.later is not None:
                reply = reply.later()  # a list across every review: the click is acked already
        except UserError as exc:
            reply = Reply.error(exc)
        except Exception as exc:
            reply = Reply.failure(exc)
        answer(
            reply,
            client=client,
            respond=respond,
            user_id=user_id,
            replace_original=reply.ok,
            logger=logger,
        )

    app.action(PREVIOUS)(on_list_page)
    app.action(NEXT)(on_list_page)
