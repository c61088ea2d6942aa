"""Pagination buttons under a list: the value is JSON {command, page}; the list command
runs again at that page and replaces the message."""

from __future__ import annotations

import dataclasses
import json

from bot.commands import grammar as c
from bot.errors import UserError
from bot.views import ids
from slack.deps import Deps
from slack.listeners import Click, on_click
from slack.registrar import Actions

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


def on_list_page(click: Click) -> None:
    reply = click.deps.runner.execute(click.actor, page_command(click.value))
    if reply.later is not None:
        reply = reply.later()  # a list across every review: the click is acked already
    click.answer(reply, replace_original=reply.ok)


def register(app: Actions, deps: Deps) -> None:
    app.action(PREVIOUS)(on_click(deps, on_list_page))
    app.action(NEXT)(on_click(deps, on_list_page))
