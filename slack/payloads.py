"""The shapes of what Slack sends, checked at the edge before bolt or a listener reads it.

A signed request is Slack's, but its shape is not guaranteed: an action list that is an
object, a file that is null or a view without its type made bolt or a listener raise, and
the answer was a 500 (which invites Slack to send the same thing again). `read_request`
parses a body once, exactly as bolt would (`slack_bolt.request.internals.parse_body`, minus
its quirks), and checks every part that bolt's context builder, its matchers or a recs
listener reads against the pydantic models below. Anything else is refused with a 400
before it reaches them; fields recs does not read are let through untouched.

Ids are bounded by what the database stores (32 characters for channels and teams).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
Timestamp = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,8})?$")]
EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Name = Annotated[str, StringConstraints(max_length=255)]

EVENT, COMMAND, CLICK, OTHER = "event", "command", "click", "other"


class Part(BaseModel):
    """A JSON object whose named fields must have these types; other fields pass."""

    model_config = ConfigDict(extra="allow", strict=True)


class Team(Part):
    id: SlackId | None = None
    domain: str | None = None
    enterprise_id: str | None = None


class User(Part):
    id: SlackId
    team_id: SlackId | None = None


class Channel(Part):
    id: SlackId
    name: str | None = None


class Enterprise(Part):
    id: str | None = None


class Authorization(Part):
    enterprise_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    is_enterprise_install: bool | None = None


class ResponseUrl(Part):
    response_url: str


class File(Part):
    id: SlackId
    name: str | None = None
    title: str | None = None
    permalink: str | None = None


class Message(Part):
    """A message as a shortcut, a button's message or a message event carries it."""

    ts: Timestamp | None = None
    thread_ts: Timestamp | None = None
    text: str | None = None
    user: SlackId | None = None
    bot_id: str | None = None
    files: list[File] | None = None


class Option(Part):
    value: str


class Element(Part):
    """One input's state in a submitted view (what slack/forms.py reads)."""

    type: str | None = None
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: SlackId | None = None
    selected_users: list[SlackId] | None = None
    selected_conversation: SlackId | None = None
    selected_conversations: list[SlackId] | None = None
    selected_channel: SlackId | None = None
    selected_date: str | None = None


class ViewState(Part):
    values: dict[str, dict[str, Element]]


class View(Part):
    id: str | None = None
    type: str
    callback_id: Name = ""
    private_metadata: Annotated[str, StringConstraints(max_length=3000)] = ""
    state: ViewState | None = None
    team_id: SlackId | None = None
    app_installed_team_id: SlackId | None = None


class Container(Part):
    type: str | None = None
    channel_id: SlackId | None = None
    message_ts: Timestamp | None = None
    view_id: str | None = None
    is_ephemeral: bool | None = None


class Action(Part):
    action_id: Name
    block_id: Name | None = None
    type: str | None = None
    value: Annotated[str, StringConstraints(max_length=2000)] | None = None
    selected_option: Option | None = None


class Envelope(Part):
    """What bolt's context builder reads from any body (slack_bolt.request.internals)."""

    team: Team | None = None
    enterprise: Enterprise | None = None
    authorizations: list[Authorization] | None = None
    is_enterprise_install: bool | None = None
    channel: Channel | None = None
    response_url: str | None = None
    response_urls: list[ResponseUrl] | None = None
    thread_ts: Timestamp | None = None
    message: Message | None = None
    previous_message: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    is_ext_shared_channel: bool | None = None


class Interaction(Envelope):
    """Everything a person does in Slack besides a command: its kind, and who did it."""

    type: Literal["block_actions", "view_submission", "view_closed", "shortcut", "message_action"]
    user: User
    trigger_id: str | None = None
    view: View | None = None
    container: Container | None = None
    callback_id: Name | None = None
    message_ts: Timestamp | None = None


class BlockActions(Interaction):
    actions: Annotated[list[Action], Field(min_length=1)]
    trigger_id: str


