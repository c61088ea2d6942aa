"""`/recs remind REF`: the owner's reminder at once, through the ledger like any other."""

from __future__ import annotations

from bot.reminders.delivery import DeliveryFailed, Notifier, OwnerAway, Undeliverable
from bot.reminders.due import Kind
from bot.reminders.messages import Piece, compose
from bot.reminders.parcels import Parcel, Planned
from bot.reminders.sending import SweepResult
from bot.reminders.sweep import Sweeper
from bot.rules import away
from storage import ledger, queries
from storage.db import Database
from storage.ledger import LedgerEntry
from storage.models import Board, Person


def send_now(db: Database, notifier: Notifier, rec_id: int) -> str:
    """`/recs remind REF`: the owner's reminder at once, through the ledger like any other, so
    a reply in its thread is recorded. Returns who it went to, or raises DeliveryFailed."""
    now = db.clock()
    with db.unit_of_work(write=False) as uow:
        detail = queries.reminder_details(uow.session, {rec_id}).get(rec_id)
        if detail is None or detail.rec.lead_officer_id is None:
            raise DeliveryFailed("it has no lead officer to remind")
        board_id = queries.board_id_of_review(uow.session, detail.rec.review_id)
        board = uow.session.get(Board, board_id)
        owner_id = detail.rec.lead_officer_id
        owner = uow.session.get(Person, owner_id)
        deputy = uow.session.get(Person, owner.deputy_id) if owner and owner.deputy_id else None
    assert board is not None and board.id is not None and owner_id is not None
    sweeper = Sweeper(db, notifier)
    people = {p.id: p for p in (owner, deputy) if p is not None}
    found = away.cover(
        owner_id,
        people,
        local_day=sweeper.local_day(now, people, board.time_zone),
        slack_says_away=notifier.on_leave,
    )
    if found.recipient is None:
        who = owner.name if owner is not None else "its lead officer"
        raise OwnerAway(f"{who} is away with no deputy free to stand in; it waits until one is back")
    recipient = found.recipient
    standing_in = owner if found.standing_in_for else None
    key = f"{rec_id}:{Kind.manual}:{now.isoformat()}"
    entry = LedgerEntry(key, str(Kind.manual), now.isoformat(), rec_id, board.id, recipient)
    with db.unit_of_work() as uow:
        ledger.ensure_entries(uow.session, [entry], now)
        uow.commit()
    claims, result = sweeper.claims(), SweepResult()
    try:
        taken = claims.take([key])
        if not taken:
            return recipient  # the same command a moment ago: already on its way
        piece = Piece(key, Kind.manual, detail, board, standing_in)
        parcel = Parcel((Planned(entry, Kind.manual, board.id, user_id=recipient),))
        sweeper.courier(claims, result, now).deliver(
            parcel,
            lambda part: compose([piece], now, user_id=recipient, channel_id=None),
            {c.key: c.since for c in taken if c.in_doubt},
        )
    finally:
        claims.release_all()
    if result.undeliverable:
        with db.unit_of_work(write=False) as uow:
            row = ledger.entry(uow.session, key)
        raise Undeliverable(row.failure if row and row.failure else "unknown")
    if not (result.sent or result.found):
        raise DeliveryFailed("Slack did not take the message")
    return recipient
