"""The state behind the fake Slack Web API: users, channels, messages, views, files.

`FakeWorkspace.answer(method, params)` returns the JSON body Slack would send for one Web
API call. It knows nothing of HTTP; `fake_slack.FakeSlack` serves it over loopback.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

TEAM_ID = "T0001"
TEAM_DOMAIN = "recs-test"
TEAM_NAME = "Recs Test Board"
APP_ID = "A0RECS"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
DEFAULT_TZ = "Europe/London"
WORKSPACE_URL = f"https://{TEAM_DOMAIN}.slack.com/"

Answer = dict[str, Any]


def dm_channel(user: str) -> str:
    """The id of the bot's DM with `user`, as conversations.open answers it: D + the user id."""
    return f"D{user}"


@dataclass
class SlackUser:
    """A workspace member as users.info describes them; every field can be set per test."""

    id: str
    name: str = ""
    real_name: str = ""
    email: str = ""
    tz: str = DEFAULT_TZ
    tz_offset: int | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    status_text: str = ""
    status_emoji: str = ""
    status_expiration: int = 0

    def to_api(self) -> dict[str, Any]:
        name = self.name or self.id.lower()
        real_name = self.real_name or name.title()
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": real_name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self._offset(),
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
            "profile": {
                "real_name": real_name,
                "display_name": name,
                "email": self.email or f"{name}@example.org",
                "status_text": self.status_text,
                "status_emoji": self.status_emoji,
                "status_expiration": self.status_expiration,
                "team": TEAM_ID,
            },
        }

    def _offset(self) -> int:
        if self.tz_offset is not None:
            return self.tz_offset
        utc_offset = datetime.now(ZoneInfo(self.tz)).utcoffset()
        return int(utc_offset.total_seconds()) if utc_offset else 0


@dataclass
class DndStatus:
    """What dnd.info says about one user."""

    dnd_enabled: bool = False
    next_dnd_start_ts: int = 0
    next_dnd_end_ts: int = 0
    snooze_enabled: bool = False
    snooze_endtime: int = 0

    def to_api(self) -> dict[str, Any]:
        answer = asdict(self)
        if self.snooze_enabled:
            answer["snooze_remaining"] = max(0, self.snooze_endtime - int(time.time()))
        else:
            del answer["snooze_endtime"]
        return answer


@dataclass
class SlackChannel:
    """A conversation as conversations.info describes it."""

    id: str
    name: str = ""
    is_private: bool = False
    is_member: bool = True
    members: list[str] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        is_im = self.id.startswith("D")
        return {
            "id": self.id,
            "name": self.name or self.id.lower(),
            "is_channel": not is_im and not self.is_private,
            "is_group": False,
            "is_im": is_im,
            "is_mpim": self.id.startswith("G"),
            "is_private": self.is_private or is_im,
            "is_archived": False,
            "is_general": False,
            "is_member": self.is_member,
            "user": self.id[1:] if is_im else None,
            "created": 1400000000,
            "context_team_id": TEAM_ID,
        }


def _error(code: str, **extra: Any) -> Answer:
    return {"ok": False, "error": code, **extra}


