"""What one sweep sends, as messages: pure.

Everything one sweep has for one person is one DM, a list (an owner's items due the same
day, a chair's escalations), and everything for one channel is one post; each item is still
its own ledger row. A digest is always a message of its own. The sweep goes through them by
due date, then by the recommendation's number (never the key as a string, where `10:…`
sorts before `1:…`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from bot.reminders.due import Kind
from storage.ledger import LedgerEntry

DIGESTS = (Kind.digest, Kind.chair_digest)


@dataclass(frozen=True)
class Planned:
    """A reminder due now, with where it goes."""

    entry: LedgerEntry
    kind: Kind
    board_id: int
    user_id: str | None = None
    channel_id: str | None = None
    standing_in_for: str | None = None
    due_on: date | None = None

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def destination(self) -> tuple[str | None, str | None]:
        return (self.user_id, None if self.user_id else self.channel_id)


def sweep_order(item: Planned) -> tuple[date, int, str]:
    """By due date (none last), then the recommendation's number, then the key."""
    rec_id = item.entry.recommendation_id
    return (item.due_on or date.max, rec_id if rec_id is not None else sys.maxsize, item.key)


@dataclass(frozen=True)
class Parcel:
    """The reminders one message (or, past Slack's limits, a few) carries to one place."""

    items: tuple[Planned, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.items)

    @property
    def user_id(self) -> str | None:
        return self.items[0].user_id

    @property
    def channel_id(self) -> str | None:
        return self.items[0].channel_id

    @property
    def destination(self) -> tuple[str | None, str | None]:
        return self.items[0].destination

    def only(self, keys: Iterable[str]) -> Parcel | None:
        """The same parcel with only these of its items; None if none is left."""
        wanted = set(keys)
        kept = tuple(i for i in self.items if i.key in wanted)
        return Parcel(kept) if kept else None


def parcels(planned: Iterable[Planned]) -> list[Parcel]:
    """One parcel per destination (a digest alone), in sweep order."""
    ordered = sorted(planned, key=sweep_order)
    grouped: dict[tuple[str | None, str | None], list[Planned]] = {}
    alone: list[Parcel] = []
    for item in ordered:
        if item.kind in DIGESTS:
            alone.append(Parcel((item,)))
        else:
            grouped.setdefault(item.destination, []).append(item)
    made = [Parcel(tuple(items)) for items in grouped.values()] + alone
    return sorted(made, key=lambda p: sweep_order(p.items[0]))


def batches(made: list[Parcel], size: int) -> Iterator[list[Parcel]]:
    """Parcels in groups of about `size` reminders: one claim statement for each group."""
    batch: list[Parcel] = []
    count = 0
    for parcel in made:
        batch.append(parcel)
        count += len(parcel.items)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch
