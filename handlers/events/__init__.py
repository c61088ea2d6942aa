"""Bolt listeners: events. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.events import evidence_capture, installation, reminder_replies
from slack.deps import Deps

MODULES: list[ModuleType] = [evidence_capture, reminder_replies, installation]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
