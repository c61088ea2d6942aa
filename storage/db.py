"""The one engine factory and the unit of work: one transaction per use case.

Every engine made here hides bound parameters from its errors (a note's text would otherwise
ride in `[parameters: …]` into a log line), and makes every text parameter storable on its
way to the database (`storable`): one place, for writes and reads alike.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

DEFAULT_SQLITE_PATH = Path("data") / "recs.sqlite3"
SQLITE_BUSY_MS = 2000  # how long a SQLite writer waits for the lock before giving up

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def masked(url: str | URL) -> str:
    """The URL with any password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


# What neither database can take in text: NUL (PostgreSQL refuses it; SQLite cuts C strings
# at it) and lone surrogates (no UTF-8 encoding, so both drivers raise).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: str) -> str:
    """`value` without NUL, and with a replacement character for each lone surrogate."""
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def _storable_parameters(parameters: Any) -> Any:
    """Bound parameters as the driver gets them (a dict, a tuple, or a list of either for
    many rows), each string made storable; anything else as it was."""
    if isinstance(parameters, str):
        return storable(parameters)
    if isinstance(parameters, dict):
        return {k: _storable_parameters(v) for k, v in parameters.items()}
    if isinstance(parameters, list | tuple):
        return type(parameters)(_storable_parameters(v) for v in parameters)
    return parameters


