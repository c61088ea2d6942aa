"""recs: the entry point. Parses the mode, builds everything and runs it.

    python app.py [console|socket|serve|scheduler|remind|import|export|board|db] …

With no mode: Socket Mode when SLACK_APP_TOKEN is set, otherwise the console.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import compose
import logpolicy
from bot.config import Settings
from storage.db import masked

log = logging.getLogger("recs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recs", description="Keeps review action plans moving.")
    modes = parser.add_subparsers(dest="mode")

    console = modes.add_parser("console", help="a terminal chat with the same commands")
    console.add_argument("--demo", action="store_true", help="load the Child H plan")
    console.add_argument("--as", dest="as_user", help="act as this person (name or email)")

    modes.add_parser("socket", help="Socket Mode, with the scheduler in process")
    serve = modes.add_parser("serve", help="production HTTP on PORT")
    serve.add_argument("--with-scheduler", action="store_true")
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--host", default="0.0.0.0", help="the address to listen on")
    modes.add_parser("scheduler", help="the reminder worker alone")

    remind = modes.add_parser("remind", help="one reminder sweep")
    remind.add_argument("--once", action="store_true", required=True)
    remind.add_argument("--at", help="as if at this ISO date-time (UTC unless it says)")

    imp = modes.add_parser("import", help="import an action plan or a review report")
    imp.add_argument("file", type=Path)
    imp.add_argument("--review", required=True, help="the review code, e.g. H")
    imp.add_argument("--title", help='the review title, e.g. "Child H"')
    imp.add_argument(
        "--board", help="the board to import to, made if new (default: RECS_BOARD, else the only board)"
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported")
    imp.add_argument(
        "--accepted",
        metavar="DATE",
        help="the day the board accepted the review: relative timescales count from it",
    )
    imp.add_argument("--sheet", help="read only this sheet of a workbook")

    export = modes.add_parser(
        "export", help="write the board paper (on RECS_CLOCK's day when it is set)"
    )
    export.add_argument("--review", required=True)
    export.add_argument("--format", choices=["xlsx", "docx", "pdf", "csv"], default="docx")
    export.add_argument("--as-of", dest="as_of", help="as the plan stood at the end of DATE")
    export.add_argument("--meeting", help="the date of the board meeting the paper goes to")
    export.add_argument("--marking", help="protective marking (default RECS_PROTECTIVE_MARKING)")
    export.add_argument("--contact", help='contact officer, e.g. "Jo Bloggs, Business manager"')
    export.add_argument("-o", "--output", type=Path, required=True)

    board = modes.add_parser(
        "board", help="give a board to a Slack workspace (many workspaces: its people see it)"
    )
    board.add_argument("name", help="the board's name")
    board.add_argument("--workspace", required=True, help="the workspace's id, e.g. T0123ABCD")

    db = modes.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logpolicy.configure(settings.recs_log_level)  # ids, kinds and counts; never text
    mode = args.mode or ("socket" if settings.slack_app_token else "console")
    if args.mode is None and mode == "console":
        args = build_parser().parse_args(["console"])
    runner = MODES[mode]
    try:
        return int(runner(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


def run_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import DEMO_START
    from console.clock import MovableClock
    from console.shell import PROMPT

    console = compose.console(
        settings, MovableClock(DEMO_START if args.demo else None), demo=args.demo
    )
    if args.as_user:
        console.switch(args.as_user)
    interactive = sys.stdin.isatty()
    console.run(compose.console_lines(interactive, PROMPT), interactive=interactive)
    return 0


def run_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import current_revision

    db = compose.open_database(settings)
    print(f"{masked(settings.database_url)} is at revision {current_revision(db.engine)}")
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.errors import UserError
    from bot.imports.plans import import_file
    from bot.rules.dates import parse_day

    try:
        accepted = parse_day(args.accepted) if args.accepted else None
    except UserError as exc:
        print(f"--accepted: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    services = compose.importing_services(settings)
    return import_file(
        services.imports,
        args.file,
        review=args.review,
        title=args.title,
        board=args.board,  # exact when given; else RECS_BOARD, or the only board
        dry_run=args.dry_run,
        accepted_on=accepted,
        sheet=args.sheet,
    )


def run_board(args: argparse.Namespace, settings: Settings) -> int:
    """`python app.py board NAME --workspace T…`: one line, 0 done, 1 refused."""
    from bot.errors import UserError

    services = compose.services_for(settings, compose.open_database(settings))
    try:
        board = services.boards.give_to_workspace(args.name, args.workspace)
    except UserError as exc:
        print(" ".join(str(exc).split()), file=sys.stderr)
        return 1
    print(f"'{board.name}' is workspace {board.team_id}'s.")
    return 0


BOT_NEEDED = "SLACK_BOT_TOKEN (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)"


def has_bot(settings: Settings) -> bool:
    """A bot to speak with: SLACK_BOT_TOKEN's one workspace, or the OAuth install's many."""
    from slack.oauth import many_workspaces

    return bool(settings.slack_bot_token) or many_workspaces(settings)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Production HTTP: bolt's WSGI adapter under waitress (not bolt's development server)."""
    import waitress

    from slack.apps import serve_app

    if not has_bot(settings) or not settings.slack_signing_secret:
        print(f"serve needs {BOT_NEEDED} and SLACK_SIGNING_SECRET.", file=sys.stderr)
        return 2
    deps, app = compose.slack_app(settings)
    if args.with_scheduler:
        compose.start_scheduler(settings, deps.db)
    log.info("serving POST /slack/events and GET /healthz on %s:%s", args.host, settings.port)
    if deps.oauth is not None:
        log.info("serving GET /slack/install and GET /slack/oauth_redirect: many workspaces")
    wsgi = serve_app(deps, app)
    # Everything built so far (modules, mappers, bolt, the listeners) lives as long as the
    # process: out of the collector's sight, a full collection scans only what requests
    # make, instead of pausing a request for tens of milliseconds.
    gc.collect()
    gc.freeze()
    waitress.serve(wsgi, host=args.host, port=settings.port, threads=args.threads, ident="recs")
    return 0


