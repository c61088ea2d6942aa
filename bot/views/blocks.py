"""Small builders over slack_sdk.models.blocks that keep text inside Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.basic_objects import EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST, JsonObject
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
    """The blocks as Slack's JSON: what `to_dict()` gives, validated the same way, faster.

    slack_sdk's `JsonObject.to_dict` looks for its validators with `dir()` on every object
    and serialises each nested object twice; a 40-row list cost ~5 ms per message that way.
    Here the validators are found once per class, and classes with their own `to_dict` keep
    it. tests/bot/views/test_blocks.py checks this equals `to_dict()` for every kind of reply."""
    return [_json(b) for b in blocks]


_VALIDATORS: dict[type, tuple[str, ...]] = {}


def _validators(cls: type) -> tuple[str, ...]:
    found = _VALIDATORS.get(cls)
    if found is None:
        found = tuple(
            name
            for name in dir(cls)
            if not name.startswith("__") and hasattr(getattr(cls, name, None), "validator")
        )
        _VALIDATORS[cls] = found
    return found


def _json(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if not isinstance(value, JsonObject):
        return value
    if type(value).to_dict is not JsonObject.to_dict:
        return {k: _json(v) for k, v in value.to_dict().items()}
    for name in _validators(type(value)):
        getattr(value, name)()
    out: dict[str, Any] = {}
    for key in sorted(value.attributes):
        item = getattr(value, key, None)
        if item is None or (_emptiable(item) and len(item) == 0 and not _may_be_empty(value, key)):
            continue
        out[key] = _json(item)
    return out


def _emptiable(item: Any) -> bool:
    return getattr(item, "__len__", None) is not None


def _may_be_empty(value: JsonObject, key: str) -> bool:
    kind = getattr(value, "type", None)
    return any(e["type"] == kind and e["property"] == key for e in EMPTY_ALLOWED_TYPE_AND_PROPERTY_LIST)


def fit(blocks: list[Block], limit: int = MESSAGE_BLOCKS, *, more: str = "") -> list[Block]:
    """Keeps a message within the block limit, saying what was left out instead of hiding it."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1]
    note = more or f"{len(blocks) - len(kept)} more blocks left out: narrow the request."
    return [*kept, context(note)]