def _guard_parameters(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _clean(
        _conn: Connection, _cursor: Any, statement: str, parameters: Any, *_args: Any
    ) -> tuple[str, Any]:
        return statement, _storable_parameters(parameters)


def make_engine(url: str, *, echo: bool = False, durable: bool = True) -> Engine:
    """The engine for `url`. `durable=False` (PostgreSQL) makes a small pool whose commits do
    not wait for the WAL to reach the disk (`synchronous_commit=off`): for bookkeeping rows
    that a crash may lose at no cost. SQLite commits in WAL mode with synchronous=NORMAL,
    which never waits for the disk either."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo)
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg")
    connect_args: dict[str, Any] = {"connect_timeout": 2}
    if not durable:
        connect_args["options"] = "-c synchronous_commit=off"
    # A database that has gone away must fail fast: Slack wants an answer within 3 s.
    engine = create_engine(
        parsed,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=10 if durable else 4,
        max_overflow=20 if durable else 8,
        pool_timeout=5,
        connect_args=connect_args,
    )
    _guard_parameters(engine)
    return engine


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": 5},
    )
    _guard_parameters(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control from the driver so that writes can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Writers queue for the lock; past this a person is told to try again, within
        # Slack's three seconds (a held lock must not turn into a timed-out command).
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write that starts as a read cannot upgrade its lock in WAL mode once
        # another writer has committed; taking the write lock up front avoids that.
        if conn.get_execution_options().get("recs_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_connection_error(exc: BaseException) -> bool:
    """True when the database itself went away, as opposed to a bad statement."""
    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


HEALTH_TABLE = "alembic_version"  # every migrated database has it, with one row


def sqlite_file_readable(path: str) -> bool:
    """A fresh read-only connection to the file itself finds the migrated schema: pooled
    connections keep reading a deleted file's old inode, and a new one would create an
    empty file where the database was."""
    try:
        uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=1) as conn:
            return conn.execute(f"SELECT 1 FROM {HEALTH_TABLE} LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False


class Database:
    """The engine, the clock and the units of work for one database."""

    def __init__(self, url: str, *, clock: Clock = utc_now, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        if os.environ.get("RECS_COUNT_ROWS"):
            count_reads(self.engine)  # benchmarks: statements and rows read, printed at exit
        self._write_engine = self.engine.execution_options(recs_write=True)
        self._relaxed: Engine | None = None
        self._echo = echo
        self.clock = clock
        self._migrated = False
        self._lock = threading.Lock()

    @property
    def relaxed_engine(self) -> Engine:
        """Autocommit writes of bookkeeping that a crash may lose at no cost (the request
        signatures kept against replays), made before Slack's answer: on PostgreSQL they do
        not wait for the disk, so a checkpoint or another process's burst of writes cannot
        hold up an ack (those commits were seen waiting 300 ms). Real data never goes here."""
        with self._lock:
            if self._relaxed is None:
                if is_sqlite(self.engine):
                    self._relaxed = self._write_engine
                else:
                    relaxed = make_engine(self.url, echo=self._echo, durable=False)
                    self._relaxed = relaxed.execution_options(isolation_level="AUTOCOMMIT")
            return self._relaxed

    def healthy(self) -> bool:
        """Whether the database answers a read of a real table (`/healthz`)."""
        path = self.engine.url.database
        if is_sqlite(self.engine) and path and path != ":memory:":
            return sqlite_file_readable(path)
        try:
            with self.engine.connect() as connection:
                found = connection.execute(text(f"SELECT 1 FROM {HEALTH_TABLE} LIMIT 1"))
                return found.first() is not None
        except SQLAlchemyError as exc:
            log.warning("health check: database unavailable (%s)", type(exc).__name__)
            return False

    def ensure_migrated(self) -> None:
        """Bring a new or old database to the latest schema, once per process."""
        with self._lock:
            if self._migrated:
                return
            from storage.migrate import upgrade

            upgrade(self.engine)
            self._migrated = True

    def unit_of_work(self, *, write: bool = True, now: datetime | None = None) -> UnitOfWork:
        """A transaction; `now` (from the caller's clock) dates everything it writes."""
        engine = self._write_engine if write else self.engine
        return UnitOfWork(engine, now or self.clock(), write=write)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._relaxed is not None and self._relaxed is not self._write_engine:
            self._relaxed.dispose()


class UnitOfWork:
    """A session and its transaction. A write rolls back unless committed; a read that
    finished ends with COMMIT: PostgreSQL's driver (psycopg) forgets its prepared statements
    on every ROLLBACK, and a read then re-plans each statement on every request."""

    session: Session

    def __init__(self, engine: Engine, now: datetime, *, write: bool = True) -> None:
        self._engine = engine
        self.now = now  # one "now" for everything the use case writes
        self._write = write
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self._engine, expire_on_commit=False)
        if not self._write:
            event.listen(self.session, "before_flush", _refuse_writes)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and not self._write:
                try:
                    self.session.commit()
                except SQLAlchemyError:
                    log.debug("ending a read failed; the read had finished", exc_info=True)
        finally:
            # close() rolls back what was not committed and detaches the objects with their
            # loaded values, so a view can still read them after the transaction.
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name


def _refuse_writes(session: Session, *_args: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read unit of work tried to write; use unit_of_work(write=True)")


class ReadCounter:
    """Statements run and rows fetched by this process (RECS_COUNT_ROWS=1, for bench/sweep.py):
    the proof that a sweep reads in proportion to what is due, not to the table."""

    def __init__(self) -> None:
        self.statements = 0
        self.rows = 0
        self.registered = False

    def report(self) -> None:
        print(f"recs-count: statements={self.statements} rows={self.rows}", file=sys.stderr)


READS = ReadCounter()


def count_reads(engine: Engine) -> None:
    """Counts every statement, and every row the driver hands back, on this engine."""

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        READS.statements += 1

    @event.listens_for(engine, "connect")
    def _rows(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        if is_sqlite(engine):

            def sqlite_row(_cursor: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
                READS.rows += 1
                return row

            dbapi_connection.row_factory = sqlite_row
            return
        from psycopg.rows import tuple_row

        def psycopg_rows(cursor: Any) -> Callable[[Any], Any]:
            make = tuple_row(cursor)

            def row(values: Any) -> Any:
                READS.rows += 1
                return make(values)

            return row

        dbapi_connection.row_factory = psycopg_rows

    if not READS.registered:
        atexit.register(READS.report)
        READS.registered = True
