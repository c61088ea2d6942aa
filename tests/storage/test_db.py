"""Storage: migrations match the models, SQLite pragmas, the unit of work."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import select

import storage.models  # noqa: F401
from storage.db import Database, masked
from storage.migrate import current_revision
from storage.models import Board
from tests.databases import all_tables


def test_migrations_match_the_models(db: Database) -> None:
    """recs's tables, and slack_sdk's installation and state stores' (issue 19), exactly as
    the stores define them."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, all_tables())
    assert differences == []


def test_database_is_at_the_head_revision(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
    assert current_revision(db.engine) == head


def test_a_new_sqlite_database_migrates_on_first_use(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path}/new/recs.sqlite3")
    db.ensure_migrated()
    with db.unit_of_work(write=False) as uow:
        assert uow.session.exec(select(Board)).all() == []
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path}/recs.sqlite3")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_unit_of_work_rolls_back_unless_committed(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.session.add(Board(name="Uncommitted board", created_at=uow.now))
        uow.session.flush()
    with db.unit_of_work(write=False) as uow:
        assert uow.session.exec(select(Board)).all() == []


def test_passwords_are_masked() -> None:
    shown = masked("postgresql+psycopg://recs:s3cret@db.example.org/recs")
    assert "s3cret" not in shown
    assert "***" in shown


def test_request_signatures_are_claimed_once_without_waiting_for_the_disk(db: Database) -> None:
    """The replay guard writes a row for every Slack request, before the ack: on PostgreSQL
    its commits must not wait for the WAL to reach the disk (a checkpoint or a burst of
    writes made them wait hundreds of milliseconds), while every real write still does."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from storage.replay import claim_signature

    now = datetime(2015, 3, 2, 9, tzinfo=UTC)
    assert claim_signature(db, "v0=" + "ab" * 32, now) is True
    assert claim_signature(db, "v0=" + "ab" * 32, now) is False
    if db.engine.dialect.name == "postgresql":
        with db.relaxed_engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"


def test_text_the_database_cannot_store_is_made_storable_before_it_reaches_it(
    db: Database,
) -> None:
    """A NUL byte (PostgreSQL refuses it in text) and a lone surrogate (neither driver can
    encode it) are taken out of every bound parameter, for writes and for reads alike."""
    with db.unit_of_work() as uow:
        uow.session.add(Board(name="Nul\x00 board \ud800", created_at=uow.now))
        uow.commit()
    with db.unit_of_work(write=False) as uow:
        stored = uow.session.exec(select(Board.name)).one()
        found = uow.session.exec(select(Board).where(Board.name == "Nul\x00 board \ud800")).all()
    assert stored == "Nul board \ufffd"
    assert len(found) == 1


def test_a_failing_statement_hides_its_bound_parameters(db: Database) -> None:
    """SQLAlchemy puts `[parameters: …]` (a note's text) in an error's message; every engine
    hides them. (PostgreSQL's own DETAIL may still quote a value, so a log line never carries
    a database error's message at all: see tests/test_logs.py.)"""
    from sqlalchemy.exc import DBAPIError

    with db.unit_of_work() as uow:
        uow.session.add(Board(name="Duplicate", created_at=uow.now))
        uow.commit()
    try:
        with db.unit_of_work() as uow:
            uow.session.add(Board(name="Duplicate", created_at=uow.now))  # unique name: refused
            uow.commit()
    except DBAPIError as exc:
        assert "[SQL parameters hidden" in str(exc)
    else:
        raise AssertionError("a duplicate board name was stored")


def test_health_reads_a_real_table(db: Database) -> None:
    assert db.healthy()


def test_health_fails_when_the_sqlite_file_is_deleted_or_zeroed(tmp_path) -> None:
    from pathlib import Path

    for damage in ("delete", "zero"):
        path = Path(tmp_path) / f"{damage}.sqlite3"
        db = Database(f"sqlite:///{path}")
        db.ensure_migrated()
        assert db.healthy()
        if damage == "delete":
            path.unlink()
        else:
            path.write_bytes(b"")
        assert not db.healthy(), damage
        db.dispose()
