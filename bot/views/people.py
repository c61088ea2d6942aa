"""`/recs people`: the lead officers an import kept by name or email, waiting to be linked to
their Slack users. Pure: data in, Block Kit out."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.services.people import Placeholder
from bot.views.blocks import MESSAGE_BLOCKS, clip, context, escape, header, section

REFS_SHOWN = 12
LINK_EXAMPLE = '/recs people link "Jo Turner" @jo'


def placeholders_text(found: list[Placeholder]) -> str:
    if not found:
        return "Every lead officer an import named is linked to a Slack user."
    return f"{len(found)} imported lead officers are not linked to a Slack user yet."


def placeholders_blocks(found: list[Placeholder]) -> list[Block]:
    """One line per placeholder with what it leads; a message's worth, then a count."""
    blocks: list[Block] = [header("People an import could not match")]
    if not found:
        return [*blocks, section(escape(placeholders_text(found)))]
    room = MESSAGE_BLOCKS - 3
    for person in found[:room]:
        refs = ", ".join(person.refs[:REFS_SHOWN])
        more = f" and {len(person.refs) - REFS_SHOWN} more" if len(person.refs) > REFS_SHOWN else ""
        who = (
            person.name
            if not person.email or person.email == person.name
            else f"{person.name} ({person.email})"
        )
        blocks.append(section(clip(f"*{escape(who)}*: lead officer for {refs}{more}", 2900)))
    if len(found) > room:
        blocks.append(context(f"…and {len(found) - room} more."))
    blocks.append(
        context(
            "Until linked they get no reminders. Link each to their Slack user: "
            f"`{LINK_EXAMPLE}`. A re-import that names them again finds that user."
        )
    )
    return blocks


def linked_text(placeholder: Placeholder, user_name: str) -> str:
    refs = ", ".join(placeholder.refs[:REFS_SHOWN]) or "nothing yet"
    return f"{placeholder.name} is now {user_name}: lead officer for {refs}."
