"""`app_home_opened`: publish the person's Home tab (views.publish), to a person of the
installed workspace only."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from slack.actors import ForeignWorkspace, event_teams
from slack.deps import Deps
from slack.home import publish_home


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_app_home_opened(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, logger: logging.Logger
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        try:
            # The event names only the workspace it was delivered to: ask who the person is.
            deps.actors.admit_person(user_id, event_teams(event, body))  # unknown: raises
        except ForeignWorkspace:
            return
        team_id = next(t for t in event_teams(event, body) if t)
        deps.actors.remember(user_id, team_id)  # name and time zone, for reminders
        # App Home is no board's channel: the person sees the boards they have a part on.
        actor = deps.actors.actor(user_id, team_id)
        publish_home(deps.services.reads, client, actor, logger)
