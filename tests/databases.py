"""Test databases: a migrated SQLite file per test, and a PostgreSQL database per worker.

PostgreSQL runs when TEST_DATABASE_URL is set (CI sets it); each worker gets its own
database, migrated once and emptied between tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from storage.db import Database

_SQLITE_TEMPLATE: Path | None = None
_PG_READY: set[str] = set()


def postgres_base_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def sqlite_url(directory: Path) -> str:
    """A fresh, migrated SQLite database (copied from a template migrated once)."""
    global _SQLITE_TEMPLATE
    if _SQLITE_TEMPLATE is None:
        template_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"recs-template-{os.getpid()}"
        template_dir.mkdir(parents=True, exist_ok=True)
        template = template_dir / "template.sqlite3"
        template.unlink(missing_ok=True)
        db = Database(f"sqlite:///{template}")
        db.ensure_migrated()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        _SQLITE_TEMPLATE = template
    target = directory / "recs.sqlite3"
    shutil.copy(_SQLITE_TEMPLATE, target)
    return f"sqlite:///{target}"


def postgres_url(worker: str) -> str:
    """This worker's own PostgreSQL database, migrated and empty."""
    base = postgres_base_url()
    assert base, "TEST_DATABASE_URL is not set"
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"recs_test_{worker}"
    target = url.set(database=name).render_as_string(hide_password=False)
    if name not in _PG_READY:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db = Database(target)
        db.ensure_migrated()
        db.dispose()
        _PG_READY.add(name)
    else:
        empty_postgres(target)
    return target


def all_tables() -> MetaData:
    """Every table the migrations make: recs's models, and the tables of slack_sdk's
    SQLAlchemy installation and state stores (the OAuth install), as the stores define them."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    import storage.models  # noqa: F401

    every = MetaData()
    engine = create_engine("sqlite://")  # the stores want an engine; nothing is made in it
    stores = (
        SQLAlchemyInstallationStore(client_id="recs", engine=engine).metadata,
        SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).metadata,
    )
    for metadata in (SQLModel.metadata, *stores):
        for table in metadata.sorted_tables:
            table.to_metadata(every)
    return every


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in all_tables().sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
