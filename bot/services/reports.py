"""Board papers as use cases: checked before Slack's answer, issued (recorded, and frozen for
a past day) after it, or exported from the command line."""

from __future__ import annotations

from datetime import date

from bot.reports import issue as papers
from bot.reports.issue import PaperFile
from bot.reports.paper import PaperOptions
from bot.rules.permissions import Actor
from bot.services.base import UseCases
from bot.services.people import acting
from storage.db import Clock, Database


class Reports(UseCases):
    """Papers on the injected clock (RECS_CLOCK, the console's, or the real one), with the
    deployment's marking and contact officer (`options`)."""

    def __init__(
        self, db: Database, clock: Clock | None = None, options: PaperOptions | None = None
    ) -> None:
        super().__init__(db, clock)
        self.options = options or PaperOptions()

    def check(self, actor: Actor, code: str | None, fmt: str) -> tuple[str, str]:
        """The review's code and the format, once the request is known to be good: fast,
        before the ack. Raises the person's error otherwise."""
        fmt = papers.check_format(fmt)
        with self.reading() as uow:
            review = papers.review_for_paper(uow.session, actor, code)
            papers.require_issuer(uow.session, actor, review)
        return review.code, fmt

    def issue(self, actor: Actor, code: str, fmt: str, as_of: date | None) -> PaperFile:
        """Issues the paper to the board and records it, in one transaction."""
        with self.writing() as uow:
            acting(uow, actor)
            made = papers.issue(uow, actor, code, fmt, as_of, self.options)
            uow.commit()
        return made

    def export(
        self, code: str, fmt: str, as_of: date | None, options: PaperOptions | None = None
    ) -> PaperFile:
        """The paper built afresh (`python app.py export`); nothing is recorded. `options`
        stand in for the deployment's (a meeting date given on the command line)."""
        with self.reading() as uow:
            made, _paper = papers.produce(
                uow.session, code, fmt, as_of, uow.now, options or self.options
            )
        return made
