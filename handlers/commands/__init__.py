"""Bolt listeners: commands. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.commands import recs
from slack.deps import Deps

MODULES: list[ModuleType] = [recs]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
