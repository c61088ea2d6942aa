"""`/recs import` over HTTP against `python app.py serve`: paste Child H's section 7 in pieces
or name a shared file, page through the preview, correct a recommendation, import all."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.views import imports as views
from storage.db import Database
from storage.models import ImportDraft, Recommendation, Review
from tests.conftest import SEEDS
from tests.e2e.helpers import acked, fingerprint
from tests.support import payloads as p
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

ADMIN = "U0SAMPATEL"
MEMBER = "U0MOAHMED0"
REPORT = SEEDS / "child-h-serious-case-review.txt"


def section_7() -> str:
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    start = lines.index("7 RECOMMENDATIONS", 200)  # the heading, not the contents line
    end = lines.index("8 GLOSSARY OF ABBREVIATIONS", start)
    return "\n".join(lines[start:end])


def chunks(text: str, most: int = views.PASTE_LIMIT) -> list[str]:
    """The section cut at line ends into pieces a paste box holds, as a person would paste."""
    pieces: list[str] = [""]
    for line in text.splitlines():
        if len(pieces[-1]) + len(line) + 1 > most:
            pieces.append("")
        pieces[-1] += line + "\n"
    return pieces


def import_values(code: str, pasted: list[str], file: str = "") -> p.StateValues:
    values: p.StateValues = {
        "review": {"value": code},
        "title": {"value": f"Child H ({code})"},
        views.FILE_FIELD: {"value": file},
    }
    for number in range(1, views.PASTE_BOXES + 1):
        text = pasted[number - 1] if number <= len(pasted) else ""
        values[views.paste_field(number)] = {"value": text}
    return values


def preview_posted(fake: FakeSlack, user: str = ADMIN) -> dict[str, Any]:
    """The preview DM as Slack holds it: params plus its channel and ts."""
    fake.wait_for(
        lambda c: (
            c.method == "chat.postMessage"
            and c.params.get("channel") == user
            and "Import preview" in str(c.params.get("text"))
        )
    )
    return next(m for m in fake.messages(user) if "Import preview" in str(m.get("text")))


def updated(fake: FakeSlack, seen: int) -> dict[str, Any]:
    """The next chat.update after the `seen` ones already made."""
    fake.wait_for(lambda c: c.method == "chat.update" and len(fake.calls("chat.update")) > seen)
    return fake.calls("chat.update")[seen].params


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in blocks:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            found.setdefault(element["action_id"], element)
        accessory = block.get("accessory")
        if accessory:
            found.setdefault(accessory["action_id"], accessory)
    return found


def rows(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and b.get("accessory")]


def click(slack: SlackDriver, message: dict[str, Any], button: dict[str, Any]) -> None:
    acked(slack.click(ADMIN, button["action_id"], button["value"], message=message))


def review_count(db: Database, code: str) -> int:
    with db.unit_of_work(write=False) as uow:
        return uow.session.exec(
            select(func.count())
            .select_from(Recommendation)
            .join(Review, col(Review.id) == Recommendation.review_id)
            .where(Review.code == code)
        ).one()


def rows_kept(db: Database) -> dict[str, int]:
    """Row counts, less the request signatures the app keeps against replays."""
    return {k: v for k, v in fingerprint(db).items() if k != "processed_event"}


def drafts(db: Database) -> list[ImportDraft]:
    with db.unit_of_work(write=False) as uow:
        return list(uow.session.exec(select(ImportDraft).order_by(col(ImportDraft.id))))


def test_recs_import_opens_the_paste_modal(slack: SlackDriver, fake: FakeSlack) -> None:
    acked(slack.command(ADMIN, "import"))
    view = fake.wait_for("views.open").params["view"]
    assert view["callback_id"] == views.IMPORT_MODAL
    blocks = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert {"review", views.paste_field(1), views.FILE_FIELD} <= set(blocks)


def test_a_member_is_refused_the_import(slack: SlackDriver, fake: FakeSlack) -> None:
    body = acked(slack.command(MEMBER, "import"))
    assert "admin" in json.dumps(body)
    assert fake.calls("views.open") == []


def test_section_7_pasted_in_pieces_previews_in_pages_and_imports_all_36(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    pasted = chunks(section_7())
    assert 1 < len(pasted) <= views.PASTE_BOXES
    body = acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, import_values("CH", pasted)))
    assert body == {}  # the modal closes; the preview comes by DM
    message = preview_posted(fake)
    assert "36 recommendations" in message["text"]
    first = rows(message["blocks"])
    assert len(first) == views.PAGE_SIZE and first[0].startswith("*1* · ")
    assert len(message["blocks"]) <= 50

    labels: list[str] = []
    page, seen = message, 0
    while True:
        labels += [row.split("*")[1] for row in rows(page["blocks"])]
        following = buttons(page["blocks"]).get(views.PAGE_NEXT)
        if following is None:
            break
        click(slack, message, following)
        page, seen = updated(fake, seen), seen + 1
        assert page["ts"] == message["ts"]  # the same message, re-rendered
    assert labels == [str(n) for n in range(1, 37)]
    assert seen == 2  # three pages
    assert "27" in labels and review_count(app_db, "CH") == 0  # nothing imported yet

    click(slack, message, buttons(page["blocks"])[views.IMPORT_ALL])
    done = updated(fake, seen)
    assert "36 added" in done["text"]
    assert views.IMPORT_ALL not in buttons(done["blocks"])
    assert review_count(app_db, "CH") == 36
    assert drafts(app_db)[-1].state == "imported"


def test_import_all_twice_imports_once(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, import_values("CH2", chunks(section_7()))))
    message = preview_posted(fake)
    import_all = buttons(message["blocks"])[views.IMPORT_ALL]
    click(slack, message, import_all)
    updated(fake, 0)
    before = rows_kept(app_db)
    click(slack, message, import_all)
    told = fake.wait_for(lambda c: c.method == "chat.postMessage" and "already" in c.params["text"])
    assert "already imported" in told.params["text"]
    assert rows_kept(app_db) == before
    assert review_count(app_db, "CH2") == 36


def test_edit_corrects_one_recommendation_then_cancel_imports_nothing(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, import_values("CH3", chunks(section_7()))))
    message = preview_posted(fake)
    row_edit = next(
        b["accessory"] for b in message["blocks"] if b.get("accessory", {}).get("value")
    )
    click(slack, message, row_edit)
    modal = fake.wait_for("views.open").params["view"]
    assert modal["callback_id"] == views.EDIT_MODAL
    values: p.StateValues = {
        "label": {"value": "1"},
        "agency": {"value": "Oxfordshire Safeguarding Children Board"},
        "text": {"value": "The Board should publish this review's learning."},
        "due": {"value": "by end of June 2015"},
    }
    body = acked(
        slack.submit_view(
            ADMIN, views.EDIT_MODAL, values, private_metadata=modal["private_metadata"]
        )
    )
    assert body == {}
    page = updated(fake, 0)
    assert rows(page["blocks"])[0].startswith(
        "*1* · Oxfordshire Safeguarding Children Board · due 30/06/2015 · 100%"
    )

    bad: p.StateValues = {**values, "due": {"value": "whenever suits"}}
    body = acked(
        slack.submit_view(ADMIN, views.EDIT_MODAL, bad, private_metadata=modal["private_metadata"])
    )
    assert list(body["errors"]) == ["due"]

    click(slack, message, buttons(message["blocks"])[views.CANCEL])
    done = updated(fake, 1)
    assert "cancelled" in done["text"]
    assert review_count(app_db, "CH3") == 0
    assert drafts(app_db)[-1].state == "cancelled"


def test_a_shared_file_is_read_after_the_ack(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    shared = fake.add_file("child-h.txt", REPORT.read_bytes(), user=ADMIN)
    body = acked(
        slack.submit_view(
            ADMIN, views.IMPORT_MODAL, import_values("CH4", [], file=shared["permalink"])
        )
    )
    assert body == {}
    message = preview_posted(fake)
    assert "36 recommendations" in message["text"]
    assert "child-h.txt" in json.dumps(message["blocks"])


@pytest.mark.parametrize(
    ("user", "values", "block"),
    [
        (MEMBER, import_values("CH5", ["7 RECOMMENDATIONS\n1. TVP should act."]), "review"),
        (ADMIN, import_values("CH5", []), views.paste_field(1)),
        (ADMIN, import_values("CH5", ["Nothing to see here."]), views.paste_field(1)),
        (ADMIN, import_values("", ["7 RECOMMENDATIONS\n1. TVP should act."]), "review"),
    ],
    ids=["member", "empty", "no-recommendations", "no-code"],
)
def test_a_bad_submission_keeps_the_modal_open_and_writes_nothing(
    slack: SlackDriver, app_db: Database, user: str, values: Any, block: str
) -> None:
    before = rows_kept(app_db)
    body = acked(slack.submit_view(user, views.IMPORT_MODAL, values))
    assert body["response_action"] == "errors" and list(body["errors"]) == [block]
    assert rows_kept(app_db) == before


def test_a_file_that_is_not_there_is_told_by_dm(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    before = rows_kept(app_db)
    acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, import_values("CH6", [], file="F0NOPE123")))
    told = fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params["channel"] == ADMIN)
    assert "Nothing was imported" in told.params["text"]
    assert rows_kept(app_db) == before


def test_a_shared_plan_naming_people_previews_their_matches_and_imports_them(
    slack: SlackDriver, fake: FakeSlack, app_db: Database
) -> None:
    from storage.models import Person

    fake.add_user("U0PRIYASHA", real_name="Priya Shah")  # in Slack, not yet in recs
    plan = (
        "Child Q action plan\r\n"
        "No,Recommendation,Agency,Lead officer,Timescale\r\n"
        "1,Audit pre-birth assessments,Children's Social Care,Jo Turner,within 6 months\r\n"
        "2,Review the DNA policy,Oxford University Hospital NHS Trust,Priya Shah,31/3/2015\r\n"
        "3,Brief every GP practice,Oxfordshire Clinical Commissioning Group,Sam Lee,31/3/2015\r\n"
    ).encode("cp1252")
    shared = fake.add_file("child-q-plan.csv", plan, user=ADMIN)
    values = import_values("CQ", [], file=shared["permalink"])
    values["accepted"] = {"value": "1/10/2014"}
    acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, values))
    message = preview_posted(fake)
    preview = json.dumps(message["blocks"])
    assert "3 recommendations" in message["text"]
    assert "Sam Lee" in preview and "/recs people link" in preview
    assert "due 01/04/2015" in preview  # within 6 months of 1 October 2014

    click(slack, message, buttons(message["blocks"])[views.IMPORT_ALL])
    assert "3 added" in updated(fake, 0)["text"]
    with app_db.unit_of_work(write=False) as uow:
        leads = dict(
            uow.session.exec(
                select(Recommendation.label, Person.name)
                .join(Review, col(Review.id) == Recommendation.review_id)
                .join(Person, col(Person.id) == Recommendation.lead_officer_id)
                .where(Review.code == "CQ")
            ).all()
        )
        review = uow.session.exec(select(Review).where(Review.code == "CQ")).one()
    assert leads == {"1": "Jo Turner", "2": "Priya Shah", "3": "Sam Lee"}
    assert str(review.accepted_on) == "2014-10-01"
    people = acked(slack.command(ADMIN, "people"))
    assert "Sam Lee" in json.dumps(people) and "Priya Shah" not in json.dumps(people)


def test_a_bad_accepted_date_keeps_the_modal_open(slack: SlackDriver, app_db: Database) -> None:
    values = import_values("CQ2", ["7 RECOMMENDATIONS\n1. TVP should act."])
    values["accepted"] = {"value": "sometime in 2014"}
    before = rows_kept(app_db)
    body = acked(slack.submit_view(ADMIN, views.IMPORT_MODAL, values))
    assert body["response_action"] == "errors" and list(body["errors"]) == ["accepted"]
    assert rows_kept(app_db) == before
