"""Proves the end-to-end kit: the fake Slack Web API answers slack_sdk and bolt like Slack,
rejects what Slack rejects, injects faults the retry handlers get through, and the driver
signs requests that Slack's own verifier and a bolt app accept."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support import payloads
from tests.support.app_server import serving
from tests.support.driver import FORM, SlackDriver, signed_request
from tests.support.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "child-h-board-signing-secret"
TOKEN = "xoxb-test"
BOARD_CHANNEL = "C0BOARD"
LEAD_OFFICER = "U0LEAD"
CHAIR = "U0CHAIR"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def retrying_client(fake: FakeSlack) -> WebClient:
    """The retry handlers production uses; 5xx and connection backoff shortened for speed."""
    quick = FixedValueRetryIntervalCalculator(0.05)
    return WebClient(
        base_url=fake.url,
        token=TOKEN,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(interval_calculator=quick),
            ConnectionErrorRetryHandler(interval_calculator=quick),
        ],
    )


# -- Web API answers ---------------------------------------------------------------------------


def test_rate_limited_post_is_retried_and_recorded_once(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1, times=2)

    answer = retrying_client(fake_slack).chat_postMessage(channel=BOARD_CHANNEL, text="H-12 is due")

    assert answer["ok"] and answer["channel"] == BOARD_CHANNEL
    assert [m["text"] for m in fake_slack.messages(BOARD_CHANNEL)] == ["H-12 is due"]
    assert [f.status for f in fake_slack.faults_served] == [429, 429]


def test_rate_limit_answer_carries_retry_after(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("users.info", status=429, retry_after=7)
    headers = {"Authorization": f"Bearer {TOKEN}"}

    answer = httpx.post(fake_slack.url + "users.info", data={"user": LEAD_OFFICER}, headers=headers)

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json() == {"ok": False, "error": "ratelimited"}
    assert fake_slack.calls() == []


def test_server_error_and_dropped_connection_are_retried(fake_slack: FakeSlack) -> None:
    client = retrying_client(fake_slack)
    fake_slack.fail_next("users.info", status=500)
    fake_slack.drop_next("dnd.info")

    assert client.users_info(user=LEAD_OFFICER)["ok"]
    assert client.dnd_info(user=LEAD_OFFICER)["ok"]
    assert [(f.method, f.dropped) for f in fake_slack.faults_served] == [
        ("users.info", False),
        ("dnd.info", True),
    ]


def test_fail_always_lasts_until_recover(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    fake_slack.fail_always("chat.postMessage", status=503)

    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel=BOARD_CHANNEL, text="reminder")
        assert raised.value.response.status_code == 503
    fake_slack.recover()

    assert client.chat_postMessage(channel=BOARD_CHANNEL, text="reminder")["ok"]


def test_injected_api_error_comes_back_as_slack_error(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")

    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=fake_slack.url, token=TOKEN).chat_postMessage(channel="C0GONE", text="x")

    assert raised.value.response["error"] == "channel_not_found"


def test_a_post_can_be_made_and_its_answer_lost(fake_slack: FakeSlack) -> None:
    """Slack's real failures: the message is in the channel, the client hears 500 or nothing."""
    client = WebClient(base_url=fake_slack.url, token=TOKEN, retry_handlers=[])
    fake_slack.fail_after_next("chat.postMessage", 500)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=BOARD_CHANNEL, text="first")
    assert raised.value.response.status_code == 500
    fake_slack.drop_after_next("chat.postMessage")
    with pytest.raises(Exception):  # noqa: B017 (the connection closed without an answer)
        client.chat_postMessage(channel=BOARD_CHANNEL, text="second")
    assert [m["text"] for m in fake_slack.messages(BOARD_CHANNEL)] == ["first", "second"]
    history = client.conversations_history(channel=BOARD_CHANNEL)["messages"]
    assert [m["text"] for m in history] == ["second", "first"]  # newest first


