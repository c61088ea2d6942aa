"""Two boards in one workspace, over HTTP against `python app.py serve`: neither's digest,
list, summary, theme, show or App Home shows the other's people, texts or evidence; evidence
is captured only in a board's own channels and for its own refs; and what a private channel
held is shown only to the people in it and to the board's chairs and admins.

The second board is tests/support/second_board.py ("Bravo"); every text and name of it says
bravo, and the Child H demo's never does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select

from bot.views import ids
from storage.db import Database
from storage.models import Evidence
from tests.e2e.helpers import acked, shown
from tests.support import second_board as bravo
from tests.support.driver import SlackDriver
from tests.support.fake_slack import RESPONSE_URL, FakeSlack

A_CHANNEL = "C0BOARD01"
A_CHAIR = "U0RUTHOKAF"
A_ADMIN = "U0SAMPATEL"
A_LEAD = "U0JOTURNER"  # Children's Social Care: H-27..H-30
MEMBER = "U0MOAHMED0"  # no part on either board
# The second board's data as it would show: texts, names, links, its review's title.
BRAVO_DATA = ("bravo recommendation", "bravo note", "bravo risk", "bravo slippage",
              "bravo.example", "bea bravo", "ben bravo", "bill bravo", "bo bravo",
              "child bravo", "bravo children", "bravo safeguarding", "bravo public",
              "bravo private")  # fmt: skip
# The demo's, as it would show on the second board.
CHILD_H_DATA = ("child h", "jo turner", "dev sharma", "ruth okafor", "thames valley",
                "pre-birth", "oxfordshire")  # fmt: skip


@pytest.fixture(scope="module")
def demo_url(demo_url: str) -> str:
    """The Child H demo with the Bravo board beside it, before `serve` starts."""
    from console.clock import MovableClock
    from tests.conftest import DEMO_TIME

    db = Database(demo_url, clock=MovableClock(DEMO_TIME))
    bravo.add_second_board(db)
    db.dispose()
    return demo_url


def seen(slack: SlackDriver, fake: FakeSlack, user: str, text: str, channel: str) -> str:
    """All a person reads after a command: its ack, and what follows it to the response
    URL (lists across every review and summaries come after the ack, in its place)."""
    body = acked(slack.command(user, text, channel=channel))
    everything = shown(body)
    name = str(slack.last_response_url).rsplit("/", 1)[-1]
    if ":hourglass_flowing_sand:" in everything:  # a placeholder: the answer follows
        fake.wait_for(lambda c: c.method == RESPONSE_URL and c.params.get("name") == name, 10)
    everything += json.dumps(fake.responses(name), ensure_ascii=False)
    return everything.lower()


def leaks(text: str, data: tuple[str, ...]) -> list[str]:
    return [marker for marker in data if marker in text]


READS = ["", "list", "list H", "list mine", "list rag:red", "summary", "summary H",
         'theme "neglect"', "show H-27"]  # fmt: skip


@pytest.mark.parametrize("text", READS)
def test_the_first_boards_people_read_nothing_of_the_second(
    slack: SlackDriver, fake_slack: FakeSlack, text: str
) -> None:
    for user, channel in ((A_CHAIR, A_CHANNEL), (A_CHAIR, "D0RUTH"), (A_LEAD, "D0JO"),
                          (A_ADMIN, A_CHANNEL)):  # fmt: skip
        reply = seen(slack, fake_slack, user, text, channel)
        assert leaks(reply, BRAVO_DATA) == [], (user, channel, text, reply[:600])


@pytest.mark.parametrize("text", ["", "list", "list BRAVO", "summary", 'theme "neglect"',
                                  "show BRAVO-1", "list mine"])  # fmt: skip
def test_the_second_boards_people_read_nothing_of_the_first(
    slack: SlackDriver, fake_slack: FakeSlack, text: str
) -> None:
    for user, channel in ((bravo.CHAIR, bravo.CHANNEL), (bravo.CHAIR, "D0BEA"),
                          (bravo.LEAD, "D0BEN"), (bravo.ADMIN, bravo.PRIVATE_CHANNEL)):  # fmt: skip
        reply = seen(slack, fake_slack, user, text, channel)
        assert leaks(reply, CHILD_H_DATA) == [], (user, channel, text, reply[:600])


def test_a_ref_or_review_of_the_other_board_is_not_found_and_not_named(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    for text in ("show BRAVO-1", "list BRAVO", "summary BRAVO", "note BRAVO-1 from board A",
                 "update BRAVO-2 at-risk", "report BRAVO docx", "remind BRAVO-1"):  # fmt: skip
        reply = seen(slack, fake_slack, A_ADMIN, text, A_CHANNEL)
        assert ("no recommendation" in reply or "no review" in reply), (text, reply[:400])
        assert leaks(reply, BRAVO_DATA) == [], (text, reply[:400])


def test_a_summary_in_a_boards_channel_counts_that_board_alone(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    first = seen(slack, fake_slack, A_CHAIR, "summary", A_CHANNEL)
    second = seen(slack, fake_slack, bravo.CHAIR, "summary", bravo.CHANNEL)
    assert "36 recommendations" in first and "39" not in first.split("recommendations")[0]
    assert "3 recommendations" in second


def test_someone_with_no_part_on_either_board_is_told_where_to_ask(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    for text in ("list", "summary", "show H-27", 'theme "neglect"'):
        reply = seen(slack, fake_slack, MEMBER, text, "D0MO")
        assert "which board" in reply or "no recommendation" in reply, (text, reply[:300])
        assert leaks(reply, BRAVO_DATA + CHILD_H_DATA) == [], (text, reply[:300])
    in_channel = seen(slack, fake_slack, MEMBER, "list H", A_CHANNEL)
    assert "h-27" in in_channel and leaks(in_channel, BRAVO_DATA) == []


def test_app_home_shows_each_person_their_own_boards_only(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    for user, data in ((A_CHAIR, BRAVO_DATA), (A_LEAD, BRAVO_DATA), (bravo.CHAIR, CHILD_H_DATA),
                       (bravo.LEAD, CHILD_H_DATA)):  # fmt: skip
        fake_slack.clear()
        assert slack.app_home_opened(user).status_code == 200
        view = json.dumps(fake_slack.wait_for("views.publish").params, ensure_ascii=False)
        assert leaks(view.lower(), data) == [], (user, view[:500])


def test_private_channel_evidence_is_shown_only_in_that_channel_and_to_the_chairs(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    link = bravo.PRIVATE_LINK.lower()
    who_sees = [(bravo.CHAIR, "D0BEA"), (bravo.ADMIN, bravo.CHANNEL), (bravo.LEAD, "D0BEN"),
                (bravo.DEPUTY, bravo.PRIVATE_CHANNEL), (A_CHAIR, bravo.PRIVATE_CHANNEL)]  # fmt: skip
    for user, channel in who_sees:
        assert link in seen(slack, fake_slack, user, "show BRAVO-1", channel), (user, channel)
    who_does_not = [(bravo.DEPUTY, bravo.CHANNEL), (bravo.DEPUTY, "D0BO"),
                    (A_CHAIR, bravo.CHANNEL), (MEMBER, bravo.CHANNEL)]  # fmt: skip
    for user, channel in who_does_not:
        reply = seen(slack, fake_slack, user, "show BRAVO-1", channel)
        assert "bravo-1" in reply and link not in reply and "private case notes" not in reply
        assert "from a private channel" in reply, (user, channel)


def evidence_for(db: Database, url: str) -> list[Evidence]:
    with db.unit_of_work(write=False) as uow:
        return list(uow.session.exec(select(Evidence).where(col(Evidence.url) == url)).all())


def test_evidence_is_captured_only_in_a_boards_channels_and_for_its_own_refs(
    slack: SlackDriver, app_db: Database, fake_slack: FakeSlack
) -> None:
    crossed = "https://example.org/crossed-boards.pdf"
    slack.message(A_LEAD, f"Evidence for BRAVO-2: {crossed}", channel=A_CHANNEL)
    slack.message(bravo.LEAD, f"Evidence for H-27: {crossed}?b", channel=bravo.PRIVATE_CHANNEL)
    slack.message(A_LEAD, f"Evidence for H-27: {crossed}?c", channel="C0NOTABOARD")
    assert evidence_for(app_db, crossed) == []
    assert evidence_for(app_db, crossed + "?b") == [] and evidence_for(app_db, crossed + "?c") == []
    private = "https://example.org/bravo-private-minutes.pdf"
    assert slack.message(bravo.LEAD, f"Evidence for BRAVO-2: {private}",
                         channel=bravo.PRIVATE_CHANNEL).status_code == 200  # fmt: skip
    [item] = evidence_for(app_db, private)
    assert item.channel_private is True and item.channel_id == bravo.PRIVATE_CHANNEL
    public = "https://example.org/h27-public-minutes.pdf"
    slack.message(A_LEAD, f"Evidence for H-27: {public}", channel=A_CHANNEL)
    [item] = evidence_for(app_db, public)
    assert item.channel_private is False


def test_the_shortcut_refuses_a_message_outside_the_boards_channels(
    slack: SlackDriver, fake_slack: FakeSlack
) -> None:
    message = {"type": "message", "user": A_LEAD, "ts": "1425286800.000300",
               "text": "Evidence for H-27: https://example.org/elsewhere.pdf"}  # fmt: skip
    slack.shortcut(A_LEAD, ids.ADD_AS_EVIDENCE, message=message, channel="C0NOTABOARD")
    answer = shown(fake_slack.wait_for("response_url").params)
    assert "not in a board's channel" in answer
    assert fake_slack.calls("views.open") == []


@pytest.fixture
def digests(demo_url: str, fake_slack: FakeSlack) -> Iterator[dict[str, str]]:
    """Each board's weekly digest, as the 09:30 sweep on Monday 2 March 2015 posts it."""
    from tests.bot.reminders.test_sweep import remind_process

    process = remind_process(demo_url, fake_slack, "2015-03-02T09:30")
    assert process.wait(timeout=120) == 0, process.stdout.read() if process.stdout else ""
    posted: dict[str, Any] = {}
    for channel in (A_CHANNEL, bravo.CHANNEL):
        found = [m for m in fake_slack.messages(channel) if "digest" in m.get("text", "").lower()]
        assert found, channel
        posted[channel] = json.dumps(found, ensure_ascii=False).lower()
    yield posted


