"""Who is away on a day, and who stands in for them (PRODUCT.md, "Reminder policy"): the one
rule behind the reminder sweep, `/recs remind`, the board digest and a deputy's right to
answer for the owner.

- A person is away on a day when `/recs away until DATE` covers it (DATE itself included), or
  when their Slack status says so (a holiday emoji, "annual leave", "out of office").
- The day is the person's own local date: at 19:00 on 2 March in Los Angeles someone away
  "until 2 March" is still away, though it is already the 3rd in London.
- While a lead officer is away their named deputy stands in (gets their reminders and may
  answer for them), unless the deputy is away too: then the reminders wait until one is back.

Pure: a person's local date and Slack status come from the caller, as functions, because
each costs a Slack call; the rule asks only for what it needs. Storage reads the dates and
the deputy; it never decides who is away (storage may not import bot).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

__all__ = [
    "Absence",
    "Cover",
    "away_by_date",
    "cover",
    "deputising_for",
    "is_away",
    "status_says_away",
]


class Absence(Protocol):
    """What the rule reads of a person (storage.models.Person has it)."""

    @property
    def id(self) -> str: ...

    @property
    def away_until(self) -> date | None: ...

    @property
    def deputy_id(self) -> str | None: ...


def _no_status() -> bool:
    return False


def away_by_date(away_until: date | None, day: date) -> bool:
    """`/recs away until DATE` covers `day`; DATE is the last day away, not the day back."""
    return away_until is not None and day <= away_until


def is_away(
    away_until: date | None, day: date, slack_says_away: Callable[[], bool] = _no_status
) -> bool:
    """Away on `day` (the person's own local date) by their dates or by their Slack status.
    The status is asked only when the dates do not already say away: it is a Slack call."""
    return away_by_date(away_until, day) or slack_says_away()


@dataclass(frozen=True)
class Cover:
    """Who gets an owner's reminders on a day: the owner, a deputy standing in, or no one
    (`recipient` None): the owner is away and no deputy is free, so the reminders wait."""

    recipient: str | None
    standing_in_for: str | None = None


def cover(
    owner_id: str,
    people: Mapping[str, Absence],
    *,
    local_day: Callable[[str], date],
    slack_says_away: Callable[[str], bool],
) -> Cover:
    """Who is reminded in `owner_id`'s place, if anyone. `people` holds the owner and their
    deputy where known; `local_day` gives a person's own date, `slack_says_away` reads their
    Slack status."""

    def away(user_id: str) -> bool:
        person = people.get(user_id)
        until = person.away_until if person is not None else None
        return is_away(until, local_day(user_id), lambda: slack_says_away(user_id))

    if not away(owner_id):
        return Cover(owner_id)
    owner = people.get(owner_id)
    deputy_id = owner.deputy_id if owner is not None else None
    if deputy_id is None or deputy_id == owner_id or deputy_id not in people or away(deputy_id):
        return Cover(None)
    return Cover(deputy_id, standing_in_for=owner_id)


def deputising_for(
    user_id: str,
    lead_id: str | None,
    people: Mapping[str, Absence],
    *,
    local_day: Callable[[str], date],
    slack_says_away: Callable[[str], bool] = lambda user_id: False,
) -> str | None:
    """The lead officer `user_id` may answer for: the one whose reminders they get today."""
    if lead_id is None or lead_id == user_id:
        return None
    found = cover(lead_id, people, local_day=local_day, slack_says_away=slack_says_away)
    return lead_id if found.recipient == user_id else None


# --- Slack statuses that mean "away" ---------------------------------------------------------

AWAY_WORDS = re.compile(
    r"\b(on holiday|on leave|annual leave|out of (the )?office|ooo|off sick|sick leave|"
    r"on vacation|away until|parental leave|maternity leave|paternity leave)\b",
    re.IGNORECASE,
)
# Travel and "busy" emoji are left out: people use them while still at work.
AWAY_EMOJI = {
    ":palm_tree:", ":beach_with_umbrella:", ":desert_island:", ":face_with_thermometer:",
    ":sick:", ":baby:",
}  # fmt: skip


def status_says_away(text: str, emoji: str) -> bool:
    """Whether a person's Slack status says they are away: a holiday emoji, or words such as
    "annual leave" or "out of office". A status that merely mentions a holiday does not."""
    return bool(AWAY_WORDS.search(text or "")) or (emoji or "").strip() in AWAY_EMOJI
