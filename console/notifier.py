"""Reminders in the console: a Notifier that prints, so `/time` shows a week of reminders
firing in seconds, exactly as the sweep would send them to Slack."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.reminders.sweep import Delivery, Outgoing, Sweeper
from bot.views.text import blocks_to_text
from storage.db import Database

CONSOLE_CHANNEL = "console"


class ConsoleNotifier:
    """Collects what would be sent; `drain()` hands the lines to the console."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)

    def time_zone(self, user_id: str) -> str | None:
        return None  # the person's stored zone, or the board's

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        return None  # the console has no Slack directory

    def on_leave(self, user_id: str) -> bool:
        return False  # the console has no Slack statuses; /recs away still works

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        return None

    def send(self, message: Outgoing) -> Delivery:
        to = f"DM to {message.user_id}" if message.user_id else f"post in {message.channel_id}"
        body = blocks_to_text(message.blocks) if message.blocks else message.text
        with self._lock:
            self._lines.append(f"  🔔 {to}:")
            self._lines += ["    " + line for line in body.splitlines()]
            return Delivery(CONSOLE_CHANNEL, f"{next(self._sequence)}.000000")

    def drain(self) -> list[str]:
        with self._lock:
            lines, self._lines = self._lines, []
        return lines


def reminder_tick(db: Database) -> tuple[Sweeper, Callable[[], Iterable[str]]]:
    """A sweeper for the console and the `on_tick` that runs it and returns what it printed."""
    notifier = ConsoleNotifier()
    sweeper = Sweeper(db, notifier)

    def on_tick() -> Iterable[str]:
        sweeper.sweep()
        return notifier.drain()

    return sweeper, on_tick
