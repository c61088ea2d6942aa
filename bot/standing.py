"""A user's standing on one recommendation: their board roles, their agency membership, and
whether they stand in for its away lead officer. Storage reads the facts in one statement;
bot.rules.away decides who stands in, so a deputy may answer exactly when the reminders
would go to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from bot.rules import away
from storage import queries
from storage.models import Recommendation
from storage.queries import Standing


def _no_status(user_id: str) -> bool:
    return False


def standing_on(
    session: Session,
    user_id: str,
    rec: Recommendation,
    day: date,
    *,
    slack_says_away: Callable[[str], bool] = _no_status,
) -> Standing:
    """`day` is the user's own local date; `slack_says_away` reads a person's Slack status
    where the caller can (the lead's, then the user's own), else statuses count as at work."""
    facts = queries.standing_facts(session, user_id, rec)
    deputising = None
    if facts.lead is not None and facts.lead.deputy_id == user_id:
        people = {facts.lead.id: facts.lead, user_id: facts.user}
        deputising = away.deputising_for(
            user_id,
            facts.lead.id,
            people,
            local_day=lambda _person: day,
            slack_says_away=slack_says_away,
        )
    return Standing(facts.board_roles, facts.agency_member, deputising)
