"""A person Slack will not let the bot reach: their reminders are undeliverable with the
reason, everyone else's go, and the business manager is told once, in the digest and on App
Home, until someone else leads their recommendations or Slack reaches them again."""

from __future__ import annotations

from datetime import timedelta

from bot.reminders.delivery import Delivery, Outgoing, Undeliverable
from bot.reminders.sweep import Sweeper
from bot.rules.permissions import Actor
from bot.services.home import home_page
from bot.views.home import home_view
from storage.db import Database
from tests.bot.reminders.test_sweep import AT, CHILD_H_DUE, ListNotifier
from tests.conftest import ADMIN, CSC_LEAD, TVP_LEAD


class RefusingNotifier(ListNotifier):
    """Slack that answers `user_not_found` for some people."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    def send(self, message: Outgoing) -> Delivery:
        if message.user_id in self.refused:
            self.attempts += 1
            raise Undeliverable("user_not_found")
        return super().send(message)


def home_text(db: Database, user_id: str) -> str:
    with db.unit_of_work(write=False) as uow:
        page = home_page(uow.session, Actor(user_id), AT)
    return str(home_view(page, AT.date()).to_dict())


def test_an_unreachable_lead_is_marked_and_told_to_the_business_manager_once(
    demo_db: Database,
) -> None:
    notifier = RefusingNotifier({TVP_LEAD.user_id})
    result = Sweeper(demo_db, notifier, max_failures=1).sweep(AT)
    # A breaker of one failure: a refused person is not a failure of Slack's.
    assert len(result.undeliverable) == 3 and not result.failed
    assert len(result.sent) == CHILD_H_DUE - 3
    said = home_text(demo_db, ADMIN.user_id)
    assert "Can't reach 1 lead officer: Dev Sharma (not found in Slack, 3 reminders" in said
    assert "Can't reach" not in home_text(demo_db, CSC_LEAD.user_id)  # not theirs to fix
    tried = notifier.attempts
    again = Sweeper(demo_db, notifier).sweep(AT + timedelta(minutes=1))
    assert again.undeliverable == [] and notifier.attempts == tried  # not asked every minute


def test_reached_again_the_lead_is_no_longer_reported(demo_db: Database) -> None:
    Sweeper(demo_db, RefusingNotifier({TVP_LEAD.user_id})).sweep(AT)
    assert "Can't reach" in home_text(demo_db, ADMIN.user_id)
    Sweeper(demo_db, ListNotifier()).sweep(AT + timedelta(days=2))  # Wednesday's reminders
    assert "Can't reach" not in home_text(demo_db, ADMIN.user_id)


def test_recs_remind_to_an_unreachable_lead_says_so_and_what_to_do(demo_db: Database) -> None:
    from bot.commands.dispatch import CommandRunner
    from bot.services.suite import Services

    services = Services(demo_db)
    services.reminders.notifier = RefusingNotifier({TVP_LEAD.user_id})
    reply = CommandRunner(services).run(ADMIN, "remind H-12")
    assert reply.later is not None
    said = reply.later().text
    assert "Slack can't reach H-12's lead officer (not found in Slack)" in said
    assert "Can't reach 1 lead officer: Dev Sharma" in home_text(demo_db, ADMIN.user_id)
