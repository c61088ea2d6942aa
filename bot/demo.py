"""The Child H demo: a board, its people and the 36 recommendations of section 7."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot import services
from bot.errors import UserError
from bot.imports import records as importing
from bot.imports.action_plan import parse_plan, read_rows
from bot.rules.permissions import SYSTEM, Actor
from storage.db import Database
from storage.models import BoardRoleKind, ReviewKind

PLAN = Path(__file__).resolve().parent.parent / "demo" / "child-h-plan.csv"
BOARD = "Oxfordshire Safeguarding Children Board"
BOARD_CHANNEL = "C0BOARD01"
DEMO_START = datetime(2015, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str
    email: str
    agency: str | None = None
    role: BoardRoleKind | None = None


PEOPLE = (
    DemoPerson("U0SAMPATEL", "Sam Patel", "sam.patel@example.org", BOARD, BoardRoleKind.admin),
    DemoPerson("U0RUTHOKAF", "Ruth Okafor", "ruth.okafor@example.org", None, BoardRoleKind.chair),
    DemoPerson("U0JOTURNER", "Jo Turner", "jo.turner@example.org", "Children's Social Care"),
    DemoPerson("U0DEVSHARM", "Dev Sharma", "dev.sharma@example.org", "Thames Valley Police (TVP)"),
    DemoPerson(
        "U0ALIKHAN0", "Ali Khan", "ali.khan@example.org", "Oxford University Hospital NHS Trust"
    ),
    DemoPerson(
        "U0BETHMORG",
        "Beth Morgan",
        "beth.morgan@example.org",
        "Oxfordshire NHS Foundation Trust: Health Visiting Service",
    ),
    DemoPerson(
        "U0TOMWOOD0",
        "Tom Wood",
        "tom.wood@example.org",
        "Oxfordshire NHS Foundation Trust: Harm Minimisation Service",
    ),
    DemoPerson(
        "U0CHRISLEE",
        "Chris Lee",
        "chris.lee@example.org",
        "Oxfordshire Clinical Commissioning Group",
    ),
    DemoPerson("U0PAMREID0", "Pam Reid", "pam.reid@example.org", "Thames Valley Probation Service"),
    DemoPerson("U0MOAHMED0", "Mo Ahmed", "mo.ahmed@example.org"),  # a member: reads only
)


def load_demo(db: Database, *, plan: Path = PLAN) -> str:
    """Loads the Child H plan once; loading it again changes nothing."""
    db.ensure_migrated()
    admin = Actor(PEOPLE[0].user_id, PEOPLE[0].name)
    with db.unit_of_work() as uow:
        session = uow.session
        for person in PEOPLE:
            services.ensure_person(session, person.user_id, person.name, email=person.email)
        board = services.ensure_board(uow, SYSTEM, BOARD, channel_id=BOARD_CHANNEL)
        for person in PEOPLE:
            if person.role:
                services.grant_role(uow, SYSTEM, board, person.user_id, person.role)
        review = services.ensure_review(
            uow,
            SYSTEM,
            board,
            "H",
            "Child H",
            kind=ReviewKind.SCR,
            published_on=date(2014, 9, 15),
            accepted_on=date(2014, 9, 15),
        )
        parsed = parse_plan(read_rows(plan), review.accepted_on)
        if parsed.errors:
            raise UserError("The demo plan has errors: " + "; ".join(parsed.errors))
        result = importing.import_recommendations(uow, admin, review, parsed.recommendations)
        for person in PEOPLE:
            if person.agency:
                agency = services.ensure_agency(uow, SYSTEM, board.id, person.agency)  # type: ignore[arg-type]
                services.add_agency_member(uow, SYSTEM, agency, person.user_id)
        uow.commit()
    return result.describe()
