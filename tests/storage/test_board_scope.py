"""No board sees another board's data: every query in storage/ that reads a board's
recommendations, reviews, agencies, people by role or evidence is walked here with two
boards (the Child H demo and tests/support/second_board.py), asked for the first board, and
must bring back nothing of the second.

The walk is complete by construction: every public function and method of storage.queries,
storage.as_of and storage.scope that takes a session must be either walked (SCOPED) or named, with the
reason, as reading no board's data (NOT_BOARD_DATA). A new query joins one or the other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.demo import load_demo
from bot.rules.brag import BRAG_BOUND, Thresholds, brag_bound, brag_params, brag_sql
from console.clock import MovableClock
from storage import as_of, queries, scope
from storage.db import Database
from storage.models import Recommendation, Review
from storage.queries import RecommendationFilter, RecommendationList
from tests import databases
from tests.conftest import BACKENDS, DEMO_TIME, worker_id
from tests.support import second_board
from tests.support.second_board import MARK, SecondBoard, add_second_board

A_CHANNEL = "C0BOARD01"
A_CHAIR = "U0RUTHOKAF"
A_LEAD = "U0JOTURNER"
LATER = datetime(2016, 1, 1, tzinfo=UTC)
EARLY = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Boards:
    session: Session
    a: int
    a_review: int
    a_recs: list[int]
    b: SecondBoard

    @property
    def only_a(self) -> list[int]:
        return [self.a]


Walk = Callable[[Boards], Any]
LISTS = RecommendationList(brag_bound, brag_bound)
STATE = as_of.StateSummary(BRAG_BOUND)
PARAMS = brag_params(date(2015, 3, 2))

# Each board-scoped query, asked for the first board (and, where it takes a key, for the
# second board's key as well: it must not find it).
SCOPED: dict[str, Walk] = {
    "scope.board_of_channel": lambda w: [
        scope.board_of_channel(w.session, A_CHANNEL),
        scope.board_of_channel(w.session, "C0NOBOARD"),
    ],
    "scope.scope_facts": lambda w: scope.scope_facts(w.session, A_LEAD, A_CHANNEL),
    "scope.linked_channels": lambda w: scope.linked_channels(w.session, w.a),
    "queries.board_roles_of": lambda w: queries.board_roles_of(w.session, second_board.CHAIR, w.a),
    "queries.board_id_of_review": lambda w: queries.board_id_of_review(w.session, w.a_review),
    "queries.recommendation_in_full": lambda w: [
        queries.recommendation_in_full(w.session, ref, w.only_a) for ref in (*w.b.refs, "H-27")
    ],
    "queries.standing_facts": lambda w: queries.standing_facts(
        w.session, A_LEAD, _rec(w, w.a_recs[0])
    ),
    "queries.recommendation_by_ref": lambda w: [
        queries.recommendation_by_ref(w.session, ref, w.only_a) for ref in (*w.b.refs, "H-27")
    ],
    "queries.review_by_code": lambda w: [
        queries.review_by_code(w.session, code, w.only_a) for code in ("BRAVO", "bravo", "H")
    ],
    "queries.review_codes": lambda w: queries.review_codes(w.session, w.only_a),
    "queries.reviews_in": lambda w: queries.reviews_in(w.session, w.only_a),
    "queries.agency_by_name": lambda w: queries.agency_by_name(
        w.session, w.a, second_board.AGENCY
    ),
    "queries.agencies_matching": lambda w: [
        queries.agencies_matching(w.session, w.only_a, text) for text in ("", "bravo", "child")
    ],
    "queries.boards_chaired_by": lambda w: queries.boards_chaired_by(w.session, A_CHAIR),
    "queries.people_with_role": lambda w: [
        queries.people_with_role(w.session, w.a, role) for role in ("chair", "admin")
    ],
    "queries.history": lambda w: [queries.history(w.session, rec) for rec in w.a_recs],
    "queries.reminder_details": lambda w: queries.reminder_details(w.session, set(w.a_recs)),
    "queries.open_leads": lambda w: queries.open_leads(w.session, w.a),
    "queries.placeholders_leading": lambda w: queries.placeholders_leading(w.session, w.a),
    "queries.review_with_board": lambda w: [
        queries.review_with_board(w.session, code, w.only_a) for code in ("BRAVO", "H")
    ],
    "RecommendationList.page": lambda w: [
        LISTS.page(w.session, flt, PARAMS, page_size=200)
        for flt in (
            RecommendationFilter(w.only_a),
            RecommendationFilter(w.only_a, theme="neglect"),
            RecommendationFilter(w.only_a, owned_by=second_board.LEAD),
            RecommendationFilter(w.only_a, overdue_before=date(2016, 1, 1)),
        )
    ],
    "RecommendationList.sample": lambda w: LISTS.sample(
        w.session, RecommendationFilter(w.only_a), PARAMS, 500
    ),
    "as_of.state_rows": lambda w: as_of.state_rows(
        w.session,
        (state := as_of.recommendation_state(board_id=w.a)),
        as_of.over_state(brag_sql(date(2015, 3, 2), Thresholds()), state),
    ),
    "StateSummary.counts": lambda w: [
        STATE.counts(w.session, scope, PARAMS)
        for scope in (as_of.Scope(board_id=w.a), as_of.Scope(board_id=w.a, cutoff=LATER))
    ],
    "StateSummary.due": lambda w: STATE.due(
        w.session, as_of.Scope(board_id=w.a), PARAMS, today=date(2015, 3, 2),
        until=date(2016, 3, 2), listed=100,
    ),
    "as_of.updates_between": lambda w: as_of.updates_between(w.session, w.a_recs, EARLY, None),
    "as_of.due_changes_before": lambda w: as_of.due_changes_before(w.session, w.a_recs, None),
    "as_of.evidence_before": lambda w: as_of.evidence_before(w.session, w.a_recs, LATER),
    "as_of.changes_between": lambda w: as_of.changes_between(
        w.session, None, EARLY, None, refs=100, board_id=w.a
    ),
    "as_of.issued_paper": lambda w: as_of.issued_paper(
        w.session, w.a_review, "docx", date(2015, 3, 2)
    ),
}

# What reads no board's data, and why.
NOT_BOARD_DATA = {
    "queries.person": "a person by their id: people are the workspace's, not a board's",
    "queries.names_of": "names for ids the caller already holds",
    "queries.people_by_ids": "people for ids the caller already holds",
    "queries.person_by_name_or_email": "a workspace member by name, as a mention would be",
    "queries.people_named": "Slack users by name, as an import's lead officer is written",
    "queries.person_by_email": "a workspace member by email, as a mention would be",
    "queries.all_people": "the console's list of who it can act as (the operator's terminal)",
    "queries.boards_by_ids": "boards for ids the caller already holds (their boards in view)",
    "queries.has_boards": "whether the deployment has any board yet (the first import)",
    "queries.first_admin": "the console's default identity (the operator's terminal)",
    "queries.first_review": "whether the deployment has any review (console)",
    "queries.all_boards": "the reminder sweep works for every board, each board apart",
    "queries.board_named": "whether a name is taken: a new board's name is unique everywhere",
    "queries.board_workspaces": "the workspaces the sweep works for (ids only)",
    "queries.chairs_by_board": "the reminder sweep: each board's chairs, by board",
    "queries.reminder_candidates": "the reminder sweep: rows carry their board id",
    "queries.boards_administered_by": "the boards a person is admin of: their own roles",
    "queries.boards_with_role": "the boards where a person holds a role: their own roles",
}


def walked_functions() -> set[str]:
    """Every public function and method in storage.queries and storage.as_of that reads
    through a session."""
    found: set[str] = set()
    for module, prefix in ((queries, "queries"), (as_of, "as_of"), (scope, "scope")):
        for name, member in vars(module).items():
            if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(member) and _takes_session(member):
                found.add(f"{prefix}.{name}")
            if inspect.isclass(member):
                for method_name, method in vars(member).items():
                    public = inspect.isfunction(method) and not method_name.startswith("_")
                    if public and _takes_session(method):
                        found.add(f"{member.__name__}.{method_name}")
    return found


def _takes_session(function: Callable[..., Any]) -> bool:
    return "session" in inspect.signature(function).parameters


def _rec(w: Boards, rec_id: int) -> Recommendation:
    rec = w.session.get(Recommendation, rec_id)
    assert rec is not None
    return rec


def test_every_query_that_takes_a_session_is_walked_or_said_to_read_no_boards_data() -> None:
    assert walked_functions() == set(SCOPED) | set(NOT_BOARD_DATA)


@pytest.fixture(scope="module", params=BACKENDS)
def two_boards(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """Child H and the Bravo board, built once for the module: the walk only reads."""
    if request.param == "sqlite":
        url = databases.sqlite_url(tmp_path_factory.mktemp("board-scope"))
    else:
        url = databases.postgres_url(worker_id())
    db = Database(url, clock=MovableClock(DEMO_TIME))
    load_demo(db)
    add_second_board(db)
    yield db
    db.dispose()


@pytest.mark.parametrize("query", sorted(SCOPED))
def test_asked_for_one_board_no_query_brings_back_the_other(two_boards: Database, query: str) -> None:
    with two_boards.unit_of_work(write=False) as uow:
        session = uow.session
        a_review = session.exec(select(Review).where(col(Review.code) == "H")).one()
        a_recs = session.exec(
            select(Recommendation.id).where(Recommendation.review_id == a_review.id)
        ).all()
        bravo = session.exec(select(Review).where(col(Review.code) == "BRAVO")).one()
        b_recs = session.exec(
            select(Recommendation).where(Recommendation.review_id == bravo.id)
        ).all()
        walk = Boards(
            session, a_review.board_id, a_review.id or 0, [r for r in a_recs if r],
            SecondBoard(bravo.board_id, bravo.id or 0, tuple(r.id or 0 for r in b_recs),
                        tuple(r.ref for r in b_recs)),
        )  # fmt: skip
        result = SCOPED[query](walk)
        shown = repr(result).lower()
    assert MARK not in shown, f"{query} brought back the other board's rows: {shown[:500]}"
    if query == "scope.scope_facts":
        assert result.channel_board == walk.a and walk.b.board_id not in result.standing
    if query == "scope.board_of_channel":
        assert result == [walk.a, None]
