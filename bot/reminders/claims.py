"""One sweep's claims in the reminder ledger, each leased on the database's clock.

A claim's lease runs from the moment it is taken and is renewed while the sweep still works
on it: before a message once a third of the lease has gone since the last renewal, and every
third of a lease while the sweep waits out a rate limit. (Between renewals the claims cannot
have been taken: a lease with two thirds left has not run out. The time since is measured
on this host's monotonic clock, which runs at the database clock's rate whatever either
says the time is.) Leases are timed by the database (storage.ledger.database_time), never by the host or
the sweep's business time (`remind --at`, RECS_CLOCK), so a host whose clock is wrong, or a
sweep run as if at another moment, cannot take a claim that is still live. A claim the
sweep finds gone (another sweep took it over after its lease ran out) is dropped and
counted, never sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from storage import ledger
from storage.db import Database
from storage.ledger import Claimed

log = logging.getLogger(__name__)

LeaseClock = Callable[[Session], datetime]


class Claims:
    """The claims one sweep holds: taken, renewed, and settled (sent, undeliverable, given
    back). `holder` names this sweep alone, so two sweeps of one process never share one."""

    def __init__(
        self,
        db: Database,
        holder: str,
        *,
        lease: timedelta,
        lease_clock: LeaseClock = ledger.database_time,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.holder = holder
        self.lease = lease
        self.lease_clock = lease_clock
        self.sleep = sleep
        self.monotonic = monotonic
        self.held: set[str] = set()
        self.lost: set[str] = set()  # taken over by another sweep while this one held them
        self._renewed_at: float | None = None  # monotonic, read before the lease was set

    def take(self, keys: Iterable[str]) -> list[Claimed]:
        """Claims what is free of `keys`; a lock timeout or a deadlock takes nothing."""
        wanted = sorted(set(keys))
        started = self.monotonic()
        try:
            with self.db.unit_of_work() as uow:
                taken = ledger.claim(
                    uow.session, wanted, holder=self.holder,
                    db_now=self.lease_clock(uow.session), lease=self.lease,
                )  # fmt: skip
                uow.commit()
        except SQLAlchemyError:
            log.warning("reminders: could not claim a batch; the next sweep retries", exc_info=True)
            return []
        if taken:
            self._renewed(started)
        self.held |= {c.key for c in taken}
        return taken

    def _renewed(self, started: float) -> None:
        """The oldest lease held now started no earlier than this."""
        if not self.held or self._renewed_at is None:
            self._renewed_at = started
        else:
            self._renewed_at = min(self._renewed_at, started)

    def fresh(self) -> bool:
        """True while every lease held has two thirds of its length left."""
        if self._renewed_at is None:
            return False
        return self.monotonic() - self._renewed_at < self.lease.total_seconds() / 3

    def confirm(self, keys: Iterable[str], *, renew: bool = False) -> set[str]:
        """Which of `keys` this sweep still holds: the check before a message goes. Renews
        every claim held once a third of the lease has gone (or when asked); what is gone
        is counted as lost; a database error keeps nothing."""
        wanted = set(keys) & self.held
        if not self.held:
            return set()
        if not renew and self.fresh():
            return wanted
        started = self.monotonic()
        try:
            with self.db.unit_of_work() as uow:
                kept = ledger.renew(
                    uow.session, sorted(self.held), holder=self.holder,
                    db_now=self.lease_clock(uow.session), lease=self.lease,
                )  # fmt: skip
                uow.commit()
        except SQLAlchemyError:
            log.warning("reminders: could not renew claims; nothing more is sent this sweep")
            return set()
        gone = self.held - kept
        if gone:
            log.warning("reminders: %d claims were taken over by another sweep", len(gone))
        self.lost |= gone
        self.held = kept
        self._renewed_at = started
        return wanted & kept

    def pause(self, seconds: float) -> None:
        """Waits, renewing the claims every third of a lease so that they stay this sweep's."""
        step = max(self.lease.total_seconds() / 3, 0.001)
        left = seconds
        while left > 0:
            self.sleep(min(step, left))
            left -= step
            self.confirm((), renew=True)

    def sent(
        self, keys: Iterable[str], *, now: datetime, recipient: str | None, channel: str, ts: str
    ) -> set[str]:
        """Marks the keys sent in one message; returns those marked. A key not marked had
        been taken over: Slack has it from this sweep, and maybe from the other."""
        wanted = sorted(set(keys))
        try:
            with self.db.unit_of_work() as uow:
                marked = ledger.mark_sent(
                    uow.session, wanted, holder=self.holder, now=now,
                    recipient_id=recipient, channel_id=channel, message_ts=ts,
                )  # fmt: skip
                uow.commit()
        except SQLAlchemyError:
            # Sent but not marked: the claim runs out, and the next sweep finds the message
            # in Slack by its key (the row is in doubt once its claim is taken over).
            log.exception("reminders: %d sent but not marked; the next sweep looks first", len(wanted))
            marked = set()
        else:
            self.lost |= set(wanted) - marked
        self.held -= set(wanted)
        return marked

    def undeliverable(self, keys: Iterable[str], *, reason: str, now: datetime) -> set[str]:
        wanted = sorted(set(keys))
        try:
            with self.db.unit_of_work() as uow:
                marked = ledger.mark_undeliverable(
                    uow.session, wanted, holder=self.holder, reason=reason, now=now
                )
                uow.commit()
        except SQLAlchemyError:
            log.warning("reminders: could not mark %d undeliverable; they stay due", len(wanted))
            marked = set()
        self.release(set(wanted) - marked)
        self.held -= set(wanted)
        return marked

    def release(self, keys: Iterable[str], *, in_doubt: bool = False) -> None:
        wanted = sorted(set(keys) & self.held)
        if not wanted:
            return
        try:
            with self.db.unit_of_work() as uow:
                ledger.release(uow.session, wanted, holder=self.holder, in_doubt=in_doubt)
                uow.commit()
        except SQLAlchemyError:
            log.warning("reminders: could not release claims; their leases will run out")
        self.held -= set(wanted)

    def release_all(self) -> None:
        self.release(set(self.held))
