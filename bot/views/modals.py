"""The modals: add, update, completed-with-evidence, board settings and import.

Pure functions, data in and a `View` out. Every input's block id is a field name in
`FIELDS`, so a submission handler reads values by name and marks errors on the right input.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationMultiSelectElement,
    ConversationSelectElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UrlInputElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules import policy
from bot.services.home import Choice, SettingsForm
from bot.views import ids
from bot.views.blocks import clip, context, escape, section

VALUE = "value"  # the action id of every input: the block id names the field
TITLE_LIMIT = 24
OPTION_LIMIT = 75
OPTIONS_MOST = 100

UPDATE_CHOICES: tuple[tuple[str, str], ...] = (
    ("note", "Progress note only"),
    ("in-progress", "In progress"),
    ("on-track", "On track"),
    ("at-risk", "At risk"),
    ("not-started", "Not started"),
)


def metadata(**values: Any) -> str:
    """private_metadata: what the submission needs besides the inputs (ref, channel)."""
    return json.dumps({k: v for k, v in values.items() if v is not None})[:3000]


def _plain(text: str, limit: int = OPTION_LIMIT) -> PlainTextObject:
    return PlainTextObject(text=clip(text, limit), emoji=True)


def _option(choice: Choice) -> Option:
    return Option(value=choice.value[:150], text=_plain(choice.label))


def input_block(
    block_id: str, label: str, element: Any, *, optional: bool = False, hint: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=_plain(label, 2000),
        element=element,
        optional=optional,
        hint=_plain(hint, 2000) if hint else None,
    )


def text_input(
    *, multiline: bool = False, initial: str | None = None, most: int = 3000, hint: str = ""
) -> PlainTextInputElement:
    return PlainTextInputElement(
        action_id=VALUE,
        multiline=multiline,
        initial_value=initial or None,
        max_length=most,
        placeholder=_plain(hint, 150) if hint else None,
    )


def _number(initial: int, low: int, high: int) -> NumberInputElement:
    return NumberInputElement(
        action_id=VALUE,
        is_decimal_allowed=False,
        initial_value=str(initial),
        min_value=str(low),
        max_value=str(high),
    )


def modal_view(
    callback_id: str, title: str, blocks: list[Block], private_metadata: str, submit: str = "Save"
) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=_plain(title, TITLE_LIMIT),
        submit=_plain(submit, TITLE_LIMIT),
        close=_plain("Cancel", TITLE_LIMIT),
        blocks=blocks,
        private_metadata=private_metadata,
    )


def add_modal(
    reviews: Sequence[Choice], agencies: Sequence[Choice], *, channel_id: str | None = None
) -> View:
    blocks: list[Block] = []
    if reviews:
        review_element: Any = StaticSelectElement(
            action_id=VALUE,
            options=[_option(r) for r in reviews[:OPTIONS_MOST]],
            initial_option=_option(reviews[0]) if len(reviews) == 1 else None,
        )
    else:
        review_element = text_input(most=32, hint="H")
    blocks.append(input_block("review", "Review", review_element))
    blocks.append(input_block("text", "Recommendation", text_input(multiline=True, most=3000)))
    if agencies:
        blocks.append(
            input_block(
                "agency",
                "Owner agency",
                StaticSelectElement(
                    action_id=VALUE, options=[_option(a) for a in agencies[:OPTIONS_MOST]]
                ),
                optional=True,
            )
        )
    blocks.append(input_block("lead", "Lead officer", UserSelectElement(action_id=VALUE), optional=True))
    blocks.append(
        input_block(
            "due",
            "Due date or timescale",
            text_input(most=200, hint="31/3/2015 or within 6 months"),
            optional=True,
        )
    )
    blocks.append(input_block("label", "Label", text_input(most=100, hint="7.3"), optional=True))
    return modal_view(ids.ADD_MODAL, "Add a recommendation", blocks, metadata(channel=channel_id))


def update_modal(ref: str, summary: str, *, channel_id: str | None = None) -> View:
    choices = [Choice(value, label) for value, label in UPDATE_CHOICES]
    blocks: list[Block] = [
        section(f"*{escape(ref)}* {escape(clip(summary, 400))}"),
        input_block(
            "status",
            "What is the position?",
            StaticSelectElement(
                action_id=VALUE,
                options=[_option(c) for c in choices],
                initial_option=_option(choices[0]),
            ),
        ),
        input_block("note", "Note", text_input(multiline=True, most=3000), optional=True),
    ]
    return modal_view(ids.UPDATE_MODAL, f"Update {ref}", blocks, metadata(ref=ref, channel=channel_id))


def completed_modal(ref: str, summary: str, *, channel_id: str | None = None) -> View:
    blocks: list[Block] = [
        section(f"*{escape(ref)}* {escape(clip(summary, 400))}"),
        context("The board needs evidence that the work is done: a link to the document."),
        input_block("url", "Evidence link", UrlInputElement(action_id=VALUE)),
        input_block(
            "description",
            "What the evidence is",
            text_input(most=500, hint="Audit report, March 2015"),
            optional=True,
        ),
        input_block("note", "Note", text_input(multiline=True, most=3000), optional=True),
    ]
    return modal_view(
        ids.COMPLETED_MODAL,
        f"Complete {ref}",
        blocks,
        metadata(ref=ref, channel=channel_id),
        submit="Mark completed",
    )


# The default as an example of the form: "30,14,3".
_DUE_SOON_HINT = policy.DUE_SOON_DAYS.store(policy.DUE_SOON_DAYS.default)


def settings_modal(board_id: int, form: SettingsForm) -> View:
    """The board's settings: its channels and chairs, then its reminder policy and
    thresholds, each number input bounded as bot.rules.policy checks it."""
    named = [context(f"The settings of *{escape(form.board_name)}*")] if form.board_name else []
    blocks = [*named, *_board_inputs(form), *_policy_inputs(form)]
    return modal_view(ids.SETTINGS_MODAL, "Board settings", blocks, metadata(board=board_id))


def _board_inputs(form: SettingsForm) -> list[Block]:
    """Where the board is (its channel, and the channels it takes evidence from) and who
    chairs it."""
    return [
        input_block(
            "channel",
            "Board channel",
            ConversationSelectElement(
                action_id=VALUE, initial_conversation=form.channel_id or None
            ),
            optional=True,
        ),
        input_block(
            "chairs",
            "Chairs",
            UserMultiSelectElement(action_id=VALUE, initial_users=list(form.chair_ids) or None),
        ),
        input_block(
            "evidence_channels",
            "Other channels where evidence is recorded",
            ConversationMultiSelectElement(
                action_id=VALUE, initial_conversations=list(form.linked_channel_ids) or None
            ),
            optional=True,
        ),
    ]


def _policy_inputs(form: SettingsForm) -> list[Block]:
    evidence = Option(value="yes", text=_plain("Completion needs evidence"))
    return [
        input_block(
            "due_soon_days",
            "Due-soon reminders (days before)",
            text_input(initial=form.due_soon_days, most=64, hint=_DUE_SOON_HINT),
        ),
        input_block(
            "overdue_every_days",
            "Overdue reminder every (days)",
            _number(form.overdue_every_days, *policy.OVERDUE_EVERY_DAYS.bounds),
        ),
        input_block(
            "stale_after_days",
            "Stale nudge after (days without update)",
            _number(form.stale_after_days, *policy.STALE_AFTER_DAYS.bounds),
        ),
        input_block(
            "escalate_after_days",
            "Escalate to chairs after (days overdue)",
            _number(form.escalate_after_days, *policy.ESCALATE_AFTER_DAYS.bounds),
        ),
        input_block(
            "amber_due_within_days",
            "Amber when due within (days)",
            _number(form.amber_due_within_days, *policy.AMBER_DUE_WITHIN_DAYS.bounds),
        ),
        input_block(
            "amber_stale_days",
            "Amber when no update for (days)",
            _number(form.amber_stale_days, *policy.AMBER_STALE_DAYS.bounds),
        ),
        input_block(
            "require_evidence",
            "Evidence",
            CheckboxesElement(
                action_id=VALUE,
                options=[evidence],
                initial_options=[evidence] if form.require_evidence else None,
            ),
            optional=True,
        ),
    ]


IMPACT_FINDING = "finding"


def impact_modal(ref: str) -> View:
    """Embedded needs proof that practice changed: the owner says what the check found."""
    blocks: list[Block] = [
        context(f"*{ref}*: an audit or re-audit that shows practice has changed."),
        input_block(
            IMPACT_FINDING,
            "What did the impact check find?",
            text_input(multiline=True, most=3000, hint="Re-audit in May: 9 of 10 cases compliant"),
        ),
    ]
    return modal_view(ids.IMPACT_MODAL, "Impact check", blocks, metadata(ref=ref), submit="Embedded")
