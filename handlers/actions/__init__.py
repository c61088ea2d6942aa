"""Bolt listeners: actions. Each module has `register(app, deps)`; add it to MODULES.

The modules register on anything with bolt's `action(id)` decorator: the whole App (Socket
Mode, tests), or `LazyActions`, which `serve` uses so that a click is answered at once.
"""

from __future__ import annotations

from types import ModuleType

from handlers.actions import (
    evidence_buttons,
    import_buttons,
    list_pages,
    recommendation_buttons,
    reminder_buttons,
)
from slack.deps import Deps
from slack.registrar import Actions, LazyActions

__all__ = ["MODULES", "Actions", "LazyActions", "register"]

MODULES: list[ModuleType] = [
    list_pages,
    recommendation_buttons,
    evidence_buttons,
    reminder_buttons,
    import_buttons,
]


def register(app: Actions, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
