"""Lookups that raise a person's error: a recommendation by ref, a review by code, a board,
an agency by name, a piece of evidence.

A recommendation or review of a board the person may not see (bot.rules.scope) is not found,
with the very words of one that does not exist: its existence is no one else's business."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.errors import NotFound
from bot.rules.permissions import Actor
from bot.rules.refs import normalise_ref
from bot.services.access import boards_in_view
from storage import queries
from storage.models import (
    Agency,
    Board,
    Evidence,
    Recommendation,
    Review,
)
from storage.queries import BoardScope


def get_recommendation(
    session: Session, ref_text: str, *, boards: BoardScope, for_update: bool = False
) -> Recommendation:
    ref = normalise_ref(ref_text)
    rec = queries.recommendation_by_ref(session, ref, boards, for_update=for_update)
    if rec is None:
        raise no_such_recommendation(ref)
    return rec


def recommendation_for(
    session: Session, actor: Actor, ref_text: str, *, for_update: bool = False
) -> Recommendation:
    """A recommendation by ref among the boards `actor` may see from where they asked."""
    return get_recommendation(
        session, ref_text, boards=boards_in_view(session, actor), for_update=for_update
    )


def no_such_recommendation(ref: str) -> NotFound:
    return NotFound(
        f"There is no recommendation {ref} here. `/recs list` shows the ones there are.",
        example="/recs show H-12",
    )


def get_review(session: Session, code: str, *, boards: BoardScope) -> Review:
    review = queries.review_by_code(session, code, boards)
    if review is None:
        known = ", ".join(queries.review_codes(session, boards))
        hint = f" Known reviews: {known}." if known else ""
        raise NotFound(f"There is no review '{code[:40]}' here.{hint}", example="/recs list H")
    return review


def review_for(session: Session, actor: Actor, code: str) -> Review:
    """A review by code among the boards `actor` may see from where they asked."""
    return get_review(session, code, boards=boards_in_view(session, actor))


def board_of(session: Session, rec: Recommendation) -> Board:
    board_id = queries.board_id_of_review(session, rec.review_id)
    board = session.get(Board, board_id)
    assert board is not None  # a review always has a board (foreign key)
    return board


def find_agency(session: Session, board_id: int, name: str) -> Agency:
    agency = queries.agency_by_name(session, board_id, name)
    if agency:
        return agency
    candidates = queries.agencies_matching(session, [board_id], name)
    if len(candidates) == 1:
        return candidates[0]
    names = [a.name for a in candidates] or [
        a.name for a in session.exec(select(Agency).where(Agency.board_id == board_id)).all()
    ]
    listed = "; ".join(names[:8])
    raise NotFound(
        f"No single agency matches '{name}'." + (f" Agencies: {listed}." if listed else ""),
        example='/recs agency H-12 "Thames Valley Police"',
    )


def get_evidence(session: Session, evidence_id: int | str, *, for_update: bool = False) -> Evidence:
    try:
        key = int(evidence_id)
    except (TypeError, ValueError):
        key = 0
    evidence = session.get(Evidence, key, with_for_update=for_update) if key else None
    if evidence is None:
        raise NotFound("That piece of evidence no longer exists.")
    return evidence


def get_recommendation_by_id(session: Session, rec_id: int) -> Recommendation:
    rec = session.get(Recommendation, rec_id)
    if rec is None:
        raise NotFound("That recommendation no longer exists.")
    return rec
