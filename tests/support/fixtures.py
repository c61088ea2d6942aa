"""Pytest fixtures for the fake Slack; tests/conftest.py registers them (`pytest_plugins`).

One fake Slack runs per test module (`fake`), so a `serve` process or a bolt app started for
the module keeps its URL; each test takes it as `fake_slack`, reset as if just started.

`fake_slack` fails the test at teardown if the app sent Block Kit that Slack would reject; a
test that provokes violations on purpose asserts on them and then calls `fake_slack.clear()`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """The running fake Slack Web API of this test module."""
    with FakeSlack() as running:
        yield running


@pytest.fixture
def fake_slack(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The module's fake Slack, reset for this test, with SLACK_API_URL pointing at it."""
    fake.reset()
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    yield fake
    assert fake.violations == [], "the app sent blocks or views that Slack would reject"
