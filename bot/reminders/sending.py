"""Sending one sweep's messages exactly once, on its claims, whatever Slack answers.

- Before each message the sweep confirms (and renews) its claims; a reminder whose claim was
  taken over is dropped from the message and counted as lost, never sent.
- A reminder whose earlier send may have reached Slack (a 5xx, a timeout, a dropped
  connection, a claim taken over after it ran out) is first looked for in the conversation,
  by the ledger key in its metadata, and marked sent if it is there.
- A post is never retried blindly: a 429 is waited out here (the claims renewed while
  waiting), a 5xx or a lost connection leaves the reminder due and in doubt.
- A refused recipient (`user_not_found`, `account_inactive`, …) marks that person's
  reminders undeliverable and is skipped; everyone else's go on. Only failures of Slack
  itself (5xx, connections, a rate limit beyond the pause) count towards the breaker that
  stops the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.reminders.claims import Claims
from bot.reminders.delivery import (
    Delivery,
    DeliveryFailed,
    MaybeSent,
    Notifier,
    Outgoing,
    RateLimited,
    Undeliverable,
)
from bot.reminders.parcels import Parcel

log = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 60.0  # a longer Retry-After stops the sweep: the next one goes on
RATE_LIMIT_WAITS = 3  # 429s in a row for one message before the sweep gives way
LOOKBACK = timedelta(minutes=10)  # before a first claim, for clocks that disagree with Slack's

Compose = Callable[[Parcel], list[Outgoing]]


@dataclass
class SweepResult:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # Do Not Disturb: next sweep after it ends
    waiting: list[str] = field(default_factory=list)  # owner away with no deputy
    undeliverable: list[str] = field(default_factory=list)  # Slack refused the recipient
    found: list[str] = field(default_factory=list)  # in doubt, and already in Slack: marked sent
    lost: list[str] = field(default_factory=list)  # claims another sweep took over midway
    already_sent: int = 0
    taken_elsewhere: int = 0  # claimed by another sweep

    def describe(self) -> str:
        return (
            f"{len(self.sent)} sent, {len(self.failed)} failed, {len(self.held)} held for "
            f"Do Not Disturb, {len(self.waiting)} waiting for an owner who is away, "
            f"{len(self.undeliverable)} undeliverable, {len(self.found)} found already in "
            f"Slack, {self.already_sent} already sent, {self.taken_elsewhere} taken by "
            f"another sweep, {len(self.lost)} claims lost to another sweep"
        )


class Courier:
    """Sends a sweep's parcels through the notifier, each reminder once."""

    def __init__(
        self,
        notifier: Notifier,
        claims: Claims,
        result: SweepResult,
        *,
        now: datetime,
        max_failures: int,
        max_pause: float = MAX_PAUSE_SECONDS,
    ) -> None:
        self.notifier = notifier
        self.claims = claims
        self.result = result
        self.now = now
        self.max_failures = max_failures
        self.max_pause = max_pause
        self.failures = 0  # failures of Slack itself, in a row
        self.stopped = False
        self.unreachable: dict[tuple[str | None, str | None], str] = {}

    def deliver(self, parcel: Parcel, compose: Compose, doubt: dict[str, datetime | None]) -> None:
        """Sends what of `parcel` this sweep holds; `doubt` maps the keys whose earlier send
        may be in Slack to the moment of their first claim."""
        held = parcel.only(self.claims.held)
        if held is None or self.stopped:
            return
        reason = self.unreachable.get(held.destination)
        if reason is not None:
            self._undeliverable(held, reason)  # one refusal a person per sweep is enough
            return
        remaining = self._already_in_slack(held, doubt)
        if remaining is None:
            return
        for message in compose(remaining):
            part = remaining.only(message.keys)
            if part is None or self.stopped:
                continue
            self._send(part, message, compose)
            if held.destination in self.unreachable:
                rest = remaining.only(self.claims.held)
                if rest is not None:
                    self._undeliverable(rest, self.unreachable[held.destination])
                return

    # --- looking before sending again ---------------------------------------------------

    def _already_in_slack(
        self, parcel: Parcel, doubt: dict[str, datetime | None]
    ) -> Parcel | None:
        doubtful = tuple(k for k in parcel.keys if k in doubt)
        if not doubtful:
            return parcel
        moments = [m for k in doubtful if (m := doubt[k]) is not None]
        since = (min(moments) if moments else self.now) - LOOKBACK
        try:
            found = self.notifier.find_sent(parcel.user_id, parcel.channel_id, doubtful, since)
        except Undeliverable as exc:
            self.unreachable[parcel.destination] = exc.reason
            self._undeliverable(parcel, exc.reason)
            return None
        except DeliveryFailed as exc:
            # Slack can't say whether they went: sending again could double them.
            log.warning("reminders: could not look for %d sends in doubt: %s", len(doubtful), exc)
            self.claims.release(doubtful, in_doubt=True)
            self.result.failed += list(doubtful)
            self._failure()
            return parcel.only(set(parcel.keys) - set(doubtful))
        for delivery, keys in _by_message(found).items():
            marked = self.claims.sent(
                keys, now=self.now, recipient=parcel.user_id, channel=delivery.channel_id,
                ts=delivery.ts,
            )  # fmt: skip
            self.result.found += sorted(marked)
            self.result.lost += sorted(set(keys) - marked)
        return parcel.only(set(parcel.keys) - set(found))

    # --- sending ------------------------------------------------------------------------

    def _send(self, part: Parcel, message: Outgoing, compose: Compose) -> None:
        """One message: confirmed before each try, waited out on a 429, never re-posted. A
        reminder whose claim was lost meanwhile is left out of it."""
        for attempt in range(RATE_LIMIT_WAITS + 1):
            kept = self.claims.confirm(part.keys)
            if kept != set(part.keys):
                self.result.lost += [k for k in part.keys if k not in kept]
                confirmed = part.only(kept)
                if confirmed is None:
                    return
                part = confirmed
                message = compose(part)[0]  # a share of one message is one message
            try:
                delivery = self.notifier.send(message)
            except RateLimited as exc:
                if exc.retry_after > self.max_pause or attempt == RATE_LIMIT_WAITS:
                    self._give_up(part, f"Slack asks to wait {exc.retry_after:g}s")
                    self._stop("Slack is rate limiting the sweep")
                    return
                self.claims.pause(exc.retry_after)
                continue
            except Undeliverable as exc:
                self.unreachable[part.destination] = exc.reason
                self._undeliverable(part, exc.reason)
                return
            except MaybeSent as exc:
                self._give_up(part, str(exc), in_doubt=True)
                self._failure()
                return
            except DeliveryFailed as exc:
                self._give_up(part, str(exc))
                self._failure()
                return
            self._sent(part, delivery)
            return

    def _sent(self, part: Parcel, delivery: Delivery) -> None:
        marked = self.claims.sent(
            part.keys, now=self.now, recipient=part.user_id, channel=delivery.channel_id,
            ts=delivery.ts,
        )  # fmt: skip
        self.result.sent += sorted(marked)
        lost = sorted(set(part.keys) - marked)
        if lost:
            log.warning("reminders: %d sent after their claims were taken over", len(lost))
            self.result.lost += lost
        self.failures = 0

    def _give_up(self, part: Parcel, why: str, *, in_doubt: bool = False) -> None:
        log.warning("reminders: %d not sent (%s); they stay due", len(part.keys), why)
        self.claims.release(part.keys, in_doubt=in_doubt)
        self.result.failed += list(part.keys)

    def _undeliverable(self, parcel: Parcel, reason: str) -> None:
        """Slack refused the recipient: marked with the reason, and no one else is held up."""
        log.warning("reminders: %d undeliverable: %s", len(parcel.keys), reason)
        marked = self.claims.undeliverable(parcel.keys, reason=reason, now=self.now)
        self.result.undeliverable += sorted(marked)

    def _failure(self) -> None:
        self.failures += 1
        if self.failures >= self.max_failures:
            self._stop("Slack is failing")

    def _stop(self, why: str) -> None:
        if not self.stopped:
            log.warning("reminders: %s; the rest wait for the next sweep", why)
        self.stopped = True


def _by_message(found: dict[str, Delivery]) -> dict[Delivery, list[str]]:
    grouped: dict[Delivery, list[str]] = {}
    for key, delivery in found.items():
        grouped.setdefault(delivery, []).append(key)
    return grouped
