"""Where action listeners are registered: the whole App (Socket Mode, tests), or
`LazyActions`, which `serve` uses so that a click is answered at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import Ack, App


class Actions(Protocol):
    """Where action listeners are registered: bolt's App, or LazyActions."""

    def action(self, constraints: str | re.Pattern[str]) -> Callable[..., Any]: ...


class LazyActions:
    """Registers each action listener to run after an ack that does nothing else (bolt's
    lazy listeners), on an app that answers when its ack function returns. Bolt's default
    runs the listener on a worker and polls for its ack every 10 ms, so every click waited
    for the next poll; here the answer goes out at once and the listener follows."""

    def __init__(self, app: App) -> None:
        self.app = app

    def action(self, constraints: str | re.Pattern[str]) -> Callable[..., Any]:
        def register(listener: Callable[..., None]) -> Callable[..., None]:
            self.app.action(constraints)(ack=_ack_only, lazy=[listener])
            return listener

        return register


def _ack_only(ack: Ack) -> None:
    ack()
