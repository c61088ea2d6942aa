"""`/recs import` as use cases: a draft read from pasted text or a file, corrected, imported
whole in one transaction, or cancelled. Only a board admin may do any of it."""

from __future__ import annotations

from datetime import date

from bot.imports import drafts, plans
from bot.imports.drafts import Draft
from bot.imports.plans import FileParse
from bot.imports.records import ImportResult
from bot.rules.permissions import Actor
from bot.services.base import UseCases


class Imports(UseCases):
    def __init__(self, *args: object, board_name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.board_name = board_name  # the board a first import creates (RECS_BOARD)

    def require_admin(self, actor: Actor, what: str = "import a review") -> None:
        with self.reading() as uow:
            drafts.require_admin(uow, actor, what)

    def accepted_on(self, code: str) -> date:
        """The day a review's relative timescales count from: its accepted date, else today."""
        return plans.accepted_on(self.db, code, self.today())

    def create(
        self, actor: Actor, *, review_code: str, title: str | None, source: str, parsed: FileParse
    ) -> Draft:
        with self.writing() as uow:
            draft = drafts.create_draft(
                uow, actor, review_code=review_code, title=title, source=source, parsed=parsed
            )
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
            code = drafts.get_draft(uow, draft_id).review_code
        since = self.accepted_on(code)
        with self.writing() as uow:
            draft = drafts.correct(
                uow, actor, draft_id, index, label=label, agency=agency, text=text, due=due,
                accepted_on=since,
            )  # fmt: skip
            uow.commit()
        return draft

    def import_all(self, actor: Actor, draft_id: int) -> ImportResult:
        with self.writing() as uow:
            result = drafts.import_draft(uow, actor, draft_id, board_name=self.board_name)
            uow.commit()
        return result

    def cancel(self, actor: Actor, draft_id: int) -> Draft:
        with self.writing() as uow:
            draft = drafts.cancel_draft(uow, actor, draft_id)
            uow.commit()
        return draft
