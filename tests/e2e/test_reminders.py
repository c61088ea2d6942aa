"""Reminders end to end with Child H: `remind --once` against the loopback Slack sends exactly
the expected messages, once; replies in a reminder's thread, sent as signed HTTP to `python
app.py serve`, record one update however often Slack delivers them; "done" and "delayed to"
only propose; the reminder's own buttons work."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlmodel import col, select

from bot.views import ids
from storage.db import Database
from storage.models import (
    LedgerState,
    ProgressUpdate,
    Recommendation,
    ReminderLedger,
    UpdateSource,
)
from tests.bot.reminders.test_sweep import remind_process
from tests.e2e.server import ServeProcess
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

AT = "2015-03-02T09:30"

EXPECTED = sorted(
    [
        ("C0BOARD01", "", "digest"),
        ("DU0RUTHOKAF", "", "chair-digest"),
        *[("C0BOARD01", ref, "escalation-board") for ref in ("H-2", "H-12", "H-23", "H-25", "H-27", "H-34")],
        *[("DU0RUTHOKAF", ref, "escalation") for ref in ("H-2", "H-12", "H-23", "H-25", "H-27", "H-34")],
        ("DU0ALIKHAN0", "H-31", "due-soon"),
        ("DU0ALIKHAN0", "H-33", "due-soon"),
        ("DU0ALIKHAN0", "H-34", "overdue"),
        ("DU0BETHMORG", "H-4", "due-soon"),
        ("DU0CHRISLEE", "H-22", "due-soon"),
        ("DU0CHRISLEE", "H-23", "overdue"),
        ("DU0CHRISLEE", "H-25", "overdue"),
        ("DU0CHRISLEE", "H-26", "due-soon"),
        ("DU0DEVSHARM", "H-12", "overdue"),
        ("DU0DEVSHARM", "H-15", "due-soon"),
        ("DU0DEVSHARM", "H-17", "due-soon"),
        ("DU0JOTURNER", "H-27", "overdue"),
        ("DU0JOTURNER", "H-29", "stale"),
        ("DU0SAMPATEL", "H-1", "due-soon"),
        ("DU0SAMPATEL", "H-2", "overdue"),
        ("DU0SAMPATEL", "H-3", "due-soon"),
        ("DU0TOMWOOD0", "H-8", "due-soon"),
        ("DU0TOMWOOD0", "H-9", "due-soon"),
        ("DU0TOMWOOD0", "H-10", "due-soon"),
        ("DU0TOMWOOD0", "H-11", "due-soon"),
    ]
)


def sent(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """Every reminder Slack has, as (channel, ref, kind): a list counts each of its items."""
    found = []
    for message in fake.messages():
        payload = (message.get("metadata") or {}).get("event_payload")
        if payload:
            found += [(message["channel"], i["ref"], i["kind"]) for i in payload["items"]]
    return sorted(found)


def messages_per_channel(fake: FakeSlack) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in fake.messages():
        if (message.get("metadata") or {}).get("event_payload"):
            counts[message["channel"]] = counts.get(message["channel"], 0) + 1
    return counts


def run_remind(db: Database, fake: FakeSlack, at: str = AT) -> str:
    process = remind_process(db.url, fake, at)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    return output


@pytest.fixture
def server(own_server: ServeProcess) -> ServeProcess:
    """Each test sends the morning's reminders afresh: a database and `serve` of its own."""
    return own_server


def reminder_message(fake: FakeSlack, ref: str, kind: str) -> dict[str, Any]:
    """The message that carries `ref`'s reminder of `kind` (alone, or in a list)."""
    return next(
        m
        for m in fake.messages()
        if any(
            i["ref"] == ref and i["kind"] == kind
            for i in (m.get("metadata") or {}).get("event_payload", {}).get("items", [])
        )
    )


def buttons_of(message: dict[str, Any], block_id: str | None = None) -> list[str]:
    return [
        e["action_id"]
        for b in message["blocks"]
        if b["type"] == "actions" and (block_id is None or b.get("block_id") == block_id)
        for e in b["elements"]
    ]


def updates(db: Database, ref: str) -> list[ProgressUpdate]:
    with db.unit_of_work(write=False) as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()
        return list(
            uow.session.exec(
                select(ProgressUpdate)
                .where(ProgressUpdate.recommendation_id == rec.id)
                .where(ProgressUpdate.source == UpdateSource.reminder_reply)
                .order_by(col(ProgressUpdate.id))
            ).all()
        )


