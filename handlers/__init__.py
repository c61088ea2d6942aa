"""Bolt listeners, grouped by kind. Each parses the request, calls one bot service and
renders the result with a view from bot/views. Thin on purpose."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, home, shortcuts, views
from slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    for kind in (commands, actions, views, events, shortcuts, home):
        kind.register(app, deps)
