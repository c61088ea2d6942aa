"""The prologue every listener shares, written once: the ack, the person behind the request,
the refusal of anyone recs cannot admit (another workspace, or none it can confirm:
slack.actors `SlackActors.admit`), and one answer to every failure (a person's error says
what to fix; anything else is `Reply.failure`: "try again", or an error id).

- `on_click(deps, handle)` wraps a button's `handle(Click)`: the click is acked first, and a
  refusal or an error is answered ephemerally (through `respond`, or by DM in App Home).
- `on_submission(deps, handle, field=…)` wraps a modal's `handle(Submission)`: it writes, then
  closes the modal (`Submission.close` or `.done`), so that until then a refusal or an error
  stays in the modal, under an input (`slack.forms.refuse`), with nothing written.
- `speaker(deps, event, body)` is the person behind an event, or None from another workspace.
  An event is never answered with an error: its listener raises, the app answers 5xx, and
  Slack redelivers (slack/apps.py `build_event_app`); so does an unknown workspace.

A handler is then only parse → one service → render.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.commands.replies import Reply
from bot.errors import UserError
from bot.rules.permissions import Actor
from bot.views.blocks import as_dicts
from slack.actors import ForeignWorkspace, NotAdmitted, event_teams, teams_of
from slack.forms import Form, guess_block, refuse
from slack.modals import open_view
from slack.replies import answer, confirm, refusal, tell

if TYPE_CHECKING:
    from slack.deps import Deps

Listener = Callable[..., None]


@dataclass
class Interaction:
    """What a click and a modal submission share: the request, and the person behind it."""

    deps: Deps
    body: dict[str, Any]
    client: WebClient
    logger: logging.Logger

    @property
    def user_id(self) -> str:
        return str(self.body["user"]["id"])

    @property
    def team_id(self) -> str | None:
        return teams_of(self.body)[0]

    @property
    def where(self) -> str | None:
        """The channel the person acted in (None in App Home): the board it concerns."""
        return (self.body.get("channel") or {}).get("id") or (
            self.body.get("container") or {}
        ).get("channel_id")

    @cached_property
    def actor(self) -> Actor:
        """Looked up (users.info, cached) only by the handlers that act as the person."""
        return self.deps.actors.actor(self.user_id, self.team_id, self.where)

    def tell(self, text: str) -> None:
        """A plain DM: what happened after a modal had closed, or on a DM's own button."""
        tell(self.client, self.user_id, text, self.logger)


@dataclass
class Click(Interaction):
    """A button click, as its handler sees it: who clicked what, and how to answer them."""

    action: dict[str, Any]
    respond: Respond | None

    @property
    def value(self) -> str:
        return str(self.action.get("value") or "")

    @property
    def channel_id(self) -> str | None:
        return (self.body.get("channel") or {}).get("id")

    def answer(self, reply: Reply, *, replace_original: bool = False) -> None:
        """Ephemeral, through the response_url; by DM where there is none (App Home)."""
        answer(
            reply,
            client=self.client,
            respond=self.respond,
            user_id=self.user_id,
            replace_original=replace_original,
            logger=self.logger,
        )

    def replace(self, text: str, blocks: list[Block]) -> None:
        """The clicked message gives way to the outcome, so its buttons can't be clicked twice."""
        if self.respond is None:
            self.answer(Reply(text=text, blocks=blocks))
            return
        self.respond(text=text, blocks=as_dicts(blocks), replace_original=True)

    def open(self, view: View) -> None:
        open_view(self.client, str(self.body["trigger_id"]), view, self.logger)


def on_click(deps: Deps, handle: Callable[[Click], None], *, by_dm: bool = False) -> Listener:
    """A button's bolt listener: ack, admit the person, then `handle`. `by_dm` answers
    refusals and errors with a plain DM instead of an ephemeral message."""

    def listener(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond | None,
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        ack()
        click = Click(deps, body, client, logger, action=action, respond=respond)

        def reply_with(reply: Reply) -> None:
            if by_dm:
                click.tell(reply.text)
            else:
                click.answer(reply)

        try:
            deps.actors.admit(teams_of(body))
        except NotAdmitted as exc:
            reply_with(refusal(exc.message))
            return
        try:
            handle(click)
        except UserError as exc:
            reply_with(Reply.error(exc))
        except Exception as exc:
            reply_with(Reply.failure(exc))

    return _named(listener, handle)


@dataclass
class Submission(Interaction):
    """A submitted modal, as its handler sees it: the form, who sent it, and how to close it."""

    ack: Ack
    view: dict[str, Any]
    closed: bool = False  # acked: from here on, errors can no longer show in the modal

    @cached_property
    def form(self) -> Form:
        return Form(self.view)

    @property
    def where(self) -> str | None:
        """The channel the modal was opened from, which its metadata keeps."""
        return self.form.channel()

    def close(self) -> None:
        """Acks the submission: the modal closes. Only after the write, so that a refusal
        can still be shown in it."""
        self.ack()
        self.closed = True

    def done(self, reply: Reply) -> None:
        """Closes the modal and confirms what was saved by DM (a modal has no response_url)."""
        self.close()
        confirm(self.client, self.user_id, reply, self.logger)


def on_submission(
    deps: Deps,
    handle: Callable[[Submission], None],
    *,
    field: str,
    words: dict[str, str] | None = None,
    top: str | None = None,
) -> Listener:
    """A modal's bolt listener. Until `handle` closes the modal, a refusal or an error keeps it
    open: a person's error under the input its words name (`words`, else `field`), anything
    else under `field`, and a refusal from another workspace under `top` (default `field`)."""

    def listener(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        logger: logging.Logger,
    ) -> None:
        modal = Submission(deps, body, client, logger, ack=ack, view=view)
        try:
            deps.actors.admit(teams_of(body))
        except NotAdmitted as exc:
            refuse(ack, top or field, exc)
            return
        try:
            handle(modal)
        except UserError as exc:
            if modal.closed:
                raise
            refuse(ack, guess_block(exc, field, words or {}), exc)
        except Exception as exc:
            if modal.closed:
                raise  # acked already: bolt logs it
            refuse(ack, field, UserError(Reply.failure(exc).text))

    return _named(listener, handle)


def speaker(deps: Deps, event: dict[str, Any], body: dict[str, Any]) -> Actor | None:
    """The person who posted an event's message, in the channel they posted in; None from
    another workspace, whose messages are not recorded. While the installed workspace is
    unknown this raises WorkspaceUnknown: the event is answered 503 and comes again."""
    teams = event_teams(event, body)
    try:
        deps.actors.admit(teams)
    except ForeignWorkspace:
        return None
    channel = event.get("channel")
    return deps.actors.actor(
        str(event.get("user") or ""), next(t for t in teams if t), str(channel) if channel else None
    )


def _named(listener: Listener, handle: Callable[..., None]) -> Listener:
    # Bolt logs a listener by its name: the handler's, not "listener". (Not functools.wraps:
    # bolt reads the listener's own parameters to know what to pass, and wraps would hide them.)
    listener.__name__ = handle.__name__
    listener.__qualname__ = handle.__qualname__
    return listener
