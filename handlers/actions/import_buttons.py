"""The `/recs import` preview's buttons: Import all, Edit (a modal), Cancel, and paging.

Every click is acked at once; the work follows. Import all runs the whole draft in one
transaction as the admin who clicked, and the preview message then shows the outcome. The
preview is the admin's DM, so refusals and errors come as a plain DM too.
"""

from __future__ import annotations

from bot.errors import UserError
from bot.views import imports as views
from slack.deps import Deps
from slack.import_preview import show_finished, show_page
from slack.listeners import Click, on_click
from slack.registrar import Actions


def on_import_all(click: Click) -> None:
    result = click.deps.services.imports.import_all(click.actor, _number(click, 0))
    _finish(click, f"Imported. {result.describe()}")


def on_cancel(click: Click) -> None:
    draft = click.deps.services.imports.cancel(click.actor, _number(click, 0))
    _finish(click, f"Import of review {draft.review_code} cancelled. Nothing was imported.")


def on_page(click: Click) -> None:
    draft = click.deps.services.imports.draft(click.actor, _number(click, 0), "see an import")
    channel, ts = _message(click)
    if channel and ts:
        show_page(click.client, channel, ts, draft, _number(click, 1), click.logger)


def on_edit(click: Click) -> None:
    draft = click.deps.services.imports.draft(click.actor, _number(click, 0), "correct an import")
    if not draft.is_open:
        raise UserError(f"That import was already {draft.state}.")
    index = _number(click, 1)
    if not 0 <= index < len(draft.recommendations):
        raise UserError("That recommendation is no longer in the import.")
    channel, ts = _message(click)
    click.open(
        views.edit_modal(draft, index, channel_id=channel, message_ts=ts, page=_number(click, 2))
    )


def _number(click: Click, position: int) -> int:
    """One of the numbers a button's value carries, "draft:index:page"."""
    try:
        return int(click.value.split(":")[position])
    except (IndexError, ValueError):
        raise UserError("That button is out of date: run `/recs import` again.") from None


def _message(click: Click) -> tuple[str | None, str | None]:
    container = click.body.get("container") or {}
    channel = container.get("channel_id") or click.channel_id
    ts = container.get("message_ts") or (click.body.get("message") or {}).get("ts")
    return channel, ts


def _finish(click: Click, text: str) -> None:
    channel, ts = _message(click)
    if channel and ts:
        show_finished(click.client, channel, ts, text, click.logger)
    else:
        click.tell(text)


def register(app: Actions, deps: Deps) -> None:
    clicks = {
        views.IMPORT_ALL: on_import_all,
        views.CANCEL: on_cancel,
        views.PAGE_PREV: on_page,
        views.PAGE_NEXT: on_page,
        views.EDIT: on_edit,
        views.EDIT_ROW: on_edit,
    }
    for action_id, handle in clicks.items():
        app.action(action_id)(on_click(deps, handle, by_dm=True))
