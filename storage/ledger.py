"""The reminder ledger: one row per reminder, claimed with a lease before sending and marked
sent after Slack accepts it, so that a reminder goes out once whatever crashes or runs twice.

A row moves pending -> claimed -> sent, or back to pending when sending fails, or to
undeliverable when Slack refuses its recipient. A claim is a conditional UPDATE (state
pending, or a claim whose lease has run out) that returns the keys it took: whatever another
sweep took first is simply not returned. Each claim's lease runs from the moment it is taken,
on the database's clock (`database_time`), and is renewed while its sweep works on it; a
holder that finds a claim gone (`renew`, `mark_sent`) stops sending it. On PostgreSQL the
candidate rows are first locked with FOR UPDATE SKIP LOCKED, so concurrent sweeps take
disjoint sets without waiting on each other (SQLite ignores it; its writers are serialised
by BEGIN IMMEDIATE and the UPDATE's condition still decides).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import LedgerState, Person, ReminderLedger
from storage.types import UTCDateTime


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


def database_time(session: Session) -> datetime:
    """The database's own clock, read in the caller's transaction: the one clock every host
    agrees on, so leases hold whatever a host's clock or a sweep's business time says."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    else:
        value = session.execute(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def settled(session: Session, keys: Iterable[str]) -> dict[str, tuple[LedgerState, str | None]]:
    """The rows among `keys` that are done with: sent, or undeliverable (and to whom)."""
    wanted = list(keys)
    found: dict[str, tuple[LedgerState, str | None]] = {}
    done = (LedgerState.sent, LedgerState.undeliverable)
    for start in range(0, len(wanted), 500):
        rows = session.exec(
            select(ReminderLedger.key, ReminderLedger.state, ReminderLedger.recipient_id).where(
                col(ReminderLedger.key).in_(wanted[start : start + 500]),
                col(ReminderLedger.state).in_(done),
            )
        ).all()
        found |= {key: (LedgerState(state), recipient) for key, state, recipient in rows}
    return found


def sent_keys(session: Session, keys: Iterable[str]) -> set[str]:
    return {k for k, (state, _) in settled(session, keys).items() if state == LedgerState.sent}


def readdress(session: Session, recipients: dict[str, str | None]) -> int:
    """Undeliverable rows whose reminder now goes to someone else (a new lead officer, a
    deputy) become pending again for them: the person Slack refused is not the one asked."""
    changed = 0
    for key, recipient in sorted(recipients.items()):
        result: Any = session.execute(
            update(ReminderLedger)
            .where(
                col(ReminderLedger.key) == key,
                col(ReminderLedger.state) == LedgerState.undeliverable,
            )
            .values(state=LedgerState.pending, recipient_id=recipient, failure=None)
        )
        changed += int(result.rowcount)
    return changed


@dataclass(frozen=True)
class Claimed:
    """A row a sweep took: `in_doubt` when an earlier send may already be in Slack (since
    `since`, the database's time of its first claim)."""

    key: str
    in_doubt: bool
    since: datetime | None


def _claimable(db_now: datetime) -> Any:
    return or_(
        col(ReminderLedger.state) == LedgerState.pending,
        and_(
            col(ReminderLedger.state) == LedgerState.claimed,
            col(ReminderLedger.lease_until) < db_now,
        ),
    )


def claim(
    session: Session, keys: Sequence[str], *, holder: str, db_now: datetime, lease: timedelta
) -> list[Claimed]:
    """Claims those of `keys` that are pending or whose lease ran out, each with its own lease
    from this moment of the database's clock; returns the ones taken. Taking over a claim
    that ran out puts the row in doubt: its holder may have sent it before it stopped."""
    if not keys:
        return []
    lockable = (
        select(ReminderLedger.key)
        .where(col(ReminderLedger.key).in_(sorted(keys)), _claimable(db_now))
        .order_by(col(ReminderLedger.key))
        .with_for_update(skip_locked=True)
    )
    free = list(session.exec(lockable).all())
    if not free:
        return []
    taken = session.execute(
        update(ReminderLedger)
        .where(col(ReminderLedger.key).in_(free), _claimable(db_now))
        .values(
            state=LedgerState.claimed,
            claimed_by=holder,
            lease_until=db_now + lease,
            attempts=col(ReminderLedger.attempts) + 1,
            # SET reads the row as it was: a claim being taken over was never finished.
            in_doubt=or_(
                col(ReminderLedger.in_doubt), col(ReminderLedger.state) == LedgerState.claimed
            ),
            first_claimed_at=func.coalesce(
                col(ReminderLedger.first_claimed_at), literal(db_now, UTCDateTime())
            ),
        )
        .returning(
            col(ReminderLedger.key),
            col(ReminderLedger.in_doubt),
            col(ReminderLedger.first_claimed_at),
        )
    )
    rows = [Claimed(key, bool(doubt), _aware(since)) for key, doubt, since in taken]
    return sorted(rows, key=lambda c: c.key)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _held(keys: Iterable[str], holder: str) -> Any:
    return and_(
        col(ReminderLedger.key).in_(sorted(keys)),
        col(ReminderLedger.claimed_by) == holder,
        col(ReminderLedger.state) == LedgerState.claimed,
    )


def renew(
    session: Session, keys: Sequence[str], *, holder: str, db_now: datetime, lease: timedelta
) -> set[str]:
    """Extends the lease of those of `keys` this holder still has; returns them. A claim that
    another sweep took over, or that went back to pending, is not returned: it is lost."""
    if not keys:
        return set()
    kept = session.execute(
        update(ReminderLedger)
        .where(_held(keys, holder))
        .values(lease_until=db_now + lease)
        .returning(col(ReminderLedger.key))
    )
    return {row[0] for row in kept}


def mark_sent(
    session: Session,
    keys: Sequence[str],
    *,
    holder: str,
    now: datetime,
    recipient_id: str | None,
    channel_id: str,
    message_ts: str,
) -> set[str]:
    """Records that Slack has the message carrying `keys`; returns the keys marked. A key not
    returned was no longer this holder's (its claim was lost meanwhile)."""
    if not keys:
        return set()
    marked = session.execute(
        update(ReminderLedger)
        .where(_held(keys, holder))
        .values(
            state=LedgerState.sent,
            sent_at=now,
            recipient_id=recipient_id,
            channel_id=channel_id,
            message_ts=message_ts,
            lease_until=None,
            in_doubt=False,
        )
        .returning(col(ReminderLedger.key))
    )
    return {row[0] for row in marked}


def mark_undeliverable(
    session: Session, keys: Sequence[str], *, holder: str, reason: str, now: datetime
) -> set[str]:
    """Slack refused the recipient: these reminders are not sent, and say why (dated, like
    `sent_at`, by the sweep's time, so the two compare)."""
    if not keys:
        return set()
    marked = session.execute(
        update(ReminderLedger)
        .where(_held(keys, holder))
        .values(
            state=LedgerState.undeliverable,
            failure=reason[:64],
            failed_at=now,
            lease_until=None,
        )
        .returning(col(ReminderLedger.key))
    )
    return {row[0] for row in marked}


def release(
    session: Session, keys: Sequence[str], *, holder: str, in_doubt: bool = False
) -> int:
    """Gives claims back after a failed send, so the next sweep tries again; `in_doubt` when
    Slack may have the message all the same (the next sweep looks before sending)."""
    if not keys:
        return 0
    values: dict[str, Any] = {"state": LedgerState.pending, "claimed_by": None, "lease_until": None}
    if in_doubt:
        values["in_doubt"] = True
    result: Any = session.execute(update(ReminderLedger).where(_held(keys, holder)).values(**values))
    return int(result.rowcount)


def by_message(session: Session, channel_id: str, message_ts: str) -> ReminderLedger | None:
    """The reminder a Slack message was, for replies in its thread (the first, for a list)."""
    rows = for_message(session, channel_id, message_ts)
    return rows[0] if rows else None


def for_message(session: Session, channel_id: str, message_ts: str) -> list[ReminderLedger]:
    """Every reminder one Slack message carried: one, or a list's items."""
    return list(
        session.exec(
            select(ReminderLedger)
            .where(ReminderLedger.message_ts == message_ts, ReminderLedger.channel_id == channel_id)
            .order_by(col(ReminderLedger.id))
        ).all()
    )


def last_sent_for(session: Session, recommendation_id: int) -> ReminderLedger | None:
    """The latest reminder about a recommendation that reached Slack (the console's /reply)."""
    return session.exec(
        select(ReminderLedger)
        .where(
            ReminderLedger.recommendation_id == recommendation_id,
            ReminderLedger.state == LedgerState.sent,
            col(ReminderLedger.message_ts).is_not(None),
        )
        .order_by(col(ReminderLedger.sent_at).desc(), col(ReminderLedger.id).desc())
    ).first()


@dataclass(frozen=True)
class Unreachable:
    """Someone (or a channel) Slack refused: the business manager is told, once a list."""

    recipient_id: str | None
    channel_id: str | None
    name: str  # the person's, or the channel's id
    reason: str
    reminders: int
    kinds: frozenset[str]
    since: datetime | None


def unreachable(session: Session, board_id: int | None = None) -> list[Unreachable]:
    """Recipients with undeliverable reminders and nothing sent to them since: fixed (a new
    lead officer, a reactivated account) drops them from the list."""
    query = select(ReminderLedger).where(ReminderLedger.state == LedgerState.undeliverable)
    if board_id is not None:
        query = query.where(ReminderLedger.board_id == board_id)
    failed = session.exec(query.order_by(col(ReminderLedger.id))).all()
    if not failed:
        return []
    recipients = {r.recipient_id for r in failed if r.recipient_id}
    last_sent: dict[str | None, Any] = {}
    if recipients:
        last_sent = dict(
            session.exec(
                select(ReminderLedger.recipient_id, func.max(col(ReminderLedger.sent_at)))
                .where(
                    col(ReminderLedger.recipient_id).in_(sorted(recipients)),
                    ReminderLedger.state == LedgerState.sent,
                )
                .group_by(col(ReminderLedger.recipient_id))
            ).all()
        )
    grouped: dict[tuple[str | None, str | None], list[ReminderLedger]] = {}
    for row in failed:
        who = (row.recipient_id, None if row.recipient_id else row.channel_id)
        grouped.setdefault(who, []).append(row)
    names = dict(
        session.exec(
            select(Person.id, Person.name).where(col(Person.id).in_(sorted(recipients)))
        ).all()
    ) if recipients else {}
    found = []
    for (recipient, channel), rows in grouped.items():
        latest = max((r.failed_at for r in rows if r.failed_at), default=None)
        reached = last_sent.get(recipient) if recipient else None
        reached_at = _aware(reached)
        if reached_at is not None and latest is not None and reached_at > latest:
            continue  # reached since: no longer a problem
        reason = rows[-1].failure or "unknown"
        kinds = frozenset(r.kind for r in rows)
        name = names.get(recipient, recipient) if recipient else (channel or "a channel")
        found.append(
            Unreachable(recipient, channel, name or "someone", reason, len(rows), kinds, latest)
        )
    return found


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
