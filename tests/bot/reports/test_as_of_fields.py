"""The owner agency, lead officer and text as of a day, rebuilt from the audit log: the value
the first later change replaced, else the current one; and the SQL for both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.dialects import postgresql, sqlite

from bot import history, services
from bot.rules.brag import Thresholds
from console.clock import MovableClock
from storage import as_of as state_queries
from storage import as_of_fields
from storage.db import Database
from storage.models import Recommendation
from tests.bot.reports.conftest import CHANGED_ON, H3_NEW_TEXT
from tests.conftest import ADMIN, TVP_LEAD


def states_on(db: Database, day: date | None) -> dict[str, state_queries.StateRow]:
    with db.unit_of_work(write=False) as uow:
        board = history.board_for(uow.session, None)
        moment = history.Moment.of(uow.now, day, board)
        state = history.state_of(uow.session, None, moment)
        brag = history.brag_over(state, moment.today, Thresholds.of(board))
        rows, _ = state_queries.state_rows(uow.session, state, brag)
    return {r.ref: r for r in rows}


def test_the_day_before_a_change_shows_the_old_values(changed_plan: Database) -> None:
    before = states_on(changed_plan, date(2015, 2, 19))
    assert before["H-2"].agency == "Oxfordshire Safeguarding Children Board"
    assert before["H-13"].lead_officer == "Dev Sharma"
    assert before["H-3"].text.startswith("The Board should recommend that the Commissioners")
    on = states_on(changed_plan, CHANGED_ON)
    assert on["H-2"].agency == "Children's Social Care"
    assert on["H-13"].lead_officer == "Jo Turner"
    assert on["H-3"].text == H3_NEW_TEXT
    assert states_on(changed_plan, None) == states_on(changed_plan, date(2015, 3, 1))


def test_of_two_later_changes_the_first_says_what_was_there(
    changed_plan: Database, clock: MovableClock
) -> None:
    clock.set(datetime(2015, 2, 25, 9, 0, tzinfo=UTC))
    with changed_plan.unit_of_work() as uow:
        services.assign(uow, ADMIN, "H-13", ADMIN.user_id)
        services.assign(uow, ADMIN, "H-14", TVP_LEAD.user_id)  # the same person again
        uow.commit()
    assert states_on(changed_plan, date(2015, 2, 1))["H-13"].lead_officer == "Dev Sharma"
    assert states_on(changed_plan, date(2015, 2, 21))["H-13"].lead_officer == "Jo Turner"
    assert states_on(changed_plan, date(2015, 2, 25))["H-13"].lead_officer == "Sam Patel"
    assert states_on(changed_plan, date(2015, 2, 1))["H-14"].lead_officer == "Dev Sharma"


def test_the_json_is_read_the_way_each_database_reads_it() -> None:
    cutoff = datetime(2015, 1, 1, tzinfo=UTC)
    stmt = state_queries.recommendation_state(cutoff).select()
    on_sqlite = str(stmt.compile(dialect=sqlite.dialect()))
    on_postgresql = str(stmt.compile(dialect=postgresql.dialect()))
    assert "json_extract(audit_log.detail, '$.before.agency_id')" in on_sqlite
    assert "json_type(audit_log.detail, '$.before.text') IS NOT NULL" in on_sqlite
    assert "CAST(audit_log.detail AS JSONB) #>> '{before,agency_id}'" in on_postgresql
    assert "(CAST(audit_log.detail AS JSONB) #> '{before,text}') IS NOT NULL" in on_postgresql
    # The path is part of the statement's text, so two fields never share a cached statement.
    agency = as_of_fields.field_before(as_of_fields.AGENCY, cutoff)
    text = as_of_fields.field_before(as_of_fields.TEXT, cutoff)
    assert agency._generate_cache_key() != text._generate_cache_key()
    assert Recommendation.__tablename__ == as_of_fields.ENTITY
