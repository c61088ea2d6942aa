"""Helpers for the reliability suite: a demo database on either backend, a fingerprint that
sees any change to any row, and the soak scale.

The fingerprint reads through its own read-only connection, so checking it after every
fuzzed command cannot itself write or hold a lock the app needs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from tests import databases
from tests.e2e.server import BOOKKEEPING

SOAK = bool(os.environ.get("RECS_SOAK"))


def scaled(count: int) -> int:
    """`count` in `make test`, ten times as many under `make soak` (RECS_SOAK=1)."""
    return count * 10 if SOAK else count


@dataclass
class Tally:
    """What a fuzzing run tried, what was refused and what was written (`make soak` prints it)."""

    name: str
    tried: int = 0
    rejected: int = 0
    written: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"recs-soak {self.name}: tried={self.tried} rejected={self.rejected} "
            f"written={self.written}"
        )


TALLIES: list[Tally] = []


def record(tally: Tally) -> None:
    """Keeps the tally for the end-of-run summary (see conftest.pytest_terminal_summary)."""
    TALLIES.append(tally)
    print(tally.line())


def fresh_postgres(name: str) -> str:
    """A new, empty PostgreSQL database of our own (its backends are ours to terminate)."""
    base = databases.postgres_base_url()
    assert base, "TEST_DATABASE_URL is not set"
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    parsed = make_url(url)
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def terminate_backends(url: str) -> int:
    """Kills every connection to this test's own database (not the server, not others')."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": parsed.database},
        ).scalar_one()
    admin.dispose()
    return int(killed)


@contextmanager
def no_connections(url: str) -> Iterator[None]:
    """PostgreSQL refuses new connections to this database (and drops the open ones) inside."""
    parsed = make_url(url)
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
    try:
        terminate_backends(url)
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()


class Fingerprint:
    """Row counts and a hash of every row of every table, read through a read-only connection."""

    def __init__(self, url: str) -> None:
        import storage.models  # noqa: F401 - registers the tables

        self.engine = _read_only_engine(url)
        # The replay guard's memory of signatures is written for every request: not data.
        self.tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in BOOKKEEPING]

    def take(self) -> dict[str, tuple[int, str]]:
        result: dict[str, tuple[int, str]] = {}
        with self.engine.connect() as conn:
            for table in self.tables:
                keys = [c for c in table.primary_key.columns] or list(table.columns)
                rows = conn.execute(select(table).order_by(*keys)).all()
                digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
                result[table.name] = (len(rows), digest[:16])
            conn.rollback()
        return result

    def counts(self) -> dict[str, int]:
        return {name: count for name, (count, _digest) in self.take().items()}

    def dispose(self) -> None:
        self.engine.dispose()


def _read_only_engine(url: str) -> Engine:
    from sqlalchemy import event

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 10})

        @event.listens_for(engine, "connect")
        def _query_only(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only=ON")

        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"options": "-c default_transaction_read_only=on"},
    )


def table_names(url: str) -> list[str]:
    engine = create_engine(make_url(url))
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()
