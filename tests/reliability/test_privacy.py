"""Logs never hold message or recommendation text, tokens or the signing secret, at any level
(this module's `serve` logs at DEBUG), and a database password is masked wherever the URL is
printed. A NUL byte (which PostgreSQL refuses in text) is taken out before the database sees
it: the note is answered and stored, and nothing of it reaches the log; a database error
other than a lost connection is answered with an apology and logged by its type only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from storage.db import Database, masked
from storage.models import Evidence, ProgressUpdate
from tests.e2e.helpers import acked, shown
from tests.e2e.server import BOT_TOKEN, SIGNING_SECRET, ServeProcess, serve
from tests.reliability.faults import database_down
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

TVP_LEAD = "U0DEVSHARM"
SECRET_NOTE = "confidential-note-about-child-h-4471"
NUL_MARKER = "nul-byte-marker-child-h-5502"
REFUSED_MARKER = "refuse-this-note-6613"


@pytest.fixture(scope="module")
def server(demo_url: str, fake: FakeSlack, e2e_dir: Path) -> Iterator[ServeProcess]:
    """`serve` at DEBUG: the policy holds at every level."""
    with serve(demo_url, fake.url, e2e_dir, name="serve-debug", RECS_LOG_LEVEL="DEBUG") as running:
        yield running


def test_the_log_of_a_run_holds_no_text_tokens_or_secrets(
    slack: SlackDriver, server: ServeProcess, demo_url: str
) -> None:
    slack.command(TVP_LEAD, f"note H-17 {SECRET_NOTE}")
    slack.command(TVP_LEAD, f"note H-99999 {SECRET_NOTE}")
    slack.command(TVP_LEAD, f'update H-17 "{SECRET_NOTE}')
    slack.command(TVP_LEAD, f"note H-17 {SECRET_NOTE}", forged=True)  # bolt logs its body
    slack.message(TVP_LEAD, f"Evidence for H-17 {SECRET_NOTE}: https://example.org/{SECRET_NOTE}")
    with database_down(demo_url):
        slack.command(TVP_LEAD, f"note H-17 outage {SECRET_NOTE}")
        slack.message(TVP_LEAD, f"Evidence for H-18: https://example.org/{SECRET_NOTE}-2")
    log = server.log()
    assert "DEBUG" in log
    for secret in (SECRET_NOTE, BOT_TOKEN, SIGNING_SECRET):
        assert secret not in log, secret


def test_a_note_with_a_nul_byte_is_answered_stored_and_kept_out_of_the_log(
    slack: SlackDriver, server: ServeProcess, app_db: Database
) -> None:
    reply = shown(acked(slack.command(TVP_LEAD, f"note H-17 {NUL_MARKER}\x00 audit booked")))
    assert "note added" in reply and "something went wrong" not in reply
    for read in (f"show H-17\x00{NUL_MARKER}", f"list H\x00 {NUL_MARKER}", f"theme \x00{NUL_MARKER}"):
        assert "something went wrong" not in shown(acked(slack.command(TVP_LEAD, read)))
    event = slack.message(
        TVP_LEAD, f"Evidence for H-18: https://example.org/{NUL_MARKER}.pdf \x00{NUL_MARKER}",
        channel="C0BOARD01",
    )  # fmt: skip
    assert event.status_code == 200
    with app_db.unit_of_work(write=False) as uow:
        note = uow.session.exec(
            select(ProgressUpdate.text).where(col(ProgressUpdate.text).contains(NUL_MARKER))
        ).one()
        evidence = uow.session.exec(
            select(Evidence.url).where(col(Evidence.url).contains(NUL_MARKER))
        ).all()
    assert note == f"{NUL_MARKER} audit booked"
    assert len(evidence) == 1
    assert NUL_MARKER not in server.log()


def refuse_rows_saying(url: str, table: str, column: str, marker: str) -> None:
    """A constraint the app knows nothing of: inserting a row whose `column` holds `marker`
    fails with a database error that is not a lost connection (PostgreSQL's names the row)."""
    parsed = make_url(url)
    engine = create_engine(parsed)
    name = f"refuse_{table}_{marker.replace('-', '_')}"
    with engine.begin() as conn:
        if parsed.get_backend_name() == "sqlite":
            conn.execute(text(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE INSERT ON {table} "
                f"WHEN NEW.{column} LIKE '%{marker}%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ))  # fmt: skip
        else:
            conn.execute(text(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} "
                f"CHECK (position('{marker}' in {column}) = 0)"
            ))  # fmt: skip
    engine.dispose()


def test_a_database_error_is_answered_and_logged_without_its_parameters_or_row(
    slack: SlackDriver, server: ServeProcess, demo_url: str
) -> None:
    refuse_rows_saying(demo_url, "progress_update", "text", REFUSED_MARKER)
    reply = shown(acked(slack.command(TVP_LEAD, f"note H-17 {REFUSED_MARKER} at the board")))
    assert "error id" in reply
    log = server.log()
    assert "IntegrityError (message withheld)" in log
    assert REFUSED_MARKER not in log


def test_database_passwords_are_masked() -> None:
    shown_url = masked("postgresql+psycopg://recs:hunter2@db.example:5432/recs")
    assert "hunter2" not in shown_url and "***" in shown_url


def test_the_signing_secret_is_not_logged_even_when_a_request_is_forged(
    server: ServeProcess,
) -> None:
    with SlackDriver(server.events_url, "not-the-secret") as forger:
        assert forger.command(TVP_LEAD, f"note H-17 {SECRET_NOTE}").status_code == 401
    assert SIGNING_SECRET not in server.log() and SECRET_NOTE not in server.log()
