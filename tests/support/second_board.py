"""A second board beside the Child H demo, for the tests that check no board sees another's
data: its own channel and a linked private channel, chair, admin, lead officer (away, with a
deputy), agency, review, recommendations, notes, a due-date move and evidence, public and
from the private channel. Every text, name and ref of it says "bravo", so that any of it
showing up where it should not is found by looking for that word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.permissions import SYSTEM, Actor
from storage.db import Database
from storage.models import (
    BoardChannel,
    BoardRoleKind,
    EvidenceState,
    ReviewKind,
    Status,
    UpdateSource,
)

MARK = "bravo"  # in every text, name and ref of the second board
BOARD = "Bravo Safeguarding Partnership"
CHANNEL = "C0BRAVO01"
PRIVATE_CHANNEL = "G0BRAVOPRIV"  # G: a private channel, as Slack once named them
CHAIR = "U0BRAVOCHR"
ADMIN = "U0BRAVOADM"
LEAD = "U0BRAVOLED"
DEPUTY = "U0BRAVODEP"
REVIEW = "BRAVO"
AGENCY = "Bravo Children's Services"
PRIVATE_LINK = "https://bravo.example/private-case-file-bravo.pdf"
PUBLIC_LINK = "https://bravo.example/public-audit-bravo.pdf"


@dataclass(frozen=True)
class SecondBoard:
    board_id: int
    review_id: int
    rec_ids: tuple[int, ...]
    refs: tuple[str, ...]


def add_second_board(db: Database) -> SecondBoard:
    """Adds the Bravo board to a database that has the Child H demo (or none)."""
    with db.unit_of_work() as uow:
        session = uow.session
        for user_id, name in (
            (CHAIR, "Bea Bravo-Chair"),
            (ADMIN, "Bill Bravo-Admin"),
            (LEAD, "Ben Bravo-Lead"),
            (DEPUTY, "Bo Bravo-Deputy"),
        ):
            services.ensure_person(session, user_id, name, email=f"{name.lower()}@bravo.example")
        board = services.ensure_board(uow, SYSTEM, BOARD, channel_id=CHANNEL)
        assert board.id is not None
        services.grant_role(uow, SYSTEM, board, CHAIR, BoardRoleKind.chair)
        services.grant_role(uow, SYSTEM, board, ADMIN, BoardRoleKind.admin)
        session.add(BoardChannel(board_id=board.id, channel_id=PRIVATE_CHANNEL, created_at=uow.now))
        review = services.ensure_review(
            uow, SYSTEM, board, REVIEW, "Child Bravo review", kind=ReviewKind.CSPR,
            published_on=date(2014, 6, 1), accepted_on=date(2014, 6, 1),
        )  # fmt: skip
        agency = services.ensure_agency(uow, SYSTEM, board.id, AGENCY)
        services.add_agency_member(uow, SYSTEM, agency, LEAD)
        recs = [
            services.add_recommendation(
                uow, SYSTEM,
                services.NewRecommendation(
                    REVIEW, f"bravo recommendation {n}: the bravo partnership should audit bravo",
                    agency=AGENCY, lead_officer_id=LEAD, due=due, themes=("neglect",),
                ),
                source=UpdateSource.import_,
            )
            for n, due in ((1, "31/12/2014"), (2, "30/6/2015"), (3, "31/1/2015"))
        ]
        lead = Actor(LEAD, "Ben Bravo-Lead")
        services.record_update(uow, lead, recs[0].ref, status=Status.in_progress,
                               note="bravo note: the bravo audit is booked")  # fmt: skip
        services.record_update(uow, lead, recs[1].ref, at_risk=True, note="bravo risk note")
        services.move_due_date(uow, lead, recs[1].ref, "31/7/2015", "bravo slippage reason")
        services.attach_evidence(uow, lead, recs[0].ref, PUBLIC_LINK, "bravo public audit")
        services.attach_evidence(
            uow, lead, recs[0].ref, PRIVATE_LINK, "bravo private case notes",
            channel_id=PRIVATE_CHANNEL, message_ts="1425286800.000777", channel_private=True,
        )  # fmt: skip
        services.record_update(uow, lead, recs[2].ref, status=Status.in_progress, note="bravo")
        services.mark_done(uow, lead, recs[2].ref, evidence_url=PUBLIC_LINK + "?done", note="bravo done")
        services.set_away(uow, lead, date(2015, 4, 30), DEPUTY)
        uow.commit()
        assert all(r.id is not None for r in recs) and review.id is not None
        assert EvidenceState.recorded  # evidence by the lead is recorded, not proposed
        return SecondBoard(
            board.id, review.id, tuple(r.id or 0 for r in recs), tuple(r.ref for r in recs)
        )
