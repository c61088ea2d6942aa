"""Submissions of the evidence modals: *Add as evidence* (the ref picked for a message) and
*Reject evidence* (the chair's reason, sent to the owner by DM)."""

from __future__ import annotations

from slack_bolt import App

from bot.views import evidence as views
from bot.views import ids
from slack.deps import Deps
from slack.evidence import chosen_message, tell_in_thread
from slack.listeners import Submission, on_submission
from slack.replies import tell


def on_evidence_submitted(modal: Submission) -> None:
    form = modal.form
    message = chosen_message(form.metadata, modal.user_id)
    outcome = modal.deps.services.evidence.from_chosen_message(
        modal.actor,
        message,
        form.text(views.REF_FIELD),
        form.text(views.DESCRIPTION_FIELD),
        permalink=form.metadata.get("permalink"),
    )
    modal.close()
    tell_in_thread(modal.client, message, outcome, modal.logger)


def on_reject_evidence_submitted(modal: Submission) -> None:
    evidence_id = int(modal.form.metadata.get("evidence") or 0)
    reason = modal.form.text(views.REASON_FIELD)
    decided = modal.deps.services.evidence.reject(modal.actor, evidence_id, reason)
    modal.close()
    text = views.reviewed_text(decided.ref, decided.state, decided.reason)
    for user_id in decided.tell:
        tell(modal.client, user_id, text, modal.logger)


def register(app: App, deps: Deps) -> None:
    app.view(ids.EVIDENCE_MODAL)(
        on_submission(deps, on_evidence_submitted, field=views.REF_FIELD)
    )
    app.view(ids.REJECT_EVIDENCE_MODAL)(
        on_submission(deps, on_reject_evidence_submitted, field=views.REASON_FIELD)
    )
