"""Imports as use cases: a plan or report file from the command line, run whole in one
transaction and committed, or rolled back for a dry run or any problem; and `/recs import`'s
draft, read from pasted text or a shared file, checked by the same run, corrected, imported
whole, or cancelled. Only a board admin may import from Slack.

The workspace's members (`directory`, Slack's `users.list`, set by compose.py) are read
before a transaction opens, so no transaction waits on Slack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot import services
from bot.errors import UserError
from bot.imports import ParsedRecommendation, drafts
from bot.imports import records as importing
from bot.imports.drafts import Draft
from bot.imports.plans import FileParse, by_row, parse_file
from bot.imports.records import ImportResult
from bot.rules.permissions import SYSTEM, Actor
from bot.services.base import UseCases
from bot.services.leads import Directory, DirectoryEntry
from storage import queries
from storage.db import UnitOfWork
from storage.queries import EVERY_BOARD, BoardScope


@dataclass
class PlanImport:
    """What importing a file did, or (a dry run, or refused) would have done."""

    recommendations: list[ParsedRecommendation]
    result: ImportResult
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # by row: nothing was written
    dry_run: bool = False
    summary: str | None = None  # a report's parse as a whole

    @property
    def conflicts(self) -> list[str]:
        return self.result.conflicts

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.problems

    def describe(self) -> str:
        return self.result.describe()


class Imports(UseCases):
    def __init__(self, *args: object, board_name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.board_name = board_name  # the board a first import creates (RECS_BOARD)
        self.directory: Directory | None = None  # Slack's members, where there is a Slack
        # Many workspaces: each workspace's members, by its id (None where not installed).
        self.directories: Callable[[str], Directory | None] | None = None

    def require_admin(self, actor: Actor, what: str = "import a review") -> None:
        with self.reading() as uow:
            drafts.require_admin(uow, actor, what)

    def accepted_on(self, code: str, boards: BoardScope = EVERY_BOARD) -> date | None:
        """The day a review's relative timescales count from: its accepted date, if set.
        Never today: a timescale with no accepted date keeps its phrase and no due date.
        The operator's import reads every board; a person's draft, its own board's."""
        with self.reading() as uow:
            review = queries.review_by_code(uow.session, code, boards)
            return review.accepted_on if review else None

    def import_file(
        self,
        filename: str,
        content: bytes,
        *,
        review_code: str,
        title: str | None,
        board_name: str | None = None,
        accepted_on: date | None = None,
        sheet: str | None = None,
        dry_run: bool = False,
        actor: Actor = SYSTEM,
    ) -> PlanImport:
        """Reads the file and runs the whole import; commits unless `dry_run` or a problem."""
        parsed = parse_file(
            filename, content, accepted_on,
            review_accepted=self.accepted_on(review_code), sheet=sheet,
        )  # fmt: skip
        if not parsed.recommendations:
            raise UserError(" ".join(parsed.errors) or "The file has no recommendations in it.")
        members = self.members(parsed.recommendations, actor)
        with self.writing() as uow:
            result = self._run(
                uow, actor, review_code, title, parsed, members,
                board_name=board_name or self.board_name, accepted_on=accepted_on,
                exact_board=board_name is not None,
            )  # fmt: skip
            done = PlanImport(
                parsed.recommendations, result, [*parsed.warnings, *result.warnings],
                by_row([*parsed.errors, *result.errors]), dry_run, parsed.summary,
            )  # fmt: skip
            if done.written:
                uow.commit()
        return done

    def members(
        self, recs: list[ParsedRecommendation], actor: Actor = SYSTEM
    ) -> Sequence[DirectoryEntry]:
        """The members of the importing person's workspace (with many, theirs alone), when
        any lead officer needs matching and Slack is there."""
        directory = self.directory
        if actor.workspace is not None:
            directory = self.directories(actor.workspace) if self.directories else None
        if directory is None or not any(r.lead_officer for r in recs):
            return ()
        return directory.entries()

    def _run(
        self,
        uow: UnitOfWork,
        actor: Actor,
        code: str,
        title: str | None,
        parsed: FileParse,
        members: Sequence[DirectoryEntry],
        *,
        board_name: str,
        accepted_on: date | None,
        exact_board: bool = False,
    ) -> ImportResult:
        board = drafts.import_board(uow, actor, board_name, review_code=code, exact=exact_board)
        review = queries.review_by_code(uow.session, code, [board.id or 0])
        review = review or services.ensure_review(uow, actor, board, code, title)
        return importing.import_recommendations(
            uow, actor, review, parsed.recommendations, directory=members,
            accepted_on=accepted_on or parsed.accepted_on,
        )  # fmt: skip

    def create(
        self, actor: Actor, *, review_code: str, title: str | None, source: str, parsed: FileParse
    ) -> Draft:
        """A draft for the preview, checked first by a run of the import that is rolled back:
        the preview lists its conflicts and warnings, and a draft that would fail is refused
        with every problem."""
        members = self.members(parsed.recommendations, actor)
        with self.writing() as uow:  # never committed: the check
            drafts.require_admin(uow, actor, "import a review")
            checked = self._run(
                uow, actor, review_code.strip().upper(), title, parsed, members,
                board_name=self.board_name, accepted_on=parsed.accepted_on,
            )  # fmt: skip
        problems = by_row([*parsed.errors, *checked.errors])
        checked_parse = FileParse(
            parsed.recommendations, problems, [*parsed.warnings, *checked.warnings],
            parsed.accepted_on, parsed.summary,
        )  # fmt: skip
        with self.writing() as uow:
            draft = drafts.create_draft(
                uow, actor, review_code=review_code, title=title, source=source,
                parsed=checked_parse, conflicts=checked.conflicts,
            )  # fmt: skip
            uow.commit()
        return draft

    def draft(self, actor: Actor, draft_id: int, what: str) -> Draft:
        """A draft, to its importing admin (`what` names the purpose for a refusal)."""
        with self.reading() as uow:
            drafts.require_admin(uow, actor, what)
            return drafts.get_draft(uow, draft_id)

    def correct(
        self, actor: Actor, draft_id: int, index: int, *, label: str, agency: str,
        text: str | None, due: str,
    ) -> Draft:  # fmt: skip
        with self.reading() as uow:
            draft = drafts.get_draft(uow, draft_id)
        since = self.accepted_on(draft.review_code, [draft.board_id] if draft.board_id else [])
        with self.writing() as uow:
            draft = drafts.correct(
                uow, actor, draft_id, index, label=label, agency=agency, text=text, due=due,
                accepted_on=since,
            )  # fmt: skip
            uow.commit()
        return draft

    def import_all(self, actor: Actor, draft_id: int) -> ImportResult:
        with self.reading() as uow:
            drafts.require_admin(uow, actor, "import a review")
            recs = drafts.get_draft(uow, draft_id).recommendations
        members = self.members(recs, actor)
        with self.writing() as uow:
            result = drafts.import_draft(
                uow, actor, draft_id, board_name=self.board_name, directory=members
            )
            uow.commit()
        return result

    def cancel(self, actor: Actor, draft_id: int) -> Draft:
        with self.writing() as uow:
            draft = drafts.cancel_draft(uow, actor, draft_id)
            uow.commit()
        return draft
