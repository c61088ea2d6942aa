"""APScheduler only ticks the sweep, every minute, in UTC. Reminders are never kept as
APScheduler jobs: a tick that is missed (a restart; APScheduler's misfire_grace_time drops
it) costs nothing, because the next sweep recomputes what is due from the database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.reminders.sending import SweepResult

log = logging.getLogger(__name__)

TICK_SECONDS = 60
JOB_ID = "reminder-sweep"


class Sweeps(Protocol):
    """A reminder sweep (bot.reminders.sweep.Sweeper; for many workspaces,
    bot.reminders.workspaces.WorkspaceSweeps)."""

    worker: str

    def sweep(self, now: datetime | None = None) -> SweepResult: ...


def safe_sweep(sweeper: Sweeps) -> None:
    """One tick: a failing sweep is logged, and the next tick tries again."""
    try:
        sweeper.sweep()
    except Exception:
        log.exception("reminder sweep failed; the next tick retries")


def build_scheduler(sweeper: Sweeps, *, blocking: bool = False) -> BaseScheduler:
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC)
    )
    scheduler.add_job(
        safe_sweep,
        IntervalTrigger(seconds=TICK_SECONDS, timezone=UTC),
        args=[sweeper],
        id=JOB_ID,
        max_instances=1,  # a slow sweep is never overlapped by the next tick in-process
        coalesce=True,  # ticks missed while busy run once, not as a burst
        replace_existing=True,
    )
    return scheduler


def start_background(sweeper: Sweeps) -> BaseScheduler:
    """For `console`, `socket` and `serve --with-scheduler`: ticks beside the app."""
    scheduler = build_scheduler(sweeper)
    scheduler.start()
    return scheduler
