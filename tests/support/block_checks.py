"""Checks Block Kit payloads against Slack's limits, the way the real Web API rejects them.

`Block.parse` validates nothing and `validate_json()` checks one level only, so each block
is parsed, rendered with `to_dict()` (which validates every nested object) and compared with
what was sent, to catch keys the SDK silently dropped. Limits the SDK does not know are
checked here from `TEXT_LIMITS`, `COUNT_LIMITS` and `ID_LIMITS`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100

# (type of the object, key) -> most characters the key's text (or text object) may hold.
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000,
    ("header", "text"): 150,
    ("markdown", "text"): 12000,
    ("button", "text"): 75,
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("button", "accessibility_label"): 75,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("image", "alt_text"): 2000,
    ("image", "image_url"): 3000,
    ("image", "title"): 2000,
    ("modal", "title"): 24,
    ("modal", "submit"): 24,
    ("modal", "close"): 24,
    ("modal", "private_metadata"): 3000,
    ("home", "private_metadata"): 3000,
    ("modal", "callback_id"): 255,
    ("home", "callback_id"): 255,
    ("modal", "external_id"): 255,
}

# (type of the object, key) -> most items the key's array may hold.
COUNT_LIMITS: dict[tuple[str, str], int] = {
    ("actions", "elements"): 25,
    ("context", "elements"): 10,
    ("section", "fields"): 10,
    ("static_select", "options"): 100,
    ("multi_static_select", "options"): 100,
    ("static_select", "option_groups"): 100,
    ("multi_static_select", "option_groups"): 100,
    ("overflow", "options"): 5,
    ("checkboxes", "options"): 10,
    ("radio_buttons", "options"): 10,
}

# Keys limited wherever they appear.
ID_LIMITS: dict[str, int] = {"action_id": 255, "block_id": 255}

# (type of the object, key) whose text object must be plain_text.
PLAIN_TEXT_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("header", "text"),
        ("button", "text"),
        ("input", "label"),
        ("input", "hint"),
        ("modal", "title"),
        ("modal", "submit"),
        ("modal", "close"),
    }
)

FIELD_TEXT_MAX = 2000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
PLACEHOLDER_MAX = 150
TEXT_OBJECT_TYPES = frozenset({"plain_text", "mrkdwn"})


def message_violations(params: dict[str, Any]) -> list[str]:
    """Everything wrong with the `blocks` and `attachments[].blocks` of a message payload."""
    errors: list[str] = []
    if "blocks" in params:
        errors += blocks_violations(params["blocks"], "/blocks", MESSAGE_BLOCKS_MAX)
    attachments = params.get("attachments")
    if isinstance(attachments, list):
        for index, attachment in enumerate(attachments):
            if isinstance(attachment, dict) and "blocks" in attachment:
                pointer = f"/attachments/{index}/blocks"
                errors += blocks_violations(attachment["blocks"], pointer, MESSAGE_BLOCKS_MAX)
    return errors


def view_violations(view: Any, pointer: str = "/view") -> list[str]:
    """Everything wrong with a modal or Home tab view."""
    if not isinstance(view, dict):
        return [f"must be an object [json-pointer:{pointer}]"]
    shell = {key: value for key, value in view.items() if key != "blocks"}
    errors = _view_shape_violations(shell, pointer)
    errors += _limit_violations(shell, pointer)
    if view.get("type") == "modal":
        errors += _modal_violations(view, pointer)
    errors += blocks_violations(view.get("blocks"), f"{pointer}/blocks", VIEW_BLOCKS_MAX)
    return errors


def blocks_violations(blocks: Any, pointer: str, most: int) -> list[str]:
    """Everything wrong with one array of layout blocks."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > most:
        errors.append(f"must have no more than {most} items [json-pointer:{pointer}]")
    errors += _duplicate_block_ids(blocks, pointer)
    for index, block in enumerate(blocks):
        errors += block_violations(block, f"{pointer}/{index}")
    return errors


def block_violations(block: Any, pointer: str) -> list[str]:
    """Everything wrong with one layout block, by the SDK's rules and by Slack's limits."""
    if not isinstance(block, dict):
        return [f"must be an object [json-pointer:{pointer}]"]
    errors = _sdk_block_violations(block, pointer)
    errors += _limit_violations(block, pointer)
    errors += _duplicate_action_ids(block, pointer)
    return errors


def _sdk_block_violations(block: dict[str, Any], pointer: str) -> list[str]:
    try:
        parsed = Block.parse(copy.deepcopy(block))
        if parsed is None:
            return [f"unknown block type {block.get('type')!r} [json-pointer:{pointer}]"]
        rendered = parsed.to_dict()
    except SlackObjectFormationError as error:
        return [f"{error} [json-pointer:{pointer}]"]
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"invalid block ({error}) [json-pointer:{pointer}]"]
    return dropped_keys(block, rendered, pointer)


def _view_shape_violations(shell: dict[str, Any], pointer: str) -> list[str]:
    """Checks the view's own keys with the SDK; its blocks are checked one by one elsewhere."""
    placeholder = [{"type": "divider"}]  # View insists on 1-100 blocks; those get their own check
    try:
        rendered = View(**copy.deepcopy(shell), blocks=placeholder).to_dict()
    except SlackObjectFormationError as error:
        return [f"{error} [json-pointer:{pointer}]"]
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"invalid view ({error}) [json-pointer:{pointer}]"]
    return dropped_keys(shell, rendered, pointer)


