"""Reads a submitted modal's inputs by block id (bot/views/modals.py names every input's
block after its field) and turns a person's error into Slack's `response_action: errors`."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack

from bot.errors import UserError
from bot.views.modals import VALUE


class Form:
    def __init__(self, view: dict[str, Any]) -> None:
        self.values: dict[str, dict[str, Any]] = view.get("state", {}).get("values", {})
        try:
            self.metadata: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            self.metadata = {}

    def _element(self, block_id: str) -> dict[str, Any]:
        return self.values.get(block_id, {}).get(VALUE, {})

    def text(self, block_id: str) -> str:
        element = self._element(block_id)
        if "selected_option" in element:
            return str((element["selected_option"] or {}).get("value") or "")
        for key in ("value", "selected_user", "selected_conversation", "selected_date"):
            if key in element:
                return str(element[key] or "").strip()
        return ""

    def users(self, block_id: str) -> tuple[str, ...]:
        return tuple(self._element(block_id).get("selected_users") or ())

    def conversations(self, block_id: str) -> tuple[str, ...] | None:
        """A multi-conversation input's choice; None when the form has no such input."""
        if block_id not in self.values:
            return None
        return tuple(self._element(block_id).get("selected_conversations") or ())

    def checked(self, block_id: str) -> set[str]:
        return {o["value"] for o in self._element(block_id).get("selected_options") or ()}

    def number(self, block_id: str) -> int | None:
        raw = self.text(block_id)
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise FieldError(block_id, "Give a whole number.") from exc

    def channel(self) -> str | None:
        value = self.metadata.get("channel")
        return str(value) if value else None


class FieldError(UserError):
    """A bad value in one input."""

    def __init__(self, block_id: str, message: str) -> None:
        super().__init__(message)
        self.block_id = block_id


def refuse(ack: Ack, block_id: str, exc: UserError) -> None:
    """Keeps the modal open with the message under the input; nothing was written."""
    message = exc.message if not exc.example else f"{exc.message} Example: {exc.example}"
    ack(response_action="errors", errors={block_id: message[:300]})


def guess_block(exc: UserError, default: str, words: dict[str, str]) -> str:
    """The input a service's error is about, from words in its message."""
    if isinstance(exc, FieldError):
        return exc.block_id
    lowered = exc.message.lower()
    for word, block_id in words.items():
        if word in lowered:
            return block_id
    return default
