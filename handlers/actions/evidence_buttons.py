"""The buttons on an evidence thread reply: *Undo* (the poster), *Accept* (the owner or a
chair) and *Reject…* (a chair; opens the reason modal)."""

from __future__ import annotations

from bot.commands.dispatch import Reply
from bot.errors import UserError
from bot.views import evidence as views
from bot.views import ids
from bot.views.recommendations import confirmation_blocks
from slack.deps import Deps
from slack.evidence import unmark
from slack.listeners import Click, on_click
from slack.registrar import Actions
from slack.replies import tell


def _ids(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip().isdigit()]


def on_evidence_undo(click: Click) -> None:
    refs = click.deps.services.evidence.undo(click.actor, _ids(click.value))
    text = views.undone_text(list(dict.fromkeys(refs)))
    click.replace(text, confirmation_blocks(text))
    unmark(click.client, click.body, click.logger)


def on_evidence_accept(click: Click) -> None:
    decided = click.deps.services.evidence.accept(click.actor, click.value)
    text = views.reviewed_text(decided.ref, decided.state, None)
    click.answer(Reply.done(text, decided.ref))
    for other in decided.tell:
        if other != click.user_id:
            tell(click.client, other, text, click.logger)


def on_evidence_reject(click: Click) -> None:
    try:
        evidence_id = int(click.value or 0)
        decided = click.deps.services.evidence.reviewed(evidence_id)
    except (UserError, ValueError):
        return  # a stale or malformed button: there is no evidence left to give a reason for
    click.open(views.reject_modal(evidence_id, decided.ref, decided.what))


def register(app: Actions, deps: Deps) -> None:
    app.action(ids.EVIDENCE_UNDO)(on_click(deps, on_evidence_undo))
    app.action(ids.EVIDENCE_ACCEPT)(on_click(deps, on_evidence_accept))
    app.action(ids.EVIDENCE_REJECT)(on_click(deps, on_evidence_reject))
