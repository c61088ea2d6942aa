"""`app_uninstalled` and `tokens_revoked` are in the manifest, so a deployment of one bot token
receives them too: each is acknowledged (never a 404 that Slack retries and counts against
the app), logged by kind, and writes nothing. With many workspaces they delete the
installation (tests/e2e/test_oauth.py)."""

from __future__ import annotations

import pytest

from storage.db import Database
from tests.e2e.helpers import unchanged_after
from tests.support.driver import SlackDriver


@pytest.mark.parametrize(
    "event",
    [{"type": "app_uninstalled"}, {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT"]}}],
)
def test_one_workspaces_uninstall_events_are_acknowledged_and_write_nothing(
    slack: SlackDriver, app_db: Database, event: dict[str, object]
) -> None:
    unchanged_after(app_db, lambda: slack.event(event))  # 200, and no row gained or lost
