"""The console: type `/recs …` as any user and read the replies as text (like Hubot's shell).

It runs the same parser, services and views as Slack; only the transport differs. Besides
`/recs`, it can do what people do around a command: move the clock so reminders go
(`/time`), reply in a reminder's thread and confirm what that proposes (`/reply`,
`/confirm`), and post in a channel, where evidence is captured (`/post`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from bot.commands.dispatch import CommandRunner, Reply
from bot.errors import UserError
from bot.rules import dates
from bot.rules.permissions import Actor
from bot.rules.policy import REMINDER_TIME
from bot.services.suite import Services
from bot.views.text import blocks_to_text
from console.clock import MovableClock
from console.notifier import ConsoleReminders
from console.threads import ConsoleThreads
from storage.models import UpdateSource

PROMPT = "recs> "
DEFAULT_SENDING_TIME = REMINDER_TIME.default  # with no board to ask

CONSOLE_HELP = """Console commands:
  /recs …              any /recs command (try /recs help)
  /as @name            act as another person (by first name, full name or email)
  /who                 who you are acting as, and who else there is
  /time 2015-03-09     move the clock to that day's sending time (09:30) and send what is due;
                       a date and time moves it there: /time 2015-03-09T14:00
  /reply H-27 text     answer the last reminder about H-27, as a reply in its thread would
  /confirm, /dismiss   answer the proposal a reply made ("done", "delayed to 31/3/2015")
  /post #board text    post in a channel as yourself: "Evidence for H-27: https://…"
  /quit                leave"""


class Console:
    def __init__(
        self,
        services: Services,
        clock: MovableClock,
        *,
        out: TextIO = sys.stdout,
        reminders: ConsoleReminders | None = None,
        papers: Path | None = None,
    ) -> None:
        self.services = services
        self.papers = papers  # where a paper Slack would upload is saved instead
        self.clock = clock
        self.out = out
        self.runner = CommandRunner(services, source=UpdateSource.console)
        self.actor = self._default_actor()
        self.reminders = reminders  # the sweep that runs when the clock moves
        self.threads = ConsoleThreads(services)

    def _default_actor(self) -> Actor:
        admin = self.services.reads.first_admin()
        if admin is not None:
            return Actor(admin.id, admin.name)
        return Actor("U0CONSOLE", "console", is_workspace_admin=True)

    def _has_reviews(self) -> bool:
        return self.services.reads.has_reviews()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def run(self, lines: Iterable[str], *, interactive: bool = False) -> None:
        self.say(f"recs console — acting as {self.actor.name}. Type /help for console commands.")
        if not self._has_reviews():
            self.say(
                "There is no plan here yet: `python app.py console --demo` loads the Child H "
                "plan, and `python app.py import FILE --review CODE` imports yours."
            )
        if interactive:
            self.say(PROMPT.rstrip())
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            if not interactive:
                self.say(f"{PROMPT}{line}")
            if line in {"/quit", "/exit"}:
                break
            self.handle(line)

    def handle(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        if word == "/recs":
            self.show(self.runner.run(self.actor, rest))
        elif word == "/as":
            self.switch(rest)
        elif word == "/time":
            self.move_clock(rest)
        elif word == "/who":
            self.who()
        elif word == "/reply":
            self.say_all(self.threads.reply(self.actor, rest))
        elif word == "/confirm":
            self.say_all(self.threads.confirm(self.actor))
        elif word == "/dismiss":
            self.say_all(self.threads.dismiss())
        elif word == "/post":
            self.say_all(self.threads.post(self.actor, rest))
        elif word in {"/help", "help"}:
            self.say(CONSOLE_HELP)
        else:
            self.say("Type /recs help, or /help for console commands.")
        if self.reminders is not None:
            self.say_all(self.reminders.drain())  # what `/recs remind` sent

    def say_all(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.say(line)

    def show(self, reply: Reply) -> None:
        self.say(blocks_to_text(reply.blocks) if reply.blocks else reply.text)
        if reply.public:
            self.say("  (posted in the channel)")
        if reply.modal:
            self.say(
                f"  (in Slack this opens the {reply.modal} form; here, give the details inline: "
                "see /recs help add)"
            )
        for dm in reply.direct_messages:
            self.say(f"  → DM to {dm.user_id}: {dm.text}")
        if reply.upload:
            self.save_upload(*reply.upload[:2])
        if reply.later:
            self.show(reply.later())

    def save_upload(self, filename: str, content: bytes) -> None:
        """Saves the file Slack would receive: a paper made on the console's clock, so a demo
        paper is dated in 2015 like the demo, not on the machine's day."""
        if self.papers is None:
            self.say(f"  (uploads {filename})")
            return
        self.papers.mkdir(parents=True, exist_ok=True)
        target = self.papers / Path(filename).name
        target.write_bytes(content)
        now = self.clock()
        self.say(
            f"  (uploads {filename}; saved as {target}. The same paper from the command line: "
            f"RECS_CLOCK={now:%Y-%m-%dT%H:%M} python app.py export …)"
        )

    def switch(self, handle: str) -> None:
        found = self.services.reads.person_named(handle)
        if not found:
            self.say(f"No one called {handle}. Try /who.")
            return
        self.actor = Actor(found.id, found.name, is_workspace_admin=found.is_workspace_admin)
        self.say(f"Now acting as {found.name}.")

    def who(self) -> None:
        people = self.services.reads.people()
        self.say(f"You are {self.actor.name}. People: " + ", ".join(p.name for p in people))

    def move_clock(self, text: str) -> None:
        """A date moves to that day's sending time and sends what is due, as the scheduler
        would; a date and time moves exactly there."""
        sending = self.reminders.sending_moment if self.reminders else None
        try:
            when = parse_moment(text, sending)
        except UserError as exc:
            self.say(str(exc))
            return
        self.clock.set(when)
        self.say(f"The clock is now {when:%A %d %B %Y %H:%M} UTC.")
        if self.reminders is not None:
            lines = self.reminders.tick()
            self.say_all(lines or ["  (no reminders are due at this moment)"])


def parse_moment(text: str, sending: Callable[[date], datetime | None] | None = None) -> datetime:
    """An ISO date and time as given (UTC unless it says), or a day at its sending time
    (`sending`, the first board's reminder time in its zone; 09:30 UTC without a board)."""
    text = text.strip()
    if "T" in text or ":" in text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    day = dates.parse_day(text)
    found = sending(day) if sending else None
    return found or datetime.combine(day, DEFAULT_SENDING_TIME, UTC)
