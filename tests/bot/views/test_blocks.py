"""bot.views.blocks.as_dicts is what every handler sends: it must give exactly what slack_sdk's
`to_dict()` gives, and refuse what `to_dict()` refuses."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, SectionBlock

from bot.commands.dispatch import CommandRunner
from bot.views.blocks import as_dicts
from bot.views.imports import import_modal
from bot.views.modals import completed_modal, update_modal
from storage.db import Database
from tests.conftest import ADMIN, CHAIR, CSC_LEAD

COMMANDS = [
    (CSC_LEAD, ""),
    (CHAIR, ""),
    (CSC_LEAD, "help"),
    (CSC_LEAD, "list H"),
    (CSC_LEAD, "list H mine"),
    (CHAIR, "list H overdue"),
    (CSC_LEAD, "show H-27"),
    (CHAIR, "summary H"),
    (CHAIR, "summary H as-of 31/10/2014"),
    (CSC_LEAD, "theme Communication"),
    (ADMIN, "sample 3"),
    (CSC_LEAD, "show H-999"),
    (CSC_LEAD, "update H-27 nonsense-status"),
]


def test_every_command_reply_serialises_as_to_dict_does(demo_db: Database) -> None:
    runner = CommandRunner(demo_db)
    for actor, text in COMMANDS:
        reply = runner.run(actor, text)
        reply = reply.later() if reply.later else reply  # a list across every review
        blocks: list[Block] = reply.blocks
        assert blocks, text
        assert as_dicts(blocks) == [b.to_dict() for b in blocks], text


def test_modals_serialise_as_to_dict_does() -> None:
    for view in (
        update_modal("H-27", "Audit pre-birth assessments", channel_id="C0BOARD01"),
        completed_modal("H-27", "Audit pre-birth assessments"),
        import_modal(channel_id=None),
    ):
        assert as_dicts(view.blocks or []) == [b.to_dict() for b in view.blocks or []]


def test_a_block_slack_would_refuse_is_refused_here_too() -> None:
    too_long = SectionBlock(text="x" * 3001)
    with pytest.raises(SlackObjectFormationError):
        too_long.to_dict()
    with pytest.raises(SlackObjectFormationError):
        as_dicts([too_long])


def test_listing_by_a_mentioned_owner_only_reads(demo_db: Database) -> None:
    """Slack writes mentions as <@U…|name>: a list by owner must not try to store that name
    (a read refuses writes), nor anyone it has not met."""
    runner = CommandRunner(demo_db)
    for owner in ("<@U0JOTURNER|jo>", "<@U0NEWPERSON|newbie>", "<@U0JOTURNER>"):
        reply = runner.run(CHAIR, f"list H owner:{owner}")
        assert reply.ok, (owner, reply.text)
    jo = runner.run(CHAIR, "list H owner:<@U0JOTURNER|jo>")
    assert "H-27" in str(as_dicts(jo.blocks))
