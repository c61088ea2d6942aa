"""Replies in a reminder DM's thread (`message.im` with `thread_ts`): recorded once as an
update, or answered with a proposal to confirm. Edits, deletions and bots are ignored."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.reminders import replies as reminder_replies
from bot.views import reminders as views
from slack.deps import Deps
from slack.listeners import speaker
from slack.notifier import SlackNotifier

IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "channel_join"}


def is_reminder_reply(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and bool(event.get("thread_ts"))
        and event.get("thread_ts") != event.get("ts")
        and not event.get("bot_id")
        and event.get("subtype") not in IGNORED_SUBTYPES
        and bool(event.get("user"))
        # A malformed event (a list for a timestamp) is ignored, not a crash Slack retries.
        and all(isinstance(event.get(k), str) for k in ("user", "channel", "ts", "thread_ts"))
        and isinstance(event.get("text") or "", str)
    )


def in_a_dm(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im"


def register(app: App, deps: Deps) -> None:
    def on_reminder_reply(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, logger: logging.Logger
    ) -> None:
        if not is_reminder_reply(event):
            return  # an edit, a deletion, a bot, or a DM outside a reminder thread
        actor = speaker(deps, event, body)
        if actor is None:
            return
        channel, thread_ts = event["channel"], event["thread_ts"]
        keys = [f"message:{channel}:{event['ts']}"]
        if body.get("event_id"):
            keys.append(f"event:{body['event_id']}")
        text = (event.get("text") or "").strip()
        outcome = reminder_replies.record_reply(deps.db, actor, channel, thread_ts, text, keys)
        notifier = SlackNotifier(client, deps.actors)
        if outcome.kind == "not_a_reminder":
            # The ledger may not have recorded this reminder's ts (yet): its metadata says.
            found = notifier.reminder_keys_of(channel, thread_ts)
            if found:
                outcome = reminder_replies.record_reply(
                    deps.db, actor, channel, thread_ts, text, keys, reminder_keys=found
                )
        if outcome.kind == "recorded":
            notifier.post_in_thread(channel, thread_ts, outcome.text, views.recorded_blocks(outcome.text))
        elif outcome.kind in ("propose_done", "propose_due"):
            value = views.proposal_value(
                outcome.ref,
                status="completed" if outcome.kind == "propose_done" else None,
                due=outcome.due or None,
                note=outcome.note,
            )
            blocks = views.proposal_blocks(outcome.ref, outcome.text, value)
            notifier.post_in_thread(channel, thread_ts, outcome.text, blocks)
        elif outcome.kind == "error":
            notifier.post_in_thread(channel, thread_ts, outcome.text, views.error_blocks(outcome.text))
        else:
            logger.debug("reminder reply %s: %s", event.get("ts"), outcome.kind)

    app.event("message", matchers=[in_a_dm])(on_reminder_reply)
