"""What every listener needs, built once by app.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.commands.dispatch import CommandRunner
from bot.config import Settings
from bot.services.suite import Services
from slack.actors import SlackActors
from storage.db import Database

if TYPE_CHECKING:
    from slack.oauth import OAuth

log = logging.getLogger(__name__)

AFTER_WORKERS = 4  # quick Slack calls: a modal to open (its trigger dies in 3 s), a reply
SLOW_WORKERS = 2  # papers and reminders built after the answer: never in the modals' way


@dataclass
class Deps:
    settings: Settings
    db: Database
    runner: CommandRunner
    client: WebClient  # the bot's own client (SLACK_API_URL, retry handlers); no token
    # with many workspaces, where each request's client has its workspace's token
    oauth: OAuth | None = None  # many workspaces: the OAuth install (slack/oauth.py)
    actors: SlackActors = field(init=False)  # Slack user -> Actor, users.info cached
    _after: ThreadPoolExecutor = field(init=False, repr=False)
    _slow: ThreadPoolExecutor = field(init=False, repr=False)

    @property
    def services(self) -> Services:
        """The use cases every listener calls (the runner's: one set per process)."""
        return self.runner.services

    def __post_init__(self) -> None:
        installations = self.oauth.installations if self.oauth else None
        self.actors = SlackActors(
            self.client, people=self.services.people, installations=installations
        )
        self._after = ThreadPoolExecutor(AFTER_WORKERS, thread_name_prefix="recs-after")
        self._slow = ThreadPoolExecutor(SLOW_WORKERS, thread_name_prefix="recs-slow")

    def after_response(
        self, work: Callable[..., Any], *args: Any, slow: bool = False
    ) -> Future[Any]:
        """Runs `work` on another thread, so Slack's answer need not wait for it: what
        follows a command's answer, or the messages that follow an event's write (the write
        itself comes first, so a failure is redelivered). `slow` work (a paper to build)
        has its own threads. A failure is logged, never raised."""
        return (self._slow if slow else self._after).submit(_logged, work, *args)


def _logged(work: Callable[..., Any], *args: Any) -> Any:
    try:
        return work(*args)
    except Exception:
        log.exception("work after the response failed")
        return None
