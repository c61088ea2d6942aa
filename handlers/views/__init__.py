"""Bolt listeners: views. Each module has `register(app, deps)`; add it to MODULES."""

from __future__ import annotations

from types import ModuleType

from slack_bolt import App

from handlers.views import evidence_submitted, impact_submitted, import_submitted, submitted
from slack.deps import Deps

MODULES: list[ModuleType] = [submitted, evidence_submitted, import_submitted, impact_submitted]


def register(app: App, deps: Deps) -> None:
    for module in MODULES:
        module.register(app, deps)
