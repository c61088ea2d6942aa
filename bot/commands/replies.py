"""What a command answers, for Slack (blocks) and the console (the same blocks as text)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block

from bot.errors import UserError
from bot.views import recommendations as views
from storage.db import is_connection_error

log = logging.getLogger(__name__)

TRY_AGAIN = (
    "The database is not answering just now. Nothing was saved: please try again in a minute."
)


@dataclass
class DirectMessage:
    user_id: str
    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Reply:
    """What a command answers: blocks for Slack, the same blocks as text for the console."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    public: bool = False
    ok: bool = True
    modal: str | None = None  # a view to open: Slack opens it; the console explains
    modal_context: dict[str, Any] = field(default_factory=dict)
    upload: tuple[str, bytes, str] | None = None  # filename, content, title
    direct_messages: list[DirectMessage] = field(default_factory=list)
    later: Callable[[], Reply] | None = None  # slow work to run after the ack
    # A placeholder: what `later` makes (a read, quick) takes this answer's place, or, when
    # that answer is for the channel, follows it (an ephemeral answer can't become public).
    placeholder: bool = False

    @property
    def follows(self) -> bool:
        """Whether anything follows the answer: direct messages, an upload or slow work."""
        return bool(self.direct_messages or self.upload or self.later)

    def settled(self) -> Reply:
        """What the person is answered in the end: a placeholder's answer, once made."""
        return self.later() if self.placeholder and self.later is not None else self

    @classmethod
    def error(cls, exc: UserError) -> Reply:
        return cls(text=str(exc), blocks=views.error_blocks(exc.message, exc.example), ok=False)

    @classmethod
    def done(cls, text: str, ref: str | None = None) -> Reply:
        return cls(text=text, blocks=views.confirmation_blocks(text, ref=ref))

    @classmethod
    def failure(cls, exc: Exception) -> Reply:
        """Anything but a person's error: "try again" when the database went away; otherwise
        an apology with an error id, the traceback logged under that id (never the text)."""
        if is_connection_error(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            return cls(text=TRY_AGAIN, blocks=views.error_blocks(TRY_AGAIN, None), ok=False)
        error_id = uuid.uuid4().hex[:8]
        log.exception("command failed (error id %s)", error_id)
        text = f"Sorry, something went wrong on our side (error id {error_id}). Nothing was saved."
        return cls(text=text, blocks=views.error_blocks(text, None), ok=False)


def guarded(build: Callable[[], Reply]) -> Callable[[], Reply]:
    """Work made after the answer turns its errors into a reply, as the answer would."""

    def made() -> Reply:
        try:
            return build()
        except UserError as exc:
            return Reply.error(exc)
        except Exception as exc:
            return Reply.failure(exc)

    return made
