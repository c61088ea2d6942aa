"""The buttons on a recommendation (show, lists, App Home): Show, At risk, On track,
Update… and Completed…. The first three run a `/recs` command; the last two open a modal."""

from __future__ import annotations

from typing import Any

from bot.commands.dispatch import Reply
from bot.views import ids
from slack.deps import Deps
from slack.home import publish_home
from slack.listeners import Click, on_click
from slack.modals import recommendation_modal
from slack.registrar import Actions
from slack.replies import run_safely
from storage.models import UpdateSource

# A button is a `/recs` command with the ref filled in.
COMMANDS = {
    ids.SHOW: "show {ref}",
    ids.AT_RISK: "update {ref} at-risk",
    ids.ON_TRACK: "update {ref} on-track",
}
MODALS = {ids.UPDATE: "update", ids.COMPLETED: "completed"}


def in_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def on_show_button(click: Click) -> None:
    click.answer(_run_command(click))


def on_status_button(click: Click) -> None:
    click.answer(_run_command(click))
    if in_home(click.body):
        publish_home(click.deps.services.reads, click.client, click.actor, click.logger)


def on_modal_button(click: Click) -> None:
    kind = MODALS[click.action["action_id"]]
    reads = click.deps.services.reads
    click.open(recommendation_modal(reads, kind, click.value, click.actor))


def _run_command(click: Click) -> Reply:
    command = COMMANDS[click.action["action_id"]].format(ref=click.value)
    return run_safely(click.deps.runner, click.actor, command, click.channel_id, UpdateSource.button)


def register(app: Actions, deps: Deps) -> None:
    app.action(ids.SHOW)(on_click(deps, on_show_button))
    for action_id in (ids.AT_RISK, ids.ON_TRACK):
        app.action(action_id)(on_click(deps, on_status_button))
    for action_id in MODALS:
        app.action(action_id)(on_click(deps, on_modal_button))
