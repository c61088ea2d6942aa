"""Bolt listeners: actions. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.actions import (
    evidence_buttons,
    import_buttons,
    list_pages,
    recommendation_buttons,
    reminder_buttons,
)
from handlers.deps import Deps

MODULES: list[ModuleType] = [
    list_pages,
    recommendation_buttons,
    evidence_buttons,
    reminder_buttons,
    import_buttons,
]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
