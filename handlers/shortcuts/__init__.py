"""Bolt listeners: shortcuts. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.shortcuts import add_as_evidence
from slack.deps import Deps

MODULES: list[ModuleType] = [add_as_evidence]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
