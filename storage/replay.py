"""Request signatures already accepted, so a captured Slack request replayed within Slack's
five-minute window is refused instead of running twice; and events already answered, so a
redelivery of one (Slack's retries carry the same `event_id`) is not run again.

Slack signs every delivery afresh, so the same signature twice is a replay, whatever
unsigned headers (`X-Slack-Retry-Num`) ride along. An event whose answer was a 5xx gives
its signature back (`release_signature`): Slack's redelivery of it must run. Both kinds of
key are kept in `seen_request` (events as `event:<id>`) and forgotten after ten minutes,
longer than Slack's window and its last retry (five minutes after the first delivery).
"""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from storage.db import SQLITE_BUSY_MS, Database, is_sqlite
from storage.models import SeenRequest

KEEP = timedelta(minutes=10)  # longer than Slack's five-minute timestamp window
PRUNE_EVERY = 256  # claims between deletions of expired signatures
LOCK_WAIT_MS = 1000  # SQLite: a held write lock must not eat Slack's three seconds here

_claims = itertools.count(1)
_lock = threading.Lock()


def signature_key(signature: str) -> str:
    return signature.removeprefix("v0=")[:100]


def event_key(event_id: str) -> str:
    return f"event:{event_id}"[:100]


def claim_signature(db: Database, signature: str, now: datetime) -> bool:
    """True the first time this signature is seen; False for a replay.

    Raises SQLAlchemyError when the database is unavailable (the caller decides).
    """
    return _claim(db, signature_key(signature), now)


def release_signature(db: Database, signature: str) -> None:
    """Forgets a claimed signature: its request failed and Slack will deliver it again."""
    with db.relaxed_engine.connect() as conn:
        conn.execute(delete(SeenRequest).where(col(SeenRequest.signature) == signature_key(signature)))
        conn.commit()


def event_answered(db: Database, event_id: str) -> bool:
    """Whether a delivery of this event was answered (2xx) before."""
    # A read: on SQLite the relaxed engine is the writer's, which would take the write lock.
    engine = db.engine if is_sqlite(db.engine) else db.relaxed_engine
    with engine.connect() as conn:
        found = conn.execute(
            select(col(SeenRequest.signature)).where(col(SeenRequest.signature) == event_key(event_id))
        ).first()
        conn.commit()
    return found is not None


def mark_event_answered(db: Database, event_id: str, now: datetime) -> None:
    """Remembers that this event was answered; a racing delivery got there first is fine."""
    _claim(db, event_key(event_id), now)


def _claim(db: Database, key: str, now: datetime) -> bool:
    # One statement in autocommit on PostgreSQL (no BEGIN and COMMIT round trips around it),
    # whose commit does not wait for the disk: a signature lost in a crash costs nothing.
    engine = db.relaxed_engine
    with engine.connect() as conn:
        # The raw driver connection: a statement through `conn` would BEGIN (and wait) first.
        raw: Any = conn.connection.driver_connection if is_sqlite(engine) else None
        if raw is not None:
            raw.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        try:
            try:
                conn.execute(insert(SeenRequest).values(signature=key, seen_at=now))
                conn.commit()
            except IntegrityError:
                conn.rollback()
                return False
            with _lock:
                prune = next(_claims) % PRUNE_EVERY == 0
            if prune:
                conn.execute(delete(SeenRequest).where(col(SeenRequest.seen_at) < now - KEEP))
                conn.commit()
            return True
        finally:
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
