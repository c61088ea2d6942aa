"""The service layer on the Child H plan, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from bot import services
from bot.errors import NotAllowed, NotFound, UserError
from storage.db import Database
from storage.models import (
    AuditLog,
    DueDateChange,
    Evidence,
    EvidenceState,
    ProgressUpdate,
    Recommendation,
    Status,
    UpdateSource,
)
from storage.queries import EVERY_BOARD
from tests.conftest import ADMIN, CHAIR, CSC_LEAD, MEMBER, TVP_LEAD


def rec(db: Database, ref: str) -> Recommendation:
    with db.unit_of_work(write=False) as uow:
        return services.get_recommendation(uow.session, ref, boards=EVERY_BOARD)


def count(db: Database, model: type) -> int:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(select(func.count()).select_from(model)).one()


def test_demo_loads_all_36_recommendations_of_section_7(demo_db: Database) -> None:
    assert count(demo_db, Recommendation) == 36
    h27 = rec(demo_db, "h-27")
    assert h27.ref == "H-27"
    assert "Pre-birth assessment" in h27.text
    assert h27.directorate == "Children, Education and Families"


def test_loading_the_demo_twice_changes_nothing(demo_db: Database) -> None:
    from bot.demo import load_demo

    before = count(demo_db, ProgressUpdate), count(demo_db, Evidence)
    load_demo(demo_db)
    assert count(demo_db, Recommendation) == 36
    assert (count(demo_db, ProgressUpdate), count(demo_db, Evidence)) == before


def test_owner_records_status_and_note(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.record_update(uow, CSC_LEAD, "H-29", at_risk=True, note="Trainer left")
        uow.commit()
    h29 = rec(demo_db, "H-29")
    assert h29.at_risk is True
    assert h29.last_update_at is not None


def test_member_who_does_not_own_is_refused_and_nothing_is_written(demo_db: Database) -> None:
    before = count(demo_db, AuditLog), count(demo_db, ProgressUpdate)
    for action in (
        lambda uow: services.record_update(uow, MEMBER, "H-27", note="hello"),
        lambda uow: services.move_due_date(uow, MEMBER, "H-27", "31/3/2015", "why"),
        lambda uow: services.attach_evidence(uow, MEMBER, "H-27", "https://example.org/a.pdf"),
        lambda uow: services.mark_done(uow, MEMBER, "H-27"),
        lambda uow: services.assign(uow, MEMBER, "H-27", MEMBER.user_id),
        lambda uow: services.change_agency(uow, MEMBER, "H-27", "Thames Valley Police (TVP)"),
        lambda uow: services.sign_off(uow, MEMBER, "H-28"),
        lambda uow: services.reject(uow, MEMBER, "H-28", "no"),
        lambda uow: services.close_not_implemented(uow, MEMBER, "H-27", "no"),
        lambda uow: services.supersede(uow, MEMBER, "H-27", "H-28"),
    ):
        with demo_db.unit_of_work() as uow, pytest.raises(NotAllowed) as refused:
            action(uow)
        assert "can't" in refused.value.message
    assert (count(demo_db, AuditLog), count(demo_db, ProgressUpdate)) == before


def test_owner_of_another_agency_is_refused(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow, pytest.raises(NotAllowed) as refused:
        services.record_update(uow, TVP_LEAD, "H-27", note="not mine")
    assert "Children's Social Care" in refused.value.message


def test_done_needs_evidence_then_succeeds(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow, pytest.raises(UserError, match="evidence"):
        services.mark_done(uow, CSC_LEAD, "H-27")
    with demo_db.unit_of_work() as uow:
        services.attach_evidence(uow, CSC_LEAD, "H-27", "https://example.org/audit.pdf", "Audit")
        services.mark_done(uow, CSC_LEAD, "H-27")
        uow.commit()
    h27 = rec(demo_db, "H-27")
    assert h27.status == Status.completed
    assert h27.completed_at is not None


def test_board_can_turn_off_the_evidence_rule(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        board = services.board_of(uow.session, services.get_recommendation(uow.session, "H-27", boards=EVERY_BOARD))
        board.require_evidence = False
        uow.session.add(board)
        uow.commit()
    with demo_db.unit_of_work() as uow:
        services.mark_done(uow, CSC_LEAD, "H-27")
        uow.commit()
    assert rec(demo_db, "H-27").status == Status.completed


def test_due_date_move_needs_a_reason_once_a_date_is_set(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow, pytest.raises(UserError, match="Say why"):
        services.move_due_date(uow, CSC_LEAD, "H-27", "end of March 2015")
    with demo_db.unit_of_work() as uow:
        services.move_due_date(uow, CSC_LEAD, "H-27", "end of March 2015", "audit moved")
        uow.commit()
    h27 = rec(demo_db, "H-27")
    assert h27.due_on == date(2015, 3, 31)
    assert h27.original_due_on == date(2015, 1, 31)
    assert count(demo_db, DueDateChange) == 1


def test_bad_date_writes_nothing(demo_db: Database) -> None:
    before = count(demo_db, AuditLog)
    with demo_db.unit_of_work() as uow, pytest.raises(UserError):
        services.move_due_date(uow, CSC_LEAD, "H-27", "soonish", "because")
    assert count(demo_db, AuditLog) == before


def test_chair_signs_off_and_rejects(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.sign_off(uow, CHAIR, "H-28")
        uow.commit()
    assert rec(demo_db, "H-28").status == Status.assured
    with demo_db.unit_of_work() as uow:
        services.reject(uow, CHAIR, "H-30", "The evidence covers one team only")
        uow.commit()
    assert rec(demo_db, "H-30").status == Status.in_progress


def test_owner_cannot_sign_off(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow, pytest.raises(NotAllowed, match="chair"):
        services.sign_off(uow, CSC_LEAD, "H-28")


def test_admin_supersedes_and_closes(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.supersede(uow, ADMIN, "H-19", "H-18", "merged")
        services.close_not_implemented(uow, ADMIN, "H-15", "pilot area abolished")
        uow.commit()
    assert rec(demo_db, "H-19").status == Status.superseded
    assert rec(demo_db, "H-15").status == Status.not_implemented
    with demo_db.unit_of_work() as uow, pytest.raises(UserError, match="closed"):
        services.record_update(uow, ADMIN, "H-15", note="too late")


def test_unknown_ref_is_a_person_error(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow, pytest.raises(NotFound, match="H-99"):
        services.record_update(uow, ADMIN, "H-99", note="x")


def test_proposed_evidence_from_a_non_owner(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        ev = services.attach_evidence(
            uow, MEMBER, "H-27", "https://example.org/x.pdf", allow_proposal=True
        )
        uow.commit()
    assert ev.state == EvidenceState.proposed


def test_every_write_is_one_transaction(demo_db: Database) -> None:
    """A failure after the first write of a use case leaves nothing behind."""
    before = count(demo_db, AuditLog), count(demo_db, Evidence)
    with demo_db.unit_of_work() as uow, pytest.raises(UserError):
        # evidence is written, then the completion is refused by the transition rule
        services.mark_done(uow, CSC_LEAD, "H-28", evidence_url="https://example.org/x.pdf")
    assert (count(demo_db, AuditLog), count(demo_db, Evidence)) == before


def test_audit_log_is_append_only(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.record_update(uow, CSC_LEAD, "H-27", note="Audit booked")
        uow.commit()
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with demo_db.unit_of_work() as uow, pytest.raises(Exception, match="append-only"):
            uow.session.execute(text(statement))
            uow.commit()


def test_every_write_is_audited_with_its_actor(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.record_update(
            uow, CSC_LEAD, "H-27", note="Audit booked", source=UpdateSource.console
        )
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        entry = uow.session.exec(
            select(AuditLog).where(AuditLog.ref == "H-27").order_by(AuditLog.id.desc())  # type: ignore[union-attr]
        ).first()
    assert entry is not None
    assert entry.actor_id == CSC_LEAD.user_id
    assert entry.action == "recommendation.update"


def test_refs_are_never_reused(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        new = services.add_recommendation(
            uow,
            ADMIN,
            services.NewRecommendation(review_code="H", text="A 37th recommendation", agency="TVP"),
            source=UpdateSource.command,
        )
        uow.commit()
    assert new.ref == "H-37"


def test_a_deputy_answers_for_an_away_owner_until_they_are_back(demo_db: Database) -> None:
    with demo_db.unit_of_work() as uow:
        services.set_away(uow, CSC_LEAD, date(2015, 4, 20), MEMBER.user_id)
        uow.commit()
    with demo_db.unit_of_work() as uow:
        update = services.record_update(uow, MEMBER, "H-27", note="Standing in: audit booked")
        uow.commit()
    assert update.on_behalf_of_id == CSC_LEAD.user_id
    with demo_db.unit_of_work() as uow:
        services.set_away(uow, CSC_LEAD, None)
        uow.commit()
    with demo_db.unit_of_work() as uow, pytest.raises(NotAllowed):
        services.record_update(uow, MEMBER, "H-27", note="no longer standing in")
