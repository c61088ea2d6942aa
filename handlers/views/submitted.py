"""Modal submissions: add, update, completed-with-evidence and settings.

Each reads the inputs, calls one use case in one transaction, and either closes the modal
and confirms by DM, or keeps it open with the error under the input (nothing written).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import services
from bot.commands import grammar as c
from bot.commands.dispatch import Reply
from bot.errors import NotAllowed, UserError
from bot.rules.permissions import Actor
from bot.views import ids
from slack.actors import team_of
from slack.deps import Deps
from slack.forms import FieldError, Form, guess_block, refuse
from slack.replies import FOREIGN_TEAM, confirm
from storage.models import UpdateSource

ADD_WORDS = {
    "review": "review",
    "agency": "agency",
    "lead officer": "lead",
    "user": "lead",
    "date": "due",
    "due": "due",
    "timescale": "due",
    "label": "label",
}
UPDATE_WORDS = {"note": "note", "empty": "note"}
COMPLETED_WORDS = {"link": "url", "url": "url", "description": "description", "note": "note"}

Handler = Callable[[Actor, Form], Reply]


def register(app: App, deps: Deps) -> None:
    runner = deps.runner

    def submission(callback_id: str, first_block: str, words: dict[str, str]) -> Callable:
        """Wraps a use case with the actor, the error mapping, the ack and the confirmation."""

        def decorate(handle: Handler) -> Handler:
            def on_submitted(
                ack: Ack,
                body: dict[str, Any],
                view: dict[str, Any],
                client: WebClient,
                logger: logging.Logger,
            ) -> None:
                user_id = body["user"]["id"]
                team_id = team_of(body)
                if deps.actors.is_foreign(team_id):
                    refuse(ack, first_block, NotAllowed(FOREIGN_TEAM))
                    return
                actor = deps.actors.actor(user_id, team_id)
                try:
                    reply = handle(actor, Form(view))
                except UserError as exc:
                    refuse(ack, guess_block(exc, first_block, words), exc)
                    return
                except Exception as exc:
                    failed = Reply.failure(exc)
                    refuse(ack, first_block, UserError(failed.text))
                    return
                ack()
                confirm(client, user_id, reply, logger)

            app.view(callback_id)(on_submitted)
            return handle

        return decorate

    @submission(ids.ADD_MODAL, "text", ADD_WORDS)
    def on_add_submitted(actor: Actor, form: Form) -> Reply:
        text = form.text("text")
        if not text:
            raise FieldError("text", "Write the recommendation.")
        lead = form.text("lead")
        return runner.execute(
            actor,
            source=UpdateSource.modal,
            command=c.Add(
                review=form.text("review"),
                text=text,
                agency=form.text("agency") or None,
                due=form.text("due") or None,
                label=form.text("label") or None,
                lead=c.Mention(f"<@{lead}>") if lead else None,
            ),
        )

    @submission(ids.UPDATE_MODAL, "status", UPDATE_WORDS)
    def on_update_submitted(actor: Actor, form: Form) -> Reply:
        ref = str(form.metadata.get("ref", ""))
        choice = form.text("status") or "note"
        if choice not in c.STATUS_WORDS:
            raise FieldError("status", "Pick one of the choices.")
        status, at_risk = c.STATUS_WORDS[choice]
        update = c.Update(ref, status, at_risk, form.text("note"))
        return runner.execute(actor, update, source=UpdateSource.modal)

    @submission(ids.COMPLETED_MODAL, "url", COMPLETED_WORDS)
    def on_completed_submitted(actor: Actor, form: Form) -> Reply:
        ref = str(form.metadata.get("ref", ""))
        rec = deps.services.recommendations.complete_with_evidence(
            actor,
            ref,
            url=form.text("url"),
            description=form.text("description"),
            note=form.text("note"),
            source=UpdateSource.modal,
        )
        return Reply.done(
            f"{rec.ref} is marked completed with its evidence. A chair will review it.", rec.ref
        )

    @submission(ids.SETTINGS_MODAL, "chairs", {})
    def on_settings_submitted(actor: Actor, form: Form) -> Reply:
        board_id = int(form.metadata.get("board", 0))
        new = services.BoardSettings(
            channel_id=form.text("channel"),
            chair_ids=form.users("chairs"),
            due_soon_days=form.text("due_soon_days"),
            overdue_every_days=form.number("overdue_every_days"),
            stale_after_days=form.number("stale_after_days"),
            escalate_after_days=form.number("escalate_after_days"),
            amber_due_within_days=form.number("amber_due_within_days"),
            amber_stale_days=form.number("amber_stale_days"),
            require_evidence="yes" in form.checked("require_evidence"),
        )
        try:
            deps.services.boards.change_settings(actor, board_id, new)
        except services.SettingError as exc:
            raise FieldError(exc.field, str(exc)) from exc
        return Reply.done("The board settings are saved.")
