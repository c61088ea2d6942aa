"""Fixtures for the reliability suite: per test module and per backend (SQLite, PostgreSQL),
one fake Slack and one real `python app.py serve` process on a Child H demo database.

PostgreSQL runs when TEST_DATABASE_URL is set; each module gets a database of its own, so a
test may terminate that database's connections without touching anyone else's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import load_demo
from console.clock import MovableClock
from storage.db import Database
from tests import databases
from tests.conftest import BACKENDS, DEMO_TIME, worker_id

# The same serve process and driver as the end-to-end tests (the fake Slack is everyone's);
# only the database differs (per backend, per module): pytest resolves `demo_url` and
# `e2e_dir` from here.
from tests.e2e.conftest import app_db, server, slack  # noqa: F401
from tests.reliability.live import TALLIES, Fingerprint, Tally, drop_postgres, fresh_postgres


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


@pytest.fixture(scope="module")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reliability")


@pytest.fixture(scope="module", params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, e2e_dir: Path) -> Iterator[str]:
    """The Child H demo on SQLite or on a PostgreSQL database of this module's own."""
    if request.param == "sqlite":
        url = databases.sqlite_url(e2e_dir)
    else:
        module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:30]
        url = fresh_postgres(f"recs_rel_{module}_{worker_id()}")
    db = Database(url, clock=MovableClock(DEMO_TIME))
    load_demo(db)
    db.dispose()
    yield url
    if request.param != "sqlite":
        drop_postgres(url)


@pytest.fixture(scope="module")
def prints(demo_url: str) -> Iterator[Fingerprint]:
    fingerprint = Fingerprint(demo_url)
    yield fingerprint
    fingerprint.dispose()
