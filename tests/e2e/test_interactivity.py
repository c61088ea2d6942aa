"""Modals, buttons and App Home over HTTP against `python app.py serve`."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.views import ids
from storage.db import Database
from storage.models import AuditLog, Board, BoardRole, Evidence, Recommendation, Status
from tests.e2e.helpers import acked, fingerprint, shown
from tests.support import payloads as p
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

ADMIN = "U0SAMPATEL"
CHAIR = "U0RUTHOKAF"
CSC_LEAD = "U0JOTURNER"
TVP_LEAD = "U0DEVSHARM"
MEMBER = "U0MOAHMED0"


def rec(db: Database, ref: str) -> Recommendation:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(select(Recommendation).where(Recommendation.ref == ref)).one()


def meta(ref: str) -> str:
    return json.dumps({"ref": ref, "channel": "C0BOARD"})


def dm_to(fake: FakeSlack, user: str) -> dict:
    call = fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params["channel"] == user)
    return call.params


# --- the add modal --------------------------------------------------------------------------


ADD_VALUES: p.StateValues = {
    "review": {"value": p.option_value("H")},
    "text": {"value": "Audit the use of the escalation policy"},
    "agency": {"value": p.option_value("Children's Social Care")},
    "lead": {"value": p.user_value(CSC_LEAD)},
    "due": {"value": "within 6 months"},
    "label": {"value": ""},
}


def test_add_modal_submission_adds_and_confirms(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    body = acked(slack.submit_view(ADMIN, ids.ADD_MODAL, ADD_VALUES))
    assert body == {}
    added = rec(app_db, "H-37")
    assert added.lead_officer_id == CSC_LEAD and added.due_on is not None
    assert "H-37" in dm_to(fake, ADMIN)["text"]


def test_add_modal_with_empty_text_keeps_the_modal_open(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    values: p.StateValues = {**ADD_VALUES, "text": {"value": ""}}
    body = acked(slack.submit_view(ADMIN, ids.ADD_MODAL, values))
    assert body["response_action"] == "errors" and "text" in body["errors"]
    assert fingerprint(app_db) == before


def test_add_modal_with_a_bad_due_date_marks_the_due_input(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    values: p.StateValues = {**ADD_VALUES, "due": {"value": "whenever suits"}}
    body = acked(slack.submit_view(ADMIN, ids.ADD_MODAL, values))
    assert body["response_action"] == "errors" and list(body["errors"]) == ["due"]
    assert fingerprint(app_db) == before


def test_add_modal_by_a_member_is_refused(slack: SlackDriver, app_db: Database) -> None:
    before = fingerprint(app_db)
    body = acked(slack.submit_view(MEMBER, ids.ADD_MODAL, ADD_VALUES))
    assert body["response_action"] == "errors"
    assert fingerprint(app_db) == before


# --- update and completed -------------------------------------------------------------------


def test_update_button_opens_the_update_modal(slack: SlackDriver, fake: FakeSlack) -> None:
    assert slack.click(TVP_LEAD, ids.UPDATE, "H-12").status_code == 200
    view = fake.wait_for("views.open").params["view"]
    assert view["callback_id"] == ids.UPDATE_MODAL
    assert json.loads(view["private_metadata"])["ref"] == "H-12"


def test_update_modal_submission_records_the_update(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    values: p.StateValues = {
        "status": {"value": p.option_value("at-risk")},
        "note": {"value": "Waiting on the health partners"},
    }
    acked(slack.submit_view(TVP_LEAD, ids.UPDATE_MODAL, values, private_metadata=meta("H-12")))
    assert rec(app_db, "H-12").at_risk is True
    assert "H-12" in dm_to(fake, TVP_LEAD)["text"]


def test_update_modal_with_a_note_only_and_no_note_is_refused(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    values: p.StateValues = {"status": {"value": p.option_value("note")}, "note": {"value": ""}}
    body = acked(
        slack.submit_view(TVP_LEAD, ids.UPDATE_MODAL, values, private_metadata=meta("H-14"))
    )
    assert body["response_action"] == "errors" and "note" in body["errors"]
    assert fingerprint(app_db) == before


def test_completed_button_opens_the_completed_modal(slack: SlackDriver, fake: FakeSlack) -> None:
    slack.click(TVP_LEAD, ids.COMPLETED, "H-17")
    assert fake.wait_for("views.open").params["view"]["callback_id"] == ids.COMPLETED_MODAL


def test_completed_modal_attaches_evidence_and_completes_together(
    slack: SlackDriver, app_db: Database
) -> None:
    values: p.StateValues = {
        "url": {"value": "https://example.org/training-log.pdf"},
        "description": {"value": "Training log"},
        "note": {"value": "All staff trained"},
    }
    acked(slack.submit_view(TVP_LEAD, ids.COMPLETED_MODAL, values, private_metadata=meta("H-17")))
    done = rec(app_db, "H-17")
    assert done.status == Status.completed
    with app_db.unit_of_work(write=False) as uow:
        evidence = uow.session.exec(
            select(Evidence).where(Evidence.recommendation_id == done.id)
        ).all()
    assert [e.url for e in evidence] == ["https://example.org/training-log.pdf"]


def test_completed_modal_with_a_bad_link_writes_nothing(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    values: p.StateValues = {"url": {"value": "not a link"}, "description": {"value": ""}}
    body = acked(
        slack.submit_view(TVP_LEAD, ids.COMPLETED_MODAL, values, private_metadata=meta("H-18"))
    )
    assert body["response_action"] == "errors" and "url" in body["errors"]
    assert fingerprint(app_db) == before
    assert rec(app_db, "H-18").status == Status.not_started


# --- settings and import --------------------------------------------------------------------


def settings_values(**changes: object) -> p.StateValues:
    values: p.StateValues = {
        "channel": {"value": p.conversation_value("C0BOARD02")},
        "chairs": {"value": p.users_value([CHAIR, CSC_LEAD])},
        "due_soon_days": {"value": "30, 7"},
        "overdue_every_days": {"value": "14"},
        "stale_after_days": {"value": "90"},
        "escalate_after_days": {"value": "21"},
        "amber_due_within_days": {"value": "30"},
        "amber_stale_days": {"value": "60"},
        "require_evidence": {"value": p.options_value(["yes"])},
    }
    values.update(changes)  # type: ignore[arg-type]
    return values


def board_id(db: Database) -> int:
    with db.unit_of_work(write=False) as uow:
        return int(uow.session.exec(select(Board.id)).first() or 0)


def test_settings_modal_saves_and_audits(slack: SlackDriver, app_db: Database) -> None:
    metadata = json.dumps({"board": board_id(app_db)})
    acked(
        slack.submit_view(ADMIN, ids.SETTINGS_MODAL, settings_values(), private_metadata=metadata)
    )
    with app_db.unit_of_work(write=False) as uow:
        board = uow.session.exec(select(Board)).one()
        assert (board.channel_id, board.due_soon_days, board.overdue_every_days) == (
            "C0BOARD02",
            "30,7",
            14,
        )
        chairs = set(
            uow.session.exec(select(BoardRole.user_id).where(BoardRole.role == "chair")).all()
        )
        assert chairs == {CHAIR, CSC_LEAD}
        actions = uow.session.exec(select(AuditLog.action)).all()
        assert "board.settings" in actions


def test_settings_modal_with_bad_reminder_days_writes_nothing(
    slack: SlackDriver, app_db: Database
) -> None:
    before = fingerprint(app_db)
    metadata = json.dumps({"board": board_id(app_db)})
    values = settings_values(due_soon_days={"value": "soon"})
    body = acked(slack.submit_view(ADMIN, ids.SETTINGS_MODAL, values, private_metadata=metadata))
    assert body["response_action"] == "errors" and list(body["errors"]) == ["due_soon_days"]
    assert fingerprint(app_db) == before


def test_settings_modal_by_a_member_writes_nothing(slack: SlackDriver, app_db: Database) -> None:
    before = fingerprint(app_db)
    metadata = json.dumps({"board": board_id(app_db)})
    body = acked(
        slack.submit_view(MEMBER, ids.SETTINGS_MODAL, settings_values(), private_metadata=metadata)
    )
    assert body["response_action"] == "errors"
    assert fingerprint(app_db) == before




# --- buttons --------------------------------------------------------------------------------


def test_show_button_answers_with_the_detail(slack: SlackDriver, fake: FakeSlack) -> None:
    slack.click(MEMBER, ids.SHOW, "H-3")
    answer = fake.wait_for("response_url").params["payload"]
    assert "H-3" in shown(answer) and answer["replace_original"] is False


def test_at_risk_and_on_track_buttons_flip_the_flag(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    slack.click(CSC_LEAD, ids.AT_RISK, "H-29")
    fake.wait_for("response_url")
    assert rec(app_db, "H-29").at_risk is True
    fake.clear()
    slack.click(CSC_LEAD, ids.ON_TRACK, "H-29")
    fake.wait_for("response_url")
    assert rec(app_db, "H-29").at_risk is False


def test_at_risk_button_by_a_member_is_refused(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    before = fingerprint(app_db)
    slack.click(MEMBER, ids.AT_RISK, "H-29")
    answer = fake.wait_for("response_url").params["payload"]
    assert ":warning:" in shown(answer)
    assert fingerprint(app_db) == before


def test_next_page_button_replaces_the_list(slack: SlackDriver, fake: FakeSlack) -> None:
    value = json.dumps({"command": "list H", "page": 2})
    slack.click(MEMBER, ids.LIST_PAGE + "_next", value)
    answer = fake.wait_for("response_url").params["payload"]
    # Page 2 of a 36-recommendation list: the page says where it starts, and replaces the list.
    assert answer["replace_original"] is True and "Child H" in shown(answer)


def test_stale_page_button_says_so(slack: SlackDriver, fake: FakeSlack) -> None:
    slack.click(MEMBER, ids.LIST_PAGE + "_next", "not json")
    answer = fake.wait_for("response_url").params["payload"]
    assert "out of date" in shown(answer)


# --- App Home -------------------------------------------------------------------------------


def test_app_home_for_an_owner_lists_their_recommendations(
    slack: SlackDriver, fake: FakeSlack
) -> None:
    assert slack.app_home_opened(TVP_LEAD).status_code == 200
    view = fake.wait_for("views.publish").params["view"]
    assert view["type"] == "home" and "My recommendations" in shown(view)
    assert "H-15" in shown(view) and "By agency" not in shown(view)
    assert len(view["blocks"]) <= 100


def test_app_home_for_a_chair_adds_the_board_overview(slack: SlackDriver, fake: FakeSlack) -> None:
    slack.app_home_opened(CHAIR)
    view = fake.wait_for("views.publish").params["view"]
    assert fake.calls("views.publish")[0].params["user_id"] == CHAIR
    assert "By agency" in shown(view)


def test_button_in_app_home_answers_by_dm_and_refreshes_home(
    slack: SlackDriver, app_db: Database, fake: FakeSlack
) -> None:
    home = {"id": "VHOME1", "type": "home", "blocks": [], "callback_id": ""}
    slack.click(CSC_LEAD, ids.AT_RISK, "H-27", view=home)
    assert "H-27" in dm_to(fake, CSC_LEAD)["text"]
    fake.wait_for("views.publish")
    assert rec(app_db, "H-27").at_risk is True
