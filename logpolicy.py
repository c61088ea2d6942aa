"""What a log line may hold: ids, kinds and counts; never a person's text, a bound query
parameter, a token or a secret, at any level. Every line of every process goes through
`SafeFormatter`, which `configure` installs on the root logger (app.py does, once):

- recs's own records keep their message template; each argument is shown if it is a
  number, a flag, an enum or a short token (an id, a type's name, a masked URL), and is
  otherwise replaced by WITHHELD. Our code logs ids and kinds; this catches a mistake.
- A library's record (bolt, slack_sdk, SQLAlchemy, waitress, …) keeps its template only
  when it has arguments, checked the same way. Without arguments its text may have been
  formatted from anything (bolt writes a refused request's body into an f-string), so only
  the library's name and the line that logged it are shown.
- An exception is shown as its traceback's frames (code, not data) and the names of its
  types, never its message: a database error's message may quote a row's values
  (PostgreSQL's DETAIL does, whatever SQLAlchemy hides).

Python's warnings and uncaught exceptions in threads go through the same formatter.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from types import TracebackType
from typing import Any

WITHHELD = "‹withheld›"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# recs's own loggers (module names, and the names bolt hands our listeners).
OURS = ("recs", "bot", "slack", "storage", "handlers", "console", "compose", "app", "bench",
        "logpolicy", "__main__")  # fmt: skip
# A code-made token: an id, a kind, a type's name, a time, a masked URL. No spaces.
TOKEN = re.compile(r"^[A-Za-z0-9_.:/@+*=,#\-]{0,100}$")
QUIET = ("alembic", "apscheduler")  # their INFO lines are start-up chatter

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def is_ours(name: str) -> bool:
    return any(name == mine or name.startswith(mine + ".") for mine in OURS)


def shown(value: Any) -> Any:
    """An argument as a log line may show it."""
    if value is None or isinstance(value, bool | int | float | Enum | date | datetime):
        return value
    if isinstance(value, BaseException):
        return type(value).__name__
    if isinstance(value, type):
        return value.__qualname__
    if isinstance(value, str) and TOKEN.match(value):
        return value
    return WITHHELD


def safe_message(record: logging.LogRecord) -> tuple[Any, Any]:
    """The record's template and arguments as the policy lets them through."""
    if not isinstance(record.msg, str):
        return WITHHELD, ()
    if isinstance(record.args, Mapping):
        return record.msg, {key: shown(value) for key, value in record.args.items()}
    if record.args:
        return record.msg, tuple(shown(value) for value in record.args)
    if is_ours(record.name):
        return record.msg, ()
    return f"(text withheld, {record.module}:{record.lineno})", ()


def exception_text(exc_info: ExcInfo) -> str:
    """The traceback's frames and each chained exception's type: never a message."""
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[traceback.TracebackException] = []
    current: traceback.TracebackException | None = traceback.TracebackException(
        *exc_info, compact=True
    )
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        cause = current.__cause__
        current = cause or (None if current.__suppress_context__ else current.__context__)
    for link in reversed(chain):
        if lines:
            lines.append("\nDuring or because of it:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(link.stack.format())
        lines.append(f"{_type_name(link)} (message withheld)\n")
    return "".join(lines).rstrip("\n")


def _type_name(link: traceback.TracebackException) -> str:
    named = getattr(link, "exc_type_str", None)  # Python 3.13
    if named:
        return str(named)
    kind = getattr(link, "exc_type", None)
    if kind is None:
        return "Exception"
    module = getattr(kind, "__module__", "")
    prefix = "" if module in ("builtins", "__main__") else module + "."
    return prefix + kind.__qualname__


class SafeFormatter(logging.Formatter):
    """Formats a copy of each record as the policy allows; the record itself is untouched."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg, safe.args = safe_message(record)
        safe.exc_info = None
        exc_info = record.exc_info
        safe.exc_text = exception_text(exc_info) if exc_info and exc_info[0] else None  # type: ignore[arg-type]
        return super().format(safe)


def configure(level: str | int = "INFO") -> None:
    """The root logger writes through SafeFormatter, once per process; warnings and
    uncaught exceptions (the main thread's and others') are logged through it too."""
    root = logging.getLogger()
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter(FORMAT))
    root.addHandler(handler)
    for chatty in QUIET:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def _log_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    logging.getLogger("recs").critical("uncaught %s", kind.__name__, exc_info=(kind, value, tb))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    logging.getLogger("recs").error(
        "uncaught %s in a thread", args.exc_type.__name__,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )  # fmt: skip