def wait_for_ledger(db: Database, ts: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with db.unit_of_work(write=False) as uow:
            if uow.session.exec(select(ReminderLedger).where(ReminderLedger.message_ts == ts)).first():
                return
        time.sleep(0.05)
    raise TimeoutError("the reminder was never marked sent")


def wait_for_thread(fake: FakeSlack, channel: str, ts: str, count: int = 1) -> list[dict]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        replies = [m for m in fake.messages(channel) if m.get("thread_ts") == ts]
        if len(replies) >= count:
            return replies
        time.sleep(0.05)
    raise TimeoutError("no reply in the thread")


def test_remind_once_sends_exactly_the_expected_messages_and_again_none(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    output = run_remind(demo_db, fake_slack)
    assert sent(fake_slack) == EXPECTED, output
    assert run_remind(demo_db, fake_slack).count("0 sent") == 1
    assert sent(fake_slack) == EXPECTED
    five = [ids.ON_TRACK, ids.AT_RISK, ids.COMPLETED, ids.UPDATE, ids.SNOOZE]
    alone = reminder_message(fake_slack, "H-4", "due-soon")  # Beth's only reminder today
    assert buttons_of(alone) == five
    listed = reminder_message(fake_slack, "H-12", "overdue")  # one of Dev's three
    assert buttons_of(listed, "reminder:H-12:overdue") == five
    assert len(buttons_of(listed)) == 3 * len(five)  # a row of buttons for each


def test_one_message_a_person_and_one_post_in_the_channel(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    """One sweep sent a chair six DMs and the board channel six posts: now everything for one
    person is one DM (a list), and the channel gets one post besides its digest."""
    run_remind(demo_db, fake_slack)
    per_channel = messages_per_channel(fake_slack)
    assert per_channel["C0BOARD01"] == 2  # the weekly digest and one list of escalations
    assert per_channel["DU0RUTHOKAF"] == 2  # the monthly digest and one list of escalations
    assert all(n == 1 for c, n in per_channel.items() if c not in ("C0BOARD01", "DU0RUTHOKAF"))
    chair = reminder_message(fake_slack, "H-2", "escalation")
    shows = [b["accessory"]["value"] for b in chair["blocks"] if b.get("accessory")]
    assert sorted(shows) == sorted(["H-2", "H-12", "H-23", "H-25", "H-27", "H-34"])


def test_a_reply_delivered_three_times_records_one_update(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")
    note = "Scoping exercise report goes to the chief officers' group on 10 March."
    response = slack.message("U0DEVSHARM", f"H-12: {note}", channel=dm["channel"],
                             thread_ts=dm["ts"], event_id="Ev0H12REPLY")
    assert response.status_code == 200
    for retry in (1, 2):
        assert slack.redeliver(retry_num=retry).status_code == 200
    wait_for_thread(fake_slack, dm["channel"], dm["ts"])
    time.sleep(0.5)  # let the retries finish
    recorded = updates(demo_db, "H-12")
    assert [(u.text, u.author_id) for u in recorded] == [(note, "U0DEVSHARM")]
    assert len(wait_for_thread(fake_slack, dm["channel"], dm["ts"])) == 1


def test_edits_and_bot_messages_in_the_thread_are_ignored(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    from tests.support import payloads

    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")
    edited = payloads.message_event(user="U0DEVSHARM", text="edited", channel=dm["channel"],
                                    thread_ts=dm["ts"], subtype="message_changed")
    bot = payloads.message_event(user="U0BOT", text="bot", channel=dm["channel"],
                                 thread_ts=dm["ts"], bot_id="B0BOT")
    for event in (edited, bot):
        assert slack.event(event).status_code == 200
    time.sleep(0.3)
    assert updates(demo_db, "H-12") == []


def test_delayed_to_a_date_is_proposed_and_changes_only_when_confirmed(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")
    slack.message("U0DEVSHARM", "H-12: Delayed to 30/4/2015: the scoping group meets in April.",
                  channel=dm["channel"], thread_ts=dm["ts"])
    proposal = wait_for_thread(fake_slack, dm["channel"], dm["ts"])[0]
    assert "2015-04-30" in proposal["text"]
    with demo_db.unit_of_work(write=False) as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-12")).one()
        assert str(rec.due_on) == "2014-12-31"  # nothing changes silently
    confirm = next(e for b in proposal["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == ids.CONFIRM_PROPOSAL)
    assert json.loads(confirm["value"])["due"] == "2015-04-30"
    # The note the change records is the reply without the ref that placed it in the list.
    assert json.loads(confirm["value"])["note"].startswith("Delayed to 30/4/2015")
    slack.click("U0DEVSHARM", ids.CONFIRM_PROPOSAL, confirm["value"], message=proposal,
                channel=dm["channel"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with demo_db.unit_of_work(write=False) as uow:
            rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-12")).one()
        if str(rec.due_on) == "2015-04-30":
            break
        time.sleep(0.05)
    assert str(rec.due_on) == "2015-04-30"


def test_done_is_proposed_not_applied(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-27", "overdue")
    slack.message("U0JOTURNER", "H-27 done", channel=dm["channel"], thread_ts=dm["ts"])
    proposal = wait_for_thread(fake_slack, dm["channel"], dm["ts"])[0]
    assert proposal["text"] == "Mark H-27 completed?"
    assert updates(demo_db, "H-27") == []


def test_snooze_button_holds_the_owners_reminders(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")
    slack.click("U0DEVSHARM", ids.SNOOZE, "H-12", message=dm, channel=dm["channel"])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with demo_db.unit_of_work(write=False) as uow:
            rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-12")).one()
        if rec.snoozed_until:
            break
        time.sleep(0.05)
    assert str(rec.snoozed_until) == "2015-03-09"


def test_recs_remind_sends_the_owners_reminder_now_and_its_thread_takes_replies(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    response = slack.command("U0RUTHOKAF", "remind h-6")
    assert response.status_code == 200
    fake_slack.wait_for(
        lambda c: c.method == "chat.postMessage" and bool(c.params.get("metadata"))
    )
    dm = reminder_message(fake_slack, "H-6", "manual")
    assert dm["channel"] == "DU0BETHMORG"
    # Slack has the DM a moment before the ledger records its ts; a person is slower.
    wait_for_ledger(demo_db, dm["ts"])
    slack.message("U0BETHMORG", "Training plan agreed with the named nurse.",
                  channel=dm["channel"], thread_ts=dm["ts"])
    wait_for_thread(fake_slack, dm["channel"], dm["ts"])
    assert [u.text for u in updates(demo_db, "H-6")] == ["Training plan agreed with the named nurse."]


def test_a_reply_the_ledger_cannot_place_yet_is_placed_by_the_reminders_own_metadata(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    """Slack has the DM before the ledger records its ts: the send is still in flight, or
    recording it failed after Slack took the message. The owner's reply in its thread is not
    lost: the reminder message's metadata names its ledger row."""
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")
    with demo_db.unit_of_work() as uow:
        rows = uow.session.exec(select(ReminderLedger).where(ReminderLedger.message_ts == dm["ts"])).all()
        for row in rows:
            row.state, row.channel_id, row.message_ts = LedgerState.claimed, None, None
            uow.session.add(row)
        uow.commit()
    note = "The scoping report is with the chief officers' group."
    slack.message("U0DEVSHARM", f"H-12 - {note}", channel=dm["channel"], thread_ts=dm["ts"])
    [confirmation] = wait_for_thread(fake_slack, dm["channel"], dm["ts"])
    assert "H-12" in confirmation["text"]
    assert [(u.text, u.author_id) for u in updates(demo_db, "H-12")] == [(note, "U0DEVSHARM")]


def test_a_reply_in_a_lists_thread_that_names_no_ref_is_asked_which_and_writes_nothing(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    run_remind(demo_db, fake_slack)
    dm = reminder_message(fake_slack, "H-12", "overdue")  # H-12, H-15 and H-17
    slack.message("U0DEVSHARM", "All on track", channel=dm["channel"], thread_ts=dm["ts"])
    [answer] = wait_for_thread(fake_slack, dm["channel"], dm["ts"])
    assert "H-12, H-15, H-17" in answer["text"] and "H-12: " in answer["text"]
    assert updates(demo_db, "H-12") == updates(demo_db, "H-15") == []


def test_a_reply_under_a_bot_dm_that_is_no_reminder_records_nothing(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    posted = slack_post(fake_slack, "DU0DEVSHARM", "Evidence for H-12 was accepted.")
    slack.message("U0DEVSHARM", "Thanks", channel="DU0DEVSHARM", thread_ts=posted)
    time.sleep(0.5)
    assert updates(demo_db, "H-12") == []
    assert [m for m in fake_slack.messages("DU0DEVSHARM") if m.get("thread_ts") == posted] == []


def slack_post(fake: FakeSlack, channel: str, text: str) -> str:
    """A message the bot posted (as the app would, through the Web API): its ts."""
    import httpx

    answer = httpx.post(
        fake.url + "chat.postMessage",
        data={"channel": channel, "text": text},
        headers={"Authorization": "Bearer xoxb-test"},
    ).json()
    assert answer["ok"], answer
    return str(answer["ts"])


def test_recs_remind_is_refused_to_a_plain_member(slack: SlackDriver, fake_slack: FakeSlack) -> None:
    slack.command("U0MOAHMED0", "remind H-6")
    time.sleep(0.3)
    assert not any((m.get("metadata") or {}) for m in fake_slack.messages())


def test_impact_check_embedded_asks_what_the_audit_found(
    demo_db: Database, fake_slack: FakeSlack, slack: SlackDriver
) -> None:
    from bot.views.modals import IMPACT_FINDING

    slack.click("U0JOTURNER", ids.IMPACT_EMBEDDED, "H-28")
    view = fake_slack.wait_for("views.open").params["view"]
    assert view["callback_id"] == ids.IMPACT_MODAL
    metadata = view["private_metadata"]
    empty = slack.submit_view("U0JOTURNER", ids.IMPACT_MODAL, {IMPACT_FINDING: {"value": ""}},
                              private_metadata=metadata)
    assert empty.json()["response_action"] == "errors"
    finding = "Re-audit in May 2015: 9 of 10 pre-birth conferences held a month before delivery"
    done = slack.submit_view("U0JOTURNER", ids.IMPACT_MODAL, {IMPACT_FINDING: {"value": finding}},
                             private_metadata=metadata)
    assert done.status_code == 200 and not done.content.strip(b"{} ")
    with demo_db.unit_of_work(write=False) as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-28")).one()
        last = uow.session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.recommendation_id == rec.id)
            .order_by(col(ProgressUpdate.id).desc())
        ).first()
    assert rec.status == "embedded"
    assert last is not None and last.text == f"Impact check: {finding}"
