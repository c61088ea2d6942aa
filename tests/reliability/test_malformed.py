"""Malformed Slack payloads, correctly signed: each gets a 4xx or an ack with an error, never a
500, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.reliability.live import Fingerprint
from tests.support import payloads
from tests.support.driver import FORM, JSON, SlackDriver, signed_request

TVP_LEAD = "U0DEVSHARM"


def command_fields(slack: SlackDriver, **change: Any) -> dict[str, str]:
    fields = payloads.slash_command(
        slack.origin,
        user_id=TVP_LEAD,
        user_name="dev",
        text="note H-15 malformed",
        channel_id="C0BOARD01",
        channel_name="board",
        response_url="http://127.0.0.1:9/x",
        command="/recs",
    )
    fields.update(change)
    return {k: v for k, v in fields.items() if v is not None}


def raw(slack: SlackDriver, body: bytes, content_type: str) -> Any:
    return slack.send(signed_request(body, content_type, slack.signing_secret))


def interaction(slack: SlackDriver, payload: dict[str, Any]) -> Any:
    return slack.post_interaction(payload)


def view(slack: SlackDriver, callback_id: str, values: dict[str, Any]) -> dict[str, Any]:
    submitted = payloads.submitted_view(
        slack.origin, callback_id=callback_id, values=values, private_metadata="", view_id=""
    )
    return payloads.view_submission(slack.origin, user=slack._user(TVP_LEAD), view=submitted)


def actions(slack: SlackDriver, action_id: str, value: str) -> dict[str, Any]:
    return payloads.block_actions(
        slack.origin,
        user=slack._user(TVP_LEAD),
        actions=[payloads.button_action(action_id, value)],
        channel={"id": "C0BOARD01", "name": "board"},
        message=slack._bot_message(),
        view=None,
        response_url="http://127.0.0.1:9/x",
        is_ephemeral=False,
    )


CASES: dict[str, Any] = {
    "truncated JSON event": lambda s: raw(s, b'{"type": "event_callback", "event": {"ty', JSON),
    "JSON that is a list": lambda s: raw(s, b"[1, 2, 3]", JSON),
    "empty body": lambda s: raw(s, b"", FORM),
    "binary garbage": lambda s: raw(s, bytes(range(256)), FORM),
    "command without user": lambda s: s.post_form(command_fields(s, user_id=None)),
    "command without text": lambda s: s.post_form(command_fields(s, text=None)),
    "command of another name": lambda s: s.post_form(command_fields(s, command="/other")),
    "oversized text": lambda s: s.post_form(command_fields(s, text="note H-15 " + "x" * 200_000)),
    "truncated interaction": lambda s: s.post_form({"payload": '{"type": "block_actions", "us'}),
    "interaction of a wrong type": lambda s: interaction(s, {"type": "no_such_type"}),
    "interaction without user": lambda s: interaction(
        s, {k: v for k, v in actions(s, "rec_at_risk", "H-15").items() if k != "user"}
    ),
    "payload that is a number": lambda s: s.post_form({"payload": "42"}),
    "unknown action id": lambda s: interaction(s, actions(s, "no_such_action", "H-15")),
    "at-risk on an unknown ref": lambda s: interaction(s, actions(s, "rec_at_risk", "H-99999")),
    "at-risk with a garbage value": lambda s: interaction(s, actions(s, "rec_at_risk", "\x00" * 3)),
    "evidence accept with a bad id": lambda s: interaction(
        s, actions(s, "evidence_accept", "not-a-number")
    ),
    "confirm proposal with bad JSON": lambda s: interaction(
        s, actions(s, "proposal_confirm", '{"ref": ')
    ),
    "list page with bad JSON": lambda s: interaction(s, actions(s, "list_page_next", "{bad")),
    "update modal with unknown blocks": lambda s: interaction(
        s, view(s, "update_recommendation", {"nope": {"nope": "x"}})
    ),
    "add modal with unknown blocks": lambda s: interaction(
        s, view(s, "add_recommendation", {"nope": {"nope": "x"}})
    ),
    "evidence modal with no values": lambda s: interaction(s, view(s, "evidence_from_message", {})),
    "unknown view": lambda s: interaction(s, view(s, "no_such_view", {})),
    "event without event": lambda s: s.post_json(
        {"type": "event_callback", "team_id": "T0001", "event_id": "Ev1"}
    ),
    "message event without fields": lambda s: s.event({"type": "message"}),
    "message event without user": lambda s: s.event(
        {"type": "message", "channel": "C0BOARD01", "text": "Evidence for H-15: https://x.org/a"}
    ),
    "message with a non-string text": lambda s: s.event(
        {
            "type": "message",
            "channel": "C0BOARD01",
            "user": TVP_LEAD,
            "text": {"a": 1},
            "ts": "1.2",
            "channel_type": "channel",
        }
    ),
    "DM reply with non-string thread": lambda s: s.event(
        {
            "type": "message",
            "channel": "D0X",
            "user": TVP_LEAD,
            "text": "done",
            "ts": "1.2",
            "thread_ts": ["x"],
            "channel_type": "im",
        }
    ),
    "event of an unknown type": lambda s: s.event({"type": "no_such_event"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_payload_is_refused_or_answered_and_writes_nothing(
    slack: SlackDriver, prints: Fingerprint, case: str
) -> None:
    before = prints.take()
    response = CASES[case](slack)
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code == 200 and response.content:
        body = response.content.decode(errors="replace")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = body
        assert "something went wrong" not in str(parsed)
    assert prints.take() == before
