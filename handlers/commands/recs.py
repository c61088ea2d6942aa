"""`/recs`: every subcommand runs through `CommandRunner.run`; this listener only delivers,
to a person of the installed workspace (anyone else is refused before the command is read).

Lists, shows and summaries are answered in the ack. A modal is opened after an empty ack;
uploads, direct messages and slow work (`Reply.later`) follow the ack on a worker
(`Deps.after_response`), so the listener returns as soon as it has acked: `serve` answers
commands when the listener returns (slack/apps.py `build_command_app`).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slack.actors import NotAdmitted
from slack.deps import Deps
from slack.modals import command_modal, open_view
from slack.replies import acknowledge, follow_up, refusal, run_safely

COMMAND = "/recs"


def register(app: App, deps: Deps) -> None:
    @app.command(COMMAND)
    def on_recs_command(
        ack: Ack,
        command: dict[str, Any],
        respond: Respond,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        user_id = command["user_id"]
        team_id = command.get("team_id")
        channel_id = command.get("channel_id")
        text = command.get("text") or ""
        try:
            # Someone of another workspace reads nothing and writes nothing.
            deps.actors.admit([team_id])
        except NotAdmitted as exc:
            acknowledge(ack, refusal(exc.message))
            return
        actor = deps.actors.actor(user_id, team_id, channel_id)
        reply = run_safely(deps.runner, actor, text, channel_id)
        if reply.modal:
            view = command_modal(deps.services.reads, reply.modal, actor)
            if view is None:
                acknowledge(ack, refusal("There is nothing to set up yet: load a plan first."))
                return
            ack()
            deps.after_response(open_view, client, command["trigger_id"], view, logger)
            return
        acknowledge(ack, reply)
        if reply.follows:
            deps.after_response(
                partial(
                    follow_up,
                    reply,
                    client=client,
                    respond=respond,
                    channel_id=channel_id,
                    user_id=user_id,
                    logger=logger,
                ),
                slow=reply.upload is not None
                or (reply.later is not None and not reply.placeholder),
            )
