"""Small assertions shared by the end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

import httpx

from storage.db import Database
from tests.e2e.server import fingerprint
from tests.support.block_checks import message_violations

__all__ = ["acked", "fingerprint", "shown", "unchanged_after"]


def acked(response: httpx.Response) -> dict[str, Any]:
    """The ack's JSON body (empty for a bare ack), checked against Slack's block limits."""
    assert response.status_code == 200, response.text
    if not response.content:
        return {}
    body: dict[str, Any] = response.json()
    assert message_violations(body) == []
    return body


def shown(body: dict[str, Any]) -> str:
    """Everything a person would read in a message: its text and its blocks."""
    return json.dumps(body, ensure_ascii=False)


def unchanged_after(db: Database, send: Any) -> dict[str, Any]:
    """Sends a bad request and checks that no table gained or lost a row."""
    before = fingerprint(db)
    body = acked(send())
    assert fingerprint(db) == before
    return body