def _modal_violations(view: dict[str, Any], pointer: str) -> list[str]:
    errors = []
    if not view.get("title"):
        errors.append(f"a modal needs a title [json-pointer:{pointer}/title]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        blocks = []
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and not view.get("submit"):
        errors.append(f"a modal with input blocks needs submit [json-pointer:{pointer}/submit]")
    return errors


def dropped_keys(given: Any, rendered: Any, pointer: str) -> list[str]:
    """Where `rendered` lost or changed something that `given` had (extra keys are defaults)."""
    if isinstance(given, dict):
        if not isinstance(rendered, dict):
            return [f"invalid object [json-pointer:{pointer}]"]
        errors: list[str] = []
        for key, value in given.items():
            if key not in rendered:
                errors.append(f"unsupported or empty key {key!r} [json-pointer:{pointer}/{key}]")
                continue
            errors += dropped_keys(value, rendered[key], f"{pointer}/{key}")
        return errors
    if isinstance(given, list):
        if not isinstance(rendered, list) or len(rendered) != len(given):
            return [f"invalid array [json-pointer:{pointer}]"]
        pairs = zip(given, rendered, strict=True)
        return [e for i, (g, r) in enumerate(pairs) for e in dropped_keys(g, r, f"{pointer}/{i}")]
    if given != rendered:
        return [f"invalid value {given!r} [json-pointer:{pointer}]"]
    return []


def _objects(node: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every JSON object inside `node`, with its JSON pointer."""
    if isinstance(node, dict):
        yield node, pointer
        for key, value in node.items():
            yield from _objects(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{pointer}/{index}")


def _limit_violations(root: dict[str, Any], pointer: str) -> list[str]:
    errors: list[str] = []
    for node, where in _objects(root, pointer):
        errors += _node_violations(node, where)
    return errors


def _node_violations(node: dict[str, Any], pointer: str) -> list[str]:
    kind = str(node.get("type", ""))
    errors = _text_object_violations(node, kind, pointer)
    for key, value in node.items():
        at = f"{pointer}/{key}"
        errors += _length_violation(value, TEXT_LIMITS.get((kind, key)), at)
        errors += _length_violation(value, ID_LIMITS.get(key), at)
        errors += _count_violation(value, COUNT_LIMITS.get((kind, key)), at)
        plain_only = (kind, key) in PLAIN_TEXT_ONLY and isinstance(value, dict)
        if plain_only and value.get("type") != "plain_text":
            errors.append(f"must be a plain_text text object [json-pointer:{at}]")
    if kind == "section" and isinstance(node.get("fields"), list):
        for index, field in enumerate(node["fields"]):
            errors += _length_violation(field, FIELD_TEXT_MAX, f"{pointer}/fields/{index}")
    errors += _length_violation(node.get("placeholder"), PLACEHOLDER_MAX, f"{pointer}/placeholder")
    if isinstance(node.get("options"), list):
        errors += _option_violations(node["options"], f"{pointer}/options")
    return errors


def _text_object_violations(node: dict[str, Any], kind: str, pointer: str) -> list[str]:
    if kind not in TEXT_OBJECT_TYPES:
        return []
    text = node.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{pointer}/text]"]
    if kind == "mrkdwn" and "emoji" in node:
        return [f"emoji is not allowed in mrkdwn text [json-pointer:{pointer}/emoji]"]
    return []


def _option_violations(options: list[Any], pointer: str) -> list[str]:
    errors: list[str] = []
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        at = f"{pointer}/{index}"
        errors += _length_violation(option.get("text"), OPTION_TEXT_MAX, f"{at}/text")
        errors += _length_violation(option.get("value"), OPTION_VALUE_MAX, f"{at}/value")
        errors += _length_violation(option.get("description"), OPTION_TEXT_MAX, f"{at}/description")
    return errors


def _length_violation(value: Any, most: int | None, pointer: str) -> list[str]:
    if most is None or value is None:
        return []
    text = value.get("text") if isinstance(value, dict) else value
    if isinstance(text, str) and len(text) > most:
        return [f"must be less than {most + 1} characters [json-pointer:{pointer}]"]
    return []


def _count_violation(value: Any, most: int | None, pointer: str) -> list[str]:
    if most is None or not isinstance(value, list) or len(value) <= most:
        return []
    return [f"must have no more than {most} items [json-pointer:{pointer}]"]


def _duplicate_block_ids(blocks: list[Any], pointer: str) -> list[str]:
    seen: set[str] = set()
    errors: list[str] = []
    for index, block in enumerate(blocks):
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is None:
            continue
        if block_id in seen:
            errors.append(f"duplicate block_id {block_id!r} [json-pointer:{pointer}/{index}]")
        seen.add(block_id)
    return errors


def _duplicate_action_ids(block: dict[str, Any], pointer: str) -> list[str]:
    seen: set[str] = set()
    errors: list[str] = []
    for node, where in _objects(block, pointer):
        action_id = node.get("action_id")
        if not isinstance(action_id, str):
            continue
        if action_id in seen:
            errors.append(f"duplicate action_id {action_id!r} [json-pointer:{where}]")
        seen.add(action_id)
    return errors
