"""As of a date: statuses, due dates, evidence and recommendations as they stood at the end of
a day in the board's time zone; and the summary, as of a date and at scale, within Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot import history, services
from bot.commands.dispatch import CommandRunner
from bot.rules.brag import Thresholds
from bot.services.summary import board_summary
from bot.views.blocks import as_dicts
from bot.views.summary import summary_blocks
from console.clock import MovableClock
from storage import as_of as state_queries
from storage.db import Database
from storage.models import Agency, Recommendation, Review
from tests.conftest import ADMIN, CHAIR, CSC_LEAD, MEMBER
from tests.support.block_checks import message_violations


def states(db: Database, as_of: date | None) -> dict[str, state_queries.StateRow]:
    with db.unit_of_work(write=False) as uow:
        board = history.board_for(uow.session, None)
        moment = history.Moment.of(uow.now, as_of, board)
        state = history.state_of(uow.session, None, moment)
        brag = history.brag_over(state, moment.today, Thresholds.of(board))
        rows, _ = state_queries.state_rows(uow.session, state, brag)
    return {r.ref: r for r in rows}


def test_end_of_day_is_midnight_in_the_board_zone() -> None:
    london = ZoneInfo("Europe/London")
    assert history.end_of_day(date(2015, 6, 30), london) == datetime(2015, 6, 30, 23, 0, tzinfo=UTC)
    assert history.end_of_day(date(2014, 12, 31), london) == datetime(2015, 1, 1, tzinfo=UTC)


def test_statuses_are_rebuilt_from_the_updates(demo_db: Database) -> None:
    before = states(demo_db, date(2014, 10, 30))
    on = states(demo_db, date(2014, 10, 31))
    assert before["H-28"].status == "not_started" and on["H-28"].status == "completed"
    assert on["H-1"].status == "in_progress" and on["H-5"].status == "not_started"
    assert len(on) == 36  # accepted on 15 September 2014, though typed in later


def test_due_dates_as_of_come_from_the_moves(demo_db: Database, clock: MovableClock) -> None:
    clock.set(datetime(2015, 1, 10, 12, 0, tzinfo=UTC))
    with demo_db.unit_of_work() as uow:
        services.move_due_date(uow, ADMIN, "H-2", "31/3/2015", "letters delayed")
        uow.commit()
    clock.set(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    assert states(demo_db, date(2015, 1, 9))["H-2"].due_on == date(2014, 12, 31)
    assert states(demo_db, date(2015, 1, 9))["H-2"].brag == "red"
    assert states(demo_db, date(2015, 1, 10))["H-2"].due_on == date(2015, 3, 31)
    assert states(demo_db, date(2015, 1, 10))["H-2"].due_moves == 1


def test_history_up_to_now_agrees_with_the_live_columns(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.record_update(uow, CSC_LEAD, "H-29", at_risk=True, note="Trainer left")
        services.move_due_date(uow, ADMIN, "H-3", "30/6/2015", "NHS England restructure")
        uow.commit()
    live = states(demo_db, None)
    with demo_db.unit_of_work(write=False) as uow:
        state = state_queries.recommendation_state(datetime(2100, 1, 1, tzinfo=UTC))
        brag = history.brag_over(state, date(2015, 3, 2), Thresholds())
        rebuilt = {r.ref: r for r in state_queries.state_rows(uow.session, state, brag)[0]}
    assert rebuilt == live


def test_recommendations_added_later_are_not_in_an_earlier_summary(
    demo_db: Database, clock: MovableClock
) -> None:
    with demo_db.unit_of_work() as uow:
        board = services.ensure_board(uow, ADMIN, "Oxfordshire Safeguarding Children Board")
        services.ensure_review(uow, ADMIN, board, "K", "Child K")
        services.add_recommendation(
            uow,
            ADMIN,
            services.NewRecommendation("K", "Audit the front door"),
            source="command",  # type: ignore[arg-type]
        )
        uow.commit()
    assert "K-1" in states(demo_db, None)
    assert "K-1" not in states(demo_db, date(2015, 3, 1))


def test_evidence_state_as_of_comes_from_the_audit_log(
    demo_db: Database, clock: MovableClock
) -> None:
    with demo_db.unit_of_work() as uow:
        item = services.attach_evidence(
            uow, MEMBER, "H-27", "https://example.org/csc/audit.pdf", allow_proposal=True
        )
        uow.commit()
    clock.set(datetime(2015, 3, 5, 9, 0, tzinfo=UTC))
    with demo_db.unit_of_work() as uow:
        services.accept_evidence(uow, CHAIR, item.id or 0)
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        then = state_queries.evidence_before(
            uow.session, [item.recommendation_id], datetime(2015, 3, 3, tzinfo=UTC)
        )
        now = state_queries.evidence_before(uow.session, [item.recommendation_id], None)
    assert [s for e, s in then if e.id == item.id] == ["proposed"]
    assert [s for e, s in now if e.id == item.id] == ["accepted"]


# --- the summary -----------------------------------------------------------------------------


def test_summary_as_of_shows_the_figures_then(demo_db: Database) -> None:
    reply = CommandRunner(demo_db).run(CHAIR, "summary H as-of 31/10/2014").settled()
    assert reply.ok, reply.text
    text = str(as_dicts(reply.blocks))
    assert "as at 31 October 2014" in text
    assert "completed 2" in text and "in progress 5" in text
    assert message_violations({"blocks": as_dicts(reply.blocks)}) == []


def test_summary_of_36_fits_one_message(demo_db: Database) -> None:
    reply = CommandRunner(demo_db).run(MEMBER, "summary H").settled()
    blocks = as_dicts(reply.blocks)
    assert len(blocks) <= 50
    assert message_violations({"blocks": blocks}) == []
    assert "Implemented (awaiting assurance)" in str(blocks) and "Embedded" in str(blocks)


def test_summary_of_1000_summarises_and_points_to_the_paper(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        review = uow.session.get(Review, 1)
        assert review is not None
        now = uow.now
        agencies = [Agency(board_id=review.board_id, name=f"Agency {n:02}") for n in range(40)]
        uow.session.add_all(agencies)
        uow.session.flush()
        uow.session.add_all(
            Recommendation(
                ref=f"H-{100 + n}",
                review_id=review.id,  # type: ignore[arg-type]
                number=100 + n,
                label=str(100 + n),
                text="Audit the multi-agency response " * 5,
                agency_id=agencies[n % 40].id,
                due_on=date(2014, 1, 1 + n % 28) if n % 2 else date(2015, 3, 10),
                created_at=now,
                updated_at=now,
            )
            for n in range(1000)
        )
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        result = board_summary(uow.session, 1, "Child H", date(2015, 3, 2), Thresholds())
    result.review_code = "H"
    assert result.total == 1036
    blocks = as_dicts(summary_blocks(result))
    assert len(blocks) <= 50
    assert message_violations({"blocks": blocks}) == []
    assert "/recs report H xlsx" in str(blocks)


def test_changes_over_a_quiet_window_are_all_zero(demo_db: Database) -> None:
    """One statement answers the window's counts; with nothing in it, every count is zero
    and no ref is listed (not a missing row)."""
    with demo_db.unit_of_work(write=False) as uow:
        quiet = state_queries.changes_between(
            uow.session,
            None,
            datetime(2030, 1, 1, tzinfo=UTC),
            datetime(2030, 2, 1, tzinfo=UTC),
            refs=10,
            board_id=1,
        )
        busy = state_queries.changes_between(
            uow.session, None, datetime(2014, 1, 1, tzinfo=UTC), None, refs=3, board_id=1
        )
    assert quiet == state_queries.ChangeCounts({}, 0, 0, 0, 0, [])
    assert busy.updates > 0 and busy.added == 36 and len(busy.changed_refs) == 3
