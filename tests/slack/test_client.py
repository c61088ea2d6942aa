"""The bot's WebClient and the reminder notifier against the fake Slack: a post is never
re-sent blindly, reads are retried, and each of Slack's answers means one thing for a
reminder (bot/reminders/delivery.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.reminders.delivery import MaybeSent, Outgoing, RateLimited, Undeliverable
from bot.reminders.due import Kind
from bot.reminders.messages import metadata
from slack.client import make_web_client
from slack.notifier import SlackNotifier
from tests.support.fake_slack import FakeSlack


def client_for(fake: FakeSlack):  # type: ignore[no-untyped-def]
    return make_web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.url))


def posted(fake: FakeSlack) -> int:
    return len([c for c in fake.calls("chat.postMessage") if c.ok])


@pytest.mark.parametrize("fault", ["500 after posting", "connection dropped after posting"])
def test_a_post_is_not_retried_when_slack_may_already_have_it(
    fake_slack: FakeSlack, fault: str
) -> None:
    """The retry handlers re-sent chat.postMessage on a 5xx and a dropped connection: one
    reminder arrived four times."""
    if fault.startswith("500"):
        fake_slack.fail_after_next("chat.postMessage", 500, times=5)
    else:
        fake_slack.drop_after_next("chat.postMessage", times=5)
    with pytest.raises(Exception):  # noqa: B017 (a SlackApiError or a connection error)
        client_for(fake_slack).chat_postMessage(channel="C0BOARD01", text="once")
    assert posted(fake_slack) == 1


def test_a_read_is_retried_on_a_500_and_a_dropped_connection(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("users.info", 500)
    assert client_for(fake_slack).users_info(user="U0JOTURNER")["ok"]
    fake_slack.drop_next("users.info")
    assert client_for(fake_slack).users_info(user="U0JOTURNER")["ok"]


def test_a_post_is_retried_after_a_429_which_slack_answers_before_posting(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.fail_next("chat.postMessage", 429, retry_after=0)
    assert client_for(fake_slack).chat_postMessage(channel="C0BOARD01", text="once")["ok"]
    assert posted(fake_slack) == 1


def outgoing(user: str = "U0JOTURNER", key: str = "27:overdue:2015-02-28") -> Outgoing:
    tag = metadata([(key, Kind.overdue, "H-27")])
    return Outgoing((key,), "H-27 is overdue", [], user_id=user, metadata=tag)


def test_the_notifier_says_what_each_answer_means(fake_slack: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake_slack))
    fake_slack.fail_after_next("chat.postMessage", 500)
    with pytest.raises(MaybeSent):
        notifier.send(outgoing())
    fake_slack.drop_after_next("chat.postMessage")
    with pytest.raises(MaybeSent):
        notifier.send(outgoing())
    fake_slack.fail_next("chat.postMessage", 429, retry_after=30)
    with pytest.raises(RateLimited) as limited:
        notifier.send(outgoing())  # waited out by the sweep, which renews its claims
    assert limited.value.retry_after == 30
    for error in ("user_not_found", "account_inactive", "cannot_dm_bot"):
        fake_slack.make_unreachable("U0GONE0001", error)
        with pytest.raises(Undeliverable) as refused:
            notifier.send(outgoing("U0GONE0001"))
        assert refused.value.reason == error
    assert posted(fake_slack) == 2  # the two Slack took; nothing was re-sent


def test_the_notifier_finds_a_reminder_already_in_the_conversation(fake_slack: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake_slack))
    since = datetime.now(UTC) - timedelta(minutes=1)
    delivery = notifier.send(outgoing())
    notifier.send(outgoing(key="29:stale:2015-03-02"))
    found = notifier.find_sent("U0JOTURNER", None, ("27:overdue:2015-02-28", "9:x"), since)
    assert found == {"27:overdue:2015-02-28": delivery}
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert notifier.find_sent("U0JOTURNER", None, ("27:overdue:2015-02-28",), later) == {}


def test_a_message_by_someone_else_with_the_same_metadata_is_not_taken_for_a_reminder(
    fake_slack: FakeSlack,
) -> None:
    notifier = SlackNotifier(client_for(fake_slack))
    since = datetime.now(UTC) - timedelta(minutes=1)
    channel, ts = fake_slack.dm_channel("U0JOTURNER"), f"{since.timestamp() + 1:.6f}"
    fake_slack.workspace.posted[(channel, ts)] = {
        "type": "message", "user": "U0JOTURNER", "text": "copied", "ts": ts,
        "metadata": outgoing().metadata,
    }  # fmt: skip
    assert notifier.find_sent("U0JOTURNER", None, ("27:overdue:2015-02-28",), since) == {}
    fake_slack.workspace.posted[(channel, ts)]["bot_id"] = "B0BOT"  # the same, by the bot
    assert notifier.find_sent("U0JOTURNER", None, ("27:overdue:2015-02-28",), since) != {}


def test_slack_api_errors_still_surface_for_other_callers(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", 200, error="channel_not_found")
    with pytest.raises(SlackApiError):
        client_for(fake_slack).chat_postMessage(channel="C0NOPE", text="x")
