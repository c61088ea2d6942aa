"""A reminder's own buttons: Snooze 7 days, the impact check's answers, and Confirm or
Dismiss on a proposal made from a reply. (On track, At risk, Update… and Completed… are the
recommendation buttons, handled in recommendation_buttons.)"""

from __future__ import annotations

from bot.commands.dispatch import Reply
from bot.reminders import replies as reminder_replies
from bot.views import ids
from bot.views import reminders as views
from bot.views.modals import impact_modal
from slack.deps import Deps
from slack.listeners import Click, on_click
from slack.registrar import Actions
from storage.models import Recommendation


def snoozed(rec: Recommendation) -> str:
    return f"Reminders for {rec.ref} are snoozed until {rec.snoozed_until:%d %B %Y}."


def on_snooze_button(click: Click) -> None:
    rec = click.deps.services.recommendations.snooze(click.actor, click.value)
    click.answer(Reply.done(snoozed(rec)))


def on_impact_embedded(click: Click) -> None:
    # Embedded needs the finding, so ask for it; the submission records it.
    click.open(impact_modal(click.value))


def on_impact_not_yet(click: Click) -> None:
    text = reminder_replies.answer_impact_check(click.deps.db, click.actor, click.value, False)
    _recorded(click, text)


def on_proposal_confirmed(click: Click) -> None:
    value = click.value or "{}"
    _recorded(click, reminder_replies.confirm_proposal(click.deps.db, click.actor, value))


def on_proposal_dismissed(click: Click) -> None:
    _recorded(click, "Dismissed: nothing was changed.")


def _recorded(click: Click, text: str) -> None:
    """The proposal's or the check's buttons give way to the outcome: no second answer."""
    click.replace(text, views.recorded_blocks(text))


def register(app: Actions, deps: Deps) -> None:
    app.action(ids.SNOOZE)(on_click(deps, on_snooze_button))
    app.action(ids.IMPACT_EMBEDDED)(on_click(deps, on_impact_embedded))
    app.action(ids.IMPACT_NOT_YET)(on_click(deps, on_impact_not_yet))
    app.action(ids.CONFIRM_PROPOSAL)(on_click(deps, on_proposal_confirmed))
    app.action(ids.DISMISS_PROPOSAL)(on_click(deps, on_proposal_dismissed))
