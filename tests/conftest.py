"""Shared fixtures: databases on SQLite and PostgreSQL, a fixed clock, the Child H demo."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.rules.permissions import Actor
from console.clock import MovableClock
from storage.db import Database
from tests import databases

pytest_plugins = ["tests.support.fixtures"]

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = FIXTURES / "seeds"
REPORTS = FIXTURES / "reports"
DEMO_TIME = datetime(2015, 3, 2, 9, 0, tzinfo=UTC)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if databases.postgres_base_url():
        return
    skip = pytest.mark.skip(reason="TEST_DATABASE_URL is not set")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return databases.sqlite_url(tmp_path)
    return databases.postgres_url(worker_id())


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(DEMO_TIME)


@pytest.fixture
def db(database_url: str, clock: MovableClock) -> Iterator[Database]:
    database = Database(database_url, clock=clock)
    database.ensure_migrated()
    yield database
    database.dispose()


@pytest.fixture
def demo_db(db: Database) -> Database:
    from bot.demo import load_demo

    load_demo(db)
    return db


# People of the Child H demo (bot/demo.py), by role.
ADMIN = Actor("U0SAMPATEL", "Sam Patel")
CHAIR = Actor("U0RUTHOKAF", "Ruth Okafor")
CSC_LEAD = Actor("U0JOTURNER", "Jo Turner")  # owns H-27..H-30 (Children's Social Care)
TVP_LEAD = Actor("U0DEVSHARM", "Dev Sharma")  # owns H-12..H-20
MEMBER = Actor("U0MOAHMED0", "Mo Ahmed")  # owns nothing
