"""Who may write what: every write command and button × every role, over HTTP.

The allowed set is PRODUCT.md's "People" table:
- admin: everything;
- chair: sign off, send back (reject), accept or reject evidence, reminders, samples;
- owner (lead officer or agency member): update, note, due, evidence, done, reminders,
  for the recommendations they own;
- member, an owner in another agency, and anyone from another workspace: nothing.

Each refused cell must say who can do it and write nothing; each allowed cell must write.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.views import ids
from storage.db import Database
from tests.e2e.helpers import acked, shown
from tests.e2e.server import SIGNING_SECRET, ServeProcess
from tests.reliability.live import Fingerprint
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlack

ADMIN = "U0SAMPATEL"
CHAIR = "U0RUTHOKAF"
OWNER = "U0JOTURNER"  # Children's Social Care: H-27..H-30
OTHER_OWNER = "U0DEVSHARM"  # Thames Valley Police: H-12..H-20
MEMBER = "U0MOAHMED0"
FOREIGN = "foreign"  # the owner, but calling from another workspace

ROLES = (ADMIN, CHAIR, OWNER, OTHER_OWNER, MEMBER, FOREIGN)
EVERYONE_WHO_OWNS = {ADMIN, OWNER}
CHAIRS = {ADMIN, CHAIR}
ADMINS = {ADMIN}


@dataclass(frozen=True)
class Cell:
    """A write and the roles allowed it. `{ref}`/`{n}` are filled per allowed role so that
    each allowed write meets its preconditions (an open item to complete, a completed one
    to sign off); refused roles always aim at the owner's own item."""

    command: str
    allowed: frozenset[str]
    refs: dict[str, str]  # role -> the ref an allowed role acts on


def cell(command: str, allowed: set[str], **refs: str) -> Cell:
    return Cell(command, frozenset(allowed), refs)


# PRODUCT.md's table, one row per write.
MATRIX = [
    cell("note {ref} Permission check {n}", EVERYONE_WHO_OWNS, owner="H-29", admin="H-29"),
    cell(
        "update {ref} at-risk Permission check {n}", EVERYONE_WHO_OWNS, owner="H-29", admin="H-29"
    ),
    cell("update {ref} note Permission check {n}", EVERYONE_WHO_OWNS, owner="H-29", admin="H-29"),
    cell("due {ref} {day}/12/2015 permission check", EVERYONE_WHO_OWNS, owner="H-29", admin="H-29"),
    cell(
        "evidence {ref} https://example.org/check-{n}.pdf Check",
        EVERYONE_WHO_OWNS,
        owner="H-29",
        admin="H-29",
    ),
    cell(
        "done {ref} https://example.org/done-{n}.pdf Done",
        EVERYONE_WHO_OWNS,
        owner="H-27",
        admin="H-6",
    ),
    cell("remind {ref}", EVERYONE_WHO_OWNS | {CHAIR}, owner="H-29", admin="H-29", chair="H-29"),
    cell("assign {ref} <@U0JOTURNER>", ADMINS, admin="H-29"),
    cell('agency {ref} "Children\'s Social Care"', ADMINS, admin="H-29"),
    cell("signoff {ref}", CHAIRS, chair="H-28", admin="H-30"),
    cell("reject {ref} The evidence covers one team only", CHAIRS, chair="H-28", admin="H-30"),
    cell("update {ref} not-implemented The board withdrew it", ADMINS, admin="H-36"),
    cell("update {ref} superseded H-34 merged", ADMINS, admin="H-35"),
    cell('add H "Permission check {n}: audit escalation practice"', ADMINS, admin="H-1"),
]

ROLE_NAMES = {
    ADMIN: "admin",
    CHAIR: "chair",
    OWNER: "owner",
    OTHER_OWNER: "other_owner",
    MEMBER: "member",
    FOREIGN: "foreign",
}


@pytest.fixture
def drivers(server: ServeProcess, fake: FakeSlack) -> Iterator[dict[str, SlackDriver]]:
    fake.clear()
    with (
        SlackDriver(server.events_url, SIGNING_SECRET, fake=fake) as home,
        SlackDriver(server.events_url, SIGNING_SECRET, team_id="T0OTHERTEAM", fake=fake) as away,
    ):
        yield {"home": home, "away": away}


def send(drivers: dict[str, SlackDriver], role: str, text: str) -> str:
    if role == FOREIGN:
        return shown(acked(drivers["away"].command(OWNER, text)))
    return shown(acked(drivers["home"].command(role, text)))


def test_every_write_command_by_every_role(
    drivers: dict[str, SlackDriver], prints: Fingerprint
) -> None:
    days = iter(range(1, 29))  # every allowed due-date move needs a new date
    for n, row in enumerate(MATRIX):
        # Refused roles first, aimed at the owner's open item: the allowed writes that follow
        # may change its state.
        for role in sorted(set(ROLES) - row.allowed, key=ROLES.index):
            text = row.command.format(ref=row.refs.get("owner", "H-29"), n=n, day=28)
            before = prints.take()
            reply = send(drivers, role, text)
            assert "can't" in reply or "Only" in reply or "another workspace" in reply, (
                f"{ROLE_NAMES[role]} was not refused: /recs {text}\n{reply}"
            )
            assert prints.take() == before, f"{ROLE_NAMES[role]} wrote something: /recs {text}"
        for role in sorted(row.allowed, key=ROLES.index):
            text = row.command.format(ref=row.refs[ROLE_NAMES[role]], n=n, day=next(days))
            before = prints.counts()
            reply = send(drivers, role, text)
            assert ":warning:" not in reply, (
                f"{ROLE_NAMES[role]} was refused: /recs {text}\n{reply}"
            )
            if text.startswith("remind"):
                # Sent after the ack: wait for its answer, or its ledger write lands in the
                # next refused role's window and looks like that role's.
                name = str(drivers["home"].last_response_url).rsplit("/", 1)[-1]
                drivers["home"].fake.wait_for(  # type: ignore[union-attr]
                    lambda c, name=name: c.method == "response_url" and c.params["name"] == name,
                    15,
                )
            else:
                assert prints.counts() != before, f"{ROLE_NAMES[role]} wrote nothing: /recs {text}"