def test_each_boards_digest_names_its_own_people_and_items_only(digests: dict[str, str]) -> None:
    assert leaks(digests[A_CHANNEL], BRAVO_DATA) == []
    assert leaks(digests[bravo.CHANNEL], CHILD_H_DATA) == []
    # Its own items and its away lead officer (named as Slack now knows him) are there.
    assert "bravo-1" in digests[bravo.CHANNEL] and "*away*" in digests[bravo.CHANNEL]
    assert "*away*" not in digests[A_CHANNEL]  # nobody of the first board is away


def settings(channel: str, linked: list[str]) -> Any:
    from tests.e2e.test_interactivity import settings_values
    from tests.support import payloads as p

    evidence_channels = {"type": "multi_conversations_select", "selected_conversations": linked}
    return settings_values(
        channel={"value": p.conversation_value(channel)},
        chairs={"value": p.users_value([A_CHAIR])},
        evidence_channels={"value": evidence_channels},
    )


def test_a_board_links_channels_of_its_own_but_never_another_boards(
    slack: SlackDriver, app_db: Database
) -> None:
    from storage.models import Board, BoardChannel

    with app_db.unit_of_work(write=False) as uow:
        a = uow.session.exec(select(Board).where(col(Board.channel_id) == A_CHANNEL)).one()
    metadata = json.dumps({"board": a.id})
    for taken, field in ((bravo.PRIVATE_CHANNEL, "evidence_channels"), (bravo.CHANNEL, "channel")):
        values = settings(taken if field == "channel" else A_CHANNEL,
                          [taken] if field == "evidence_channels" else [])  # fmt: skip
        body = acked(slack.submit_view(A_ADMIN, ids.SETTINGS_MODAL, values, private_metadata=metadata))
        assert "another board" in json.dumps(body.get("errors")), (taken, body)
    acked(slack.submit_view(A_ADMIN, ids.SETTINGS_MODAL, settings(A_CHANNEL, ["C0AUDITS"]),
                            private_metadata=metadata))  # fmt: skip
    with app_db.unit_of_work(write=False) as uow:
        linked = uow.session.exec(
            select(BoardChannel.channel_id).where(BoardChannel.board_id == a.id)
        ).all()
    assert linked == ["C0AUDITS"]
    link = "https://example.org/h27-from-the-audits-channel.pdf"
    slack.message(A_LEAD, f"Evidence for H-27: {link}", channel="C0AUDITS")
    assert [e.channel_id for e in evidence_for(app_db, link)] == ["C0AUDITS"]
