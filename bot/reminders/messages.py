"""What a reminder or a digest says: its text and blocks, and the metadata by which a
message is known for the reminder it is (a reply in its thread finds its recommendation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.reminders import due as policy_rules
from bot.reminders.due import Kind
from bot.rules import away
from bot.rules.brag import Thresholds, brag_for
from bot.views import reminders as views
from storage import queries
from storage.models import Board, Person
from storage.queries import ReminderDetail

METADATA_EVENT = "recs_reminder"


def metadata(key: str, kind: Kind, detail: ReminderDetail | None) -> dict[str, Any]:
    """Slack message metadata: lets anyone (and the tests) tell which reminder a message is."""
    payload = {"key": key, "kind": str(kind), "ref": detail.rec.ref if detail else ""}
    return {"event_type": METADATA_EVENT, "event_payload": payload}


def render(
    detail: ReminderDetail, kind: Kind, board: Board, now: datetime, standing_in: Person | None
) -> tuple[str, list[Block]]:
    today = now.astimezone(policy_rules.zone(board.time_zone)).date()
    ctx = views.ReminderContext(
        kind=kind,
        today=today,
        brag=brag_for(detail.rec, today, Thresholds.of(board)),
        standing_in_for=standing_in.name if standing_in else None,
    )
    return views.fallback_text(detail, ctx), views.reminder_blocks(detail, ctx)


DIGESTS = (Kind.digest, Kind.chair_digest)


def digest_message(
    session: Any,
    board: Board,
    now: datetime,
    *,
    monthly: bool = False,
    local_day: Callable[[str], date] | None = None,
    slack_says_away: Callable[[str], bool] = lambda user_id: False,
) -> tuple[str, list[Block]]:
    """The board's summary and who of its lead officers is away (bot.rules.away, each on
    their own date: `local_day`, by default the board's)."""
    from bot.services.summary import board_summary
    from bot.views.summary import summary_blocks

    today = now.astimezone(policy_rules.zone(board.time_zone)).date()
    # This board's reviews only: a digest of every board's would grow with the country.
    summary = board_summary(
        session, None, board.name, today, Thresholds.of(board), board_id=board.id
    )
    assert board.id is not None
    away_owners = _away_owners(
        session, board.id, local_day or (lambda user_id: today), slack_says_away
    )
    blocks = views.digest_blocks(summary_blocks(summary), views.away_blocks(away_owners))
    title = "Monthly digest for the chairs" if monthly else "Weekly board digest"
    return f"{title}: {board.name}", blocks


def _away_owners(
    session: Any,
    board_id: int,
    local_day: Callable[[str], date],
    slack_says_away: Callable[[str], bool],
) -> list[views.AwayOwner]:
    leads = queries.open_leads(session, board_id)
    people: dict[str, Person] = {p.id: p for p, _ in leads}
    deputies = {p.deputy_id for p in people.values() if p.deputy_id} - set(people)
    people |= queries.people_by_ids(session, deputies)
    found = []
    for person, open_count in leads:
        cover = away.cover(
            person.id, people, local_day=local_day, slack_says_away=slack_says_away
        )
        if cover.recipient == person.id:
            continue
        until = person.away_until
        stand_in = people[cover.recipient].name if cover.recipient else None
        found.append(
            views.AwayOwner(
                person.name,
                until if away.away_by_date(until, local_day(person.id)) else None,
                open_count,
                stand_in,
            )
        )
    return found