BUTTONS = [
    (ids.AT_RISK, EVERYONE_WHO_OWNS),
    (ids.ON_TRACK, EVERYONE_WHO_OWNS),
    (ids.SNOOZE, EVERYONE_WHO_OWNS),
]


@pytest.mark.parametrize(("action_id", "allowed"), BUTTONS)
def test_every_write_button_by_every_role(
    drivers: dict[str, SlackDriver],
    prints: Fingerprint,
    fake: FakeSlack,
    action_id: str,
    allowed: set[str],
) -> None:
    for role in ROLES:
        before = prints.take()
        fake.clear()
        driver, user = (drivers["away"], OWNER) if role == FOREIGN else (drivers["home"], role)
        driver.click(user, action_id, "H-29")
        answer = shown(
            fake.wait_for(lambda c: c.method in {"response_url", "chat.postMessage"}).params
        )
        if role in allowed:
            assert ":warning:" not in answer, f"{ROLE_NAMES[role]} refused {action_id}: {answer}"
        else:
            assert prints.take() == before, f"{ROLE_NAMES[role]} wrote by {action_id}"
            assert ":warning:" in answer or "can't" in answer or "Only" in answer, answer


def test_the_matrix_is_product_mds_table(app_db: Database) -> None:
    """Members and owners elsewhere may write nothing; chairs only assure; admins all."""
    for row in MATRIX:
        assert MEMBER not in row.allowed and OTHER_OWNER not in row.allowed
        assert FOREIGN not in row.allowed
        assert ADMIN in row.allowed
        if CHAIR in row.allowed:
            assert row.command.split()[0] in {"signoff", "reject", "remind"}


def test_evidence_buttons_refuse_another_workspace(
    drivers: dict[str, SlackDriver], prints: Fingerprint, fake: FakeSlack, app_db: Database
) -> None:
    """Undo, Accept and Reject… on an evidence thread reply: the poster, the owner or a chair
    clicking from another workspace: refused, nothing written."""
    from sqlmodel import col, select

    from storage.models import Evidence

    link = "https://example.org/foreign-workspace-check.pdf"
    acked(drivers["home"].command(OWNER, f"evidence H-29 {link} Audit"))
    with app_db.unit_of_work(write=False) as uow:
        evidence = uow.session.exec(select(Evidence).where(col(Evidence.url) == link)).one()
    for action_id in (ids.EVIDENCE_UNDO, ids.EVIDENCE_ACCEPT, ids.EVIDENCE_REJECT):
        before = prints.take()
        fake.clear()
        drivers["away"].click(OWNER, action_id, str(evidence.id))
        answer = shown(
            fake.wait_for(lambda c: c.method in {"response_url", "chat.postMessage"}).params
        )
        assert "another workspace" in answer, f"{action_id} from another workspace: {answer}"
        assert prints.take() == before, f"{action_id} from another workspace wrote something"


def test_evidence_modals_refuse_another_workspace(
    drivers: dict[str, SlackDriver], prints: Fingerprint, app_db: Database
) -> None:
    """The chair's *Reject evidence* reason and *Add as evidence*, submitted from another
    workspace: the modal shows the refusal on its field, and nothing is written."""
    import json

    from sqlmodel import col, select

    from bot.views import evidence as views
    from bot.views.modals import VALUE, metadata
    from storage.models import Evidence

    link = "https://example.org/foreign-modal-check.pdf"
    acked(drivers["home"].command(OWNER, f"evidence H-29 {link} Audit"))
    with app_db.unit_of_work(write=False) as uow:
        evidence = uow.session.exec(select(Evidence).where(col(Evidence.url) == link)).one()
    submissions = [
        (
            ids.REJECT_EVIDENCE_MODAL,
            CHAIR,
            {views.REASON_FIELD: {VALUE: "Not from this board"}},
            metadata(evidence=evidence.id),
        ),
        (
            ids.EVIDENCE_MODAL,
            OWNER,
            {views.REF_FIELD: {VALUE: "H-29"}, views.DESCRIPTION_FIELD: {VALUE: "Minutes"}},
            metadata(channel="C0BOARD", ts="1425286800.000900", links=[link + "?again"]),
        ),
    ]
    for callback_id, user, values, private in submissions:
        before = prints.take()
        response = drivers["away"].submit_view(user, callback_id, values, private_metadata=private)
        errors = json.dumps(response.json().get("errors")) if response.content else ""
        assert "another workspace" in errors, f"{callback_id} from another workspace: {errors}"
        assert prints.take() == before, f"{callback_id} from another workspace wrote something"
