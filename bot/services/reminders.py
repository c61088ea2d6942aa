"""`/recs remind REF` as a use case: checked before Slack's answer, sent through the ledger
after it (so a reply in its thread is recorded like any reminder's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block

from bot.errors import UserError
from bot.reminders.delivery import DeliveryFailed
from bot.reminders.due import Kind
from bot.rules.permissions import Act, Actor
from bot.services.access import require_on
from bot.services.base import UseCases
from bot.services.lookups import board_of, recommendation_for
from storage import queries
from storage.db import Clock, Database

if TYPE_CHECKING:
    # The sweep renders with bot.views, which read bot.services' data types: imported
    # when used, so that importing a view first does not go round in a circle.
    from bot.reminders.sweep import Notifier


@dataclass(frozen=True)
class ManualReminder:
    rec_id: int
    ref: str
    owner_id: str
    text: str  # the reminder as it would read, for a front end with no notifier
    blocks: list[Block]
    workspace: str | None = None  # the board's workspace, where recs serves many


class Reminders(UseCases):
    def __init__(
        self, db: Database, clock: Clock | None = None, notifier: Notifier | None = None
    ) -> None:
        super().__init__(db, clock)
        self.notifier = notifier  # None: the reminder is returned for the caller to show
        # Many workspaces: the notifier speaking for a board's workspace (its own bot).
        self.notifier_for: Callable[[str], Notifier | None] | None = None

    def check(self, actor: Actor, ref: str) -> ManualReminder:
        """Who may send it, and that there is someone to send it to."""
        with self.reading() as uow:
            rec = recommendation_for(uow.session, actor, ref)
            require_on(uow.session, actor, rec, Act.send_reminder,
                       f"send {rec.ref}'s reminder", uow.now)  # fmt: skip
            if rec.lead_officer_id is None:
                raise UserError(
                    f"{rec.ref} has no lead officer to remind.",
                    example=f"/recs assign {rec.ref} @jane",
                )
            board = board_of(uow.session, rec)
            detail = queries.reminder_details(uow.session, {rec.id}).get(rec.id)  # type: ignore[arg-type]
        assert detail is not None and rec.id is not None
        from bot.reminders.messages import render

        text, blocks = render(detail, Kind.manual, board, self.clock(), None)
        return ManualReminder(rec.id, rec.ref, rec.lead_officer_id, text, blocks, board.team_id)

    def send(self, reminder: ManualReminder) -> str:
        """Sends it now; returns who it went to, or raises sweep.DeliveryFailed."""
        from bot.reminders.manual import send_now

        notifier = self.notifier
        if self.notifier_for is not None and reminder.workspace is not None:
            notifier = self.notifier_for(reminder.workspace)
        if notifier is None:
            raise DeliveryFailed("recs is not installed in the board's workspace")
        return send_now(self.db, notifier, reminder.rec_id)
