"""The plan imported, live work in Slack, the plan imported again: end to end, on SQLite and
PostgreSQL. Jo Turner marks H-27 done with evidence, moves H-29's due date and adds evidence
to H-31 over signed HTTP to `python app.py serve`; then `python app.py import` of the same
plan (a dry run first) reverts none of it and names each conflict."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlmodel import col, select

from bot.demo import PLAN
from storage.db import Database
from storage.models import DueDateChange, Evidence, Recommendation, Status
from tests.e2e.helpers import acked, fingerprint, shown
from tests.e2e.server import BOT_TOKEN, REPO, ServeProcess
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

JO = "U0JOTURNER"
IMPORTED_AT = "2015-03-03T10:00:00+00:00"  # the day after the live work (RECS_CLOCK)


@pytest.fixture
def server(own_server: ServeProcess) -> ServeProcess:
    """Each story on a Child H database of its own (SQLite and PostgreSQL)."""
    return own_server


def import_plan(db: Database, fake: FakeSlack, *extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,  # names are matched against the fake's users.list
        "SLACK_API_URL": fake.url,
        "RECS_CLOCK": IMPORTED_AT,
    }
    return subprocess.run(
        [sys.executable, "app.py", "import", str(PLAN), "--review", "H", *extra],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def recommendation(db: Database, ref: str) -> Recommendation:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()


def test_reimport_after_live_updates_in_slack_reverts_nothing(
    slack: SlackDriver, fake_slack: FakeSlack, demo_db: Database
) -> None:
    fake_slack.add_user(JO, real_name="Jo Turner", email="jo.turner@example.org")
    for text in (
        "done H-27 https://example.org/csc/pre-birth-audit.pdf Audit of 20 cases",
        'due H-29 "end of September 2015" trainer on leave',
    ):
        assert "Example" not in shown(acked(slack.command(JO, text))), text
    acked(
        slack.command("U0ALIKHAN0", "evidence H-31 https://example.org/ouh/dna-policy.pdf Policy")
    )
    before = fingerprint(demo_db)

    dry = import_plan(demo_db, fake_slack, "--dry-run")
    real = import_plan(demo_db, fake_slack)

    for run in (dry, real):
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert (
            "H-27: file says in progress; recs says completed on 2 Mar 2015 by Jo Turner: kept"
            in run.stdout
        )
        assert (
            "H-29: file says due 30 Jun 2015; recs says due 30 Sep 2015 (changed on 2 Mar 2015 by Jo Turner): kept"
            in run.stdout
        )
    assert dry.stdout.splitlines()[:-1] == real.stdout.splitlines()[:-1]
    assert "nothing written" in dry.stdout
    assert "0 added, 0 updated, 36 unchanged" in real.stdout
    assert fingerprint(demo_db) == before

    h27, h29 = recommendation(demo_db, "H-27"), recommendation(demo_db, "H-29")
    assert h27.status == Status.completed and h29.due_on == date(2015, 9, 30)
    with demo_db.unit_of_work(write=False) as uow:
        moves = uow.session.exec(
            select(DueDateChange).where(DueDateChange.recommendation_id == h29.id)
        ).all()
        links = uow.session.exec(select(Evidence.url).order_by(col(Evidence.id))).all()
    assert len(moves) == 1  # no revert for the board paper to report as slippage
    assert "https://example.org/ouh/dna-policy.pdf" in links
    show = shown(acked(slack.command(JO, "show H-27")))
    assert "completed" in show.lower()
