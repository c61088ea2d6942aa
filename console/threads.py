"""What people do in Slack besides `/recs`, typed in the console: a reply in a reminder's
thread (`/reply`), a click on the proposal it makes (`/confirm`, `/dismiss`), and a message
in a channel (`/post`), which a board's channel records as evidence. Each goes through the
same functions the Slack listeners call, and prints what the bot would say in the thread."""

from __future__ import annotations

import itertools
import time
import uuid

from bot.errors import UserError
from bot.reminders import replies
from bot.rules.permissions import Actor
from bot.services.evidence import ChannelMessage, EvidenceOutcome, wants_recording
from bot.services.suite import Services
from bot.views import evidence as evidence_views
from bot.views import reminders as reminder_views
from bot.views.text import blocks_to_text

REPLY_EXAMPLE = "/reply H-27 Audit booked for 20 March"
POST_EXAMPLE = "/post #board Evidence for H-27: https://example.org/audit.pdf"
BOARD_ALIAS = "board"  # `/post #board …`: the first board's home channel


def in_thread(text: str) -> str:
    return "  ↳ in the thread: " + text.replace("\n", "\n    ")


class ConsoleThreads:
    """Replies, proposals and channel posts for one console session."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.proposal: str | None = None  # the Confirm button's value, until used
        self._posts = itertools.count(1)

    def reply(self, actor: Actor, text: str) -> list[str]:
        ref, _, note = text.strip().partition(" ")
        if not ref or not note.strip():
            return [f"Say which recommendation and what to record, e.g. {REPLY_EXAMPLE}"]
        try:
            outcome = replies.reply_to_latest(
                self.services.db, actor, ref, note.strip(), f"console:{uuid.uuid4().hex}"
            )
        except UserError as exc:
            return [str(exc)]
        if outcome.kind in ("propose_done", "propose_due"):
            self.proposal = reminder_views.proposal_value(
                outcome.ref,
                status="completed" if outcome.kind == "propose_done" else None,
                due=outcome.due or None,
                note=outcome.note,
            )
            return [in_thread(f"❓ {outcome.text}  [Confirm] [Dismiss]"),
                    "  (type /confirm or /dismiss)"]  # fmt: skip
        if outcome.kind == "recorded":
            return [in_thread(f"✔ {outcome.text}")]
        if outcome.kind == "error":
            return [in_thread(f"! {outcome.text}")]
        return [in_thread("(nothing: that reply was recorded before)")]

    def confirm(self, actor: Actor) -> list[str]:
        if self.proposal is None:
            return ["There is nothing to confirm: /reply with \"done\" or \"delayed to DATE\" first."]
        try:
            done = replies.confirm_proposal(self.services.db, actor, self.proposal)
        except UserError as exc:
            return [in_thread(f"! {exc}")]  # kept: confirm again once evidence is in
        self.proposal = None
        return [in_thread(f"✔ {done}")]

    def dismiss(self) -> list[str]:
        self.proposal = None
        return [in_thread("Dismissed: nothing was changed.")]

    def post(self, actor: Actor, text: str) -> list[str]:
        where, _, words = text.strip().partition(" ")
        if not where.startswith("#") or len(where) < 2 or not words.strip():
            return [f"Say the channel and the message, e.g. {POST_EXAMPLE}"]
        channel = self._channel(actor, where[1:])
        message = ChannelMessage(channel, self._ts(), actor.user_id, words.strip())
        posted = f"  (posted in #{channel} as {actor.name or actor.user_id})"
        if not self.services.evidence.is_board_channel(channel):
            return [posted, f"  #{channel} is not a board's channel: evidence is recorded only "
                    f"there, e.g. {POST_EXAMPLE}"]  # fmt: skip
        if not wants_recording(message):
            return [posted]  # a conversation, not evidence: the bot says nothing
        try:
            outcome = self.services.evidence.from_channel(actor, message, permalink=None)
        except UserError as exc:
            return [posted, in_thread(f"! {exc}")]
        return [posted, *self._evidence_said(outcome)]

    def _channel(self, actor: Actor, name: str) -> str:
        if name.lower() == BOARD_ALIAS:
            form = self.services.reads.settings_form(actor)
            if form is not None and form[1].channel_id:
                return form[1].channel_id
        return name

    def _ts(self) -> str:
        return f"{time.time_ns() // 1000}.{next(self._posts):06d}"

    @staticmethod
    def _evidence_said(outcome: EvidenceOutcome) -> list[str]:
        """What the bot answers in the message's thread (slack/evidence.tell_in_thread)."""
        if outcome.recorded:
            blocks = evidence_views.recorded_blocks(outcome)
            return ["  📎 (reacted)", in_thread(blocks_to_text(blocks))]
        if outcome.unknown_refs:
            return [in_thread(blocks_to_text(evidence_views.unknown_ref_blocks(outcome)))]
        if outcome.refused:
            return [in_thread(blocks_to_text(evidence_views.refused_blocks(outcome)))]
        return []