def run_socket(args: argparse.Namespace, settings: Settings) -> int:
    """Socket Mode: no public URL needed, for a first try (SLACK_APP_TOKEN, xapp-...)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not settings.slack_bot_token or not settings.slack_app_token:
        print("socket needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN.", file=sys.stderr)
        return 2
    deps, app = compose.slack_app(settings)
    compose.start_scheduler(settings, deps.db)
    SocketModeHandler(app, settings.slack_app_token).start()
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from bot.errors import UserError
    from bot.rules.dates import parse_day

    # The database's clock is RECS_CLOCK's when it is set: a demo's paper is dated in 2015.
    services = compose.services_for(settings, compose.open_database(settings))
    try:
        as_of = parse_day(args.as_of) if args.as_of else None
        options = replace(
            compose.paper_options(settings),
            meeting_on=parse_day(args.meeting) if args.meeting else None,
            **({"marking": args.marking} if args.marking else {}),
            **({"contact": args.contact} if args.contact else {}),
        )
        made = services.reports.export(args.review, args.format, as_of, options)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    args.output.write_bytes(made.content)
    print(f"Wrote {made.title} to {args.output} ({len(made.content):,} bytes).")
    return 0


def run_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """The reminder worker alone; run one or more beside the serve processes."""
    from bot.reminders.scheduling import build_scheduler, safe_sweep

    if not has_bot(settings):
        print(f"scheduler needs {BOT_NEEDED}.", file=sys.stderr)
        return 2
    sweeper = compose.slack_sweeper(settings, compose.open_database(settings))
    safe_sweep(sweeper)  # at once, not a minute after a restart
    log.info("scheduler %s: sweeping every minute", sweeper.worker)
    build_scheduler(sweeper, blocking=True).start()
    return 0


def run_remind(args: argparse.Namespace, settings: Settings) -> int:
    """One sweep, as if at --at (for cron and tests); exits 1 if anything failed to send."""
    from datetime import UTC, datetime

    if not has_bot(settings):
        print(f"remind needs {BOT_NEEDED}.", file=sys.stderr)
        return 2
    at = datetime.now(UTC)
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            print(f"--at {args.at!r} is not an ISO date-time, e.g. 2015-03-02T09:30", file=sys.stderr)
            return 2
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    db = compose.open_database(settings, compose.pinned_at(at))
    result = compose.slack_sweeper(settings, db).sweep(at)
    print(f"reminders at {at.isoformat()}: {result.describe()}")
    return 1 if result.failed else 0


MODES: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "console": run_console,
    "db": run_db,
    "board": run_board,
    "import": run_import,
    "export": run_export,
    "serve": run_serve,
    "socket": run_socket,
    "scheduler": run_scheduler,
    "remind": run_remind,
}


if __name__ == "__main__":
    sys.exit(main())
