"""Importing a plan again merges it into live work (bot/imports/merging.py): what people did in
recs after the file's date is never reverted, nothing is backdated before a change it
replaces, and the preview names every conflict. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from sqlmodel import col, func, select

from bot.demo import PLAN, load_demo
from bot.imports.plans import preview
from bot.services.imports import PlanImport
from bot.services.suite import Services
from console.clock import MovableClock
from storage.db import Database
from storage.models import (
    AuditLog,
    DueDateChange,
    Evidence,
    ProgressUpdate,
    Recommendation,
    Status,
    UpdateSource,
)
from tests.bot.imports.test_plan_files import everything
from tests.conftest import CSC_LEAD

LIVE_DAY = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def reimport(db: Database, content: bytes | None = None, *, dry_run: bool = False) -> PlanImport:
    services = Services(db)
    data = PLAN.read_bytes() if content is None else content
    return services.imports.import_file(
        PLAN.name, data, review_code="H", title=None, dry_run=dry_run
    )


def edited(changes: dict[str, dict[str, str]]) -> bytes:
    """The demo plan with some cells changed: label → {header: new value}."""
    rows = list(csv.DictReader(io.StringIO(PLAN.read_text(encoding="utf-8"))))
    for row in rows:
        row.update(changes.get(row["No"], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def live_work(db: Database, clock: MovableClock) -> None:
    """What Jo Turner does in Slack on 2 Dec 2026, after the plan was imported."""
    clock.set(LIVE_DAY)
    work = Services(db).recommendations
    work.done(CSC_LEAD, "H-27", url="https://example.org/csc/audit.pdf", note="Audit done",
              source=UpdateSource.command)  # fmt: skip
    work.move_due(CSC_LEAD, "H-29", "end of September 2015", "trainer on leave")
    work.update(CSC_LEAD, "H-30", status=Status.in_progress, note="Reopened: re-audit due")


def rec(db: Database, ref: str) -> Recommendation:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()


def test_reimporting_after_live_updates_reverts_nothing_and_names_each_conflict(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    before = everything(demo_db.url)

    done = reimport(demo_db)

    assert done.problems == [] and done.written
    assert rec(demo_db, "H-27").status == Status.completed
    assert rec(demo_db, "H-29").due_on == date(2015, 9, 30)
    assert rec(demo_db, "H-30").status == Status.in_progress
    assert everything(demo_db.url) == before  # nothing reverted, nothing even rewritten
    assert done.conflicts == [
        "H-27: file says in progress; recs says completed on 2 Dec 2026 by Jo Turner: kept",
        "H-29: file says due 30 Jun 2015; recs says due 30 Sep 2015 "
        "(changed on 2 Dec 2026 by Jo Turner): kept",
        "H-30: file says completed; recs says in progress on 2 Dec 2026 by Jo Turner: kept",
    ]
    assert "Conflicts with live work:" in preview(done)


def test_the_same_plan_again_writes_nothing_at_all(demo_db: Database) -> None:
    before = everything(demo_db.url)
    done = reimport(demo_db)
    assert done.result.describe() == "Review H: 0 added, 0 updated, 36 unchanged."
    assert everything(demo_db.url) == before
    assert load_demo(demo_db) == "Review H: 0 added, 0 updated, 36 unchanged."
    assert everything(demo_db.url) == before


def test_a_value_changed_in_the_file_is_taken_where_no_one_changed_it(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    changes = {
        "8": {"Timescale": "30/6/2015"},  # was "by end of March 2015"; nobody moved it in recs
        "29": {"Timescale": "31/12/2015"},  # Jo moved it in Slack: hers stands
    }
    done = reimport(demo_db, edited(changes))
    assert done.problems == []
    assert rec(demo_db, "H-8").due_on == date(2015, 6, 30)
    assert rec(demo_db, "H-29").due_on == date(2015, 9, 30)
    with demo_db.unit_of_work(write=False) as uow:
        moved = uow.session.exec(
            select(DueDateChange).where(DueDateChange.recommendation_id == rec(demo_db, "H-8").id)
        ).one()
    assert moved.changed_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # not backdated
    assert moved.reason == "from the imported action plan"
    assert "H-8" in done.result.updated


def test_a_file_dated_after_the_live_change_is_taken(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=UTC))
    changes = {
        "27": {"Status": "embedded", "Progress": "Re-audit: 9 of 10 cases started by 28 weeks.",
               "Progress date": "9/12/2026"},
        "29": {"Timescale": "31/12/2015", "Progress date": "9/12/2026"},
    }  # fmt: skip
    done = reimport(demo_db, edited(changes))
    assert rec(demo_db, "H-27").status == Status.embedded
    assert rec(demo_db, "H-29").due_on == date(2015, 12, 31)
    assert (
        "H-27: file says embedded; recs said completed on 2 Dec 2026 by Jo Turner: "
        "the file's is newer, taken" in done.conflicts
    )


def test_a_live_change_stands_when_the_file_still_says_what_it_said(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    clock.set(datetime(2026, 12, 10, 10, 0, tzinfo=UTC))
    # A new progress note and date, but the status column as it always was.
    changes = {"30": {"Progress": "MASH re-audit booked.", "Progress date": "9/12/2026"}}
    done = reimport(demo_db, edited(changes))
    assert rec(demo_db, "H-30").status == Status.in_progress
    assert any(
        c.startswith("H-30: file says completed; recs says in progress") for c in done.conflicts
    )


def test_a_status_from_the_file_is_never_dated_before_the_move_it_replaces(
    demo_db: Database,
) -> None:
    # H-9 was imported in progress, dated 15 Dec 2014; the file now says completed, with
    # evidence, as at 1 Nov 2014: an earlier day than the move it replaces.
    changes = {"9": {"Status": "completed", "Progress": "Audit complete.",
                     "Progress date": "1/11/2014", "Evidence": "https://example.org/hms/audit.pdf"}}  # fmt: skip
    reimport(demo_db, edited(changes))
    with demo_db.unit_of_work(write=False) as uow:
        moves = uow.session.exec(
            select(ProgressUpdate)
            .where(
                ProgressUpdate.recommendation_id == rec(demo_db, "H-9").id,
                col(ProgressUpdate.status_to).is_not(None),
            )
            .order_by(col(ProgressUpdate.id))
        ).all()
    assert [m.status_to for m in moves] == [Status.in_progress, Status.completed]
    assert moves[1].created_at >= moves[0].created_at == datetime(2014, 12, 15, 12, tzinfo=UTC)


def test_a_completed_row_without_evidence_imports_in_progress_with_a_note(
    demo_db: Database,
) -> None:
    done = reimport(demo_db, edited({"7": {"Status": "completed"}}))
    h7 = rec(demo_db, "H-7")
    assert done.problems == [] and h7.status == Status.in_progress
    assert any("row 8: completed, but with no evidence; H-7" in w for w in done.warnings)
    with demo_db.unit_of_work(write=False) as uow:
        notes = uow.session.exec(
            select(ProgressUpdate.text).where(ProgressUpdate.recommendation_id == h7.id)
        ).all()
    assert any("marks this completed, but gave no evidence" in n for n in notes)
    again = reimport(demo_db, edited({"7": {"Status": "completed"}}))
    assert "H-7" in again.result.unchanged  # the note is written once


def test_a_dry_run_of_a_reimport_lists_the_same_conflicts_and_writes_nothing(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    before = everything(demo_db.url)
    dry = reimport(demo_db, edited({"8": {"Timescale": "30/6/2015"}}), dry_run=True)
    assert everything(demo_db.url) == before
    real = reimport(demo_db, edited({"8": {"Timescale": "30/6/2015"}}))
    assert dry.conflicts == real.conflicts and dry.warnings == real.warnings
    assert dry.result.describe() == real.result.describe()


def test_every_problem_is_listed_by_row_and_nothing_is_written(demo_db: Database) -> None:
    before = everything(demo_db.url)
    text = "x" * 21000  # longer than a recommendation may be
    done = reimport(demo_db, edited({"3": {"Recommendation": text}, "5": {"Timescale": "soonish"},
                                     "6": {"Recommendation": text}}))  # fmt: skip
    assert [p.split(":")[0] for p in done.problems] == ["row 4", "row 6", "row 7"]
    assert not done.written
    assert everything(demo_db.url) == before


def test_an_imported_recommendations_audit_row_holds_its_due_date_and_timescale(
    db: Database,
) -> None:
    Services(db).imports.import_file(
        PLAN.name,
        PLAN.read_bytes(),
        review_code="H",
        title="Child H",
        accepted_on=date(2014, 9, 15),
    )
    with db.unit_of_work(write=False) as uow:
        added = uow.session.exec(
            select(AuditLog).where(AuditLog.action == "recommendation.add", AuditLog.ref == "H-4")
        ).one()
    detail = json.loads(added.detail)
    assert (detail["due_on"], detail["timescale"]) == ("2015-03-15", "within 6 months")


def test_without_an_accepted_date_a_timescale_keeps_its_phrase_and_no_due_date(
    db: Database,
) -> None:
    done = Services(db).imports.import_file(
        PLAN.name, PLAN.read_bytes(), review_code="H", title="Child H"
    )
    h4 = rec(db, "H-4")
    assert (h4.due_on, h4.timescale, h4.accepted_on) == (None, "within 6 months", None)
    assert any("row 5: 'within 6 months' counts from the date" in w for w in done.warnings)
    assert next(r for r in done.recommendations if r.label == "4").confidence < 1


def test_the_accepted_date_given_is_recorded_on_a_review_without_one(db: Database) -> None:
    services = Services(db)
    services.imports.import_file(
        PLAN.name,
        PLAN.read_bytes(),
        review_code="H",
        title="Child H",
        accepted_on=date(2014, 9, 15),
    )
    assert services.imports.accepted_on("H") == date(2014, 9, 15)
    assert rec(db, "H-4").due_on == date(2015, 3, 15)


def test_evidence_added_in_slack_stays_and_the_files_is_added_once(
    demo_db: Database, clock: MovableClock
) -> None:
    live_work(demo_db, clock)
    reimport(demo_db)
    reimport(demo_db)
    with demo_db.unit_of_work(write=False) as uow:
        urls = uow.session.exec(
            select(Evidence.url).where(Evidence.recommendation_id == rec(demo_db, "H-28").id)
        ).all()
        live = uow.session.exec(
            select(func.count())
            .select_from(Evidence)
            .where(Evidence.url == "https://example.org/csc/audit.pdf")
        ).one()
    assert urls == ["https://example.org/csc/pre-birth-conference-procedure.pdf"] and live == 1
