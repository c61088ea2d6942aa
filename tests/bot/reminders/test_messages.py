"""What reminders say, and how many messages they make: one DM a person a sweep, a list; one
post in the board channel; lists split only at Slack's limits; the last note a person wrote."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.reminders.due import Kind
from bot.reminders.messages import compose, render
from bot.reminders.sweep import Sweeper
from storage import queries
from storage.db import Database
from storage.models import Board, ProgressUpdate, Recommendation, Status, UpdateSource
from tests.bot.reminders.test_sweep import AT, ListNotifier, add_due_recommendations
from tests.conftest import CHAIR, TVP_LEAD

BOARD_CHANNEL = "C0BOARD01"


def escalation_messages(notifier: ListNotifier) -> tuple[list, list]:
    to_chair = [m for m in notifier.sent
                if m.user_id == CHAIR.user_id and Kind.chair_digest not in m.key]  # fmt: skip
    to_channel = [m for m in notifier.sent
                  if m.channel_id == BOARD_CHANNEL and ":digest:" not in m.key]  # fmt: skip
    return to_chair, to_channel


def test_thirty_overdue_for_one_chair_are_one_escalation_dm_and_one_channel_post(
    demo_db: Database,
) -> None:
    """One sweep sent a chair 24 DMs and the board channel 24 posts."""
    add_due_recommendations(demo_db, 30, date(2015, 2, 1))  # 29 days overdue: past 14
    notifier = ListNotifier()
    result = Sweeper(demo_db, notifier).sweep(AT)
    to_chair, to_channel = escalation_messages(notifier)
    assert len(to_chair) == 1 and len(to_channel) == 1
    raised = [k for k in to_chair[0].keys if ":escalation:" in k]
    assert len(raised) == 36 and len(to_channel[0].keys) == 36  # 30 new, Child H's 6
    assert all(k in result.sent for k in (*to_chair[0].keys, *to_channel[0].keys))
    assert len(to_chair[0].blocks) <= 50 and len(to_channel[0].blocks) <= 50
    shown = str([b.to_dict() for b in to_channel[0].blocks])
    assert "H-1000" in shown and "H-1029" in shown
    # Each owner's many items due the same day: one DM each, a row of buttons per item.
    per_owner = [m for m in notifier.sent if m.user_id == TVP_LEAD.user_id]
    assert len(per_owner) == 1 and len(per_owner[0].keys) > 1
    rows = [b for b in per_owner[0].blocks if b.to_dict()["type"] == "actions"]
    assert len(rows) == len(per_owner[0].keys)


def test_a_list_past_slacks_fifty_blocks_goes_in_parts_and_leaves_nothing_out(
    demo_db: Database,
) -> None:
    add_due_recommendations(demo_db, 60, date(2015, 2, 1))
    notifier = ListNotifier()
    Sweeper(demo_db, notifier).sweep(AT)
    to_chair, to_channel = escalation_messages(notifier)
    for parts in (to_chair, to_channel):
        assert len(parts) == 2
        assert all(len(m.blocks) <= 50 for m in parts)
        keys = [k for m in parts for k in m.keys]
        assert len(keys) == len(set(keys)) == 66
        titles = [m.blocks[0].to_dict()["text"]["text"] for m in parts]
        assert "(part 1 of 2)" in titles[0] and "(part 2 of 2)" in titles[1]


def add_update(db: Database, ref: str, text: str, at: datetime, source: UpdateSource,
               status_to: Status | None = None, author: str = TVP_LEAD.user_id) -> None:  # fmt: skip
    with db.unit_of_work() as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()
        uow.session.add(ProgressUpdate(recommendation_id=rec.id or 0, author_id=author,
                                       created_at=at, text=text, status_to=status_to,
                                       source=source))  # fmt: skip
        uow.commit()


def reminder_text(db: Database, ref: str) -> str:
    with db.unit_of_work(write=False) as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()
        detail = queries.reminder_details(uow.session, {rec.id or 0})[rec.id or 0]
        board = uow.session.exec(select(Board)).one()
    _, blocks = render(detail, Kind.overdue, board, AT, None)
    listed = compose_list_text(detail, board)
    return str([b.to_dict() for b in blocks]) + listed


def compose_list_text(detail: queries.ReminderDetail, board: Board) -> str:
    from bot.reminders.messages import Piece

    pieces = [Piece(f"{n}:overdue", Kind.overdue, detail, board) for n in (1, 2)]
    [message] = compose(pieces, AT, user_id="U0X", channel_id=None)
    return str([b.to_dict() for b in message.blocks])


def test_a_reminder_quotes_the_last_note_a_person_wrote_not_an_imported_status_line(
    demo_db: Database,
) -> None:
    """A reminder said "Last update: Status from the imported plan." instead of the owner's
    own last note."""
    add_update(demo_db, "H-12", "Scoping report to the chief officers' group.",
               datetime(2015, 2, 20, 10, 0, tzinfo=UTC), UpdateSource.reminder_reply)
    add_update(demo_db, "H-12", "Status from the imported plan.",
               datetime(2015, 2, 27, 12, 0, tzinfo=UTC), UpdateSource.import_, Status.in_progress)
    said = reminder_text(demo_db, "H-12")
    assert "Status from the imported plan" not in said
    assert said.count("20 Feb 2015, Dev Sharma: Scoping report to the chief officers") == 3


def test_an_imported_plans_own_progress_note_is_a_note(demo_db: Database) -> None:
    add_update(demo_db, "H-12", "Audit of 20 cases agreed with the force lead.",
               datetime(2015, 2, 27, 12, 0, tzinfo=UTC), UpdateSource.import_)
    said = reminder_text(demo_db, "H-12")
    assert "27 Feb 2015 (from the imported plan): Audit of 20 cases" in said


def test_with_no_note_yet_a_reminder_says_so(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        for update in uow.session.exec(select(ProgressUpdate)).all():
            if update.source != UpdateSource.import_ or update.status_to is None:
                uow.session.delete(update)
        uow.commit()
    assert "No note yet" in reminder_text(demo_db, "H-12")
