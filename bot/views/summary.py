"""The board summary message: figures first, then agencies, overdue and due soon."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.brag import BRAG_EMOJI, Brag
from bot.summary import BoardSummary
from bot.views.blocks import context, divider, escape, fit, header, section
from bot.views.recommendations import due_text

AGENCIES_SHOWN = 20


def brag_counts(counts: dict[str, int]) -> str:
    return "  ".join(
        f"{BRAG_EMOJI[Brag(b)]} {counts.get(b, 0)}" for b in ("red", "amber", "green", "blue")
    )


def summary_blocks(s: BoardSummary) -> list[Block]:
    if s.total == 0:
        return [section(f"*{escape(s.title)}*: no recommendations yet.")]
    open_count = s.by_status.get("not_started", 0) + s.by_status.get("in_progress", 0)
    blocks: list[Block] = [
        header(f"{s.title} — {s.today:%d %B %Y}"),
        section(
            "",
            fields=[
                f"*Recommendations*\n{s.total}",
                f"*Open*\n{open_count}",
                f"*Implemented (awaiting assurance)*\n{s.implemented}",
                f"*Assured*\n{s.assured}",
                f"*Embedded (impact checked)*\n{s.embedded}",
                f"*BRAG*\n{brag_counts(s.by_brag)}",
            ],
        ),
        divider(),
    ]
    lines = [
        f"{brag_counts(c)}  {escape(a)}" for a, c in list(s.by_agency.items())[:AGENCIES_SHOWN]
    ]
    blocks.append(section("*By agency*\n" + "\n".join(lines)))
    if len(s.by_agency) > AGENCIES_SHOWN:
        blocks.append(
            context(f"{len(s.by_agency) - AGENCIES_SHOWN} more agencies in `/recs report`.")
        )
    blocks.append(_items("Overdue", s.overdue, s.overdue_total, s))
    blocks.append(_items("Due in the next 30 days", s.due_soon, s.due_soon_total, s))
    return fit(blocks)


def _items(title: str, rows: list, total: int, s: BoardSummary) -> Block:
    if total == 0:
        return section(f"*{title}*: none")
    lines = [f"• *{r.ref}* {escape(r.agency or '')} — {due_text(r.due_on, s.today)}" for r in rows]
    if total > len(rows):
        lines.append(f"…and {total - len(rows)} more: `/recs list overdue` or `/recs report`.")
    return section(f"*{title}* ({total})\n" + "\n".join(lines))
