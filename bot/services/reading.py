"""The read use cases: lists, a recommendation in full, summaries, samples and App Home.
Each opens a read-only unit of work and ends it; none writes. Each reads only the boards the
person may see from where they asked (bot.services.access.boards_in_view)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session

from bot.errors import NotFound
from bot.rules.brag import Thresholds
from bot.rules.permissions import Act, Actor
from bot.services import home, reads, summary
from bot.services.access import board_for_act, boards_in_view, chaired_in_view, one_board
from bot.services.base import UseCases
from bot.services.lookups import recommendation_for
from bot.services.people import Named, resolve
from bot.services.reads import RecommendationDetail, RecommendationPage
from bot.services.summary import BoardSummary
from storage import queries
from storage.models import OPEN_STATUSES, Person, Recommendation, Status
from storage.queries import RecommendationFilter, RecommendationRow


@dataclass(frozen=True)
class ListQuery:
    """What a list asks for (bot.commands.grammar.ListRecs, as the services read it)."""

    review: str | None = None
    agency: str | None = None
    statuses: tuple[Status, ...] = ()
    rag: str | None = None
    overdue: bool = False
    mine: bool = False
    owner: Named | None = None
    theme: str | None = None
    page: int = 1


class Reads(UseCases):
    def chaired_summaries(self, actor: Actor) -> list[BoardSummary]:
        """A chair's `/recs`: a summary of each board they chair and may see from where they
        ask. Empty for anyone who chairs no such board."""
        with self.reading() as uow:
            boards = boards_in_view(uow.session, actor)
            return summary.chaired_summaries(uow.session, actor.user_id, boards, uow.now)

    def list_page(
        self,
        actor: Actor,
        query: ListQuery,
        *,
        title: str | None,
        command: str,
        qualifiers: tuple[str, ...] = (),
    ) -> RecommendationPage:
        """A page of the list; with no `title`, the review's own, then the `qualifiers`."""
        with self.reading() as uow:
            session = uow.session
            boards = boards_in_view(session, actor)
            return self._page(session, actor, boards, query, title, command, qualifiers)

    def mine_unless_chair(self, actor: Actor, title: str, command: str) -> RecommendationPage | None:
        """A person's `/recs`: their open recommendations, read with their boards in one unit
        of work; None for a chair of a board in view (their summaries follow the ack)."""
        with self.reading() as uow:
            session = uow.session
            boards = boards_in_view(session, actor)
            if chaired_in_view(session, actor.user_id, boards):
                return None
            query = ListQuery(mine=True, statuses=OPEN_STATUSES)
            return self._page(session, actor, boards, query, title, command, ())

    def _page(
        self,
        session: Session,
        actor: Actor,
        boards: frozenset[int],
        query: ListQuery,
        title: str | None,
        command: str,
        qualifiers: tuple[str, ...],
    ) -> RecommendationPage:
        review, board = reads.review_in_scope(session, query.review, boards)
        if title is None:
            title = " · ".join((reads.review_title(review), *qualifiers))
        flt = RecommendationFilter(
            boards,
            review_id=review.id if review else None,
            agency_ids=self._agency_ids(
                session, query, [board.id] if review and board and board.id else boards
            ),
            statuses=query.statuses or None,
            brag=query.rag,
            overdue_before=self.today() if query.overdue else None,
            owned_by=self._owner(session, actor, query),
            theme=query.theme,
        )
        return reads.list_page(
            session, flt, today=self.today(),
            thresholds=Thresholds.of(board) if board else reads.thresholds_for(session, boards),
            title=title, command=command, page=query.page,
        )  # fmt: skip

    @staticmethod
    def _agency_ids(
        session: object, query: ListQuery, boards: Collection[int]
    ) -> tuple[int, ...] | None:
        if not query.agency:
            return None
        matches = queries.agencies_matching(session, boards, query.agency)  # type: ignore[arg-type]
        if not matches:
            raise NotFound(
                f"No agency matches '{query.agency[:60]}'.",
                example='/recs list H agency:"Thames Valley Police"',
            )
        return tuple(a.id for a in matches if a.id is not None)

    @staticmethod
    def _owner(session: object, actor: Actor, query: ListQuery) -> str | None:
        if query.owner:
            # The id alone: a list reads, and must not store the mention's name.
            return query.owner.slack_id or resolve(session, query.owner).id  # type: ignore[arg-type]
        return actor.user_id if query.mine else None

    def recommendation(self, actor: Actor, ref: str) -> Recommendation:
        with self.reading() as uow:
            return recommendation_for(uow.session, actor, ref)

    def detail(self, actor: Actor, ref: str) -> RecommendationDetail:
        with self.reading() as uow:
            boards = boards_in_view(uow.session, actor)
            return reads.detail(uow.session, ref, self.today(), actor, boards)

    def require_summary_scope(self, actor: Actor, code: str | None) -> None:
        """Refuses, before the ack, a summary of a review the person can't see (or, with no
        review, asked where it could be any of several boards): two indexed reads."""
        with self.reading() as uow:
            summary.summary_scope(uow.session, code, boards_in_view(uow.session, actor))

    def summary(self, actor: Actor, code: str | None, as_of: object = None) -> BoardSummary:
        with self.reading() as uow:
            boards = boards_in_view(uow.session, actor)
            result = summary.review_summary(
                uow.session, code, uow.now, boards, as_of=as_of  # type: ignore[arg-type]
            )
        result.review_code = code.upper() if code else None
        return result

    def sample(self, actor: Actor, n: int) -> list[RecommendationRow]:
        """n of the board's completed, not yet assured recommendations for a chair to verify."""
        with self.reading() as uow:
            board = board_for_act(uow.session, actor, Act.sample, "draw a sample")
            return reads.sample_completed(uow.session, n, self.today(), board)

    def home_page(self, actor: Actor) -> home.HomePage:
        with self.reading() as uow:
            return home.home_page(uow.session, actor, uow.now)

    def review_choices(self, actor: Actor) -> list[home.Choice]:
        with self.reading() as uow:
            return home.review_choices(uow.session, boards_in_view(uow.session, actor))

    def agency_choices(self, actor: Actor) -> list[home.Choice]:
        with self.reading() as uow:
            return home.agency_choices(uow.session, boards_in_view(uow.session, actor))

    def settings_form(self, actor: Actor) -> tuple[int, home.SettingsForm] | None:
        """The settings of the one board `actor` administers from where they asked."""
        with self.reading() as uow:
            board = one_board(uow.session, actor, act=Act.settings)
            return (board.id, home.form_of(uow.session, board)) if board.id else None

    # --- the console's own reads --------------------------------------------------------------

    def first_admin(self) -> Person | None:
        """The console acts as the first admin given a role until told otherwise."""
        with self.reading() as uow:
            return queries.first_admin(uow.session)

    def has_reviews(self) -> bool:
        with self.reading() as uow:
            return queries.first_review(uow.session) is not None

    def person_named(self, handle: str) -> Person | None:
        with self.reading() as uow:
            return queries.person_by_name_or_email(uow.session, handle)

    def people(self) -> list[Person]:
        with self.reading() as uow:
            return list(queries.all_people(uow.session))
