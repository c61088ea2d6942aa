"""The console's clock: real time until `/time` (or `--demo`) pins it, so the same services
see the moment the person chose, and reminders fire as the clock moves."""

from __future__ import annotations

import threading
from datetime import UTC, datetime


class MovableClock:
    """Real time by default; the console's `/time` pins it for demos."""

    def __init__(self, start: datetime | None = None) -> None:
        self._pinned = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._pinned or datetime.now(UTC)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._pinned = when
