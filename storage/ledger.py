"""The reminder ledger: one row per reminder, claimed with a lease before sending and marked
sent after Slack accepts it, so that a reminder goes out once whatever crashes or runs twice.

A row moves pending -> claimed -> sent, or back to pending when sending fails. A claim is a
conditional UPDATE (state pending, or a claim whose lease has run out) that returns the
keys it took: whatever another sweep took first is simply not returned. On PostgreSQL the
candidate rows are first locked with FOR UPDATE SKIP LOCKED, so concurrent sweeps take
disjoint sets without waiting on each other (SQLite ignores it; its writers are serialised
by BEGIN IMMEDIATE and the UPDATE's condition still decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import LedgerState, ReminderLedger


@dataclass(frozen=True)
class LedgerEntry:
    """A reminder the sweep wants to exist in the ledger."""

    key: str
    kind: str
    period: str
    recommendation_id: int | None
    board_id: int | None
    recipient_id: str | None


def ensure_entries(session: Session, entries: Sequence[LedgerEntry], now: datetime) -> None:
    """Inserts the pending rows that do not exist yet; existing rows are left alone.

    Keys go in sorted order so that two sweeps inserting the same keys wait on each other
    in the same order and never deadlock."""
    if not entries:
        return
    rows = [
        {
            "key": e.key,
            "kind": e.kind,
            "period": e.period,
            "recommendation_id": e.recommendation_id,
            "board_id": e.board_id,
            "recipient_id": e.recipient_id,
            "state": LedgerState.pending,
            "attempts": 0,
            "created_at": now,
        }
        for e in sorted(entries, key=lambda e: e.key)
    ]
    dialect = session.get_bind().dialect.name
    insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    table: Any = ReminderLedger.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 500):
        stmt = insert_fn(table).values(rows[start : start + 500])
        session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))


def sent_keys(session: Session, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found |= set(
            session.exec(
                select(ReminderLedger.key).where(
                    col(ReminderLedger.key).in_(chunk), ReminderLedger.state == LedgerState.sent
                )
            ).all()
        )
    return found


def _claimable(now: datetime) -> Any:
    return or_(
        col(ReminderLedger.state) == LedgerState.pending,
        and_(
            col(ReminderLedger.state) == LedgerState.claimed,
            col(ReminderLedger.lease_until) < now,
        ),
    )


def claim(
    session: Session, keys: Sequence[str], *, worker: str, now: datetime, lease_until: datetime
) -> list[str]:
    """Claims those of `keys` that are pending or whose lease expired; returns the ones taken."""
    if not keys:
        return []
    lockable = (
        select(ReminderLedger.key)
        .where(col(ReminderLedger.key).in_(sorted(keys)), _claimable(now))
        .order_by(col(ReminderLedger.key))
        .with_for_update(skip_locked=True)
    )
    free = list(session.exec(lockable).all())
    if not free:
        return []
    taken = session.execute(
        update(ReminderLedger)
        .where(col(ReminderLedger.key).in_(free), _claimable(now))
        .values(
            state=LedgerState.claimed,
            claimed_by=worker,
            lease_until=lease_until,
            attempts=col(ReminderLedger.attempts) + 1,
        )
        .returning(col(ReminderLedger.key))
    )
    return sorted(row[0] for row in taken)


def mark_sent(
    session: Session,
    key: str,
    *,
    worker: str,
    now: datetime,
    recipient_id: str | None,
    channel_id: str,
    message_ts: str,
) -> bool:
    """Records that Slack accepted the message; False if the claim was lost meanwhile."""
    result: Any = session.execute(
        update(ReminderLedger)
        .where(
            col(ReminderLedger.key) == key,
            col(ReminderLedger.claimed_by) == worker,
            col(ReminderLedger.state) == LedgerState.claimed,
        )
        .values(
            state=LedgerState.sent,
            sent_at=now,
            recipient_id=recipient_id,
            channel_id=channel_id,
            message_ts=message_ts,
            lease_until=None,
        )
    )
    return bool(result.rowcount == 1)


def release(session: Session, keys: Sequence[str], *, worker: str) -> int:
    """Gives claims back after a failed send, so the next sweep tries again."""
    if not keys:
        return 0
    result: Any = session.execute(
        update(ReminderLedger)
        .where(
            col(ReminderLedger.key).in_(list(keys)),
            col(ReminderLedger.claimed_by) == worker,
            col(ReminderLedger.state) == LedgerState.claimed,
        )
        .values(state=LedgerState.pending, claimed_by=None, lease_until=None)
    )
    return int(result.rowcount)


def by_message(session: Session, channel_id: str, message_ts: str) -> ReminderLedger | None:
    """The reminder a Slack message was, for replies in its thread."""
    return session.exec(
        select(ReminderLedger).where(
            ReminderLedger.message_ts == message_ts, ReminderLedger.channel_id == channel_id
        )
    ).first()


def entry(session: Session, key: str) -> ReminderLedger | None:
    return session.exec(select(ReminderLedger).where(ReminderLedger.key == key)).first()


def already_processed(session: Session, keys: Sequence[str]) -> bool:
    """True if a Slack event (or its message) was handled before."""
    from storage.models import ProcessedEvent

    found = session.exec(
        select(ProcessedEvent.event_key).where(col(ProcessedEvent.event_key).in_(list(keys)))
    ).first()
    return found is not None


def claim_event(session: Session, key: str, now: datetime) -> bool:
    """Marks a Slack event processed in the caller's transaction, in one statement; False
    if it already was. A concurrent twin waits on the key and then finds it taken."""
    from storage.models import ProcessedEvent

    dialect = session.get_bind().dialect.name
    insert_fn: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    table: Any = ProcessedEvent.__table__  # type: ignore[attr-defined]
    stmt = (
        insert_fn(table)
        .values(event_key=key[:120], received_at=now)
        .on_conflict_do_nothing(index_elements=["event_key"])
        .returning(table.c.event_key)
    )
    return session.execute(stmt).first() is not None


def mark_processed(session: Session, keys: Sequence[str], now: datetime) -> None:
    """Records the event in the caller's transaction: a concurrent retry that got past
    `already_processed` fails on the primary key at commit, and its work rolls back."""
    from storage.models import ProcessedEvent

    for key in keys:
        session.add(ProcessedEvent(event_key=key[:120], received_at=now))
