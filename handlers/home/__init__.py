"""Bolt listeners: home. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.home import app_home
from slack.deps import Deps

MODULES: list[ModuleType] = [app_home]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
