"""The Slack side of the reminder sweep (bot/sweep.py's Notifier): opens the DM, posts the
message, and asks users.info for the time zone and dnd.info for Do Not Disturb."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.reminders.messages import METADATA_EVENT
from bot.reminders.sweep import Delivery, DeliveryFailed, Outgoing
from bot.rules.away import status_says_away
from bot.views.blocks import as_dicts
from slack.actors import SlackActors

log = logging.getLogger(__name__)

DND_TTL_SECONDS = 60.0  # a sweep a minute asks once per person at most
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError)


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
        self.actors = actors or SlackActors(client)
        self._monotonic = monotonic
        self._dms: dict[str, str] = {}
        self._dnd: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def time_zone(self, user_id: str) -> str | None:
        profile = self.actors.profile(user_id)
        return profile.tz if profile else None

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        try:
            user = self.client.users_lookupByEmail(email=email)["user"]
        except (SlackApiError, SlackClientError):
            return None  # not in this workspace (yet): the reminder waits for them
        return str(user["id"]), str(user.get("real_name") or user.get("name") or email)

    def on_leave(self, user_id: str) -> bool:
        profile = self.actors.profile(user_id)
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

    def send(self, message: Outgoing) -> Delivery:
        try:
            channel = message.channel_id or self._dm_channel(str(message.user_id))
            answer = self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=as_dicts(message.blocks),
                metadata=message.metadata or None,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SLACK_ERRORS as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        return Delivery(str(answer["channel"]), str(answer["ts"]))

    def reminder_key_of(self, channel: str, ts: str) -> str | None:
        """The ledger key a reminder message carries in its metadata (sweep.metadata), read
        back from Slack: for a reply whose thread the ledger has not recorded. None for any
        other message, or when Slack can't say."""
        try:
            answer = self.client.conversations_replies(
                channel=channel, ts=ts, limit=1, include_all_metadata=True
            )
        except SLACK_ERRORS as exc:
            log.warning("conversations.replies failed: %s", type(exc).__name__)
            return None
        messages = answer.get("messages") or []
        parent = messages[0] if messages and messages[0].get("ts") == ts else {}
        metadata = parent.get("metadata") or {}
        if not parent.get("bot_id") or metadata.get("event_type") != METADATA_EVENT:
            return None
        key = (metadata.get("event_payload") or {}).get("key")
        return key if isinstance(key, str) and key else None

    def post_in_thread(self, channel: str, thread_ts: str, text: str, blocks: list) -> None:
        """Confirms in a reminder's thread; a failure is logged, the update is already saved."""
        try:
            self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=text, blocks=as_dicts(blocks)
            )
        except SLACK_ERRORS as exc:
            log.warning("thread reply failed in %s: %s", channel, type(exc).__name__)
