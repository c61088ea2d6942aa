"""The bot's WebClient: SLACK_API_URL as the base, with retry handlers that never post twice.

slack_sdk's handlers retry any call on a 5xx or a dropped connection, but a post may have
reached Slack before either: retried, one reminder arrived four times. Here a call that
posts (`POSTS`) is retried only on a 429, which Slack answers before doing anything; reads
are retried on all three. The reminder notifier goes further (`without_post_retries`): it
waits out a post's 429 itself, so that its claim on the reminder is renewed while it waits.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest

from bot.config import Settings

POSTS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "files.completeUploadExternal"}
)


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls: the last part of its path."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class _ExceptPosts:
    """Mixed into a retry handler: a call that posts is never retried by it."""

    posts: frozenset[str] = POSTS

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:
        if method_of(request) in self.posts:
            return False
        return bool(super()._can_retry(request=request, **kwargs))  # type: ignore[misc]


class ConnectionRetriesForReads(_ExceptPosts, ConnectionErrorRetryHandler):
    """A dropped connection: retried for reads; a post may already be in Slack."""


class ServerErrorRetriesForReads(_ExceptPosts, ServerErrorRetryHandler):
    """A 5xx: retried for reads; a post may already be in Slack."""


class RateLimitRetriesForReads(_ExceptPosts, RateLimitErrorRetryHandler):
    """A 429, for the reminder notifier: its posts wait out 429s in the sweep instead."""


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """The bot's client: SLACK_BOT_TOKEN's, or `token`'s (a workspace's, many workspaces)."""
    base_url = settings.slack_api_url
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            ConnectionRetriesForReads(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),  # nothing was done: safe to repeat
            ServerErrorRetriesForReads(max_retry_count=2),
        ],
    )


def without_post_retries(original: WebClient) -> WebClient:
    """The same client for the reminder sweep: reads retried as before, posts never."""
    handlers: list[RetryHandler] = [
        ConnectionRetriesForReads(max_retry_count=2),
        RateLimitRetriesForReads(max_retry_count=3),
        ServerErrorRetriesForReads(max_retry_count=2),
    ]
    return WebClient(
        token=original.token,
        base_url=original.base_url,
        timeout=original.timeout,
        ssl=original.ssl,
        proxy=original.proxy,
        headers=dict(original.headers or {}),
        retry_handlers=handlers,
    )
