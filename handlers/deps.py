"""What every listener needs, built once by app.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.config import Settings
from bot.runner import CommandRunner
from handlers.slack_actor import SlackActors
from storage.db import Database


@dataclass
class Deps:
    settings: Settings
    db: Database
    runner: CommandRunner
    client: WebClient  # the bot's own client (SLACK_API_URL, retry handlers)
    actors: SlackActors = field(init=False)  # Slack user -> Actor, users.info cached

    def __post_init__(self) -> None:
        self.actors = SlackActors(self.client)
