"""`/recs import` submissions: the import modal (parse, store a draft, DM the preview) and the
modal that corrects one recommendation of a draft (then re-renders the preview).

Pasted text is read before the modal closes, so a section with no recommendations keeps it
open with the reason under the box. A shared file is fetched after (a download can take
longer than Slack's three seconds); its problems arrive by DM.
"""

from __future__ import annotations

from datetime import date

from slack_bolt import App

from bot.commands.replies import Reply
from bot.errors import UserError
from bot.imports import drafts as import_drafts
from bot.imports.drafts import Draft
from bot.imports.plans import parse_file
from bot.rules import dates
from bot.views import imports as views
from slack.deps import Deps
from slack.forms import FieldError
from slack.import_preview import post_preview, read_shared_file, show_page
from slack.listeners import Submission, on_submission

FIRST_BOX = views.paste_field(1)
PASTED = "pasted.txt"  # read as a plain-text report
IMPORT_WORDS = {"review": "review", "file": views.FILE_FIELD, "accepted": views.ACCEPTED_FIELD}
EDIT_WORDS = {
    "label": "label",
    "date": "due",
    "timescale": "due",
    "text": "text",
    "agency": "agency",
}


def on_import_submitted(modal: Submission) -> None:
    form = modal.form
    pasted = import_drafts.pasted_text(
        [form.text(views.paste_field(n)) for n in range(1, views.PASTE_BOXES + 1)]
    )
    reference = form.text(views.FILE_FIELD)
    _check_form(modal, pasted, reference)
    _accepted(modal)  # a bad date keeps the modal open, before any file is fetched
    draft = _store(modal, PASTED, pasted.encode()) if pasted else None
    modal.close()
    if draft is None:
        draft = _from_file(modal, reference)
    if draft is not None:
        post_preview(modal.client, modal.user_id, draft, modal.logger)


def on_edit_submitted(modal: Submission) -> None:
    meta = modal.form.metadata
    draft = modal.deps.services.imports.correct(
        modal.actor,
        int(meta.get("draft", 0)),
        int(meta.get("index", -1)),
        label=modal.form.text("label"),
        agency=modal.form.text("agency"),
        text=modal.form.text("text") if "text" in modal.form.values else None,
        due=modal.form.text("due"),
    )
    modal.close()
    channel, ts = meta.get("channel"), meta.get("ts")
    if channel and ts:
        page = int(meta.get("page", 0))
        show_page(modal.client, str(channel), str(ts), draft, page, modal.logger)
    else:
        post_preview(modal.client, modal.user_id, draft, modal.logger)


def _check_form(modal: Submission, pasted: str, reference: str) -> None:
    """Everything that can be said before reading: admin, a review code, one source."""
    modal.deps.services.imports.require_admin(modal.actor, "import a review")
    if not modal.form.text("review"):
        raise FieldError("review", "Give the review's code.")
    if not pasted and not reference:
        raise FieldError(FIRST_BOX, "Paste the recommendations section, or give a file's link.")
    if pasted and reference:
        raise FieldError(views.FILE_FIELD, "Paste the section or give a file, not both.")


def _accepted(modal: Submission) -> date | None:
    written = modal.form.text(views.ACCEPTED_FIELD)
    try:
        return dates.parse_day(written) if written else None
    except UserError as exc:
        raise FieldError(views.ACCEPTED_FIELD, exc.message.splitlines()[0]) from exc


def _store(modal: Submission, filename: str, content: bytes) -> Draft:
    """Reads the plan or report and stores it as a draft for the preview."""
    imports, form = modal.deps.services.imports, modal.form
    code = form.text("review")
    accepted = _accepted(modal)
    parsed = parse_file(filename, content, accepted, review_accepted=imports.accepted_on(code))
    parsed.accepted_on = accepted or parsed.accepted_on
    if parsed.errors:
        raise FieldError(FIRST_BOX, "; ".join(parsed.errors))
    source = filename if filename != PASTED else "pasted text"
    title = form.text("title") or None
    return imports.create(modal.actor, review_code=code, title=title, source=source, parsed=parsed)


def _from_file(modal: Submission, reference: str) -> Draft | None:
    """After the modal has closed: fetch, read and store; a problem is told by DM."""
    try:
        api_url = modal.deps.settings.slack_api_url
        name, content = read_shared_file(modal.client, api_url, reference)
        return _store(modal, name, content)
    except UserError as exc:
        modal.tell(f"Nothing was imported: {exc}")
    except Exception as exc:
        modal.tell(Reply.failure(exc).text)
    return None


def register(app: App, deps: Deps) -> None:
    app.view(views.IMPORT_MODAL)(
        on_submission(
            deps, on_import_submitted, field=FIRST_BOX, words=IMPORT_WORDS, top="review"
        )
    )
    app.view(views.EDIT_MODAL)(
        on_submission(deps, on_edit_submitted, field="label", words=EDIT_WORDS)
    )
