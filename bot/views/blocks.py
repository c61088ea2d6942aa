"""Small builders over slack_sdk.models.blocks that keep text inside Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
CONTEXT_ELEMENTS = 10
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100


def clip(text: str, limit: int) -> str:
    """Shortens with an ellipsis; the full text is always a `show` away."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Slack mrkdwn needs &, < and > escaped, or a pasted `<p>` becomes a broken link."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, HEADER_LIMIT), emoji=True))


def section(
    text: str, *, fields: Sequence[str] = (), accessory: ButtonElement | None = None
) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)) if text else None,
        fields=[MarkdownTextObject(text=clip(f, FIELD_LIMIT)) for f in fields[:10]] or None,
        accessory=accessory,
    )


def context(*texts: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(t, SECTION_LIMIT)) for t in texts[:CONTEXT_ELEMENTS]]
    )


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, url: str | None = None
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(text, BUTTON_LIMIT), emoji=True),
        action_id=action_id,
        value=value[:2000],
        style=style,
        url=url,
    )


def actions(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements)[:25], block_id=block_id)


def as_dicts(blocks: Sequence[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]


def fit(blocks: list[Block], limit: int = MESSAGE_BLOCKS, *, more: str = "") -> list[Block]:
    """Keeps a message within the block limit, saying what was left out instead of hiding it."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    note = more or f"{len(blocks) - len(kept)} more blocks left out: narrow the request."
    return [*kept, context(note)]
