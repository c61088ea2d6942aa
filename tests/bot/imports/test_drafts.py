"""Import drafts (bot/imports/drafts.py) on SQLite and PostgreSQL, and the preview's pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, func, select

from bot.errors import NotAllowed, UserError
from bot.imports import drafts as import_drafts
from bot.imports.drafts import Draft
from bot.imports.plans import parse_file
from bot.views import imports as views
from storage.db import Database
from storage.models import AuditLog, ImportDraft, Recommendation, Review
from tests.conftest import ADMIN, MEMBER, SEEDS
from tests.support.block_checks import message_violations, view_violations

REPORT = SEEDS / "child-h-serious-case-review.txt"
BOARD = "Oxfordshire Safeguarding Children Board"


def new_draft(db: Database, code: str = "CH") -> Draft:
    parsed = parse_file(REPORT.name, REPORT.read_bytes(), date(2014, 7, 1))
    with db.unit_of_work() as uow:
        draft = import_drafts.create_draft(
            uow, ADMIN, review_code=code, title="Child H", source=REPORT.name, parsed=parsed
        )
        uow.commit()
    return draft


def count_in(db: Database, code: str) -> int:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(
            select(func.count())
            .select_from(Recommendation)
            .join(Review, col(Review.id) == Recommendation.review_id)
            .where(Review.code == code)
        ).one()


def test_a_draft_keeps_the_parse_as_read(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    with demo_db.unit_of_work(write=False) as uow:
        again = import_drafts.get_draft(uow, draft.id)
    assert again == draft
    assert [r.label for r in again.recommendations] == [str(n) for n in range(1, 37)]
    assert again.recommendations[26].agency == "Children's Social Care"


def test_import_all_creates_36_in_one_go_and_only_once(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    with demo_db.unit_of_work() as uow:
        result = import_drafts.import_draft(uow, ADMIN, draft.id, board_name=BOARD)
        uow.commit()
    assert len(result.created) == 36 and count_in(demo_db, "CH") == 36
    with pytest.raises(UserError, match="already imported"), demo_db.unit_of_work() as uow:
        import_drafts.import_draft(uow, ADMIN, draft.id, board_name=BOARD)
    assert count_in(demo_db, "CH") == 36


def test_a_correction_is_kept_and_imported(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    with demo_db.unit_of_work() as uow:
        corrected = import_drafts.correct(
            uow, ADMIN, draft.id, 0, label="1", agency="Thames Valley Police",
            text="TVP should brief every officer.", due="by end of June 2015",
            accepted_on=date(2014, 7, 1),
        )  # fmt: skip
        uow.commit()
    first = corrected.recommendations[0]
    assert (first.agency, first.due_on, first.confidence) == (
        "Thames Valley Police",
        date(2015, 6, 30),
        1.0,
    )
    assert first.reasons == [import_drafts.CORRECTED]
    with demo_db.unit_of_work() as uow:
        import_drafts.import_draft(uow, ADMIN, draft.id, board_name=BOARD)
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        rec = uow.session.exec(select(Recommendation).where(Recommendation.ref == "CH-1")).one()
    assert rec.text == "TVP should brief every officer." and rec.due_on == date(2015, 6, 30)


@pytest.mark.parametrize(
    ("label", "due", "message"),
    [("2", "", "already labelled 2"), ("", "", "label"), ("1", "whenever", "whenever")],
)
def test_a_bad_correction_changes_nothing(
    demo_db: Database, label: str, due: str, message: str
) -> None:
    draft = new_draft(demo_db)
    with pytest.raises(UserError, match=message), demo_db.unit_of_work() as uow:
        import_drafts.correct(
            uow, ADMIN, draft.id, 0, label=label, agency="", text=None, due=due,
            accepted_on=date(2014, 7, 1),
        )  # fmt: skip
    with demo_db.unit_of_work(write=False) as uow:
        assert import_drafts.get_draft(uow, draft.id) == draft


def test_a_member_can_neither_draft_nor_import(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    parsed = parse_file(REPORT.name, REPORT.read_bytes())
    with pytest.raises(NotAllowed), demo_db.unit_of_work() as uow:
        import_drafts.create_draft(
            uow, MEMBER, review_code="X", title=None, source="x.txt", parsed=parsed
        )
    with pytest.raises(NotAllowed), demo_db.unit_of_work() as uow:
        import_drafts.import_draft(uow, MEMBER, draft.id, board_name=BOARD)
    with pytest.raises(NotAllowed), demo_db.unit_of_work() as uow:
        import_drafts.cancel_draft(uow, MEMBER, draft.id)
    assert count_in(demo_db, "CH") == 0


def test_cancel_imports_nothing_and_is_audited(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    with demo_db.unit_of_work() as uow:
        import_drafts.cancel_draft(uow, ADMIN, draft.id)
        uow.commit()
    with demo_db.unit_of_work(write=False) as uow:
        assert uow.session.get(ImportDraft, draft.id).state == "cancelled"  # type: ignore[union-attr]
        actions = uow.session.exec(
            select(AuditLog.action).where(AuditLog.entity == "import_draft")
        ).all()
    assert actions == ["import_draft.create", "import_draft.cancel"]
    with pytest.raises(UserError, match="already cancelled"), demo_db.unit_of_work() as uow:
        import_drafts.import_draft(uow, ADMIN, draft.id, board_name=BOARD)
    assert count_in(demo_db, "CH") == 0


def test_every_preview_page_and_the_modals_pass_block_validation(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    pages = views.page_count(draft)
    assert pages == 3  # 36 rows, and no page near 50 blocks
    for page in range(pages):
        blocks = [b.to_dict() for b in views.preview_blocks(draft, page)]
        assert message_violations({"blocks": blocks}) == []
        assert len(blocks) < 50
    assert view_violations(views.import_modal(channel_id="C0BOARD01").to_dict()) == []
    edit = views.edit_modal(draft, 26, channel_id="D1", message_ts="1.000001", page=1)
    assert view_violations(edit.to_dict()) == []


def test_pasted_pieces_join_at_line_ends() -> None:
    assert import_drafts.pasted_text(["7 RECOMMENDATIONS\n", "", "1. TVP should act.\n"]) == (
        "7 RECOMMENDATIONS\n1. TVP should act."
    )


def test_the_preview_reports_the_parse_as_a_whole(demo_db: Database) -> None:
    draft = new_draft(demo_db)
    assert draft.summary and draft.summary.startswith("found 36 recommendations under")
    text = str([b.to_dict() for b in views.preview_blocks(draft)])
    assert draft.summary in text
