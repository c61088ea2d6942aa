"""The Slack side of the reminder sweep (bot/reminders/delivery.py's Notifier): opens the DM,
posts the message once, looks for a message already posted, and asks users.info for the time
zone and dnd.info for Do Not Disturb.

A post is never retried here (slack/client.py): each of Slack's answers is turned into what
it means for the reminder (bot/reminders/delivery.py), and the sweep decides."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.reminders.delivery import (
    Delivery,
    DeliveryFailed,
    MaybeSent,
    Outgoing,
    RateLimited,
    Undeliverable,
)
from bot.reminders.messages import METADATA_EVENT, keys_in
from bot.rules.away import status_says_away
from bot.views.blocks import as_dicts
from slack.actors import SlackActors
from slack.client import without_post_retries

log = logging.getLogger(__name__)

DND_TTL_SECONDS = 60.0  # a sweep a minute asks once per person at most
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError, HTTPException)
# Errors about one recipient, not about Slack: that person is skipped, everyone else goes on.
RECIPIENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "user_not_visible",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
    }
)
# Slack's own failures, answered with 200: whether the post happened is unknown.
UNSURE_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
HISTORY_PAGES = 5  # conversations.history pages looked through for a message in doubt
HISTORY_PAGE = 200


def _retry_after(exc: SlackApiError) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def refusal(exc: SlackApiError, *, posting: bool) -> DeliveryFailed:
    """What an error answer means for the reminder; `posting` when it answered the post
    itself (so that a 5xx may hide a message Slack took)."""
    status = getattr(exc.response, "status_code", 200)
    code = str(exc.response.get("error") or "") if exc.response is not None else ""
    if status == 429 or code == "ratelimited":
        return RateLimited(_retry_after(exc))
    if code in RECIPIENT_ERRORS:
        return Undeliverable(code)
    if posting and (status >= 500 or code in UNSURE_ERRORS):
        return MaybeSent(f"Slack answered {status} {code}".strip())
    return DeliveryFailed(f"Slack answered {status} {code}".strip())


class SlackNotifier:
    """Sends reminders with the bot's WebClient; user profiles come from SlackActors' cache."""

    def __init__(
        self,
        client: WebClient,
        actors: SlackActors | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self._poster = without_post_retries(client)  # posts once; the sweep waits out 429s
        self.actors = actors or SlackActors(client)
        self._monotonic = monotonic
        self._dms: dict[str, str] = {}
        self._dnd: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def time_zone(self, user_id: str) -> str | None:
        profile = self.actors.profile(user_id, client=self.client)
        return profile.tz if profile else None

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        try:
            user = self.client.users_lookupByEmail(email=email)["user"]
        except (SlackApiError, SlackClientError):
            return None  # not in this workspace (yet): the reminder waits for them
        return str(user["id"]), str(user.get("real_name") or user.get("name") or email)

    def on_leave(self, user_id: str) -> bool:
        profile = self.actors.profile(user_id, client=self.client)
        if profile is None:
            return False
        return status_says_away(profile.status_text, profile.status_emoji)

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        status = self._dnd_status(user_id)
        if not status:
            return None
        moment = now.timestamp()
        if status.get("snooze_enabled"):
            # snooze_remaining counts from the real clock; snooze_endtime is absolute.
            end = status.get("snooze_endtime") or time.time() + int(status.get("snooze_remaining", 0))
            if moment < end:
                return datetime.fromtimestamp(end, UTC)
        start, end = status.get("next_dnd_start_ts") or 0, status.get("next_dnd_end_ts") or 0
        if status.get("dnd_enabled") and start <= moment < end:
            return datetime.fromtimestamp(end, UTC)
        return None

    def _dnd_status(self, user_id: str) -> dict | None:
        now = self._monotonic()
        with self._lock:
            cached = self._dnd.get(user_id)
        if cached and now - cached[0] < DND_TTL_SECONDS:
            return cached[1]
        try:
            answer = self.client.dnd_info(user=user_id)
        except SLACK_ERRORS as exc:
            # Unknown DND: send anyway; Slack itself still silences the notification.
            log.warning("dnd.info failed for %s: %s", user_id, type(exc).__name__)
            return None
        status = dict(answer.data) if isinstance(answer.data, dict) else {}
        with self._lock:
            self._dnd[user_id] = (now, status)
        return status

    def _dm_channel(self, user_id: str) -> str:
        with self._lock:
            known = self._dms.get(user_id)
        if known:
            return known
        channel = str(self.client.conversations_open(users=user_id)["channel"]["id"])
        with self._lock:
            self._dms[user_id] = channel
        return channel

    def _conversation(self, user_id: str | None, channel_id: str | None) -> str:
        """The channel, or the DM with the person; refusals and failures as DeliveryFailed
        (opening a DM posts nothing, so none of them leaves a message in doubt)."""
        if channel_id:
            return channel_id
        try:
            return self._dm_channel(str(user_id))
        except SlackApiError as exc:
            raise refusal(exc, posting=False) from exc
        except SLACK_ERRORS as exc:
            raise DeliveryFailed(f"conversations.open: {type(exc).__name__}") from exc

    def send(self, message: Outgoing) -> Delivery:
        channel = self._conversation(message.user_id, message.channel_id)
        try:
            answer = self._poster.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=as_dicts(message.blocks),
                metadata=message.metadata or None,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            raise refusal(exc, posting=True) from exc
        except Exception as exc:
            # A timeout, a dropped connection, a garbled answer: Slack may have it.
            raise MaybeSent(type(exc).__name__) from exc
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def find_sent(
        self, user_id: str | None, channel_id: str | None, keys: tuple[str, ...], since: datetime
    ) -> dict[str, Delivery]:
        """The bot's messages in the conversation since `since` whose metadata carries any of
        `keys`: conversations.history, a few pages at most. DeliveryFailed if Slack can't say."""
        channel = self._conversation(user_id, channel_id)
        wanted, found = set(keys), {}
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                answer = self.client.conversations_history(
                    channel=channel, oldest=f"{since.timestamp():.6f}", limit=HISTORY_PAGE,
                    include_all_metadata=True, cursor=cursor,
                )  # fmt: skip
            except SlackApiError as exc:
                raise refusal(exc, posting=False) from exc
            except SLACK_ERRORS as exc:
                raise DeliveryFailed(f"conversations.history: {type(exc).__name__}") from exc
            for posted in answer.get("messages") or []:
                for key in _reminder_keys(posted) & wanted:
                    found[key] = Delivery(channel, str(posted["ts"]))
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not answer.get("has_more") or not cursor or len(found) == len(wanted):
                return found
        raise DeliveryFailed("too many messages to look through")

    def reminder_keys_of(self, channel: str, ts: str) -> list[str]:
        """The ledger keys a reminder message carries in its metadata (messages.metadata),
        read back from Slack: for a reply whose thread the ledger has not recorded. Empty for
        any other message, or when Slack can't say."""
        try:
            answer = self.client.conversations_replies(
                channel=channel, ts=ts, limit=1, include_all_metadata=True
            )
        except SLACK_ERRORS as exc:
            log.warning("conversations.replies failed: %s", type(exc).__name__)
            return []
        messages = answer.get("messages") or []
        parent = messages[0] if messages and messages[0].get("ts") == ts else {}
        return sorted(_reminder_keys(parent))

    def post_in_thread(self, channel: str, thread_ts: str, text: str, blocks: list) -> None:
        """Confirms in a reminder's thread; a failure is logged, the update is already saved."""
        try:
            self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=text, blocks=as_dicts(blocks)
            )
        except SLACK_ERRORS as exc:
            log.warning("thread reply failed in %s: %s", channel, type(exc).__name__)


def _reminder_keys(message: dict[str, Any]) -> set[str]:
    """The ledger keys in a bot message's reminder metadata; none for anything else."""
    metadata = message.get("metadata") or {}
    if not message.get("bot_id") or metadata.get("event_type") != METADATA_EVENT:
        return set()
    payload = metadata.get("event_payload") or {}
    return set(keys_in(payload)) if isinstance(payload, dict) else set()
