"""The reminder sweep on SQLite and PostgreSQL: exactly once, through failures, expired
leases, concurrent sweeps, a SIGKILL mid-sweep and missed scheduler ticks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

from bot import services
from bot.config import Settings
from bot.reminders.scheduling import JOB_ID, TICK_SECONDS, build_scheduler
from bot.reminders.sweep import Delivery, DeliveryFailed, Outgoing, Sweeper
from slack.client import make_web_client
from slack.notifier import SlackNotifier
from storage import ledger
from storage.db import Database
from storage.models import LedgerState, Recommendation, ReminderLedger, Review, Status
from storage.queries import EVERY_BOARD
from tests.conftest import CHAIR, CSC_LEAD, REPO, TVP_LEAD
from tests.support.fake_slack import FakeSlack

AT = datetime(2015, 3, 2, 9, 30, tzinfo=UTC)

# What Child H has due at 09:30 on Monday 2 March 2015 (see tests/e2e/test_reminders.py for the DMs).
CHILD_H_DUE = 34


class ListNotifier:
    """Records what the sweep sends, and finds it again as Slack's history would; can fail or
    hold on demand."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.deliveries: list[Delivery] = []
        self.fail = False
        self.attempts = 0
        self.held: set[str] = set()
        self.zones: dict[str, str] = {}
        self._lock = threading.Lock()

    def time_zone(self, user_id: str) -> str | None:
        return self.zones.get(user_id)

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        return now + timedelta(hours=1) if user_id in self.held else None

    def on_leave(self, user_id: str) -> bool:
        return False

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        return None

    def send(self, message: Outgoing) -> Delivery:
        self.attempts += 1
        if self.fail:
            raise DeliveryFailed("Slack is down")
        with self._lock:
            self.sent.append(message)
            delivery = Delivery(message.channel_id or f"D{message.user_id}", f"{len(self.sent)}.0")
            self.deliveries.append(delivery)
            return delivery

    def find_sent(
        self, user_id: str | None, channel_id: str | None, keys: tuple[str, ...], since: datetime
    ) -> dict[str, Delivery]:
        channel = channel_id or f"D{user_id}"
        with self._lock:
            return {
                key: delivery
                for message, delivery in zip(self.sent, self.deliveries, strict=True)
                if delivery.channel_id == channel
                for key in message.keys
                if key in keys
            }

    def keys(self) -> list[str]:
        """Every reminder sent, once per message that carried it."""
        return sorted(k for m in self.sent for k in m.keys)


def ledger_states(db: Database) -> Counter[str]:
    with db.unit_of_work(write=False) as uow:
        return Counter(str(s) for s in uow.session.exec(select(ReminderLedger.state)).all())


def test_sweep_sends_each_due_reminder_once_and_again_sends_none(demo_db: Database) -> None:
    notifier = ListNotifier()
    sweeper = Sweeper(demo_db, notifier)
    first = sweeper.sweep(AT)
    assert len(first.sent) == CHILD_H_DUE and not first.failed
    assert len(set(notifier.keys())) == CHILD_H_DUE
    again = sweeper.sweep(AT)
    assert again.sent == [] and again.already_sent == CHILD_H_DUE
    assert Sweeper(demo_db, notifier).sweep(AT + timedelta(minutes=5)).sent == []
    assert ledger_states(demo_db) == Counter({"sent": CHILD_H_DUE})


