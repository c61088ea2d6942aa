"""Statements built once and kept: SQLAlchemy takes longer to build a list's or a summary's
statement in Python than the database takes to run it, so each is built once per shape (which
filters are set) and run with the request's values as parameters."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class Built:
    """Statements by key, each built by the first call that needs it and kept."""

    def __init__(self) -> None:
        self._statements: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._statements:
                self._statements[key] = build()
            return self._statements[key]
