"""Request bodies shaped like the ones Slack sends to an app: commands, interactions, events.

Pure functions: plain values in, the dict Slack would send out. `driver.SlackDriver` encodes,
signs and posts them.
"""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass
from typing import Any

from tests.support.fake_workspace import (
    APP_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    dm_channel,
)

VERIFICATION_TOKEN = "legacy-verification-token"
_sequence = itertools.count(1)


@dataclass(frozen=True)
class Origin:
    """Where a request comes from: the workspace and app that Slack names in every payload."""

    team_id: str = TEAM_ID
    team_domain: str = TEAM_DOMAIN
    api_app_id: str = APP_ID

    def team(self) -> dict[str, str]:
        return {"id": self.team_id, "domain": self.team_domain}

    def user(self, user_id: str, name: str) -> dict[str, str]:
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def common(self) -> dict[str, Any]:
        return {
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "team": self.team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }


def new_trigger_id() -> str:
    return f"{next(_sequence)}{secrets.randbelow(10**9)}.{TEAM_ID[1:]}.{secrets.token_hex(16)}"


def new_ts() -> str:
    """A message timestamp as Slack writes them: seconds, a dot, six digits."""
    return f"{int(time.time())}.{next(_sequence) % 1_000_000:06d}"


def new_event_id() -> str:
    return f"Ev{next(_sequence):010d}"


# -- slash commands -------------------------------------------------------------------------


def slash_command(
    origin: Origin,
    *,
    user_id: str,
    user_name: str,
    text: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    command: str = "/recs",
) -> dict[str, str]:
    """The form fields of a slash command invocation."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": origin.team_id,
        "team_domain": origin.team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": origin.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }


# -- block actions --------------------------------------------------------------------------


def button_action(
    action_id: str, value: str = "", *, block_id: str = "", text: str = "Button"
) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id or f"block-{action_id}",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "value": value,
        "action_ts": f"{time.time():.6f}",
    }


def select_action(
    action_id: str,
    value: str,
    *,
    text: str = "",
    block_id: str = "",
    kind: str = "static_select",
) -> dict[str, Any]:
    """A choice in a static_select, overflow, radio_buttons or external_select."""
    return {
        "type": kind,
        "action_id": action_id,
        "block_id": block_id or f"block-{action_id}",
        "selected_option": option(value, text),
        "action_ts": f"{time.time():.6f}",
    }


def user_select_action(action_id: str, user_id: str, *, block_id: str = "") -> dict[str, Any]:
    return {
        "type": "users_select",
        "action_id": action_id,
        "block_id": block_id or f"block-{action_id}",
        "selected_user": user_id,
        "action_ts": f"{time.time():.6f}",
    }


def date_action(action_id: str, date: str, *, block_id: str = "") -> dict[str, Any]:
    return {
        "type": "datepicker",
        "action_id": action_id,
        "block_id": block_id or f"block-{action_id}",
        "selected_date": date,
        "action_ts": f"{time.time():.6f}",
    }


def block_actions(
    origin: Origin,
    *,
    user: dict[str, str],
    actions: list[dict[str, Any]],
    channel: dict[str, str] | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    is_ephemeral: bool = False,
) -> dict[str, Any]:
    """A block_actions payload from a message (give channel and message) or a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user,
        **origin.common(),
        "trigger_id": new_trigger_id(),
        "actions": actions,
        "state": {"values": {}},
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
        return payload
    if channel is None or message is None:
        raise ValueError("an action on a message needs its channel and message")
    payload["container"] = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel["id"],
        "is_ephemeral": is_ephemeral,
    }
    payload["channel"] = channel
    if not is_ephemeral:
        payload["message"] = message
    payload["response_url"] = response_url
    return payload


# -- views ----------------------------------------------------------------------------------


def option(value: str, text: str = "") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option_value(value: str, text: str = "", *, kind: str = "static_select") -> dict[str, Any]:
    return {"type": kind, "selected_option": option(value, text)}


