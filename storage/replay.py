"""Request signatures already accepted, so a captured Slack request replayed within Slack's
five-minute window is refused instead of running twice.

Slack signs every delivery afresh (a redelivered event gets a new timestamp and signature),
so the same signature twice can only be a replay. Signatures are kept in `seen_request`
and forgotten after ten minutes.
"""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert
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


def claim_signature(db: Database, signature: str, now: datetime) -> bool:
    """True the first time this signature is seen; False for a replay.

    Raises SQLAlchemyError when the database is unavailable (the caller decides).
    """
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
                conn.execute(
                    insert(SeenRequest).values(signature=signature_key(signature), seen_at=now)
                )
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
