"""Fuzzing the shapes of what Slack sends: well-formed clicks, modal submissions, shortcuts,
events and commands with one part replaced by anything JSON can hold (a list for an object,
null in a list, a number for a string, a key taken away), correctly signed and sent to a
running `serve`. None gets a 500; a refused one writes nothing. And links that would lie to
a chair about where they go are refused, by command and in the board channel."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from bot.views import ids
from storage.db import Database
from storage.models import Evidence
from tests.e2e.helpers import acked, shown
from tests.e2e.server import SIGNING_SECRET, ServeProcess
from tests.reliability.live import Fingerprint, Tally, record, scaled
from tests.support import payloads
from tests.support.driver import FORM, JSON, SlackDriver, signed_request
from tests.support.fake_slack import FakeSlack

MEMBER = "U0MOAHMED0"  # writes nothing anyone lets them: any write is the fuzzer's doing
OWNER = "U0JOTURNER"  # Children's Social Care: H-27..H-30
BOARD_CHANNEL = "C0BOARD01"
ORIGIN = payloads.Origin()
USER = ORIGIN.user(MEMBER, "mo")
MESSAGE = {"type": "message", "user": MEMBER, "ts": "1425286800.000100",
           "text": "Evidence for H-27: https://example.org/a.pdf"}  # fmt: skip


def click() -> dict[str, Any]:
    return payloads.block_actions(
        ORIGIN, user=USER, actions=[payloads.button_action(ids.SHOW, "H-27")],
        channel={"id": BOARD_CHANNEL, "name": "board"}, message=dict(MESSAGE),
        response_url="http://127.0.0.1:9/r",
    )  # fmt: skip


def submission() -> dict[str, Any]:
    view = payloads.submitted_view(
        ORIGIN, callback_id=ids.UPDATE_MODAL,
        values={"status": {"value": payloads.option_value("note")}, "note": {"value": "fuzz"}},
        private_metadata=json.dumps({"ref": "H-27"}),
    )  # fmt: skip
    return payloads.view_submission(ORIGIN, user=USER, view=view)


def shortcut() -> dict[str, Any]:
    return payloads.message_shortcut(
        ORIGIN, user=USER, callback_id=ids.ADD_AS_EVIDENCE, channel={"id": BOARD_CHANNEL},
        message=dict(MESSAGE), response_url="http://127.0.0.1:9/r",
    )  # fmt: skip


def message_event() -> dict[str, Any]:
    event = payloads.message_event(
        user=MEMBER, text="Evidence for H-27: https://example.org/fuzz.pdf", channel=BOARD_CHANNEL,
        files=[{"id": "F0FUZZ", "name": "fuzz.pdf"}],
    )  # fmt: skip
    return payloads.event_callback(ORIGIN, event)


def home_event() -> dict[str, Any]:
    return payloads.event_callback(ORIGIN, payloads.app_home_opened_event(MEMBER))


SHAPES: dict[str, Callable[[], dict[str, Any]]] = {
    "click": click,
    "submission": submission,
    "shortcut": shortcut,
    "message event": message_event,
    "app home": home_event,
}

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(["", "U0JOTURNER", "H-27", "\x00", "T0OTHER", "{"]),
)  # fmt: skip
anything = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a payload a part can be replaced."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def mutated(payload: dict[str, Any], path: tuple[Any, ...], value: Any, drop: bool) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    if drop and isinstance(parent, dict):
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return changed


def send(slack: SlackDriver, shape: str, payload: dict[str, Any]) -> httpx.Response:
    if shape in ("message event", "app home"):
        body, content_type = json.dumps(payload).encode(), JSON
    else:
        body, content_type = urlencode({"payload": json.dumps(payload)}).encode(), FORM
    return slack.send(signed_request(body, content_type, SIGNING_SECRET))


def evidence_count(db: Database) -> int:
    with db.unit_of_work(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(Evidence)).one())


def test_payloads_of_any_shape_never_get_a_500_and_refusals_write_nothing(
    server: ServeProcess, fake: FakeSlack, prints: Fingerprint
) -> None:
    tally = Tally(f"fuzz-shapes[{server.port}]")
    with SlackDriver(server.events_url, SIGNING_SECRET, fake=fake, timeout=30) as slack:

        @settings(
            max_examples=scaled(250),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.sampled_from(list(SHAPES)), st.data(), anything, st.booleans())
        def one(shape: str, data: st.DataObject, value: Any, drop: bool) -> None:
            base = SHAPES[shape]()
            path = data.draw(st.sampled_from(paths(base)))
            before = prints.take()
            response = send(slack, shape, mutated(base, path, value, drop))
            tally.tried += 1
            assert response.status_code < 500, (shape, path, value, response.status_code)
            if 400 <= response.status_code < 500:
                tally.rejected += 1
                assert prints.take() == before, (shape, path, value)

        one()
    record(tally)
    assert tally.tried >= scaled(250)
    log = server.log()
    for failure in ("listener failed", "could not take", "uncaught", "Traceback"):
        assert failure not in log, failure  # every shape was refused or answered on purpose
    fake.clear()  # answers to the fuzzed requests are not this test's subject


SPOOFS = [
    "https://www.gov.uk@evil.example/guidance",
    "https://www.gov\u200b.uk/guidance",
    "https://example.org/report\u202efdp.exe",
    "https://www.gov.uk\\@evil.example/",
]


def test_spoofing_links_are_refused_by_command_and_in_the_board_channel(
    slack: SlackDriver, app_db: Database, prints: Fingerprint, fake: FakeSlack
) -> None:
    for link in SPOOFS:
        before = prints.take()
        for command in (f"evidence H-27 {link} Guidance", f"done H-27 {link}"):
            reply = shown(acked(slack.command(OWNER, command)))
            assert ":warning:" in reply, (command, reply)
            assert prints.take() == before, command
        count = evidence_count(app_db)
        assert slack.message(OWNER, f"Evidence for H-27: {link}", channel=BOARD_CHANNEL).status_code == 200
        assert slack.message(OWNER, f"Evidence for H-27: <{link}|GOV.UK guidance>", channel=BOARD_CHANNEL).status_code == 200
        assert evidence_count(app_db) == count, link
    with app_db.unit_of_work(write=False) as uow:
        stored = uow.session.exec(select(Evidence.url).where(col(Evidence.url).is_not(None))).all()
    assert not any("evil" in (url or "") or "\u200b" in (url or "") for url in stored)
    fake.clear()
