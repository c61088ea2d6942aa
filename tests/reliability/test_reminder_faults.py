"""Reminders exactly once against a fake Slack that fails the way the real one does, on SQLite
and PostgreSQL: a post Slack took but answered 500, a post whose connection dropped before
the answer, a sweep rate-limited past its lease while another runs, three sweeps at once, and
three lead officers who have left and sort first. Every reachable owner gets each reminder
exactly once; the unreachable are marked, reported, and hold no one else up."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from bot import services
from bot.config import Settings
from bot.reminders.messages import digest_message
from bot.reminders.sweep import Sweeper, SweepResult
from slack.client import make_web_client
from slack.notifier import SlackNotifier
from storage import ledger
from storage.db import Database
from storage.models import Board, LedgerState, Recommendation, ReminderLedger, Review, Status
from tests.bot.reminders.test_claims import Ahead
from tests.bot.reminders.test_sweep import sweep_at_once
from tests.support.fake_slack import FakeSlack, SlackCall

AT = datetime(2015, 3, 2, 9, 30, tzinfo=UTC)  # a Monday: Child H has 34 reminders due
GONE = ["U0GONE0001", "U0GONE0002", "U0GONE0003"]  # lead officers who have left
STAYING = [f"U0STAY{n:04d}" for n in range(1, 11)]


def notifier_for(fake: FakeSlack, token: str = "xoxb-test") -> SlackNotifier:
    return SlackNotifier(make_web_client(Settings(slack_bot_token=token, slack_api_url=fake.url)))


def add_owned(db: Database, owners: list[str], each: int, due: date, first_number: int) -> None:
    """`each` in-progress recommendations due on `due` for each of `owners` (new people)."""
    with db.unit_of_work() as uow:
        for owner in owners:
            services.ensure_person(uow.session, owner, f"Officer {owner[-4:]}")
        review = uow.session.exec(select(Review)).first()
        assert review is not None
        made = datetime(2015, 1, 5, 12, 0, tzinfo=UTC)
        number = first_number
        rows = []
        for owner in owners:
            for _ in range(each):
                rows.append({
                    "ref": f"H-{number}", "review_id": review.id, "number": number,
                    "label": str(number), "text": f"Recommendation {number}",
                    "lead_officer_id": owner, "status": Status.in_progress, "due_on": due,
                    "created_at": made, "updated_at": made, "last_update_at": made,
                    "at_risk": False, "response": "accepted", "action_kind": "other",
                })  # fmt: skip
                number += 1
        uow.session.execute(insert(Recommendation), rows)
        uow.commit()


def delivered(fake: FakeSlack) -> Counter[str]:
    """How many times Slack holds each reminder (a list's items each count)."""
    counts: Counter[str] = Counter()
    for message in fake.messages():
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        counts.update(item["key"] for item in payload.get("items") or [])
    return counts


def states(db: Database) -> dict[str, LedgerState]:
    with db.unit_of_work(write=False) as uow:
        return {r.key: r.state for r in uow.session.exec(select(ReminderLedger)).all()}


def sweep_until_quiet(sweeper: Sweeper, start: datetime, sweeps: int = 4) -> list[SweepResult]:
    """Sweeps a minute apart, as the scheduler would, until one has nothing left to send."""
    results = []
    for minute in range(sweeps):
        results.append(sweeper.sweep(start + timedelta(minutes=minute)))
        if not results[-1].failed and minute > 0:
            break
    return results


def assert_exactly_once(
    db: Database, fake: FakeSlack, *, unreachable: frozenset[str] = frozenset()
) -> None:
    """Every reminder in the ledger is sent and in Slack once, or undeliverable and not in
    Slack at all; undeliverable ones are exactly the unreachable people's."""
    counts = delivered(fake)
    found = states(db)
    assert found, "nothing was due"
    with db.unit_of_work(write=False) as uow:
        recipients = {r.key: r.recipient_id for r in uow.session.exec(select(ReminderLedger))}
    for key, state in found.items():
        if recipients[key] in unreachable:
            assert state == LedgerState.undeliverable and counts[key] == 0, key
        else:
            assert state == LedgerState.sent and counts[key] == 1, (key, state, counts[key])
    assert set(counts) <= set(found)


# --- (a) and (b): Slack took the post, the answer never came back whole ----------------------


@pytest.mark.parametrize("fault", ["500 after posting", "connection dropped after posting"])
def test_a_post_slack_took_without_answering_is_found_and_not_sent_again(
    demo_db: Database, fake_slack: FakeSlack, fault: str
) -> None:
    if fault.startswith("500"):
        fake_slack.fail_after_next("chat.postMessage", 500, times=2)
    else:
        fake_slack.drop_after_next("chat.postMessage", times=2)
    results = sweep_until_quiet(Sweeper(demo_db, notifier_for(fake_slack)), AT)
    assert results[0].failed  # the sweep could not tell: it left them due, in doubt…
    assert sorted(results[1].found) == sorted(results[0].failed)  # …and found them in Slack
    assert_exactly_once(demo_db, fake_slack)
    posts = fake_slack.calls("chat.postMessage")
    assert len(posts) == len({c.response.get("ts") for c in posts})  # no post was re-sent


def test_a_timeout_after_slack_took_the_post_is_found_and_not_sent_again(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    """A client timeout released the claim as if nothing had gone, and the next sweep sent
    the reminder again."""
    fake_slack.delay_next("chat.postMessage", 1.5)
    client = make_web_client(Settings(slack_bot_token="xoxb-test", slack_api_url=fake_slack.url))
    client.timeout = 1
    sweeper = Sweeper(demo_db, SlackNotifier(client))
    first = sweeper.sweep(AT)
    assert first.failed

    def the_late_post(call: SlackCall) -> bool:
        items = ((call.params.get("metadata") or {}).get("event_payload") or {}).get("items", [])
        return call.method == "chat.postMessage" and first.failed[0] in {i["key"] for i in items}

    fake_slack.wait_for(the_late_post, timeout=5)  # Slack took it after the client gave up
    sweep_until_quiet(sweeper, AT + timedelta(minutes=1))
    assert_exactly_once(demo_db, fake_slack)


# --- (c): one sweep rate-limited past its lease while another runs ---------------------------


@pytest.mark.parametrize("stalled", [True, False], ids=["stalled past its lease", "waiting"])
def test_a_sweep_rate_limited_past_its_lease_while_another_runs_sends_nothing_twice(
    demo_db: Database, database_url: str, fake_slack: FakeSlack, stalled: bool
) -> None:
    """A waits out Slack's 429 while B sweeps. Waiting, A renews its claims and B leaves them
    to it; stalled past its lease (a long pause, a frozen VM), A finds its claims taken over
    and sends none of them. Either way each reminder reaches Slack once."""
    add_owned(demo_db, STAYING, 3, date(2015, 3, 2), first_number=100)
    lease = timedelta(seconds=30)
    clock = Ahead()  # the database's clock and the hosts' monotonic ones, moved by the test
    other_db = Database(database_url, clock=demo_db.clock)
    b = Sweeper(other_db, notifier_for(fake_slack, "xoxb-sweep-b"), lease=lease,
                lease_clock=clock, monotonic=clock.monotonic)  # fmt: skip
    b_results: list[SweepResult] = []

    def a_waits(seconds: float) -> None:
        clock.by += lease + timedelta(seconds=1) if stalled else timedelta(seconds=seconds)
        if clock.by > lease and not b_results:
            b_results.append(b.sweep(AT))  # B runs once A has waited longer than a lease

    a = Sweeper(demo_db, notifier_for(fake_slack, "xoxb-sweep-a"), lease=lease,
                lease_clock=clock, sleep=a_waits, monotonic=clock.monotonic,
                batch=10)  # fmt: skip
    fake_slack.rate_limit("chat.postMessage", retry_after=45, token="xoxb-sweep-a")
    a_result = a.sweep(AT)
    other_db.dispose()
    assert b_results and b_results[0].sent
    if stalled:
        assert a_result.lost  # A found its claims gone, and counted them
        assert b_results[0].found == [] and not a_result.failed
    else:
        assert b_results[0].taken_elsewhere  # A's claims stayed A's
        assert a_result.sent and not a_result.lost
    assert_exactly_once(demo_db, fake_slack)


def test_a_rate_limit_beyond_the_pause_stops_the_sweep_and_the_next_sends_the_rest(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limit("chat.postMessage", retry_after=3600)
    first = Sweeper(demo_db, notifier_for(fake_slack), sleep=lambda s: None).sweep(AT)
    assert first.failed and not first.sent
    assert len(fake_slack.calls("chat.postMessage")) == 0  # the 429 is no post
    sweep_until_quiet(Sweeper(demo_db, notifier_for(fake_slack)), AT + timedelta(minutes=1))
    assert_exactly_once(demo_db, fake_slack)


# --- (d): people who have left, sorting first --------------------------------------------------


def test_three_unreachable_owners_who_sort_first_stop_no_one_elses_reminders(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    """The breaker counted `user_not_found` as Slack being down, and keys sorted as strings:
    with the people who had left first, 1 of 32 reminders went, then none, ever."""
    add_owned(demo_db, GONE, 2, date(2015, 2, 2), first_number=100)  # due first: sorted first
    add_owned(demo_db, STAYING[:3], 2, date(2015, 3, 2), first_number=110)
    errors = ["user_not_found", "account_inactive", "cannot_dm_bot"]
    for person, error in zip(GONE, errors, strict=True):
        fake_slack.make_unreachable(person, error)
    result = Sweeper(demo_db, notifier_for(fake_slack)).sweep(AT)
    assert not result.failed and result.sent  # everyone else's went, in this sweep
    assert_exactly_once(demo_db, fake_slack, unreachable=frozenset(GONE))
    with demo_db.unit_of_work(write=False) as uow:
        found = ledger.unreachable(uow.session)
        board = uow.session.exec(select(Board)).one()
        _, blocks = digest_message(uow.session, board, AT)
    assert {(f.recipient_id, f.reason) for f in found} == set(zip(GONE, errors, strict=True))
    said = str([b.to_dict() for b in blocks])
    assert "Can't reach 3 lead officers" in said and "Officer 0001" in said
    fake_slack.clear()
    again = Sweeper(demo_db, notifier_for(fake_slack)).sweep(AT + timedelta(minutes=1))
    assert again.sent == [] and again.undeliverable == []  # not asked again every minute
    assert fake_slack.calls("conversations.open") == []


def test_a_reminder_undeliverable_to_one_lead_goes_to_the_next(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    add_owned(demo_db, GONE[:1], 1, date(2015, 3, 2), first_number=100)
    fake_slack.make_unreachable(GONE[0])
    Sweeper(demo_db, notifier_for(fake_slack)).sweep(AT)
    with demo_db.unit_of_work() as uow:
        services.ensure_person(uow.session, STAYING[0], "New Lead")
        uow.session.flush()
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "H-100")).one()
        rec.lead_officer_id = STAYING[0]
        uow.session.add(rec)
        uow.commit()
    Sweeper(demo_db, notifier_for(fake_slack)).sweep(AT + timedelta(minutes=1))
    to_new = [m for m in fake_slack.messages(f"D{STAYING[0]}")]
    assert len(to_new) == 1
    with demo_db.unit_of_work(write=False) as uow:
        assert ledger.unreachable(uow.session) == []  # fixed: no longer reported


# --- all of it at once: three sweeps, on one database --------------------------------------


def test_three_sweeps_at_once_against_every_fault_send_each_reminder_once(
    demo_db: Database, database_url: str, fake_slack: FakeSlack
) -> None:
    add_owned(demo_db, GONE, 2, date(2015, 2, 2), first_number=100)
    add_owned(demo_db, STAYING, 4, date(2015, 3, 2), first_number=110)
    for person in GONE:
        fake_slack.make_unreachable(person)
    fake_slack.fail_after_next("chat.postMessage", 500, times=2)
    databases = [Database(database_url, clock=demo_db.clock) for _ in range(3)]
    sweepers = [
        Sweeper(d, notifier_for(fake_slack, f"xoxb-{n}"), batch=7) for n, d in enumerate(databases)
    ]
    for minute in range(3):
        if minute == 1:
            fake_slack.drop_after_next("chat.postMessage", times=2)
        sweep_at_once(sweepers, AT + timedelta(minutes=minute))
    for d in databases:
        d.dispose()
    sweep_until_quiet(Sweeper(demo_db, notifier_for(fake_slack)), AT + timedelta(minutes=5))
    assert_exactly_once(demo_db, fake_slack, unreachable=frozenset(GONE))
