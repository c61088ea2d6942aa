"""End-to-end fixtures: one `serve` process per test module, on a database loaded with the
Child H demo, against the module's fake Slack (`fake`, from tests/support/fixtures.py).

A module whose tests each need the demo untouched (a reminder sweep sends the morning's
reminders once) overrides `server` with `own_server`: a `serve` process per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import load_demo
from console.clock import MovableClock
from storage.db import Database
from tests import databases
from tests.conftest import DEMO_TIME
from tests.e2e.server import SIGNING_SECRET, ServeProcess, serve
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def demo_url(e2e_dir: Path) -> str:
    """A SQLite file with the Child H demo loaded."""
    url = databases.sqlite_url(e2e_dir)
    db = Database(url, clock=MovableClock(DEMO_TIME))
    load_demo(db)
    db.dispose()
    return url


@pytest.fixture(scope="module")
def app_db(demo_url: str) -> Iterator[Database]:
    """The same database, opened by the test to read state and prepare rows."""
    db = Database(demo_url, clock=MovableClock(DEMO_TIME))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def server(demo_url: str, fake: FakeSlack, e2e_dir: Path) -> Iterator[ServeProcess]:
    with serve(demo_url, fake.url, e2e_dir) as running:
        yield running


@pytest.fixture
def own_server(demo_db: Database, fake: FakeSlack, tmp_path: Path) -> Iterator[ServeProcess]:
    """A `serve` process for this test alone, on its own Child H database (`demo_db`, on
    SQLite and PostgreSQL)."""
    with serve(demo_db.url, fake.url, tmp_path) as running:
        yield running


@pytest.fixture
def slack(server: ServeProcess, fake_slack: FakeSlack) -> Iterator[SlackDriver]:
    """A driver on the running app; the fake Slack is reset and checked per test (`fake_slack`)."""
    with SlackDriver(server.events_url, SIGNING_SECRET, fake=fake_slack) as driver:
        yield driver
