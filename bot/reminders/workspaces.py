"""The reminder sweep where recs serves many workspaces (the OAuth install): each
workspace's boards swept apart, through that workspace's own notifier (its own bot token),
so that no reminder or digest goes out in another workspace's name.

A board of no workspace (made before recs served many, or by an operator's import) has no
bot to speak for it: it is not swept, and the sweep says so in its log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from typing import Any

from bot.reminders.delivery import Notifier
from bot.reminders.sending import SweepResult
from bot.reminders.sweep import Sweeper, worker_name
from storage import queries
from storage.db import Database

log = logging.getLogger(__name__)

NotifierFor = Callable[[str], Notifier | None]  # a workspace's notifier; None: not installed


class WorkspaceSweeps:
    """One sweep of every workspace's boards, each with its workspace's notifier.
    `options` are Sweeper's (leases, clocks, batch size)."""

    def __init__(self, db: Database, notifier_for: NotifierFor, **options: Any) -> None:
        self.db = db
        self.notifier_for = notifier_for
        self.options = options
        self.worker: str = options.pop("worker", None) or worker_name()

    def sweep(self, now: datetime | None = None) -> SweepResult:
        now = now or self.db.clock()
        with self.db.unit_of_work(write=False) as uow:
            workspaces = queries.board_workspaces(uow.session)
        result = SweepResult()
        if None in workspaces:
            log.warning("boards of no workspace are not swept: no bot speaks for them")
        for team_id in (team for team in workspaces if team is not None):
            notifier = self.notifier_for(team_id)
            if notifier is None:
                log.warning("workspace %s has no installation: its boards are not swept", team_id)
                continue
            sweeper = Sweeper(self.db, notifier, worker=f"{self.worker}/{team_id}",
                              workspace=team_id, **self.options)  # fmt: skip
            merge(result, sweeper.sweep(now))
        return result


def merge(into: SweepResult, more: SweepResult) -> None:
    """Adds one workspace's sweep to the whole sweep's result."""
    for field in fields(SweepResult):
        setattr(into, field.name, getattr(into, field.name) + getattr(more, field.name))
