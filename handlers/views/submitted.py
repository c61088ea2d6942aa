"""Modal submissions: add, update, completed-with-evidence and settings.

Each reads the inputs and calls one use case in one transaction, then closes the modal and
confirms by DM; or the modal stays open with the error under the input, nothing written
(slack/listeners.py `on_submission`).
"""

from __future__ import annotations

from slack_bolt import App

from bot import services
from bot.commands import grammar as c
from bot.commands.dispatch import Reply
from bot.views import ids
from slack.deps import Deps
from slack.forms import FieldError, Form
from slack.listeners import Submission, on_submission
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


def on_add_submitted(modal: Submission) -> None:
    form = modal.form
    text = form.text("text")
    if not text:
        raise FieldError("text", "Write the recommendation.")
    lead = form.text("lead")
    add = c.Add(
        review=form.text("review"),
        text=text,
        agency=form.text("agency") or None,
        due=form.text("due") or None,
        label=form.text("label") or None,
        lead=c.Mention(f"<@{lead}>") if lead else None,
    )
    modal.done(modal.deps.runner.execute(modal.actor, add, source=UpdateSource.modal))


def on_update_submitted(modal: Submission) -> None:
    form = modal.form
    choice = form.text("status") or "note"
    if choice not in c.STATUS_WORDS:
        raise FieldError("status", "Pick one of the choices.")
    status, at_risk = c.STATUS_WORDS[choice]
    update = c.Update(str(form.metadata.get("ref", "")), status, at_risk, form.text("note"))
    modal.done(modal.deps.runner.execute(modal.actor, update, source=UpdateSource.modal))


def on_completed_submitted(modal: Submission) -> None:
    form = modal.form
    rec = modal.deps.services.recommendations.complete_with_evidence(
        modal.actor,
        str(form.metadata.get("ref", "")),
        url=form.text("url"),
        description=form.text("description"),
        note=form.text("note"),
        source=UpdateSource.modal,
    )
    text = f"{rec.ref} is marked completed with its evidence. A chair will review it."
    modal.done(Reply.done(text, rec.ref))


def on_settings_submitted(modal: Submission) -> None:
    board_id = int(modal.form.metadata.get("board", 0))
    try:
        modal.deps.services.boards.change_settings(modal.actor, board_id, _settings(modal.form))
    except services.SettingError as exc:
        raise FieldError(exc.field, str(exc)) from exc
    modal.done(Reply.done("The board settings are saved."))


def _settings(form: Form) -> services.BoardSettings:
    return services.BoardSettings(
        channel_id=form.text("channel"),
        chair_ids=form.users("chairs"),
        linked_channel_ids=form.conversations("evidence_channels"),
        due_soon_days=form.text("due_soon_days"),
        overdue_every_days=form.number("overdue_every_days"),
        stale_after_days=form.number("stale_after_days"),
        escalate_after_days=form.number("escalate_after_days"),
        amber_due_within_days=form.number("amber_due_within_days"),
        amber_stale_days=form.number("amber_stale_days"),
        require_evidence="yes" in form.checked("require_evidence"),
    )


def register(app: App, deps: Deps) -> None:
    app.view(ids.ADD_MODAL)(on_submission(deps, on_add_submitted, field="text", words=ADD_WORDS))
    app.view(ids.UPDATE_MODAL)(
        on_submission(deps, on_update_submitted, field="status", words=UPDATE_WORDS)
    )
    app.view(ids.COMPLETED_MODAL)(
        on_submission(deps, on_completed_submitted, field="url", words=COMPLETED_WORDS)
    )
    app.view(ids.SETTINGS_MODAL)(on_submission(deps, on_settings_submitted, field="chairs"))
