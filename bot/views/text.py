"""Block Kit as plain text, so the console shows exactly what Slack would."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block

EMOJI_TEXT = {
    ":red_circle:": "[R]",
    ":large_orange_circle:": "[A]",
    ":large_green_circle:": "[G]",
    ":large_blue_circle:": "[B]",
    ":white_circle:": "[-]",
    ":white_check_mark:": "✔",
    ":warning:": "!",
    ":paperclip:": "📎",
    ":bell:": "🔔",
}


def plain(text: str) -> str:
    for code, shown in EMOJI_TEXT.items():
        text = text.replace(code, shown)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<@([A-Z0-9_]+)>", r"@\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: dict[str, Any] | None) -> str:
    return plain(obj.get("text", "")) if obj else ""


def blocks_to_text(blocks: Sequence[Block | dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        data = block.to_dict() if isinstance(block, Block) else block
        kind = data.get("type")
        if kind == "header":
            lines += ["", f"== {_text(data.get('text'))} =="]
        elif kind == "section":
            if data.get("text"):
                lines.append(_text(data["text"]))
            lines += [_text(f).replace("\n", ": ", 1) for f in data.get("fields", [])]
            accessory = data.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines[-1] += f"   [{_text(accessory.get('text'))}]"
        elif kind == "context":
            lines.append(
                "  " + "  ".join(_text(e) for e in data.get("elements", []) if "text" in e)
            )
        elif kind == "actions":
            lines.append(" ".join(f"[{_text(e.get('text'))}]" for e in data.get("elements", [])))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "image":
            lines.append(f"(image: {data.get('alt_text', '')})")
    return "\n".join(lines).strip("\n")
