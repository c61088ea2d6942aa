"""What the sweep needs from Slack (or the console), and how a send can fail.

A failure says what it means for the reminder, not which library raised it:

- `Undeliverable`: Slack refused this recipient (`user_not_found`, `account_inactive`,
  `cannot_dm_bot`, a channel the bot is not in). Nothing was posted; asking again will not
  help, and it says nothing about anyone else's reminders.
- `RateLimited`: Slack said wait (429). Nothing was posted; the sweep waits, if not too long.
- `MaybeSent`: a 5xx, a timeout, a dropped connection. Slack may have posted it: before it
  is sent again, Slack is asked for a message carrying its ledger key (`find_sent`).
- `DeliveryFailed` itself: anything else that posted nothing (a bad token, Slack down
  before the message got there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.models.blocks import Block


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a DM to `user_id`, or a post in `channel_id`. It carries one
    reminder or a list of them; `keys` are their ledger keys, also in its `metadata`."""

    keys: tuple[str, ...]
    text: str
    blocks: list[Block]
    user_id: str | None = None
    channel_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.keys[0]


@dataclass(frozen=True)
class Delivery:
    channel_id: str
    ts: str


class DeliveryFailed(Exception):
    """Slack did not take the message; the reminder stays due."""


class OwnerAway(DeliveryFailed):
    """The owner is away and no deputy is free to stand in: their reminders wait."""


class Undeliverable(DeliveryFailed):
    """Slack refused the recipient; `reason` is Slack's error code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimited(DeliveryFailed):
    """Slack answered 429: nothing was posted; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:g}s")
        self.retry_after = retry_after


class MaybeSent(DeliveryFailed):
    """Slack may have posted the message although the answer never came back whole."""


class Notifier(Protocol):
    def time_zone(self, user_id: str) -> str | None:
        """The person's time zone (Slack's users.info tz), or None if unknown."""

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        """When the person's Do Not Disturb ends, if it covers `now`; else None."""

    def on_leave(self, user_id: str) -> bool:
        """Whether the person's Slack status says they are away (bot.rules.away.status_says_away)."""

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        """The Slack user id and name with this email (users.lookupByEmail), if there is one."""

    def send(self, message: Outgoing) -> Delivery:
        """Sends once, never retrying a post itself, or raises a DeliveryFailed."""

    def find_sent(
        self, user_id: str | None, channel_id: str | None, keys: tuple[str, ...], since: datetime
    ) -> dict[str, Delivery]:
        """Messages already in the conversation since `since` that carry any of `keys` in
        their metadata, by key. Raises DeliveryFailed when Slack cannot say."""
