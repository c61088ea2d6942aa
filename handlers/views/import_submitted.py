"""`/recs import` submissions: the import modal (parse, store a draft, DM the preview) and the
modal that corrects one recommendation of a draft (then re-renders the preview).

Pasted text is read before the ack, so a section with no recommendations keeps the modal
open with the reason under the box. A shared file is fetched after the ack (a download can
take longer than Slack's three seconds); its problems arrive by DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.commands.replies import Reply
from bot.errors import NotAllowed, UserError
from bot.imports import drafts as import_drafts
from bot.imports.drafts import Draft
from bot.imports.plans import parse_file
from bot.rules.permissions import Actor
from bot.views import imports as views
from slack.actors import team_of
from slack.deps import Deps
from slack.forms import FieldError, Form, guess_block, refuse
from slack.import_preview import post_preview, read_shared_file, show_page
from slack.replies import FOREIGN_TEAM, tell

FIRST_BOX = views.paste_field(1)
PASTED = "pasted.txt"  # read as a plain-text report
IMPORT_WORDS = {"review": "review", "file": views.FILE_FIELD}
EDIT_WORDS = {
    "label": "label",
    "date": "due",
    "timescale": "due",
    "text": "text",
    "agency": "agency",
}


def register(app: App, deps: Deps) -> None:
    def actor_of(body: dict[str, Any]) -> Actor | None:
        team_id = team_of(body)
        if deps.actors.is_foreign(team_id):
            return None
        return deps.actors.actor(body["user"]["id"], team_id)

    def store(actor: Actor, form: Form, filename: str, content: bytes) -> Draft:
        code = form.text("review")
        parsed = parse_file(filename, content, deps.services.imports.accepted_on(code))
        source = filename if filename != PASTED else "pasted text"
        if parsed.errors:
            raise FieldError(FIRST_BOX, "; ".join(parsed.errors))
        return deps.services.imports.create(
            actor, review_code=code, title=form.text("title") or None, source=source, parsed=parsed
        )

    @app.view(views.IMPORT_MODAL)
    def on_import_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        actor = actor_of(body)
        if actor is None:
            refuse(ack, "review", NotAllowed(FOREIGN_TEAM))
            return
        form = Form(view)
        pasted = import_drafts.pasted_text(
            [form.text(views.paste_field(n)) for n in range(1, views.PASTE_BOXES + 1)]
        )
        reference = form.text(views.FILE_FIELD)
        try:
            _check_form(deps, actor, form, pasted, reference)
            draft = store(actor, form, PASTED, pasted.encode()) if pasted else None
        except UserError as exc:
            refuse(ack, guess_block(exc, FIRST_BOX, IMPORT_WORDS), exc)
            return
        except Exception as exc:
            refuse(ack, FIRST_BOX, UserError(Reply.failure(exc).text))
            return
        ack()
        if draft is None:
            draft = _from_file(deps, client, actor, form, reference, logger, store)
        if draft is not None:
            post_preview(client, actor.user_id, draft, logger)

    @app.view(views.EDIT_MODAL)
    def on_edit_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
        logger: logging.Logger,
    ) -> None:  # fmt: skip
        actor = actor_of(body)
        if actor is None:
            refuse(ack, "label", NotAllowed(FOREIGN_TEAM))
            return
        form = Form(view)
        meta = form.metadata
        has_text = "text" in form.values
        try:
            draft_id = int(meta.get("draft", 0))
            draft = deps.services.imports.correct(
                actor,
                draft_id,
                int(meta.get("index", -1)),
                label=form.text("label"),
                agency=form.text("agency"),
                text=form.text("text") if has_text else None,
                due=form.text("due"),
            )
        except UserError as exc:
            refuse(ack, guess_block(exc, "label", EDIT_WORDS), exc)
            return
        except Exception as exc:
            refuse(ack, "label", UserError(Reply.failure(exc).text))
            return
        ack()
        channel, ts = meta.get("channel"), meta.get("ts")
        if channel and ts:
            show_page(client, str(channel), str(ts), draft, int(meta.get("page", 0)), logger)
        else:
            post_preview(client, actor.user_id, draft, logger)


def _check_form(deps: Deps, actor: Actor, form: Form, pasted: str, reference: str) -> None:
    """Everything that can be said before reading: admin, a review code, one source."""
    deps.services.imports.require_admin(actor, "import a review")
    if not form.text("review"):
        raise FieldError("review", "Give the review's code.")
    if not pasted and not reference:
        raise FieldError(FIRST_BOX, "Paste the recommendations section, or give a file's link.")
    if pasted and reference:
        raise FieldError(views.FILE_FIELD, "Paste the section or give a file, not both.")


def _from_file(
    deps: Deps,
    client: WebClient,
    actor: Actor,
    form: Form,
    reference: str,
    logger: logging.Logger,
    store: Any,
) -> Draft | None:
    """After the ack: fetch, read and store; a problem is told by DM (the modal has closed)."""
    try:
        name, content = read_shared_file(client, deps.settings.slack_api_url, reference)
        draft: Draft = store(actor, form, name, content)
        return draft
    except UserError as exc:
        tell(client, actor.user_id, f"Nothing was imported: {exc}", logger)
    except Exception as exc:
        tell(client, actor.user_id, Reply.failure(exc).text, logger)
    return None
