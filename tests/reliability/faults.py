"""Making the test's own database unavailable to the `serve` process, on either backend.

PostgreSQL: the database stops accepting connections and the open ones are terminated
(the shared server keeps running for everyone else). SQLite: another connection holds the
write lock, so the app's writes wait out their busy timeout and fail as "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from tests.reliability.live import no_connections


@contextmanager
def database_down(url: str) -> Iterator[None]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        with no_connections(url):
            yield
        return
    holder = sqlite3.connect(str(parsed.database), isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()