class ViewSubmission(Interaction):
    view: View


class Shortcut(Interaction):
    callback_id: Name
    trigger_id: str


class MessageShortcut(Shortcut):
    channel: Channel
    message: Message


INTERACTIONS: dict[str, type[Interaction]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewSubmission,
    "shortcut": Shortcut,
    "message_action": MessageShortcut,
}


class SlashCommand(BaseModel):
    """A slash command's form fields (each given once)."""

    model_config = ConfigDict(extra="allow", strict=True)

    command: Name
    user_id: SlackId
    team_id: SlackId | None = None
    channel_id: SlackId
    text: str = ""
    trigger_id: str
    response_url: str
    enterprise_id: str | None = None


class EventBody(Part):
    """Any event: what bolt's context builder and matchers read."""

    type: Name
    subtype: str | None = None
    user: SlackId | dict[str, Any] | None = None
    channel: SlackId | dict[str, Any] | None = None
    team: str | None = None
    user_team: str | None = None
    thread_ts: Timestamp | None = None


class MessageEvent(EventBody):
    """A `message` event: what evidence capture and reminder replies read."""

    user: SlackId | None = None
    channel: SlackId | None = None
    ts: Timestamp | None = None
    text: str | None = None
    bot_id: str | None = None
    channel_type: str | None = None
    files: list[File] | None = None


class AppHomeOpened(EventBody):
    user: SlackId
    tab: str | None = None


EVENTS: dict[str, type[EventBody]] = {"message": MessageEvent, "app_home_opened": AppHomeOpened}


class EventCallback(Envelope):
    type: Literal["event_callback"]
    team_id: SlackId | None = None
    enterprise_id: str | None = None
    event_id: EventId | None = None
    event: EventBody


class UrlVerification(Part):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(max_length=200)]


@dataclass(frozen=True)
class SlackRequest:
    """A body that passed the checks: its kind (where the router sends it), the parsed body
    bolt will be given, and the event's id when it is one."""

    kind: str
    body: dict[str, Any]
    event_id: str | None = None


def read_request(raw: bytes, content_type: str) -> SlackRequest | None:
    """The request, if its body is one Slack could have sent recs; None otherwise."""
    try:
        text = raw.decode("utf-8")
        if _is_json(text, content_type):
            return _event(json.loads(text))
        fields = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except (ValueError, UnicodeDecodeError):
        return None
    form = dict(fields)
    if len(form) != len(fields):
        return None  # a field given twice: which one each reader takes would differ
    if "payload" in form:
        return _interaction(form)
    return _command(form)


def _is_json(text: str, content_type: str) -> bool:
    # As bolt decides (slack_bolt.request.internals.parse_body).
    return content_type.split(";")[0].strip().lower() == "application/json" or text.startswith("{")


def _event(body: Any) -> SlackRequest | None:
    if not isinstance(body, dict):
        return None
    try:
        if body.get("type") == "url_verification":
            UrlVerification.model_validate(body)
            return SlackRequest(EVENT, body)
        envelope = EventCallback.model_validate(body)
        EVENTS.get(envelope.event.type, EventBody).model_validate(body["event"])
    except ValidationError:
        return None
    return SlackRequest(EVENT, body, envelope.event_id)


def _interaction(form: dict[str, str]) -> SlackRequest | None:
    try:
        payload = json.loads(form["payload"])
    except ValueError:
        return None
    kind = payload.get("type") if isinstance(payload, dict) else None
    if not isinstance(kind, str) or kind not in INTERACTIONS:
        return None
    try:
        parsed = INTERACTIONS[kind].model_validate(payload)
    except ValidationError:
        return None
    return SlackRequest(CLICK if isinstance(parsed, BlockActions) else OTHER, payload)


def _command(form: dict[str, str]) -> SlackRequest | None:
    try:
        SlashCommand.model_validate(form)
    except ValidationError:
        return None
    return SlackRequest(COMMAND, dict(form))
