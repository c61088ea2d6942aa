"""Reminders in the console: a Notifier that prints, so `/time` shows a week of reminders
firing in seconds, exactly as the sweep would send them to Slack."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date, datetime

from bot.reminders.delivery import Delivery, Outgoing
from bot.reminders.sweep import Sweeper
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
            # Unique across runs on one database: a reply finds its reminder by (channel, ts).
            where = message.user_id or message.channel_id or ""
            ts = f"{time.time_ns() // 1000}.{next(self._sequence):06d}"
            return Delivery(f"{CONSOLE_CHANNEL}-{where}", ts)

    def find_sent(
        self, user_id: str | None, channel_id: str | None, keys: tuple[str, ...], since: datetime
    ) -> dict[str, Delivery]:
        return {}  # a line printed is never in doubt

    def drain(self) -> list[str]:
        with self._lock:
            lines, self._lines = self._lines, []
        return lines


class ConsoleReminders:
    """The console's reminders: the sweep, printing through a ConsoleNotifier, and the
    moment a day's reminders go (for `/time DATE`)."""

    def __init__(self, db: Database) -> None:
        self.notifier = ConsoleNotifier()
        self.sweeper = Sweeper(db, self.notifier)

    def tick(self) -> list[str]:
        """One sweep now (the console's clock), and what it printed."""
        self.sweeper.sweep()
        return self.notifier.drain()

    def drain(self) -> list[str]:
        """What was printed since (by `/recs remind`, or the scheduler's own ticks)."""
        return self.notifier.drain()

    def sending_moment(self, day: date) -> datetime | None:
        return self.sweeper.sending_moment(day)