def test_a_fault_can_be_aimed_at_one_clients_token(fake_slack: FakeSlack) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=30, token="xoxb-slow")
    ok = WebClient(base_url=fake_slack.url, token=TOKEN).chat_postMessage(channel="C1", text="x")
    assert ok["ok"]
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=fake_slack.url, token="xoxb-slow").chat_postMessage(channel="C1", text="y")
    assert raised.value.response.status_code == 429


def test_an_unreachable_person_cannot_be_sent_a_dm(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    fake_slack.make_unreachable(LEAD_OFFICER, "account_inactive")
    with pytest.raises(SlackApiError, match="account_inactive"):
        client.conversations_open(users=LEAD_OFFICER)
    with pytest.raises(SlackApiError, match="account_inactive"):
        client.chat_postMessage(channel=LEAD_OFFICER, text="x")
    assert client.conversations_open(users=CHAIR)["ok"]


def test_history_pages_from_oldest_with_metadata_only_when_asked(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    tag = {"event_type": "recs_reminder", "event_payload": {"key": "1:overdue:2015-03-02"}}
    first = client.chat_postMessage(channel=BOARD_CHANNEL, text="a", metadata=tag)["ts"]
    client.chat_postMessage(channel=BOARD_CHANNEL, text="b", metadata=tag)
    client.chat_postMessage(channel=BOARD_CHANNEL, text="c", thread_ts=first)  # a reply: not listed
    page = client.conversations_history(channel=BOARD_CHANNEL, limit=1, include_all_metadata=True)
    assert [m["text"] for m in page["messages"]] == ["b"] and page["has_more"]
    assert page["messages"][0]["metadata"] == tag
    cursor = page["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=BOARD_CHANNEL, limit=1, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["a"] and "metadata" not in rest["messages"][0]
    newer = client.conversations_history(channel=BOARD_CHANNEL, oldest=first)
    assert [m["text"] for m in newer["messages"]] == ["b"]


def test_unknown_method_and_missing_token_are_refused(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("reminders.add", params={"text": "no"})

    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake_slack.url).auth_test()


def test_auth_test_names_the_bot(fake_slack: FakeSlack) -> None:
    answer = WebClient(base_url=fake_slack.url, token=TOKEN).auth_test()

    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == (
        TEAM_ID,
        BOT_USER_ID,
        "B0BOT",
    )
    assert fake_slack.calls("auth.test")[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_users_and_dnd_answer_as_configured(fake_slack: FakeSlack) -> None:
    fake_slack.add_user(
        CHAIR,
        real_name="Board Chair",
        tz="America/New_York",
        is_admin=True,
        status_text="On holiday",
        status_emoji=":palm_tree:",
    )
    fake_slack.set_dnd(LEAD_OFFICER, dnd_enabled=True, next_dnd_start_ts=1, next_dnd_end_ts=2)
    fake_slack.add_usergroup("S0CHAIRS", [CHAIR])
    client = WebClient(base_url=fake_slack.url, token=TOKEN)

    chair = client.users_info(user=CHAIR)["user"]
    lead = client.users_info(user=LEAD_OFFICER)["user"]
    dnd = client.dnd_info(user=LEAD_OFFICER)

    assert (chair["tz"], chair["is_admin"], chair["real_name"]) == (
        "America/New_York",
        True,
        "Board Chair",
    )
    assert chair["profile"]["status_text"] == "On holiday"
    assert chair["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert (lead["tz"], lead["is_admin"], lead["deleted"]) == ("Europe/London", False, False)
    assert (dnd["dnd_enabled"], dnd["next_dnd_end_ts"]) == (True, 2)
    assert client.usergroups_users_list(usergroup="S0CHAIRS")["users"] == [CHAIR]
    assert client.conversations_open(users=LEAD_OFFICER)["channel"]["id"] == f"D{LEAD_OFFICER}"


def test_reset_forgets_what_was_set_up_but_never_repeats_a_ts(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    fake_slack.add_user(CHAIR, is_admin=True)
    fake_slack.fail_always("dnd.info", status=503)
    before = client.chat_postMessage(channel=BOARD_CHANNEL, text="before")["ts"]

    fake_slack.reset()

    assert fake_slack.calls() == [] and fake_slack.faults_served == []
    assert client.users_info(user=CHAIR)["user"]["is_admin"] is False
    assert client.dnd_info(user=CHAIR)["ok"]
    after = client.chat_postMessage(channel=BOARD_CHANNEL, text="after")["ts"]
    assert after != before and after.split(".")[1] > before.split(".")[1]


def test_wait_for_sees_calls_from_other_threads(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    late_post = {"channel": f"D{LEAD_OFFICER}", "text": "late"}
    threading.Timer(0.1, client.chat_postMessage, kwargs=late_post).start()

    call = fake_slack.wait_for(lambda c: c.params.get("text") == "late")

    assert call.ok
    with pytest.raises(TimeoutError):
        fake_slack.wait_for("views.open", timeout=0.1)


# -- Block Kit checks --------------------------------------------------------------------------


INVALID_BLOCKS = {
    "51 blocks": [section("item")] * 51,
    "section text of 3001 chars": [section("x" * 3001)],
    "unknown key on a block": [{**section("H-12"), "colour": "red"}],
    "unknown key on a nested button": [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "On track"},
                    "action_id": "on_track",
                    "colour": "green",
                }
            ],
        }
    ],
    "button text of 76 chars": [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "a",
                    "text": {"type": "plain_text", "text": "b" * 76},
                }
            ],
        }
    ],
    "header in mrkdwn": [{"type": "header", "text": {"type": "mrkdwn", "text": "Child H"}}],
    "11 fields": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
    "duplicate block_id": [section("a") | {"block_id": "h12"}, section("b") | {"block_id": "h12"}],
}


