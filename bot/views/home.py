"""The App Home tab: "My recommendations", BRAG-sorted with buttons, and for chairs an
overview of each board they chair. A Home tab holds at most 100 blocks; this stays well inside."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.services.home import HomePage
from bot.views.blocks import VIEW_BLOCKS, actions, context, divider, fit, header, section
from bot.views.recommendations import list_row, open_buttons
from bot.views.reminders import unreachable_blocks
from bot.views.summary import summary_blocks


def home_view(page: HomePage, today: date) -> View:
    blocks: list[Block] = [*unreachable_blocks(page.unreachable), header("My recommendations")]
    mine = page.mine
    if mine.total == 0:
        blocks.append(section("Nothing open is yours just now."))
    for row in mine.rows:
        blocks += list_row(row, today)
        blocks.append(actions(*open_buttons(row.ref, row.at_risk), block_id=f"home:{row.ref}"))
    if mine.total > len(mine.rows):
        blocks.append(context(f"{mine.total - len(mine.rows)} more: `/recs list mine`"))
    for overview in page.overviews:
        blocks.append(divider())
        blocks += summary_blocks(overview)
    return View(type="home", blocks=fit(blocks, VIEW_BLOCKS))
