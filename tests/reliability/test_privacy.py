"""Logs at INFO never hold message or recommendation text, tokens or the signing secret, and a
database password is masked wherever the URL is printed."""

from __future__ import annotations

from storage.db import masked
from tests.e2e.server import BOT_TOKEN, SIGNING_SECRET, ServeProcess
from tests.reliability.faults import database_down
from tests.support.driver import SlackDriver

TVP_LEAD = "U0DEVSHARM"
SECRET_NOTE = "confidential-note-about-child-h-4471"


def test_the_log_of_a_run_holds_no_text_tokens_or_secrets(
    slack: SlackDriver, server: ServeProcess, demo_url: str
) -> None:
    slack.command(TVP_LEAD, f"note H-17 {SECRET_NOTE}")
    slack.command(TVP_LEAD, f"note H-99999 {SECRET_NOTE}")
    slack.command(TVP_LEAD, f'update H-17 "{SECRET_NOTE}')
    slack.message(TVP_LEAD, f"Evidence for H-17 {SECRET_NOTE}: https://example.org/{SECRET_NOTE}")
    with database_down(demo_url):
        slack.command(TVP_LEAD, f"note H-17 outage {SECRET_NOTE}")
        slack.message(TVP_LEAD, f"Evidence for H-18: https://example.org/{SECRET_NOTE}-2")
    log = server.log()
    assert "INFO" in log or "serving" in log
    for secret in (SECRET_NOTE, BOT_TOKEN, SIGNING_SECRET):
        assert secret not in log, secret


def test_database_passwords_are_masked() -> None:
    shown = masked("postgresql+psycopg://recs:hunter2@db.example:5432/recs")
    assert "hunter2" not in shown and "***" in shown
