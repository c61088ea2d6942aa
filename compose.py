"""Builds every dependency once: the database, the clock, the services, and for Slack the
WebClient, the actor lookup, the notifier, the runner and the bolt apps. app.py only picks a
mode and asks for what it runs; nothing else constructs these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings
from bot.services.suite import Services
from storage.db import Clock, Database, masked, utc_now

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.reminders.scheduling import Sweeps
    from bot.reminders.workspaces import NotifierFor
    from bot.reports.paper import PaperOptions
    from console.clock import MovableClock
    from console.shell import Console
    from slack.actors import SlackActors, SlackDirectory
    from slack.deps import Deps
    from slack.oauth import OAuth

log = logging.getLogger("recs")
T = TypeVar("T")


def pinned_clock(settings: Settings) -> Clock | None:
    """RECS_CLOCK pins the clock for tests and demos, so BRAG colours are stable."""
    when = settings.recs_clock
    if when is None:
        return None
    pinned = when if when.tzinfo else when.replace(tzinfo=UTC)
    return lambda: pinned


def clock_of(settings: Settings) -> Clock:
    return pinned_clock(settings) or utc_now


def open_database(settings: Settings, clock: Clock | None = None) -> Database:
    """The one Database of a process, migrated, on the clock every write is dated by."""
    db = Database(settings.database_url, clock=clock or clock_of(settings))
    log.info("database %s", masked(settings.database_url))
    db.ensure_migrated()
    return db


def services_for(settings: Settings, db: Database) -> Services:
    return Services(db, db.clock, board_name=settings.recs_board, paper=paper_options(settings))


def paper_options(settings: Settings) -> PaperOptions:
    """The deployment's marking and contact officer for every paper it makes."""
    from bot.reports.paper import PaperOptions

    return PaperOptions(
        marking=settings.recs_protective_marking, contact=settings.recs_contact_officer
    )


def importing_services(settings: Settings) -> Services:
    """`python app.py import`: lead officers named by name are matched against the
    workspace's members when a bot token is set (users.list), else only the people the
    database knows."""
    services = services_for(settings, open_database(settings))
    if settings.slack_bot_token:
        from slack.actors import SlackDirectory
        from slack.client import make_web_client

        services.imports.directory = SlackDirectory(make_web_client(settings))
    return services


# --- the console ------------------------------------------------------------------------------


def console(settings: Settings, clock: MovableClock, *, demo: bool = False) -> Console:
    """The console on the embedded database, with reminders printed as the clock moves;
    `/recs remind` goes through the same ledger, so a reply finds it."""
    from bot.demo import load_demo
    from bot.reminders.scheduling import start_background
    from console.notifier import ConsoleReminders
    from console.shell import Console

    db = open_database(settings, clock)
    if demo:
        print(load_demo(db))
    reminders = ConsoleReminders(db)
    services = services_for(settings, db)
    services.reminders.notifier = reminders.notifier
    start_background(reminders.sweeper)  # reminders also fire each minute of real time
    return Console(services, clock, reminders=reminders, papers=papers_folder(db))


def papers_folder(db: Database) -> Path:
    """Where the console saves papers: beside an SQLite database, else in ./data/papers."""
    from sqlalchemy.engine import make_url

    url = make_url(db.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / "papers"
    return Path("data") / "papers"


# --- Slack ------------------------------------------------------------------------------------


def slack_deps(settings: Settings, db: Database) -> Deps:
    """What every listener needs: the services, the runner, the bot's WebClient and the actor
    lookup; `/recs remind` sends through the Slack notifier."""
    from bot.commands.dispatch import CommandRunner
    from slack.actors import SlackDirectory
    from slack.client import make_web_client
    from slack.deps import Deps
    from slack.notifier import SlackNotifier

    services = services_for(settings, db)
    client = make_web_client(settings)
    oauth = oauth_of(settings, db)
    deps = Deps(settings=settings, db=db, runner=CommandRunner(services), client=client,
                oauth=oauth)  # fmt: skip
    services.reminders.notifier = SlackNotifier(deps.client, deps.actors)
    if oauth is None:
        services.imports.directory = SlackDirectory(deps.client)
    else:
        # `/recs remind` through the bot of the board's workspace; an import matches lead
        # officers by name against the importing person's workspace's members.
        services.reminders.notifier_for = workspace_notifiers(oauth, deps.actors)
        services.imports.directories = workspace_directories(oauth)
    return deps


def oauth_of(settings: Settings, db: Database) -> OAuth | None:
    """The OAuth install when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are
    set (many workspaces), on the database's engine; else None (SLACK_BOT_TOKEN's one)."""
    from slack.client import make_web_client
    from slack.oauth import many_workspaces, oauth_for

    if not many_workspaces(settings):
        return None
    return oauth_for(settings, db.engine, make_web_client(settings),
                     lambda token: make_web_client(settings, token))  # fmt: skip


def workspace_notifiers(oauth: OAuth, actors: SlackActors | None = None) -> NotifierFor:
    """Each workspace's Slack notifier, with its own bot's client; None where recs is not
    installed."""
    from slack.notifier import SlackNotifier

    return per_workspace(oauth, lambda client: SlackNotifier(client, actors))


def workspace_directories(oauth: OAuth) -> Callable[[str], SlackDirectory | None]:
    """Each workspace's members (users.list with its own bot, cached as SlackDirectory
    caches); None where recs is not installed."""
    from slack.actors import SlackDirectory

    return per_workspace(oauth, SlackDirectory)


def per_workspace(oauth: OAuth, make: Callable[[WebClient], T]) -> Callable[[str], T | None]:
    """`make` for each workspace, from its bot's client, kept while that client is (a
    rotated token brings a new client, and so a new one); None where recs is not installed."""
    made: dict[str, tuple[WebClient, T]] = {}

    def for_workspace(team_id: str) -> T | None:
        client = oauth.installations.client_for(team_id)
        if client is None:
            return None
        if team_id not in made or made[team_id][0] is not client:
            made[team_id] = (client, make(client))
        return made[team_id][1]

    return for_workspace


def slack_app(settings: Settings) -> tuple[Deps, App]:
    """The Deps and the bolt App shared by `serve` and `socket`."""
    from slack.actors import sync_agency_usergroups
    from slack.apps import build_app

    deps = slack_deps(settings, open_database(settings))
    if settings.recs_agency_usergroups and deps.oauth is None:  # one workspace's groups
        sync_agency_usergroups(deps.client, deps.services.people, settings.recs_agency_usergroups)
    return deps, build_app(deps)


def slack_sweeper(settings: Settings, db: Database) -> Sweeps:
    """The sweep sending through Slack (scheduler, remind, and socket/serve with a
    scheduler); with many workspaces, each workspace's boards through its own bot."""
    from bot.reminders.sweep import Sweeper
    from bot.reminders.workspaces import WorkspaceSweeps
    from slack.client import make_web_client
    from slack.notifier import SlackNotifier

    oauth = oauth_of(settings, db)
    if oauth is not None:
        return WorkspaceSweeps(db, workspace_notifiers(oauth))
    return Sweeper(db, SlackNotifier(make_web_client(settings)))


def start_scheduler(settings: Settings, db: Database) -> None:
    """APScheduler in the background of `socket` or `serve --with-scheduler`."""
    from bot.reminders.scheduling import start_background

    start_background(slack_sweeper(settings, db))


def pinned_at(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def console_lines(interactive: bool, prompt: str) -> Iterable[str]:
    """What the console reads: a prompt on a terminal, else the piped lines."""
    import sys

    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return
