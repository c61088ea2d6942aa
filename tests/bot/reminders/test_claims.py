"""One sweep's claims (bot/reminders/claims.py): each leased from the moment it is taken, on
the database's clock; renewed while the sweep works; found lost, never sent, once taken over."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.reminders.claims import Claims
from storage import ledger
from storage.db import Database
from storage.ledger import LedgerEntry
from storage.models import LedgerState

NOW = datetime(2015, 3, 2, 9, 30, tzinfo=UTC)
KEYS = ["1:overdue:2015-03-02", "2:overdue:2015-03-02", "10:overdue:2015-03-02"]


class Ahead:
    """The database's clock, and this host's monotonic one, moved forward by the test."""

    def __init__(self) -> None:
        self.by = timedelta(0)

    def __call__(self, session: Session) -> datetime:
        return ledger.database_time(session) + self.by

    def monotonic(self) -> float:
        return time.monotonic() + self.by.total_seconds()


def due(db: Database) -> None:
    with db.unit_of_work() as uow:
        entries = [LedgerEntry(k, "overdue", "2015-03-02", None, None, "U1") for k in KEYS]
        ledger.ensure_entries(uow.session, entries, NOW)
        uow.commit()


def row(db: Database, key: str) -> ledger.ReminderLedger:
    with db.unit_of_work(write=False) as uow:
        found = ledger.entry(uow.session, key)
    assert found is not None
    return found


def test_a_lease_runs_from_the_claim_on_the_databases_clock_not_the_sweeps(db: Database) -> None:
    due(db)
    claims = Claims(db, "a/1", lease=timedelta(minutes=10))
    taken = claims.take(KEYS)
    assert [c.key for c in taken] == sorted(KEYS) and not any(c.in_doubt for c in taken)
    with db.unit_of_work(write=False) as uow:
        db_now = ledger.database_time(uow.session)
    lease_until = row(db, KEYS[0]).lease_until
    assert lease_until is not None
    # The sweep's business time is 2015; the lease is ten minutes of the database's time.
    assert timedelta(minutes=9) < lease_until - db_now <= timedelta(minutes=10)


def test_claims_are_renewed_while_the_sweep_works_and_stay_its_own(db: Database) -> None:
    due(db)
    clock = Ahead()
    a = Claims(db, "a/1", lease=timedelta(seconds=30), lease_clock=clock, monotonic=clock.monotonic)
    b = Claims(db, "b/1", lease=timedelta(seconds=30), lease_clock=clock, monotonic=clock.monotonic)
    a.take(KEYS)
    for _ in range(4):  # two minutes of work, renewed every 20 seconds
        clock.by += timedelta(seconds=20)
        assert a.confirm(KEYS[:1]) == {KEYS[0]}
    assert b.take(KEYS) == [] and a.lost == set()


def test_a_claim_taken_over_after_its_lease_ran_out_is_lost_and_not_marked_sent(
    db: Database,
) -> None:
    due(db)
    clock = Ahead()
    a = Claims(db, "a/1", lease=timedelta(seconds=30), lease_clock=clock, monotonic=clock.monotonic)
    b = Claims(db, "b/1", lease=timedelta(seconds=30), lease_clock=clock, monotonic=clock.monotonic)
    a.take(KEYS)
    clock.by += timedelta(seconds=31)  # a stalled: no renewal in time
    taken = b.take(KEYS)
    assert all(c.in_doubt for c in taken)  # a may have sent them: b looks first
    assert a.confirm(KEYS) == set() and a.lost == set(KEYS)
    assert a.sent(KEYS, now=NOW, recipient="U1", channel="DU1", ts="1.0") == set()
    assert row(db, KEYS[0]).state == LedgerState.claimed and row(db, KEYS[0]).claimed_by == "b/1"


def test_a_pause_renews_the_claims_every_third_of_a_lease(db: Database) -> None:
    due(db)
    clock = Ahead()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.by += timedelta(seconds=seconds)

    a = Claims(db, "a/1", lease=timedelta(seconds=30), lease_clock=clock, sleep=sleep,
               monotonic=clock.monotonic)
    a.take(KEYS)
    a.pause(95)  # three leases and more
    assert slept == [10, 10, 10, 10, 10, 10, 10, 10, 10, 5]
    assert a.confirm(KEYS) == set(KEYS)


def test_claims_are_renewed_only_once_a_third_of_the_lease_has_gone(db: Database) -> None:
    """Renewing before every message cost two statements a message; within a third of the
    lease no other sweep can have taken a claim."""
    due(db)
    clock = Ahead()
    a = Claims(db, "a/1", lease=timedelta(seconds=30), lease_clock=clock, monotonic=clock.monotonic)
    a.take(KEYS)
    before = row(db, KEYS[0]).lease_until
    clock.by += timedelta(seconds=5)
    assert a.confirm(KEYS) == set(KEYS) and row(db, KEYS[0]).lease_until == before
    clock.by += timedelta(seconds=6)
    assert a.confirm(KEYS) == set(KEYS) and row(db, KEYS[0]).lease_until != before


def test_a_send_in_doubt_is_given_back_in_doubt(db: Database) -> None:
    due(db)
    a = Claims(db, "a/1", lease=timedelta(minutes=10))
    a.take(KEYS)
    a.release(KEYS[:1], in_doubt=True)
    a.release(KEYS[1:])
    again = {c.key: c.in_doubt for c in Claims(db, "b/1", lease=timedelta(minutes=10)).take(KEYS)}
    assert again == {KEYS[0]: True, KEYS[1]: False, KEYS[2]: False}


def test_undeliverable_is_marked_with_its_reason(db: Database) -> None:
    due(db)
    a = Claims(db, "a/1", lease=timedelta(minutes=10))
    a.take(KEYS)
    assert a.undeliverable(KEYS[:2], reason="user_not_found", now=NOW) == set(KEYS[:2])
    found = row(db, KEYS[0])
    assert found.state == LedgerState.undeliverable and found.failure == "user_not_found"
    assert a.held == {KEYS[2]}
