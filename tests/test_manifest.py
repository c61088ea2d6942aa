"""manifest.yml declares everything the code uses: the command, the shortcuts, the events
(with the home tab and interactivity they need) and the bot scopes of every Web API method
the handlers call. The listeners come from `handlers.register` on a recording app."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient

import handlers
from bot.commands.dispatch import CommandRunner
from bot.config import Settings
from bot.views import ids
from slack.deps import Deps
from storage.db import Database
from tests.conftest import REPO

# The bot scope each Web API method needs (None: no scope). A method the handlers call that
# is missing here fails the test, so a new call gets its scope into the manifest.
METHOD_SCOPES: dict[str, str | None] = {
    "auth_test": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "chat_scheduleMessage": "chat:write",
    "chat_getPermalink": None,
    "conversations_open": "im:write",
    "conversations_info": "channels:read",
    "conversations_replies": "channels:history",
    "conversations_history": "channels:history",
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "users_list": "users:read",
    "usergroups_users_list": "usergroups:read",
    "dnd_info": "dnd:read",
    "views_open": None,
    "views_push": None,
    "views_update": None,
    "views_publish": None,
    "reactions_add": "reactions:write",
    "reactions_remove": "reactions:write",
    "files_upload_v2": "files:write",
    "files_info": "files:read",
}
MESSAGE_EVENTS = {"message.channels", "message.groups", "message.im"}


class RecordingApp:
    """Stands in for bolt's App: records what each listener is registered for."""

    def __init__(self) -> None:
        self.registered: set[tuple[str, str]] = set()

    def _record(self, kind: str, key: Any) -> Callable[..., Any]:
        if isinstance(key, dict):
            key = key.get("type") or key.get("callback_id") or key.get("action_id")
        self.registered.add((kind, str(getattr(key, "pattern", key))))

        def decorator(*functions: Any, **_: Any) -> Any:
            return functions[0] if functions else decorator

        return decorator

    def command(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("command", key)

    def action(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("action", key)

    def block_action(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("action", key)

    def view(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("view", key)

    view_submission = view
    view_closed = view

    def shortcut(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("shortcut", key)

    message_shortcut = shortcut
    global_shortcut = shortcut

    def event(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("event", key)

    def message(self, key: Any = "", **_: Any) -> Callable[..., Any]:
        return self._record("event", "message")

    def options(self, key: Any, **_: Any) -> Callable[..., Any]:
        return self._record("options", key)

    def use(self, *args: Any, **_: Any) -> Any:
        return args[0] if args else None

    middleware = use


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "manifest.yml").read_text())
    return loaded


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('manifest') / 'recs.sqlite3'}"
    db = Database(url)
    settings = Settings(database_url=url, slack_bot_token="xoxb-test")
    deps = Deps(settings, db, CommandRunner(db), WebClient(token="xoxb-test"))
    app = RecordingApp()
    handlers.register(app, deps)  # type: ignore[arg-type]
    db.dispose()
    return app.registered


def of_kind(registered: set[tuple[str, str]], kind: str) -> set[str]:
    return {key for k, key in registered if k == kind}


def test_manifest_parses_and_names_the_app(manifest: dict[str, Any]) -> None:
    assert manifest["display_information"]["name"] == "recs"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_every_command_is_declared(
    manifest: dict[str, Any], registered: set[tuple[str, str]]
) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert of_kind(registered, "command") == {"/recs"}
    assert of_kind(registered, "command") <= declared


def test_every_shortcut_is_declared(
    manifest: dict[str, Any], registered: set[tuple[str, str]]
) -> None:
    declared = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert of_kind(registered, "shortcut") <= declared
    assert ids.ADD_AS_EVIDENCE in declared


def test_every_event_is_subscribed(
    manifest: dict[str, Any], registered: set[tuple[str, str]]
) -> None:
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    for event in of_kind(registered, "event"):
        if event == "message":
            assert subscribed >= MESSAGE_EVENTS
        else:
            assert event in subscribed, event
    assert "app_home_opened" in of_kind(registered, "event")
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_every_action_id_is_one_the_views_use(registered: set[tuple[str, str]]) -> None:
    known = {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}
    for action_id in of_kind(registered, "action") | of_kind(registered, "view"):
        assert action_id in known or action_id.startswith(ids.LIST_PAGE), action_id


def called_methods() -> set[str]:
    source = "\n".join(
        p.read_text() for folder in ("handlers", "slack") for p in (REPO / folder).rglob("*.py")
    )
    named = set(re.findall(r"client\.([a-z]+_[A-Za-z_0-9]+)\b", source))
    # Web API methods only: the client's own settings (base_url) are not calls to Slack.
    return {name for name in named if callable(getattr(WebClient, name, None))}


def test_every_web_api_method_has_its_scope(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    methods = called_methods()
    assert "chat_postMessage" in methods and "views_open" in methods
    for method in methods:
        assert method in METHOD_SCOPES, f"add {method} and its scope to METHOD_SCOPES"
        needed = METHOD_SCOPES[method]
        assert needed is None or needed in scopes, f"{method} needs {needed}"
    assert "commands" in scopes


def test_message_events_have_their_history_scopes(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    needs = {
        "message.channels": "channels:history",
        "message.groups": "groups:history",
        "message.im": "im:history",
    }
    for event, scope in needs.items():
        if event in events:
            assert scope in scopes