def options_value(values: list[str], *, kind: str = "checkboxes") -> dict[str, Any]:
    return {"type": kind, "selected_options": [option(v) for v in values]}


def user_value(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def users_value(user_ids: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def date_value(date: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": date}


def conversation_value(channel_id: str | None) -> dict[str, Any]:
    return {"type": "conversations_select", "selected_conversation": channel_id}


StateValues = dict[str, dict[str, str | dict[str, Any]]]


def state_values(values: StateValues) -> dict[str, dict[str, dict[str, Any]]]:
    """`{block_id: {action_id: value}}`; a plain string means a plain_text_input."""
    return {
        block_id: {
            action_id: text_value(value) if isinstance(value, str) else value
            for action_id, value in actions.items()
        }
        for block_id, actions in values.items()
    }


def submitted_view(
    origin: Origin,
    *,
    callback_id: str,
    values: StateValues,
    private_metadata: str = "",
    view_id: str = "",
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The `view` object of a modal as Slack reports it back on submit or close."""
    view_id = view_id or f"V{next(_sequence):08d}"
    return {
        "id": view_id,
        "team_id": origin.team_id,
        "type": "modal",
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": state_values(values)},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": {"type": "plain_text", "text": "recs", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": {"type": "plain_text", "text": "Save", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": origin.api_app_id,
        "external_id": "",
        "app_installed_team_id": origin.team_id,
        "bot_id": "B0BOT",
    }


def view_submission(
    origin: Origin, *, user: dict[str, str], view: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        **origin.common(),
        "user": user,
        "trigger_id": new_trigger_id(),
        "view": view,
        "response_urls": [],
    }


def view_closed(origin: Origin, *, user: dict[str, str], view: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_closed",
        **origin.common(),
        "user": user,
        "view": view,
        "is_cleared": False,
    }


# -- shortcuts ------------------------------------------------------------------------------


def message_shortcut(
    origin: Origin,
    *,
    user: dict[str, str],
    callback_id: str,
    channel: dict[str, str],
    message: dict[str, Any],
    response_url: str,
) -> dict[str, Any]:
    """A message shortcut (type message_action) on `message`."""
    return {
        "type": "message_action",
        **origin.common(),
        "action_ts": f"{time.time():.6f}",
        "user": user,
        "channel": channel,
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": message,
    }


def global_shortcut(origin: Origin, *, user: dict[str, str], callback_id: str) -> dict[str, Any]:
    return {
        "type": "shortcut",
        **origin.common(),
        "action_ts": f"{time.time():.6f}",
        "user": user,
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
    }


# -- events ---------------------------------------------------------------------------------


def message_event(
    *,
    user: str,
    text: str,
    channel: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str | None = None,
    files: list[dict[str, Any]] | None = None,
    subtype: str | None = None,
    bot_id: str | None = None,
    edited: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A `message` event; a message carrying files has subtype file_share, as in Slack."""
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type or channel_type_of(channel),
    }
    optional = {
        "thread_ts": thread_ts,
        "files": files,
        "subtype": subtype or ("file_share" if files else None),
        "bot_id": bot_id,
        "edited": edited,
        "upload": True if files else None,
    }
    event.update({key: value for key, value in optional.items() if value is not None})
    return event


def channel_type_of(channel_id: str) -> str:
    """What Slack puts in `channel_type` for a conversation id."""
    return {"D": "im", "G": "group"}.get(channel_id[:1], "channel")


def app_home_opened_event(user: str, *, tab: str = "home") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": dm_channel(user),
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def event_callback(
    origin: Origin, event: dict[str, Any], *, event_id: str | None = None
) -> dict[str, Any]:
    """The Events API envelope around one event."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": origin.team_id,
        "context_team_id": origin.team_id,
        "api_app_id": origin.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": origin.team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(24)}",
    }


def url_verification(challenge: str) -> dict[str, str]:
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
