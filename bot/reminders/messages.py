"""What a reminder, a list of reminders or a digest says: its text and blocks, and the
metadata by which a message is known for the reminders it carries (a reply in its thread
finds its recommendation; a sweep that is not sure a message went finds it in Slack)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.reminders import due as policy_rules
from bot.reminders.delivery import Outgoing
from bot.reminders.due import Kind
from bot.rules import away
from bot.rules.brag import Thresholds, brag_for
from bot.views import reminders as views
from bot.views.blocks import MESSAGE_BLOCKS, context, section
from storage import ledger, queries
from storage.models import Board, Person
from storage.queries import ReminderDetail

METADATA_EVENT = "recs_reminder"
LIST_ITEM = "list"  # the metadata kind of a message that carries several reminders


def metadata(items: Sequence[tuple[str, Kind, str]]) -> dict[str, Any]:
    """Slack message metadata: which reminders (ledger key, kind, ref) a message carries.
    `key`, `kind` and `ref` name the first, or the list; `items` names every one."""
    first_key, first_kind, first_ref = items[0]
    single = len(items) == 1
    payload = {
        "key": first_key,
        "kind": str(first_kind) if single else LIST_ITEM,
        "ref": first_ref if single else "",
        "items": [{"key": k, "kind": str(kind), "ref": ref} for k, kind, ref in items],
    }
    return {"event_type": METADATA_EVENT, "event_payload": payload}


def keys_in(metadata_payload: dict[str, Any]) -> list[str]:
    """The ledger keys a reminder message's metadata payload names (see `metadata`)."""
    items = metadata_payload.get("items")
    listed = [i.get("key") for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    keys = [k for k in listed if isinstance(k, str) and k]
    single = metadata_payload.get("key")
    return keys or ([single] if isinstance(single, str) and single else [])


def context_for(
    detail: ReminderDetail, kind: Kind, board: Board, now: datetime, standing_in: Person | None
) -> views.ReminderContext:
    today = now.astimezone(policy_rules.zone(board.time_zone)).date()
    return views.ReminderContext(
        kind=kind,
        today=today,
        brag=brag_for(detail.rec, today, Thresholds.of(board)),
        standing_in_for=standing_in.name if standing_in else None,
    )


def render(
    detail: ReminderDetail, kind: Kind, board: Board, now: datetime, standing_in: Person | None
) -> tuple[str, list[Block]]:
    ctx = context_for(detail, kind, board, now, standing_in)
    return views.fallback_text(detail, ctx), views.reminder_blocks(detail, ctx)


@dataclass(frozen=True)
class Piece:
    """One reminder of a message: its ledger key and what it says."""

    key: str
    kind: Kind
    detail: ReminderDetail
    board: Board
    standing_in: Person | None = None


def compose(
    pieces: Sequence[Piece], now: datetime, *, user_id: str | None, channel_id: str | None
) -> list[Outgoing]:
    """The message(s) for everything one sweep has for one person or channel: one reminder as
    it always reads; several as one list, split only where Slack's 50 blocks end."""
    if not pieces:
        return []
    if len(pieces) == 1:
        p = pieces[0]
        text, blocks = render(p.detail, p.kind, p.board, now, p.standing_in)
        tag = metadata([(p.key, p.kind, p.detail.rec.ref)])
        return [Outgoing((p.key,), text, blocks, user_id, channel_id, tag)]
    ordered = [p for p in pieces if p.kind not in views.ESCALATIONS]
    ordered += [p for p in pieces if p.kind in views.ESCALATIONS]
    rendered = [
        (p, views.list_item_blocks(p.detail, context_for(p.detail, p.kind, p.board, now,
                                                         p.standing_in)))
        for p in ordered
    ]
    chunks = _pack(rendered, MESSAGE_BLOCKS - 3)  # a title, maybe a heading, the reply hint
    return [
        _list_message(chunk, part(n, len(chunks)), user_id, channel_id)
        for n, chunk in enumerate(chunks, 1)
    ]


def part(n: int, of: int) -> str:
    return f" (part {n} of {of})" if of > 1 else ""


def _pack(
    rendered: list[tuple[Piece, list[Block]]], budget: int
) -> list[list[tuple[Piece, list[Block]]]]:
    chunks: list[list[tuple[Piece, list[Block]]]] = [[]]
    used = 0
    for piece, blocks in rendered:
        if chunks[-1] and used + len(blocks) > budget:
            chunks.append([])
            used = 0
        chunks[-1].append((piece, blocks))
        used += len(blocks)
    return chunks


def _list_message(
    chunk: list[tuple[Piece, list[Block]]], part_words: str, user_id: str | None,
    channel_id: str | None,
) -> Outgoing:  # fmt: skip
    raised = [p for p, _ in chunk if p.kind in views.ESCALATIONS]
    own = len(chunk) - len(raised)
    title = views.list_title(own, len(raised), channel=user_id is None, part=part_words)
    blocks: list[Block] = [section(title)]
    for piece, item in chunk:
        if own and raised and piece is raised[0]:
            blocks.append(section(views.escalations_heading(len(raised))))
        blocks += item
    if own:
        first_own = next(p for p, _ in chunk if p.kind not in views.ESCALATIONS)
        blocks.append(context(views.list_reply_hint(first_own.detail.rec.ref)))
    items = [(p.key, p.kind, p.detail.rec.ref) for p, _ in chunk]
    text = views.list_fallback_text(
        [(ref, kind) for _, kind, ref in items], any(p.standing_in for p, _ in chunk)
    )
    return Outgoing(tuple(k for k, _, _ in items), text, blocks, user_id, channel_id, metadata(items))


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
    blocks = views.digest_blocks(
        summary_blocks(summary),
        views.away_blocks(away_owners),
        views.unreachable_blocks(ledger.unreachable(session, board.id)),
    )
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