@pytest.mark.parametrize("blocks", INVALID_BLOCKS.values(), ids=INVALID_BLOCKS.keys())
def test_invalid_blocks_are_rejected_and_recorded(
    fake_slack: FakeSlack, blocks: list[dict[str, Any]]
) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=BOARD_CHANNEL, text="H-12", blocks=blocks)

    assert raised.value.response["error"] == "invalid_blocks"
    assert raised.value.response["errors"]
    assert [v.method for v in fake_slack.violations] == ["chat.postMessage"]
    assert fake_slack.messages() == []
    fake_slack.clear()


def test_valid_blocks_pass(fake_slack: FakeSlack) -> None:
    blocks = [
        HeaderBlock(text="H-12 Thames Valley Police"),
        SectionBlock(
            text="*Due* 31/03/2015", accessory=ButtonElement(text="Update…", action_id="update")
        ),
        ActionsBlock(elements=[ButtonElement(text="On track", action_id="on_track", value="H-12")]),
    ]
    client = WebClient(base_url=fake_slack.url, token=TOKEN)

    client.chat_postMessage(channel=BOARD_CHANNEL, text="H-12", blocks=blocks)

    assert fake_slack.violations == []
    assert fake_slack.messages()[0]["blocks"] == [b.to_dict() for b in blocks]


