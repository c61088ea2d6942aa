"""`/recs import`: the modal to paste a section or name a shared file, the preview message with
*Import all* / *Edit in a modal* / *Cancel*, and the modal that corrects one recommendation.

Pure functions, data in and Block Kit out. The preview is paged (`PAGE_SIZE` rows a page,
well inside a message's 50 blocks); each page re-renders the same message.
"""

from __future__ import annotations

import math

from slack_sdk.models.blocks import Block, ConfirmObject
from slack_sdk.models.views import View

from bot.imports import ParsedRecommendation
from bot.imports.drafts import Draft
from bot.views import ids
from bot.views.blocks import (
    MESSAGE_BLOCKS,
    actions,
    button,
    clip,
    context,
    divider,
    escape,
    header,
    section,
)

# The modals' own input builders, so every modal's inputs read back the same way.
from bot.views.modals import input_block, metadata, modal_view, text_input

# Callback and action ids (the handlers in handlers/views/import_submitted.py and
# handlers/actions/import_buttons.py listen for these).
IMPORT_MODAL = ids.IMPORT_MODAL
EDIT_MODAL = ids.IMPORT_EDIT_MODAL
IMPORT_ALL = ids.IMPORT_ALL
EDIT = ids.IMPORT_EDIT
EDIT_ROW = ids.IMPORT_EDIT_ROW
CANCEL = ids.IMPORT_CANCEL
PAGE_PREV = ids.IMPORT_PAGE_PREV
PAGE_NEXT = ids.IMPORT_PAGE_NEXT

PASTE_BOXES = 5  # Slack takes 3000 characters an input; Child H's section 7 is about 8,800
PASTE_LIMIT = 3000
FILE_FIELD = "file"
ACCEPTED_FIELD = "accepted"
PAGE_SIZE = 15
FIRST_WORDS = 24
TITLE_LIMIT = 24
FILE_KINDS = ".txt, .docx, .pdf, .csv, .xlsx, .xls or .ods"


def paste_field(number: int) -> str:
    return f"text_{number}"


def import_modal(*, channel_id: str | None = None) -> View:
    """Review code and title, then up to `PASTE_BOXES` pastes or a shared file's link."""
    blocks: list[Block] = [
        context(
            "Paste the review's recommendations section (or an action-plan table). A box "
            f"holds {PASTE_LIMIT:,} characters: paste a long section in pieces, each ending "
            f"at the end of a line. Or share the report ({FILE_KINDS}) in a channel and "
            "paste its link below. You will see a preview before anything is imported."
        ),
        input_block("review", "Review code", text_input(most=32, hint="H")),
        input_block("title", "Review title", text_input(most=200, hint="Child H"), optional=True),
        input_block(
            ACCEPTED_FIELD,
            "Date the board accepted the review",
            text_input(most=40, hint="15/9/2014"),
            optional=True,
            hint="Timescales such as 'within 6 months' count from it. Leave it empty if the "
            "review already has it, or the file says.",
        ),
    ]
    for number in range(1, PASTE_BOXES + 1):
        label = "Recommendations" if number == 1 else f"Recommendations, continued ({number})"
        blocks.append(
            input_block(
                paste_field(number), label, text_input(multiline=True, most=PASTE_LIMIT), optional=True
            )
        )
    blocks.append(
        input_block(
            FILE_FIELD,
            "Or a shared file",
            text_input(most=500, hint="https://….slack.com/files/U…/F…/report.pdf"),
            optional=True,
            hint=f"The file's link (or its ID, F…): {FILE_KINDS}.",
        )
    )
    return modal_view(IMPORT_MODAL, "Import a review", blocks, metadata(channel=channel_id), "Preview")


def preview_text(draft: Draft) -> str:
    doubtful = len(draft.doubtful())
    checks = f", {doubtful} to check" if doubtful else ""
    return (
        f"Import preview for review {draft.review_code}: "
        f"{len(draft.recommendations)} recommendations{checks}."
    )


def page_count(draft: Draft) -> int:
    return max(1, math.ceil(len(draft.recommendations) / PAGE_SIZE))


def preview_blocks(draft: Draft, page: int = 0) -> list[Block]:
    """One page of the preview, with the buttons; never more than a message's 50 blocks."""
    pages = page_count(draft)
    page = min(max(page, 0), pages - 1)
    first = page * PAGE_SIZE
    shown = draft.recommendations[first : first + PAGE_SIZE]
    blocks: list[Block] = [
        header(
            f"Import review {draft.review_code}"
            + (f": {draft.review_title}" if draft.review_title else "")
        ),
        context(_summary(draft, page, pages)),
    ]
    if draft.warnings:
        blocks.append(context(_listed("To check", draft.warnings)))
    if draft.conflicts:
        blocks.append(context(_listed("Conflicts with live work", draft.conflicts)))
    blocks.append(divider())
    for offset, rec in enumerate(shown):
        blocks.append(_row(draft, first + offset, rec, page))
    blocks.append(divider())
    navigation = _navigation(draft, page, pages)
    if navigation is not None:
        blocks.append(navigation)
    blocks.append(_buttons(draft, page, first))
    assert len(blocks) <= MESSAGE_BLOCKS, "PAGE_SIZE leaves room for the header and buttons"
    return blocks


