"""Pytest fixtures for the fake Slack; tests/conftest.py registers them (`pytest_plugins`).

`fake_slack` fails the test at teardown if the app sent Block Kit that Slack would reject; a
test that provokes violations on purpose asserts on them and then calls `fake_slack.clear()`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_slack import FakeSlack


@pytest.fixture
def fake_slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A running fake Slack Web API, with SLACK_API_URL pointing at it."""
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        yield fake
        assert fake.violations == [], "the app sent blocks or views that Slack would reject"
