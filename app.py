"""recs: the entry point. Parses the mode, builds everything and runs it.

    python app.py [console|socket|serve|scheduler|remind|import|export|db] …

With no mode: Socket Mode when SLACK_APP_TOKEN is set, otherwise the console.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.config import Settings
from storage.db import Database, masked

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
    modes.add_parser("scheduler", help="the reminder worker alone")

    remind = modes.add_parser("remind", help="one reminder sweep")
    remind.add_argument("--once", action="store_true", required=True)
    remind.add_argument("--at", help="as if at this ISO date-time (UTC unless it says)")

    imp = modes.add_parser("import", help="import an action plan or a review report")
    imp.add_argument("file", type=Path)
    imp.add_argument("--review", required=True, help="the review code, e.g. H")
    imp.add_argument("--title", help='the review title, e.g. "Child H"')
    imp.add_argument("--board", help="the board's name (default: the first board, or RECS_BOARD)")
    imp.add_argument("--dry-run", action="store_true", help="show what would be imported")

    export = modes.add_parser("export", help="write the board paper")
    export.add_argument("--review", required=True)
    export.add_argument("--format", choices=["xlsx", "docx", "csv"], default="docx")
    export.add_argument("--as-of", dest="as_of")
    export.add_argument("-o", "--output", type=Path, required=True)

    db = modes.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.recs_log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    mode = args.mode or ("socket" if settings.slack_app_token else "console")
    if args.mode is None and mode == "console":
        args = build_parser().parse_args(["console"])
    runner = MODES[mode]
    try:
        return int(runner(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


def open_database(settings: Settings, **kwargs: object) -> Database:
    db = Database(settings.database_url, **kwargs)  # type: ignore[arg-type]
    log.info("database %s", masked(settings.database_url))
    db.ensure_migrated()
    return db


def run_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import Console, MovableClock
    from bot.demo import DEMO_START, load_demo

    clock = MovableClock(DEMO_START if args.demo else None)
    db = open_database(settings, clock=clock)
    if args.demo:
        print(load_demo(db))
    console = Console(db, clock)
    if args.as_user:
        console.switch(args.as_user)
    interactive = sys.stdin.isatty()
    lines = _prompted_lines() if interactive else sys.stdin
    console.run(lines, interactive=interactive)
    return 0


def _prompted_lines() -> Iterator[str]:
    while True:
        try:
            yield input("recs> ")
        except EOFError:
            return


def run_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import current_revision

    db = open_database(settings)
    print(f"{masked(settings.database_url)} is at revision {current_revision(db.engine)}")
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.plan_import import import_file

    db = open_database(settings)
    return import_file(
        db,
        args.file,
        review=args.review,
        title=args.title,
        board=args.board or settings.recs_board,
        dry_run=args.dry_run,
    )


MODES: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "console": run_console,
    "db": run_db,
    "import": run_import,
}


if __name__ == "__main__":
    sys.exit(main())
