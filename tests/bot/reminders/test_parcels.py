"""Which reminders go together, and in what order (bot/reminders/parcels.py): pure."""

from __future__ import annotations

from datetime import date

from bot.reminders.due import Kind
from bot.reminders.parcels import Planned, batches, parcels
from storage.ledger import LedgerEntry


def planned(rec_id: int | None, kind: Kind, *, user: str | None = None,
            channel: str | None = None, due: date | None = None) -> Planned:  # fmt: skip
    key = f"{rec_id}:{kind}:2015-03-02" if rec_id is not None else f"board1:{kind}:2015-03-02"
    entry = LedgerEntry(key, str(kind), "2015-03-02", rec_id, 1, user)
    return Planned(entry, kind, 1, user_id=user, channel_id=channel, due_on=due)


def test_reminders_go_by_due_date_then_the_recommendations_number_not_the_key_as_text() -> None:
    """Keys sorted as strings put `10:…` before `1:…` and `2:…`: whoever sorted first went
    first in every sweep, whether or not Slack could reach them."""
    items = [
        planned(10, Kind.overdue, user="U10", due=date(2015, 2, 1)),
        planned(2, Kind.overdue, user="U2", due=date(2015, 2, 1)),
        planned(1, Kind.due_soon, user="U1", due=date(2015, 3, 16)),
        planned(30, Kind.overdue, user="U30", due=date(2015, 1, 5)),
    ]
    order = [p.items[0].entry.recommendation_id for p in parcels(items)]
    assert order == [30, 2, 10, 1]


def test_what_one_sweep_has_for_one_person_or_channel_is_one_parcel_and_a_digest_goes_alone() -> None:
    items = [
        planned(1, Kind.overdue, user="U0CHAIR", due=date(2015, 2, 1)),
        planned(2, Kind.escalation, user="U0CHAIR", due=date(2015, 1, 1)),
        planned(3, Kind.escalation, user="U0CHAIR", due=date(2015, 1, 2)),
        planned(2, Kind.escalation_board, channel="C0BOARD", due=date(2015, 1, 1)),
        planned(3, Kind.escalation_board, channel="C0BOARD", due=date(2015, 1, 2)),
        planned(None, Kind.digest, channel="C0BOARD"),
        planned(None, Kind.chair_digest, user="U0CHAIR"),
    ]
    made = parcels(items)
    shapes = {(p.user_id or p.channel_id, tuple(i.kind for i in p.items)) for p in made}
    assert shapes == {
        ("U0CHAIR", (Kind.escalation, Kind.escalation, Kind.overdue)),  # by due date
        ("C0BOARD", (Kind.escalation_board, Kind.escalation_board)),
        ("C0BOARD", (Kind.digest,)),
        ("U0CHAIR", (Kind.chair_digest,)),
    }
    assert len(made) == 4


def test_parcels_are_claimed_about_a_batch_at_a_time_never_split() -> None:
    items = [planned(n, Kind.overdue, user=f"U{n % 3}", due=date(2015, 2, 1)) for n in range(9)]
    made = parcels(items)  # three people, three each
    assert [len(b) for b in batches(made, 4)] == [2, 1]  # 6 reminders, then 3
    assert [len(p.items) for b in batches(made, 4) for p in b] == [3, 3, 3]