class FakeWorkspace:
    """One Slack workspace's worth of state, answering Web API methods by name."""

    def __init__(
        self,
        public_root: str = "http://127.0.0.1",
        *,
        sequence: Iterator[int] | None = None,
    ) -> None:
        self.public_root = public_root.rstrip("/")
        self.users: dict[str, SlackUser] = {
            BOT_USER_ID: SlackUser(BOT_USER_ID, "recs", is_bot=True)
        }
        self.channels: dict[str, SlackChannel] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.dnd: dict[str, DndStatus] = {}
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.posted: dict[tuple[str, str], dict[str, Any]] = {}
        self.reactions: set[tuple[str, str, str]] = set()
        self.unreachable: dict[str, str] = {}  # user id -> the error Slack answers about them
        self._lock = threading.RLock()
        # Numbers ids and message ts; a workspace made anew keeps counting (see FakeSlack.reset).
        self.sequence = sequence if sequence is not None else itertools.count(1)
        self._methods: dict[str, Callable[[dict[str, Any]], Answer]] = {
            "api.test": lambda params: {"ok": True, "args": params},
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.scheduleMessage": self._chat_schedule_message,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.replies": self._conversations_replies,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "users.list": self._users_list,
            "usergroups.users.list": self._usergroups_users_list,
            "dnd.info": self._dnd_info,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }

    # -- configuration ------------------------------------------------------------------

    def user(self, user_id: str) -> SlackUser:
        """The user with this id; one with default settings springs into being if unknown."""
        with self._lock:
            return self.users.setdefault(user_id, SlackUser(user_id))

    def channel(self, channel_id: str) -> SlackChannel:
        with self._lock:
            return self.channels.setdefault(channel_id, SlackChannel(channel_id))

    def add_file(self, name: str, content: bytes, *, mimetype: str, user: str) -> dict[str, Any]:
        """A file a person shared; its url_private serves `content` from the fake."""
        file_id = self._new_id("F")
        with self._lock:
            self.uploads[file_id] = content
            self.files[file_id] = self._file_object(file_id, name, name, user, mimetype)
            return self.files[file_id]

    # -- dispatch -----------------------------------------------------------------------

    def knows(self, method: str) -> bool:
        return method in self._methods

    def answer(self, method: str, params: dict[str, Any]) -> Answer:
        handler = self._methods.get(method)
        if handler is None:
            return _error("unknown_method")
        with self._lock:
            return handler(params)

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.sequence):08X}"

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self.sequence):06d}"

    # -- auth, chat ---------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> Answer:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": "recs",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def _resolve_channel(self, channel: str) -> str:
        return dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) is not None:
                message[key] = params[key]
        return message

    def _message_problem(self, params: dict[str, Any]) -> Answer | None:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not any(params.get(key) for key in ("text", "blocks", "attachments")):
            return _error("no_text")
        if len(str(params.get("text", ""))) > 40000:
            return _error("msg_too_long")
        return None

    def _chat_post_message(self, params: dict[str, Any]) -> Answer:
        problem = self._message_problem(params)
        if problem:
            return problem
        channel = self._resolve_channel(str(params["channel"]))
        refused = self.unreachable.get(channel[1:]) if channel.startswith("D") else None
        if refused:
            return _error(refused)
        ts = self._new_ts()
        message = self._bot_message(params, ts)
        self.posted[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> Answer:
        if not params.get("user"):
            return _error("user_not_in_channel")
        problem = self._message_problem(params)
        return problem or {"ok": True, "message_ts": self._new_ts()}

    def _chat_update(self, params: dict[str, Any]) -> Answer:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if not channel or not ts:
            return _error("message_not_found")
        message = self._bot_message(params, ts)
        self.posted[(channel, ts)] = message
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": message,
        }

    def _chat_delete(self, params: dict[str, Any]) -> Answer:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        self.posted.pop((channel, ts), None)
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> Answer:
        channel, ts = str(params.get("channel", "")), str(params.get("message_ts", ""))
        if not channel or not ts:
            return _error("message_not_found")
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _chat_schedule_message(self, params: dict[str, Any]) -> Answer:
        problem = self._message_problem(params)
        if problem:
            return problem
        post_at = int(params.get("post_at", 0))
        if post_at <= time.time():
            return _error("time_in_past")
        channel = self._resolve_channel(str(params["channel"]))
        return {
            "ok": True,
            "channel": channel,
            "scheduled_message_id": self._new_id("Q"),
            "post_at": post_at,
            "message": self._bot_message(params, str(post_at)),
        }

    # -- conversations, users, dnd ------------------------------------------------------

    def _conversations_open(self, params: dict[str, Any]) -> Answer:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users and params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        if not users:
            return _error("users_list_not_supplied")
        refused = next((self.unreachable[u] for u in users if u in self.unreachable), None)
        if refused:
            return _error(refused)
        channel_id = dm_channel(users[0]) if len(users) == 1 else "G" + "".join(users)
        self.channel(channel_id)
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel_id}}

    def _conversations_info(self, params: dict[str, Any]) -> Answer:
        channel_id = str(params.get("channel", ""))
        if not channel_id:
            return _error("channel_not_found")
        return {"ok": True, "channel": self.channel(channel_id).to_api()}

    def _conversations_replies(self, params: dict[str, Any]) -> Answer:
        """A thread: its parent, then the bot's replies in it (the people's messages are not
        posted through the fake). Message metadata only with `include_all_metadata`, as Slack."""
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if not channel:
            return _error("channel_not_found")
        parent = self.posted.get((channel, ts))
        if parent is None:
            return _error("thread_not_found")
        replies = sorted(
            (m for (c, _), m in self.posted.items() if c == channel and m.get("thread_ts") == ts),
            key=lambda m: float(m["ts"]),
        )
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(params.get("limit") or 1000)
        messages = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in [parent, *replies][:limit]
        ]
        return {"ok": True, "messages": messages, "has_more": False}

    def _conversations_history(self, params: dict[str, Any]) -> Answer:
        """A conversation's messages (not thread replies), newest first, from `oldest` on;
        `limit` a page and `cursor` the next. Metadata only with `include_all_metadata`."""
        channel = str(params.get("channel", ""))
        if not channel:
            return _error("channel_not_found")
        if channel.startswith("D") and channel[1:] in self.unreachable:
            return _error(self.unreachable[channel[1:]])
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        found = sorted(
            (
                m
                for (c, ts), m in self.posted.items()
                if c == channel
                and oldest < float(ts) <= latest
                and m.get("thread_ts") in (None, ts)
            ),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        start = int(params.get("cursor") or 0)
        limit = min(int(params.get("limit") or 100), 999)
        page = found[start : start + limit]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": messages,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _users_info(self, params: dict[str, Any]) -> Answer:
        user_id = str(params.get("user", ""))
        if not user_id:
            return _error("user_not_found")
        return {"ok": True, "user": self.user(user_id).to_api()}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> Answer:
        email = str(params.get("email", "")).lower()
        for user in self.users.values():
            if user.to_api()["profile"]["email"].lower() == email:
                return {"ok": True, "user": user.to_api()}
        return _error("users_not_found")

    def _users_list(self, params: dict[str, Any]) -> Answer:
        """The members a page at a time (`limit`, `cursor`), as Slack pages them."""
        members = [u.to_api() for u in sorted(self.users.values(), key=lambda u: u.id)]
        limit = max(1, min(int(params.get("limit") or 200), 1000))
        start = int(params.get("cursor") or 0)
        page = members[start : start + limit]
        following = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": following}}

    def _usergroups_users_list(self, params: dict[str, Any]) -> Answer:
        members = self.usergroups.get(str(params.get("usergroup", "")))
        if members is None:
            return _error("no_such_subteam")
        return {"ok": True, "users": list(members)}

    def _dnd_info(self, params: dict[str, Any]) -> Answer:
        user_id = str(params.get("user", ""))
        return {"ok": True, **self.dnd.get(user_id, DndStatus()).to_api()}

    # -- views --------------------------------------------------------------------------

    def _full_view(self, view: dict[str, Any], view_id: str, root_id: str) -> dict[str, Any]:
        full = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view.get("type", "modal"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "previous_view_id": None,
            "root_view_id": root_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self.views[view_id] = full
        return full

    def _views_open(self, params: dict[str, Any]) -> Answer:
        view = params.get("view")
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            return _error("invalid_arguments")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        view_id = self._new_id("V")
        return {"ok": True, "view": self._full_view(view, view_id, view_id)}

    def _views_update(self, params: dict[str, Any]) -> Answer:
        view = params.get("view")
        view_id = str(params.get("view_id") or "")
        if not view_id:
            view_id = next(
                (
                    v["id"]
                    for v in self.views.values()
                    if v["external_id"] == params.get("external_id")
                ),
                "",
            )
        if not view_id or not isinstance(view, dict):
            return _error("not_found")
        root = self.views.get(view_id, {}).get("root_view_id", view_id)
        return {"ok": True, "view": self._full_view(view, view_id, root)}

    def _views_publish(self, params: dict[str, Any]) -> Answer:
        view = params.get("view")
        if not params.get("user_id") or not isinstance(view, dict):
            return _error("invalid_arguments")
        view_id = self._new_id("V")
        return {"ok": True, "view": self._full_view(view, view_id, view_id)}

    # -- reactions ----------------------------------------------------------------------

    def _reaction_key(self, params: dict[str, Any]) -> tuple[str, str, str]:
        return (str(params.get("channel")), str(params.get("timestamp")), str(params.get("name")))

    def _reactions_add(self, params: dict[str, Any]) -> Answer:
        key = self._reaction_key(params)
        if key in self.reactions:
            return _error("already_reacted")
        self.reactions.add(key)
        return {"ok": True}

    def _reactions_remove(self, params: dict[str, Any]) -> Answer:
        key = self._reaction_key(params)
        if key not in self.reactions:
            return _error("no_reaction")
        self.reactions.discard(key)
        return {"ok": True}

    # -- files --------------------------------------------------------------------------

    def _file_object(
        self, file_id: str, name: str, title: str, user: str, mimetype: str
    ) -> dict[str, Any]:
        url = f"{self.public_root}/files/{file_id}/{name}"
        return {
            "id": file_id,
            "created": int(time.time()),
            "timestamp": int(time.time()),
            "name": name,
            "title": title,
            "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[-1] if "." in name else "binary",
            "user": user,
            "size": len(self.uploads.get(file_id, b"")),
            "url_private": url,
            "url_private_download": url,
            "permalink": f"{WORKSPACE_URL}files/{user}/{file_id}/{name}",
            "channels": [],
            "shares": {},
        }

    def _files_get_upload_url(self, params: dict[str, Any]) -> Answer:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return _error("invalid_arguments")
        file_id = self._new_id("F")
        self.files[file_id] = self._file_object(
            file_id,
            str(params["filename"]),
            str(params["filename"]),
            BOT_USER_ID,
            "application/octet-stream",
        )
        return {
            "ok": True,
            "upload_url": f"{self.public_root}/upload/{file_id}",
            "file_id": file_id,
        }

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """Stores bytes POSTed to an upload_url; False if no such upload was issued."""
        with self._lock:
            if file_id not in self.files:
                return False
            self.uploads[file_id] = content
            self.files[file_id]["size"] = len(content)
            return True

    def _files_complete_upload(self, params: dict[str, Any]) -> Answer:
        items = params.get("files")
        if not isinstance(items, list) or not items:
            return _error("invalid_arguments")
        completed = []
        for item in items:
            file = self.files.get(str(item.get("id")))
            if file is None or file["id"] not in self.uploads:
                return _error("file_not_found")
            file["title"] = item.get("title") or file["title"]
            if params.get("channel_id"):
                file["channels"] = [params["channel_id"]]
            completed.append(file)
        return {"ok": True, "files": completed}

    def _files_info(self, params: dict[str, Any]) -> Answer:
        file = self.files.get(str(params.get("file", "")))
        if file is None:
            return _error("file_not_found")
        return {"ok": True, "file": file, "comments": [], "response_metadata": {"next_cursor": ""}}
