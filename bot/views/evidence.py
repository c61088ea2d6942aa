"""Evidence in the channel: the thread reply with *Undo* (and *Accept* / *Reject…* for
proposed items), the unknown-ref reply, the *Add as evidence* modal and the reject modal."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.services.evidence import EvidenceOutcome, RecordedItem
from bot.views import ids
from bot.views.blocks import actions, button, clip, context, escape, fit, section
from bot.views.modals import VALUE, metadata
from storage.models import EvidenceState

REF_FIELD = "ref"
DESCRIPTION_FIELD = "description"
REASON_FIELD = "reason"
SHOWN = 10


def _item_line(item: RecordedItem) -> str:
    state = (
        " _(proposed: the owner or a chair can accept it)_"
        if item.state == EvidenceState.proposed
        else ""
    )
    return f"• *{item.ref}*: {escape(clip(item.what, 300))}{state}"


def recorded_blocks(outcome: EvidenceOutcome) -> list[Block]:
    items = outcome.recorded
    lines = [_item_line(i) for i in items[:SHOWN]]
    if len(items) > SHOWN:
        lines.append(f"…and {len(items) - SHOWN} more.")
    blocks: list[Block] = [
        section(":paperclip: Recorded as evidence:\n" + "\n".join(lines)),
    ]
    value = ",".join(str(i) for i in outcome.evidence_ids)
    buttons = [button("Undo", ids.EVIDENCE_UNDO, value)]
    proposed = [i for i in items if i.state == EvidenceState.proposed]
    if len(proposed) == 1:
        buttons.append(
            button("Accept", ids.EVIDENCE_ACCEPT, str(proposed[0].evidence_id), style="primary")
        )
    if len(items) == 1:
        buttons.append(button("Reject…", ids.EVIDENCE_REJECT, str(items[0].evidence_id)))
    blocks.append(actions(*buttons, block_id="evidence_actions"))
    notes = []
    if outcome.unknown_refs:
        notes.append("No recommendation " + ", ".join(outcome.unknown_refs) + ": nothing recorded.")
    notes += outcome.refused[:3]
    if notes:
        blocks.append(context(*[escape(n) for n in notes]))
    return fit(blocks)


def recorded_text(outcome: EvidenceOutcome) -> str:
    refs = ", ".join(dict.fromkeys(i.ref for i in outcome.recorded))
    return f"Recorded as evidence for {refs}."


def unknown_ref_blocks(outcome: EvidenceOutcome) -> list[Block]:
    refs = ", ".join(outcome.unknown_refs)
    text = (
        f":grey_question: I don't know {refs}, so nothing was recorded. Check the ref "
        "(`/recs list`), then post again or use *Add as evidence* on this message."
    )
    blocks: list[Block] = [section(text)]
    if outcome.refused:
        blocks.append(context(*[escape(n) for n in outcome.refused[:3]]))
    return blocks


def unknown_ref_text(outcome: EvidenceOutcome) -> str:
    return f"I don't know {', '.join(outcome.unknown_refs)}, so nothing was recorded."


def refused_blocks(outcome: EvidenceOutcome) -> list[Block]:
    return [section(":warning: Nothing was recorded.\n" + escape("\n".join(outcome.refused[:5])))]


def undone_text(refs: list[str]) -> str:
    return f"Undone: the evidence for {', '.join(refs)} is withdrawn."


def reviewed_text(ref: str, state: str, reason: str | None) -> str:
    if state == EvidenceState.rejected:
        return f"Evidence for {ref} was rejected by the chair: {reason}"
    return f"Evidence for {ref} was accepted."


def evidence_modal(
    *,
    default_ref: str,
    description: str,
    preview: str,
    channel_id: str,
    message_ts: str,
    links: list[str],
    files: list[dict[str, str]],
    permalink: str | None,
    private: bool = True,
) -> View:
    """*Add as evidence*: the person picks the ref; the message is the evidence (and
    whether its channel is private goes with it)."""
    return View(
        type="modal",
        callback_id=ids.EVIDENCE_MODAL,
        title=PlainTextObject(text="Add as evidence"),
        submit=PlainTextObject(text="Record"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata(
            channel=channel_id,
            ts=message_ts,
            links=links[:5],
            files=files[:5],
            permalink=permalink,
            private=private,
        ),
        blocks=[
            section("*The message*\n" + escape(clip(preview, 1500) or "(no text)")),
            InputBlock(
                block_id=REF_FIELD,
                label=PlainTextObject(text="Recommendation ref"),
                hint=PlainTextObject(text="For example H-12"),
                element=PlainTextInputElement(
                    action_id=VALUE, initial_value=default_ref or None, max_length=48
                ),
            ),
            InputBlock(
                block_id=DESCRIPTION_FIELD,
                label=PlainTextObject(text="Description"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=VALUE,
                    multiline=True,
                    initial_value=clip(description, 2900) or None,
                    max_length=3000,
                ),
            ),
        ],
    )


def reject_modal(evidence_id: int, ref: str, what: str) -> View:
    return View(
        type="modal",
        callback_id=ids.REJECT_EVIDENCE_MODAL,
        title=PlainTextObject(text="Reject evidence"),
        submit=PlainTextObject(text="Reject"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata(evidence=evidence_id),
        blocks=[
            section(f"*{ref}*: {escape(clip(what, 500))}"),
            InputBlock(
                block_id=REASON_FIELD,
                label=PlainTextObject(text="Why? The owner sees this."),
                element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=3000),
            ),
        ],
    )
