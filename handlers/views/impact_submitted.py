"""The impact check's answer: *Embedded*, with what the audit found."""

from __future__ import annotations

from slack_bolt import App

from bot.reminders import replies as reminder_replies
from bot.views import ids
from bot.views.modals import IMPACT_FINDING
from slack.deps import Deps
from slack.listeners import Submission, on_submission


def on_impact_submitted(modal: Submission) -> None:
    ref = str(modal.form.metadata.get("ref") or "")
    finding = modal.form.text(IMPACT_FINDING)
    text = reminder_replies.answer_impact_check(modal.deps.db, modal.actor, ref, True, finding)
    modal.close()
    modal.tell(text)


def register(app: App, deps: Deps) -> None:
    app.view(ids.IMPACT_MODAL)(on_submission(deps, on_impact_submitted, field=IMPACT_FINDING))