def finished_blocks(text: str) -> list[Block]:
    """What the preview message becomes once imported or cancelled: no buttons left."""
    return [section(escape(text))]


def edit_modal(
    draft: Draft, index: int, *, channel_id: str | None, message_ts: str | None, page: int
) -> View:
    """Correct one recommendation's label, agency, text and due date before the import."""
    rec = draft.recommendations[index]
    due = rec.timescale or (f"{rec.due_on:%d/%m/%Y}" if rec.due_on else "")
    blocks: list[Block] = []
    if rec.reasons and rec.confidence < 1:
        blocks.append(context(escape(clip("Read with doubts: " + "; ".join(rec.reasons), 2900))))
    blocks += [
        input_block("label", "Label", text_input(most=48, initial=clip(rec.label, 48))),
        input_block(
            "agency", "Agency", text_input(most=200, initial=clip(rec.agency or "", 200)), optional=True
        ),
    ]
    if len(rec.text) <= PASTE_LIMIT:
        blocks.append(
            input_block(
                "text", "Recommendation", text_input(multiline=True, initial=rec.text, most=PASTE_LIMIT)
            )
        )
    else:
        blocks.append(context("The text is too long to edit here; it is imported as read."))
    blocks.append(
        input_block(
            "due",
            "Due date or timescale",
            text_input(most=120, initial=clip(due, 120), hint="by end of March 2015"),
            optional=True,
        )
    )
    private = metadata(draft=draft.id, index=index, channel=channel_id, ts=message_ts, page=page)
    return modal_view(EDIT_MODAL, f"Edit {rec.label}", blocks, private, "Save")


# --- pieces ------------------------------------------------------------------------------


def _summary(draft: Draft, page: int, pages: int) -> str:
    doubtful = len(draft.doubtful())
    checks = (
        f" *{doubtful}* read with doubts: check them, or *Edit* to correct."
        if doubtful
        else " All read with full confidence."
    )
    where = f" Page {page + 1} of {pages}." if pages > 1 else ""
    read = f" Read: {escape(draft.summary)}." if draft.summary else ""
    return (
        f"*{len(draft.recommendations)}* recommendations from {escape(draft.source)}.{read}"
        f"{checks}{where} Nothing is imported until you press *Import all*."
    )


def _listed(title: str, lines: list[str]) -> str:
    shown = "; ".join(lines[:5])
    more = f" (and {len(lines) - 5} more)" if len(lines) > 5 else ""
    return escape(clip(f"{title}: {shown}{more}", 2900))


def _row(draft: Draft, index: int, rec: ParsedRecommendation, page: int) -> Block:
    words = rec.text.split()
    first_words = " ".join(words[:FIRST_WORDS]) + ("…" if len(words) > FIRST_WORDS else "")
    due = f"due {rec.due_on:%d/%m/%Y}" if rec.due_on else "no due date"
    if rec.timescale and not rec.due_on:
        due = f"timescale '{rec.timescale}'"
    mark = "" if rec.confidence >= 1 else ":warning: "
    line = (
        f"{mark}*{escape(rec.label)}* · {escape(rec.agency or 'no agency')} · {escape(due)}"
        f" · {rec.confidence:.0%}\n{escape(first_words)}"
    )
    if rec.confidence < 1 and rec.reasons:
        line += "\n_" + escape(clip("; ".join(rec.reasons), 600)) + "_"
    edit = button("Edit", EDIT_ROW, f"{draft.id}:{index}:{page}") if draft.is_open else None
    return section(line, accessory=edit)


def _navigation(draft: Draft, page: int, pages: int) -> Block | None:
    if pages <= 1:
        return None
    buttons = []
    if page > 0:
        buttons.append(button("◀ Previous", PAGE_PREV, f"{draft.id}:{page - 1}"))
    if page < pages - 1:
        buttons.append(button("Next ▶", PAGE_NEXT, f"{draft.id}:{page + 1}"))
    return actions(*buttons)


def _buttons(draft: Draft, page: int, first: int) -> Block:
    doubtful = [i for i in draft.doubtful() if i >= first] or [first]
    import_all = button("Import all", IMPORT_ALL, str(draft.id), style="primary")
    import_all.confirm = ConfirmObject(
        title="Import all?",
        text=f"Import {len(draft.recommendations)} recommendations into review "
        f"{draft.review_code}? Recommendations already there are merged by label; "
        "what people changed in recs since the file's date is kept.",
        confirm="Import",
        deny="Not yet",
    )
    return actions(
        import_all,
        button("Edit in a modal", EDIT, f"{draft.id}:{doubtful[0]}:{page}"),
        button("Cancel", CANCEL, str(draft.id), style="danger"),
    )
