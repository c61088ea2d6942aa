"""The shapes Slack sends, checked at the edge (slack/payloads.py): each kind of request is
told apart by its body alone, well-shaped payloads pass whole, and any part that bolt or a
listener reads in another shape is refused before they meet it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from slack.payloads import CLICK, COMMAND, EVENT, OTHER, read_request
from tests.support import payloads
from tests.support.payloads import Origin

ORIGIN = Origin()
USER = ORIGIN.user("U0DEVSHARM", "dev")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def interaction(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def command(**change: Any) -> bytes:
    fields: dict[str, Any] = payloads.slash_command(
        ORIGIN, user_id="U0DEVSHARM", user_name="dev", text="note H-15 x", channel_id="C0BOARD01",
        channel_name="board", response_url="https://hooks.slack.com/commands/1/2",
    )  # fmt: skip
    fields.update(change)
    return urlencode({k: v for k, v in fields.items() if v is not None}).encode()


def click(**change: Any) -> dict[str, Any]:
    payload = payloads.block_actions(
        ORIGIN, user=USER, actions=[payloads.button_action("rec_show", "H-15")],
        channel={"id": "C0BOARD01", "name": "board"},
        message={"type": "message", "ts": "1425286800.000100", "text": ""},
        response_url="https://hooks.slack.com/actions/1/2",
    )  # fmt: skip
    payload.update(change)
    return payload


def submission(**change: Any) -> dict[str, Any]:
    view = payloads.submitted_view(ORIGIN, callback_id="add_recommendation", values={"text": {"value": "x"}})
    view.update(change)
    return payloads.view_submission(ORIGIN, user=USER, view=view)


def message_event(**change: Any) -> dict[str, Any]:
    event = payloads.message_event(user="U0DEVSHARM", text="Evidence for H-15: https://x.org/a", channel="C0BOARD01")
    event.update(change)
    return payloads.event_callback(ORIGIN, event)


def test_each_kind_of_request_is_told_apart_by_its_body() -> None:
    """serve answers commands, clicks and events on return (no 10 ms poll), and views and
    shortcuts through bolt's default app."""
    shortcut = payloads.message_shortcut(
        ORIGIN, user=USER, callback_id="add_as_evidence", channel={"id": "C0BOARD01"},
        message={"type": "message", "ts": "1425286800.000100", "text": "H-15"},
        response_url="https://hooks.slack.com/x",
    )  # fmt: skip
    kinds = {
        EVENT: (json.dumps(message_event()).encode(), JSON),
        COMMAND: (command(), FORM),
        CLICK: (interaction(click()), FORM),
        OTHER: (interaction(submission()), FORM),
    }
    for kind, (body, content_type) in kinds.items():
        read = read_request(body, content_type)
        assert read is not None and read.kind == kind, kind
    read = read_request(interaction(shortcut), FORM)
    assert read is not None and read.kind == OTHER


def test_an_event_is_known_by_its_id() -> None:
    body = message_event()
    read = read_request(json.dumps(body).encode(), JSON)
    assert read is not None and read.event_id == body["event_id"]


def test_a_command_whose_text_says_payload_is_still_a_command() -> None:
    """Bolt's own parser reads any form body holding the word "payload" as an interaction
    and finds nothing; the router hands bolt the body it parsed instead."""
    read = read_request(command(text="note H-15 the payload of the audit"), FORM)
    assert read is not None and read.kind == COMMAND
    assert read.body["text"] == "note H-15 the payload of the audit"


ODD_SHAPES: dict[str, tuple[bytes, str]] = {
    "actions as an object": (interaction(click(actions={"action_id": "rec_show"})), FORM),
    "no actions": (interaction(click(actions=[])), FORM),
    "an action without its id": (interaction(click(actions=[{"value": "H-1"}])), FORM),
    "an action value that is a number": (
        interaction(click(actions=[{"action_id": "rec_show", "value": 15}])), FORM
    ),
    "a user that is a string": (interaction(click(user="U0DEVSHARM")), FORM),
    "a user without an id": (interaction(click(user={"name": "dev"})), FORM),
    "a team that is a number": (interaction(click(team=7)), FORM),
    "a channel that is a list": (interaction(click(channel=["C0BOARD01"])), FORM),
    "an enterprise that is a number": (interaction(click(enterprise=1)), FORM),
    "authorizations that are an object": (interaction(click(authorizations={"a": 1})), FORM),
    "response_urls that are a string": (interaction(click(response_urls="https://x")), FORM),
    "a message that is a string": (interaction(click(message="hello")), FORM),
    "a view with no type": (interaction(submission(type=None)), FORM),
    "a view that is a list": (
        interaction({**submission(), "view": ["modal"]}), FORM
    ),
    "view state values that are a list": (interaction(submission(state={"values": []})), FORM),
    "a selected option that is a string": (
        interaction(submission(state={"values": {"b": {"value": {"selected_option": "x"}}}})),
        FORM,
    ),
    "private metadata that is an object": (interaction(submission(private_metadata={})), FORM),
    "an interaction of an unknown type": (interaction({"type": "no_such_type", "user": USER}), FORM),
    "a payload that is a list": (urlencode({"payload": "[1, 2]"}).encode(), FORM),
    "a command given twice": (command() + b"&user_id=U0OTHER", FORM),
    "a command user id that is too long": (command(user_id="U" * 200), FORM),
    "a command without a channel": (command(channel_id=None), FORM),
    "files: [None]": (json.dumps(message_event(files=[None])).encode(), JSON),
    "files as an object": (json.dumps(message_event(files={"id": "F1"})).encode(), JSON),
    "a message text that is an object": (json.dumps(message_event(text={"a": 1})).encode(), JSON),
    "a message ts that is a number": (json.dumps(message_event(ts=1.5)).encode(), JSON),
    "an event that is a list": (
        json.dumps({**message_event(), "event": ["message"]}).encode(), JSON
    ),
    "an event without its type": (json.dumps(message_event(type=None)).encode(), JSON),
    "an event id with spaces": (
        json.dumps({**message_event(), "event_id": "Ev 1 2"}).encode(), JSON
    ),
    "an app home event without its user": (
        json.dumps(payloads.event_callback(ORIGIN, {"type": "app_home_opened"})).encode(), JSON
    ),
    "JSON that is a string": (b'"hello"', JSON),
    "not UTF-8": (b"\xff\xfe" + command(), FORM),
    "a form that is not a form": (b"%%%===&&&", FORM),
}


@pytest.mark.parametrize("case", list(ODD_SHAPES))
def test_a_part_in_a_shape_slack_never_sends_is_refused(case: str) -> None:
    body, content_type = ODD_SHAPES[case]
    assert read_request(body, content_type) is None


def test_a_type_that_is_not_a_string_is_refused() -> None:
    """A list for a type cannot even be looked up (found by the shape fuzzer)."""
    for kind in ([], {}, 3, None):
        assert read_request(interaction({**click(), "type": kind}), FORM) is None
        assert read_request(json.dumps({**message_event(), "type": kind}).encode(), JSON) is None
