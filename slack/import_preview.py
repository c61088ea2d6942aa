"""Slack I/O for `/recs import`: fetching a shared file, and posting or re-rendering the
preview message (bot/views/imports.py) in the admin's DM."""

from __future__ import annotations

import logging
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.imports.drafts import Draft
from bot.imports.plans import PLAN_SUFFIXES, REPORT_SUFFIXES
from bot.views import imports as views
from bot.views.blocks import as_dicts
from slack.replies import post_safely

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # far beyond any review report; refuses a stray video
DOWNLOAD_TIMEOUT = 20.0
_FILE_ID = re.compile(r"\b(F[A-Z0-9]{6,})\b")
_SLACK_FILE_HOSTS = ("slack.com", "slack-edge.com", "slack-files.com")
_EXAMPLE = "https://your-team.slack.com/files/U0123/F0123ABCD/child-h-report.pdf"


def file_id(reference: str) -> str:
    """The file ID in a pasted link ("…/files/U…/F…/name") or the ID itself."""
    found = _FILE_ID.search(reference.strip())
    if not found:
        raise UserError("That is not a Slack file link or ID.", example=_EXAMPLE)
    return found.group(1)


def read_shared_file(client: WebClient, api_url: str, reference: str) -> tuple[str, bytes]:
    """A shared file's name and content, via files.info and its url_private."""
    try:
        info: dict[str, Any] = client.files_info(file=file_id(reference))["file"]
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        raise UserError(
            f"I can't open that file ({error}). Share it in a channel I am in, then paste "
            "its link.",
            example=_EXAMPLE,
        ) from exc
    name = str(info.get("name") or "file")
    suffix = Path(name).suffix.lower()
    if suffix not in PLAN_SUFFIXES | REPORT_SUFFIXES:
        raise UserError(f"I can't read '{name}'. Share a {views.FILE_KINDS} file.")
    if int(info.get("size") or 0) > MAX_FILE_BYTES:
        raise UserError(f"'{name}' is too large to be a review report.")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    return name, _download(url, client.token or "", api_url)


def _download(url: str, token: str, api_url: str) -> bytes:
    # The bot token goes only to Slack's own file hosts (or the API host it was given).
    host = urlparse(url).hostname or ""
    allowed = host == urlparse(api_url).hostname or any(
        host == h or host.endswith("." + h) for h in _SLACK_FILE_HOSTS
    )
    if not allowed:
        raise UserError("That file's address is not on Slack, so I won't fetch it.")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
            content: bytes = response.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        log.warning("file download failed: %s", type(exc).__name__)
        raise UserError("I couldn't download that file from Slack. Try again in a minute.") from exc
    if len(content) > MAX_FILE_BYTES:
        raise UserError("That file is too large to be a review report.")
    return content


def post_preview(client: WebClient, user_id: str, draft: Draft, logger: logging.Logger) -> None:
    """The first page of the preview, as a DM to the admin who submitted the modal."""
    post_safely(client.chat_postMessage, logger, channel=user_id, **_preview(draft, 0))


def show_page(
    client: WebClient, channel: str, ts: str, draft: Draft, page: int, logger: logging.Logger
) -> None:
    """Re-renders the preview message in place, at `page`."""
    post_safely(client.chat_update, logger, channel=channel, ts=ts, **_preview(draft, page))


def show_finished(
    client: WebClient, channel: str, ts: str, text: str, logger: logging.Logger
) -> None:
    """The preview message once imported or cancelled: the outcome, and no buttons."""
    blocks = as_dicts(views.finished_blocks(text))
    post_safely(client.chat_update, logger, channel=channel, ts=ts, text=text, blocks=blocks)


def _preview(draft: Draft, page: int) -> dict[str, Any]:
    return {
        "text": views.preview_text(draft),
        "blocks": as_dicts(views.preview_blocks(draft, page)),
    }