def test_todays_reminders_wait_for_half_past_nine(demo_db: Database) -> None:
    sweeper = Sweeper(demo_db, ListNotifier())
    early = sweeper.sweep(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    # The digests go at 09:00: the weekly one to the channel, the monthly one to the chair.
    assert sorted(early.sent) == [
        "board1:chair-digest:2015-03-01:U0RUTHOKAF",
        "board1:digest:2015-03-02",
    ]
    assert sweeper.sweep(datetime(2015, 3, 2, 9, 29, tzinfo=UTC)).sent == []
    assert len(sweeper.sweep(AT).sent) == CHILD_H_DUE - 2


def test_a_missed_tick_is_harmless_because_the_next_sweep_recomputes(demo_db: Database) -> None:
    notifier = ListNotifier()
    sweeper = Sweeper(demo_db, notifier)
    sweeper.sweep(datetime(2015, 3, 2, 9, 29, tzinfo=UTC))
    # The 09:30 tick never ran (a restart; APScheduler's misfire_grace_time dropped it)…
    late = sweeper.sweep(datetime(2015, 3, 2, 11, 47, tzinfo=UTC))
    # …and the 11:47 tick sends what fell due at 09:30, once: the same as an on-time sweep.
    on_time = Sweeper(demo_db, ListNotifier()).sweep(AT)
    assert late.sent and on_time.sent == [] and on_time.already_sent == CHILD_H_DUE
    assert Counter(notifier.keys()).most_common(1)[0][1] == 1
    # Days later, only what is due then goes: no backlog of missed periods.
    later = sweeper.sweep(datetime(2015, 3, 4, 9, 30, tzinfo=UTC))
    assert later.sent and all(":2015-03-0" in k for k in later.sent)


def test_scheduler_ticks_the_sweep_every_minute_in_utc(demo_db: Database) -> None:
    scheduler = build_scheduler(Sweeper(demo_db, ListNotifier()))
    job = scheduler.get_job(JOB_ID)
    assert str(scheduler.timezone) == "UTC"
    assert job.trigger.interval.total_seconds() == TICK_SECONDS
    assert job.max_instances == 1 and job.coalesce
    assert len(scheduler.get_jobs()) == 1  # reminders are never APScheduler jobs


def test_a_failing_notifier_marks_nothing_sent_and_the_next_sweep_sends_each_once(
    demo_db: Database,
) -> None:
    notifier = ListNotifier()
    notifier.fail = True
    failed = Sweeper(demo_db, notifier, max_failures=3).sweep(AT)
    assert failed.sent == [] and notifier.attempts == 3  # it stops once Slack is clearly down
    assert "sent" not in ledger_states(demo_db) and "claimed" not in ledger_states(demo_db)
    notifier.fail = False
    recovered = Sweeper(demo_db, notifier).sweep(AT + timedelta(minutes=1))
    assert len(recovered.sent) == CHILD_H_DUE
    assert Counter(notifier.keys()).most_common(1)[0][1] == 1


def test_an_expired_lease_is_taken_again_and_a_live_one_is_not(demo_db: Database) -> None:
    notifier = ListNotifier()  # Slack: what is sent stays in its history
    planned = Sweeper(demo_db, notifier).sweep(AT)  # send them all…
    with demo_db.unit_of_work() as uow:  # …then pretend two workers died holding claims
        db_now = ledger.database_time(uow.session)
        rows = uow.session.exec(select(ReminderLedger).order_by(ReminderLedger.key)).all()
        leases = (db_now - timedelta(minutes=1), db_now + timedelta(hours=1))
        for row, lease in zip(rows[:2], leases, strict=True):
            row.state, row.claimed_by, row.lease_until = LedgerState.claimed, "dead", lease
            uow.session.add(row)
        for row in rows[2:]:
            row.state = LedgerState.sent
            uow.session.add(row)
        expired, live = rows[0].key, rows[1].key
        uow.commit()
    assert len(planned.sent) == CHILD_H_DUE
    result = Sweeper(demo_db, notifier).sweep(AT + timedelta(minutes=2))
    # The expired claim's holder may have sent it: it is looked for first, and found.
    assert result.found == [expired] and result.sent == []
    assert len(notifier.keys()) == CHILD_H_DUE  # nothing went twice
    assert result.taken_elsewhere == 1  # the live lease is left to its holder
    with demo_db.unit_of_work(write=False) as uow:
        assert ledger.entry(uow.session, live).state == LedgerState.claimed  # type: ignore[union-attr]
        assert ledger.entry(uow.session, expired).state == LedgerState.sent  # type: ignore[union-attr]


def test_a_sweep_as_if_at_a_later_time_cannot_take_a_live_claim(demo_db: Database) -> None:
    """Leases ran on the sweep's `now`: a sweep run "as if at" a later time (`--at`, a host
    whose clock is ahead) saw every claim as expired and sent it again. They run on the
    database's clock now."""
    first = Sweeper(demo_db, ListNotifier()).sweep(AT)
    with demo_db.unit_of_work() as uow:  # another sweep holds them all, just claimed
        rows = uow.session.exec(select(ReminderLedger)).all()
        for row in rows:
            row.state, row.claimed_by = LedgerState.claimed, "busy"
            row.lease_until = ledger.database_time(uow.session) + timedelta(minutes=10)
            uow.session.add(row)
        uow.commit()
    notifier = ListNotifier()
    later = Sweeper(demo_db, notifier).sweep(AT + timedelta(hours=3))
    assert notifier.sent == [] and later.taken_elsewhere == len(first.sent)


def sweep_at_once(sweepers: list[Sweeper], at: datetime) -> None:
    """Each sweeper sweeps at `at`, all at the same time (threads)."""
    threads = [threading.Thread(target=s.sweep, args=(at,)) for s in sweepers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_two_sweeps_at_once_send_every_reminder_exactly_once(
    demo_db: Database, database_url: str, clock: object
) -> None:
    notifier = ListNotifier()
    databases = [Database(database_url, clock=clock) for _ in range(2)]  # type: ignore[arg-type]
    sweep_at_once([Sweeper(d, notifier, batch=4) for d in databases], AT)
    for d in databases:
        d.dispose()
    assert len(notifier.keys()) == CHILD_H_DUE
    assert Counter(notifier.keys()).most_common(1)[0][1] == 1


def test_do_not_disturb_holds_a_reminder_until_it_ends(demo_db: Database) -> None:
    notifier = ListNotifier()
    notifier.held = {"U0DEVSHARM"}
    first = Sweeper(demo_db, notifier).sweep(AT)
    assert first.held and all(m.user_id != "U0DEVSHARM" for m in notifier.sent)
    notifier.held = set()
    after = Sweeper(demo_db, notifier).sweep(AT + timedelta(hours=1))
    assert sorted(after.sent) == sorted(first.held)


def test_an_away_owner_gets_nothing_and_the_deputy_stands_in(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.set_away(uow, TVP_LEAD, date(2015, 3, 20), CSC_LEAD.user_id)
        uow.commit()
    notifier = ListNotifier()
    Sweeper(demo_db, notifier).sweep(AT)
    to_dev = [m for m in notifier.sent if m.user_id == TVP_LEAD.user_id]
    stand_in = [m for m in notifier.sent if "Standing in" in m.text]
    assert to_dev == [] and stand_in
    assert all(m.user_id == CSC_LEAD.user_id for m in stand_in)


def test_with_no_deputy_reminders_wait_and_the_digest_lists_who_is_away(
    demo_db: Database,
) -> None:
    with demo_db.unit_of_work() as uow:
        services.set_away(uow, TVP_LEAD, date(2015, 3, 20))
        uow.commit()
    notifier = ListNotifier()
    result = Sweeper(demo_db, notifier).sweep(AT)
    assert result.waiting and all(m.user_id != TVP_LEAD.user_id for m in notifier.sent)
    digest = next(m for m in notifier.sent if ":digest:" in m.key)
    away = str([b.to_dict() for b in digest.blocks])
    assert "Dev Sharma until 20 Mar 2015" in away and "no deputy" in away
    with demo_db.unit_of_work() as uow:  # back: the waiting reminders go at the next sweep
        services.set_away(uow, TVP_LEAD, None)
        uow.commit()
    back = Sweeper(demo_db, notifier).sweep(AT + timedelta(minutes=1))
    assert sorted(back.sent) == sorted(result.waiting)


def test_candidate_query_leaves_out_what_cannot_be_due(demo_db: Database) -> None:
    from storage import queries

    with demo_db.unit_of_work(write=False) as uow:
        rows = queries.reminder_candidates(
            uow.session,
            due_by=date(2015, 4, 2),
            untouched_before=AT - timedelta(days=59),
            completed_before=AT - timedelta(days=180),
        )
    refs = {r.ref for r in rows}
    assert "H-7" not in refs  # due in June, not started only this week: nothing can be due
    assert "H-2" in refs and "H-29" in refs  # overdue; stale


# --- against the fake Slack -----------------------------------------------------------------


def slack_notifier(fake: FakeSlack) -> SlackNotifier:
    settings = Settings(slack_bot_token="xoxb-test", slack_api_url=fake.url)
    return SlackNotifier(make_web_client(settings))


def reminder_items(fake: FakeSlack) -> list[dict[str, str]]:
    """Every reminder Slack has, once per message that carries it (a list carries several):
    `key`, `kind` and `ref` from the messages' metadata."""
    items = []
    for message in fake.messages():
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        items += payload.get("items") or []
    return items


def delivered_keys(fake: FakeSlack) -> list[str]:
    return [item["key"] for item in reminder_items(fake)]


def reminder_counts(fake: FakeSlack) -> Counter[tuple[str, str]]:
    """Reminders per (recommendation, kind), from the reminders' message metadata."""
    return Counter((i["ref"] or i["key"], i["kind"]) for i in reminder_items(fake))


def test_slack_500s_for_the_whole_sweep_mark_nothing_sent(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_always("chat.postMessage", 500)
    result = Sweeper(demo_db, slack_notifier(fake_slack), max_failures=2).sweep(AT)
    assert result.sent == [] and fake_slack.messages() == []
    assert ledger_states(demo_db)["sent"] == 0 and ledger_states(demo_db)["claimed"] == 0
    fake_slack.recover()
    recovered = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT + timedelta(minutes=1))
    assert len(recovered.sent) == CHILD_H_DUE
    assert sorted(delivered_keys(fake_slack)) == sorted(recovered.sent)  # each once


def test_slack_dnd_info_holds_the_reminder(demo_db: Database, fake_slack: FakeSlack) -> None:
    start = int(AT.timestamp()) - 600
    fake_slack.set_dnd("U0DEVSHARM", dnd_enabled=True, next_dnd_start_ts=start,
                       next_dnd_end_ts=start + 3600)
    result = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT)
    assert result.held and not any(m["channel"] == "DU0DEVSHARM" for m in fake_slack.messages())
    after = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT + timedelta(hours=1))
    assert sorted(after.sent) == sorted(result.held)


def test_slack_time_zone_decides_the_hour(demo_db: Database, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0DEVSHARM", tz="America/New_York")
    result = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT)
    assert not any(m["channel"] == "DU0DEVSHARM" for m in fake_slack.messages())
    later = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(datetime(2015, 3, 2, 14, 30, tzinfo=UTC))
    assert later.sent and all(k.split(":")[0] in _dev_rec_ids(demo_db) for k in later.sent)
    assert result.sent


def _dev_rec_ids(db: Database) -> set[str]:
    with db.unit_of_work(write=False) as uow:
        ids = uow.session.exec(
            select(Recommendation.id).where(Recommendation.lead_officer_id == "U0DEVSHARM")
        ).all()
    return {str(i) for i in ids}


# --- processes: two schedulers, and a SIGKILL mid-sweep ---------------------------------------


def add_due_recommendations(db: Database, count: int, due: date) -> None:
    """`count` in-progress recommendations due on `due`, led by the demo's owners in turn."""
    owners = ["U0JOTURNER", "U0DEVSHARM", "U0ALIKHAN0", "U0BETHMORG", "U0TOMWOOD0"]
    with db.unit_of_work() as uow:
        review = uow.session.exec(select(Review)).first()
        assert review is not None
        now = datetime(2015, 3, 1, 12, 0, tzinfo=UTC)
        rows = [
            {
                "ref": f"H-{1000 + n}",
                "review_id": review.id,
                "number": 1000 + n,
                "label": str(1000 + n),
                "text": f"Load test recommendation {n}",
                "lead_officer_id": owners[n % len(owners)],
                "status": Status.in_progress,
                "due_on": due,
                "created_at": now,
                "updated_at": now,
                "last_update_at": now,
                "at_risk": False,
                "response": "accepted",
                "action_kind": "other",
            }
            for n in range(count)
        ]
        uow.session.execute(insert(Recommendation), rows)
        uow.commit()


def remind_process(database_url: str, fake: FakeSlack, at: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "RECS_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, str(REPO / "app.py"), "remind", "--once", "--at", at],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_two_remind_processes_over_a_thousand_reminders_send_each_once(
    demo_db: Database, database_url: str, fake_slack: FakeSlack
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the multi-process race is the PostgreSQL deployment's")
    add_due_recommendations(demo_db, 1000, date(2015, 3, 2))
    processes = [remind_process(database_url, fake_slack, "2015-03-02T09:30") for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    counts = reminder_counts(fake_slack)
    assert len(counts) == 1000 + CHILD_H_DUE  # the digest has no ref: counted by its key
    assert max(counts.values()) == 1
    assert sum(1 for (ref, kind) in counts if kind == "overdue" and ref.startswith("H-1")) >= 1000
    assert all("taken by another sweep" in o for o in outputs)


def expire_claims(db: Database) -> int:
    """Runs out every live claim's lease, as the database's clock would after 10 minutes."""
    from sqlalchemy import update

    with db.unit_of_work() as uow:
        result = uow.session.execute(
            update(ReminderLedger)
            .where(ReminderLedger.state == LedgerState.claimed)  # type: ignore[arg-type]
            .values(lease_until=ledger.database_time(uow.session) - timedelta(seconds=1))
        )
        uow.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def test_sigkill_mid_sweep_loses_nothing_and_doubles_nothing(
    demo_db: Database, database_url: str, fake_slack: FakeSlack
) -> None:
    """README promised one possible duplicate: a message Slack took just before the process
    died. Its claim is taken over in doubt, and the next sweep finds it in Slack first."""
    add_due_recommendations(demo_db, 40, date(2015, 3, 2))
    total = 40 + CHILD_H_DUE
    fake_slack.delay_next("chat.postMessage", 0.1, times=10_000)  # a slow Slack
    process = remind_process(database_url, fake_slack, "2015-03-02T09:30")
    deadline = time.monotonic() + 60
    while len(fake_slack.calls("chat.postMessage")) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    fake_slack.recover()
    time.sleep(0.5)  # the request in flight lands at the fake, as it would at Slack
    with demo_db.unit_of_work(write=False) as uow:
        sent_before = {r.key for r in uow.session.exec(select(ReminderLedger)).all()
                       if r.state == LedgerState.sent}  # fmt: skip
    assert 0 < len(sent_before) < total
    assert expire_claims(demo_db) > 0  # the dead worker's leases run out
    restart = remind_process(database_url, fake_slack, "2015-03-02T09:45")
    assert restart.wait(timeout=120) == 0, restart.communicate()[0]
    delivered = Counter(delivered_keys(fake_slack))
    assert len(delivered) == total  # nothing lost
    assert max(delivered.values()) == 1  # nothing twice
    assert ledger_states(demo_db) == Counter({"sent": total})


def test_remind_mode_rejects_a_bad_time(tmp_path: Path, fake_slack: FakeSlack) -> None:
    process = remind_process(f"sqlite:///{tmp_path}/x.sqlite3", fake_slack, "next tuesday")
    assert process.wait(timeout=60) == 2


def test_a_slack_holiday_status_counts_as_away(demo_db: Database, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0DEVSHARM", status_text="On annual leave", status_emoji=":palm_tree:")
    result = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT)
    assert result.waiting and not any(m["channel"] == "DU0DEVSHARM" for m in fake_slack.messages())


@pytest.mark.parametrize(
    ("text", "emoji", "away"),
    [
        ("On holiday", "", True),
        ("Annual leave until Monday", "", True),
        ("OOO", "", True),
        ("Out of office", "", True),
        ("", ":palm_tree:", True),
        ("", ":beach_with_umbrella:", True),
        ("In a meeting", ":calendar:", False),
        ("Working from home", ":house_with_garden:", False),
        ("Holiday planning workshop", "", False),
        ("", "", False),
    ],
)
def test_which_slack_statuses_mean_away(text: str, emoji: str, away: bool) -> None:
    from bot.rules.away import status_says_away

    assert status_says_away(text, emoji) is away


def test_chairs_get_the_monthly_digest_once(demo_db: Database) -> None:
    notifier = ListNotifier()
    Sweeper(demo_db, notifier).sweep(AT)
    monthly = [m for m in notifier.sent if ":chair-digest:" in m.key]
    assert [m.user_id for m in monthly] == [CHAIR.user_id]
    assert monthly[0].key.endswith("chair-digest:2015-03-01:" + CHAIR.user_id)
    assert "Monthly" in monthly[0].text
    assert not [k for k in Sweeper(demo_db, notifier).sweep(AT).sent if "chair-digest" in k]


def test_a_lead_officer_imported_by_email_is_found_in_slack_and_reminded(
    demo_db: Database, fake_slack: FakeSlack
) -> None:
    from bot.imports import ParsedRecommendation
    from bot.imports import records as importing
    from bot.rules.permissions import SYSTEM

    with demo_db.unit_of_work() as uow:
        review = services.get_review(uow.session, "H", boards=EVERY_BOARD)
        importing.import_recommendations(uow, SYSTEM, review, [ParsedRecommendation(
            label="37", text="Audit the new pre-birth pathway", agency="Children's Social Care",
            lead_officer="Lee.New@example.org", due_on=date(2015, 3, 16), timescale="16/3/2015",
        )])
        uow.commit()
    fake_slack.add_user("U0LEENEW01", real_name="Lee New", email="lee.new@example.org")
    result = Sweeper(demo_db, slack_notifier(fake_slack)).sweep(AT)
    assert any(m["channel"] == "DU0LEENEW01" for m in fake_slack.messages())
    assert not result.failed
    with demo_db.unit_of_work(write=False) as uow:
        rec = services.get_recommendation(uow.session, "H-37", boards=EVERY_BOARD)
    assert rec.lead_officer_id == "U0LEENEW01"
