"""What every subject's use cases share: a database to open units of work on, and a clock."""

from __future__ import annotations

from datetime import date

from storage.db import Clock, Database, UnitOfWork


class UseCases:
    """One subject's use cases. Each opens its own unit of work, dated by the injected clock,
    and commits once: a handler, the console or the scheduler never holds a transaction."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock: Clock = clock or db.clock

    def writing(self) -> UnitOfWork:
        return self.db.unit_of_work(write=True, now=self.clock())

    def reading(self) -> UnitOfWork:
        return self.db.unit_of_work(write=False, now=self.clock())

    def today(self) -> date:
        return self.clock().date()

