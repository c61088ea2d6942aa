"""When a re-imported plan may change a field recs holds (PRODUCT.md, "Bad input and faults").

A plan's data is dated: by its progress date, or else by the moment of the import. Live work
is never overwritten by an older source: a field changed in recs (by a person, not by an
import) on or after the file's date keeps recs' value. Nor is it overwritten by a file that
has nothing new to say: when the file still says what the last import read from it, recs'
value stands. When recs can't tell what the last import read (a plan imported before recs
kept that), a field changed by a person keeps their value. Pure: no session, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Outcome(StrEnum):
    same = "same"  # the file says what recs holds, or says nothing
    take = "take"  # the file's value replaces recs'
    keep = "keep"  # recs' value stands: a conflict the preview names


class Why(StrEnum):
    """Why recs' value was kept, in words for the preview."""

    changed_since = "changed in recs on or after the file's date"
    file_unchanged = "the file still says what it said at the last import"
    unknown_base = "changed in recs, and recs can't tell whether the file's value is newer"


@dataclass(frozen=True)
class FileDate:
    """When a row's data was written: a day the file names, or the moment of the import."""

    day: date | None
    moment: datetime

    def not_after(self, changed_at: datetime) -> bool:
        """True when a change at `changed_at` is as new as the file's data, or newer."""
        if self.day is not None:
            return changed_at.date() >= self.day
        return changed_at >= self.moment


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    why: Why | None = None


def decide(
    *,
    differs: bool,
    file_changed: bool | None,
    changed_at: datetime | None,
    dated: FileDate,
) -> Decision:
    """Whether the file's value for one field replaces recs'.

    `differs`: the file gives a value (a blank cell never clears a field) and recs holds
    another. `file_changed`: whether the file's value differs from what the last import read
    (None: no import recorded it). `changed_at`: when a person last changed the field in
    recs (None: never).
    """
    if not differs:
        return Decision(Outcome.same)
    if changed_at is not None and dated.not_after(changed_at):
        return Decision(Outcome.keep, Why.changed_since)
    if file_changed is False:
        return Decision(Outcome.keep, Why.file_unchanged)
    if file_changed is None and changed_at is not None:
        return Decision(Outcome.keep, Why.unknown_base)
    return Decision(Outcome.take)


def not_before(wanted: datetime, last_change: datetime | None) -> datetime:
    """The moment to date a change the file makes: its own date, but never before the change
    it replaces (a revert dated before the work it reverts would rewrite the history)."""
    if last_change is not None and last_change > wanted:
        return last_change
    return wanted
