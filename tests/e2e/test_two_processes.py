"""Two `serve` processes on one PostgreSQL database serve the same workspace: a write made
through one is read through the other, and racing writes on one recommendation apply once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.demo import load_demo
from console.clock import MovableClock
from storage.db import Database
from storage.models import ProgressUpdate, Recommendation, Status
from tests import databases
from tests.conftest import DEMO_TIME, worker_id
from tests.e2e.helpers import acked, shown
from tests.e2e.server import SIGNING_SECRET, serve
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

pytestmark = pytest.mark.postgresql

TVP_LEAD = "U0DEVSHARM"
MEMBER = "U0MOAHMED0"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    base = databases.postgres_base_url()
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"recs_e2e_{worker_id()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = url.set(database=name).render_as_string(hide_password=False)
    db = Database(target, clock=MovableClock(DEMO_TIME))
    load_demo(db)
    db.dispose()
    yield target
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_two_serve_processes_share_one_postgres(
    pg_url: str, tmp_path: Path, fake: FakeSlack
) -> None:
    with (
        serve(pg_url, fake.url, tmp_path, name="a") as first,
        serve(pg_url, fake.url, tmp_path, name="b") as second,
        SlackDriver(first.events_url, SIGNING_SECRET, fake=fake) as a,
        SlackDriver(second.events_url, SIGNING_SECRET, fake=fake) as b,
    ):
        acked(a.command(TVP_LEAD, "update H-15 at-risk Staff shortage"))
        assert "at risk" in shown(acked(b.command(MEMBER, "show H-15")))

        def note(i: int) -> int:
            driver = (a, b)[i % 2]
            return driver.command(TVP_LEAD, f"note H-12 Progress report {i}").status_code

        def done(i: int) -> str:
            driver = (a, b)[i % 2]
            body = acked(driver.command(TVP_LEAD, f"done H-14 https://example.org/{i}.pdf"))
            return shown(body)

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(note, range(20))) == {200}
            answers = list(pool.map(done, range(4)))
        assert sum("marked completed" in answer for answer in answers) == 1
        assert fake.violations == []

    db = Database(pg_url)
    with db.unit_of_work(write=False) as uow:
        h12 = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-12")).one()
        notes = uow.session.exec(
            select(ProgressUpdate.text).where(ProgressUpdate.recommendation_id == h12.id)
        ).all()
        h14 = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-14")).one()
    db.dispose()
    assert sum(n.startswith("Progress report") for n in notes) == 20
    assert h14.status == Status.completed