def test_views_are_checked_like_slack(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    good = View(
        type="modal",
        title="Update H-12",
        submit="Save",
        callback_id="update",
        blocks=[
            InputBlock(
                block_id="note", label="Note", element=PlainTextInputElement(action_id="text")
            )
        ],
    )
    opened = client.views_open(trigger_id="1.2.3", view=good)
    too_long_title = good.to_dict() | {"title": {"type": "plain_text", "text": "x" * 25}}

    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_open(trigger_id="1.2.3", view=too_long_title)

    assert opened["view"]["id"].startswith("V") and opened["view"]["callback_id"] == "update"
    assert [v.method for v in fake_slack.violations] == ["views.open"]
    fake_slack.clear()


def test_response_url_posts_are_recorded_and_checked(fake_slack: FakeSlack) -> None:
    hook = WebhookClient(fake_slack.response_url("command-1"))

    accepted = hook.send(text="Saved", blocks=[section("Saved H-12")], replace_original=True)
    refused = hook.send(text="Too much", blocks=[section("x")] * 51)

    assert (accepted.status_code, refused.status_code) == (200, 400)
    assert fake_slack.responses("command-1")[0]["replace_original"] is True
    assert len(fake_slack.violations) == 1
    fake_slack.clear()


def test_files_upload_v2_works_end_to_end(fake_slack: FakeSlack) -> None:
    client = WebClient(base_url=fake_slack.url, token=TOKEN)
    paper = "Recommendation,Progress at 31.10.14\nH-12,Completed\n"

    answer = client.files_upload_v2(
        content=paper,
        filename="child-h-board-paper.csv",
        channel=BOARD_CHANNEL,
        title="Child H board paper",
    )

    file = answer["file"]
    assert (file["title"], file["size"]) == ("Child H board paper", len(paper))
    assert fake_slack.calls("upload")[0].body == paper.encode()
    assert fake_slack.calls("files.completeUploadExternal")[0].params["channel_id"] == BOARD_CHANNEL
    assert client.files_info(file=file["id"])["file"]["name"] == "child-h-board-paper.csv"
    download = httpx.get(file["url_private"], headers={"Authorization": f"Bearer {TOKEN}"})
    assert download.content == paper.encode()


def test_runs_standalone_on_a_port() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.fake_slack", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().removeprefix("SLACK_API_URL=")
        assert WebClient(base_url=url, token=TOKEN).auth_test()["team_id"] == TEAM_ID
        stats = httpx.get(url.replace("/api/", "/_fake/stats")).json()
        assert stats["calls"] == {"auth.test": 1}
    finally:
        process.terminate()
        process.wait(timeout=5)


# -- driver signatures -------------------------------------------------------------------------


def test_driver_signature_is_accepted_by_slack_sdk_verifier() -> None:
    verifier = SignatureVerifier(SIGNING_SECRET)
    body = b"command=%2Frecs&text=show+H-12"

    signed = signed_request(body, FORM, SIGNING_SECRET)

    assert verifier.is_valid_request(signed.body, signed.headers)


@pytest.mark.parametrize(
    "tampering",
    [{"forged": True}, {"stale": True}, {"secret": "another-app"}, {"unsigned": True}],
    ids=["forged", "stale", "other-secret", "unsigned"],
)
def test_tampered_signatures_are_rejected_by_slack_sdk_verifier(tampering: Any) -> None:
    signed = signed_request(b"command=%2Frecs", FORM, SIGNING_SECRET, **tampering)

    assert not SignatureVerifier(SIGNING_SECRET).is_valid_request(signed.body, signed.headers)


# -- a bolt app over HTTP ----------------------------------------------------------------------


@dataclass
class BoltStack:
    fake: FakeSlack
    driver: SlackDriver


def tiny_bolt_app(fake: FakeSlack) -> App:
    # Listeners finish before the HTTP answer, so each test sees all the calls it caused.
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(base_url=fake.url, token=TOKEN),
        process_before_response=True,
    )

    @app.command("/recs")
    def on_recs_command(ack: Ack, command: dict[str, Any], respond: Respond, say: Say) -> None:
        ack(f"Looking up {command['text']}")
        respond(blocks=[section(f"*{command['text']}* is in progress")])
        say(f"<@{command['user_id']}> asked about {command['text']}")

    @app.action("on_track")
    def on_track_button(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(f"{body['actions'][0]['value']} marked on track")

    @app.view("update")
    def on_update_submitted(ack: Ack, view: dict[str, Any]) -> None:
        note = view["state"]["values"]["note"]["text"]["value"]
        ack(response_action="errors", errors={"note": f"got {note}"})

    @app.event("message")
    def on_message(event: dict[str, Any], say: Say) -> None:
        say(text=f"Noted: {event['text']}", thread_ts=event["ts"])

    return app


@pytest.fixture(scope="module")
def bolt_stack(fake: FakeSlack) -> Iterator[BoltStack]:
    app = tiny_bolt_app(fake)
    with (
        serving(SlackRequestHandler(app)) as url,
        SlackDriver(url, SIGNING_SECRET, fake=fake) as driver,
    ):
        yield BoltStack(fake, driver)


@pytest.fixture
def stack(bolt_stack: BoltStack, fake_slack: FakeSlack) -> BoltStack:
    """The module's bolt app, on the fake Slack reset and checked for this test."""
    return bolt_stack


def test_bolt_app_answers_signed_slash_command(stack: BoltStack) -> None:
    answer = stack.driver.command(LEAD_OFFICER, "show H-12", channel=BOARD_CHANNEL)

    assert answer.status_code == 200 and answer.text == "Looking up show H-12"
    posted = stack.fake.wait_for("chat.postMessage")
    response = stack.fake.wait_for("response_url")
    assert posted.params["channel"] == BOARD_CHANNEL
    assert posted.params["text"] == f"<@{LEAD_OFFICER}> asked about show H-12"
    assert response.params["payload"]["blocks"] == [section("*show H-12* is in progress")]


def test_bolt_app_checks_its_token_with_auth_test(fake_slack: FakeSlack) -> None:
    tiny_bolt_app(fake_slack)

    assert [c.method for c in fake_slack.calls()] == ["auth.test"]


@pytest.mark.parametrize(
    "tampering",
    [{"forged": True}, {"stale": True}, {"secret": "another-app"}, {"unsigned": True}],
    ids=["forged", "stale", "other-secret", "unsigned"],
)
def test_bolt_app_refuses_tampered_requests(stack: BoltStack, tampering: Any) -> None:
    answer = stack.driver.command(LEAD_OFFICER, "show H-12", **tampering)

    assert answer.status_code == 401
    assert stack.fake.calls() == []


def test_bolt_app_receives_click_submission_and_event(stack: BoltStack) -> None:
    driver, fake = stack.driver, stack.fake

    clicked = driver.click(LEAD_OFFICER, "on_track", "H-12", channel=f"D{LEAD_OFFICER}")
    submitted = driver.submit_view(LEAD_OFFICER, "update", {"note": {"text": "Audit booked"}})
    noted = driver.message(LEAD_OFFICER, "H-12 audit booked", thread_ts="1420000000.000100")

    assert (clicked.status_code, noted.status_code) == (200, 200)
    assert submitted.json() == {"response_action": "errors", "errors": {"note": "got Audit booked"}}
    assert fake.wait_for("response_url").params["payload"]["text"] == "H-12 marked on track"
    reply = fake.wait_for(lambda c: c.method == "chat.postMessage")
    assert reply.params["text"] == "Noted: H-12 audit booked"


def test_driver_redelivers_events_with_retry_headers(stack: BoltStack) -> None:
    event = payloads.message_event(user=LEAD_OFFICER, text="H-12 done", channel=BOARD_CHANNEL)
    stack.driver.event(event, event_id="Ev0CHILDH12")

    retried = stack.driver.redeliver(retry_num=1)

    assert retried.status_code == 200
    assert stack.driver.last_request is not None
    assert stack.driver.last_request.headers["X-Slack-Retry-Num"] == "1"
    assert b'"event_id": "Ev0CHILDH12"' in stack.driver.last_request.body
    assert stack.driver.replay().status_code == 200


def test_bolt_app_answers_url_verification(stack: BoltStack) -> None:
    assert stack.driver.url_verification("child-h").json() == {"challenge": "child-h"}
