"""Fixtures for the reliability suite: per test module and per backend (SQLite, PostgreSQL),
one fake Slack and one real `python app.py serve` process on a Child H demo database.

PostgreSQL runs when TEST_DATABASE_URL is set; each module gets a database of its own, so a
test may terminate that database's connections without touching anyone else's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.console import MovableClock
from bot.demo import load_demo
from storage.db import Database
from tests import databases
from tests.e2e.conftest import DEMO_TIME
from tests.e2e.server import SIGNING_SECRET, ServeProcess, serve
from tests.reliability.live import TALLIES, Fingerprint, Tally, drop_postgres, fresh_postgres
from tests.slack.driver import SlackDriver
from tests.slack.fake_slack import FakeSlack


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """`make soak` prints what the fuzzers tried, how many were refused and how many wrote."""
    if not TALLIES:
        return
    total = Tally("total")
    for tally in TALLIES:
        terminalreporter.write_line(tally.line())
        total.tried += tally.tried
        total.rejected += tally.rejected
        total.written += tally.written
    terminalreporter.write_line(total.line())


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture(scope="module")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reliability")


@pytest.fixture(scope="module", params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, e2e_dir: Path) -> Iterator[str]:
    """The Child H demo on SQLite or on a PostgreSQL database of this module's own."""
    if request.param == "sqlite":
        url = databases.sqlite_url(e2e_dir)
    else:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:30]
        url = fresh_postgres(f"recs_rel_{module}_{worker}")
    db = Database(url, clock=MovableClock(DEMO_TIME))
    load_demo(db)
    db.dispose()
    yield url
    if request.param != "sqlite":
        drop_postgres(url)


@pytest.fixture(scope="module")
def app_db(demo_url: str) -> Iterator[Database]:
    """The same database, opened by the test to read state and prepare rows."""
    db = Database(demo_url, clock=MovableClock(DEMO_TIME))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def prints(demo_url: str) -> Iterator[Fingerprint]:
    fingerprint = Fingerprint(demo_url)
    yield fingerprint
    fingerprint.dispose()


@pytest.fixture(scope="module")
def server(demo_url: str, fake: FakeSlack, e2e_dir: Path) -> Iterator[ServeProcess]:
    with serve(demo_url, fake.url, e2e_dir) as running:
        yield running


@pytest.fixture
def slack(server: ServeProcess, fake: FakeSlack) -> Iterator[SlackDriver]:
    """A driver on the running app; the fake's record is cleared and checked per test."""
    fake.clear()
    with SlackDriver(server.events_url, SIGNING_SECRET, fake=fake) as driver:
        yield driver
    assert fake.violations == [], "the app sent blocks or views that Slack would reject"
