"""Runs one `/recs` command for one actor: parse, one service call, one view.

`COMMANDS` is the dispatch table from each command type (bot.commands.grammar) to the function
that answers it. Slack's listeners and the console both call `CommandRunner.run`; there is no
second implementation of any command, and nothing here opens a transaction: the services do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.commands import grammar as c
from bot.commands.replies import DirectMessage, Reply, guarded
from bot.errors import UserError
from bot.reminders.sweep import DeliveryFailed, OwnerAway, Undeliverable
from bot.rules.lifecycle import OPEN_STATUSES, status_slug, status_words
from bot.rules.permissions import Act, Actor
from bot.services import NewRecommendation
from bot.services.reading import ListQuery
from bot.services.reads import RecommendationPage
from bot.services.suite import Services
from bot.views import recommendations as views
from bot.views import summary as summary_views
from bot.views.reminders import reason_words
from storage.db import Database
from storage.models import Status, UpdateSource

__all__ = ["COMMANDS", "CommandRunner", "DirectMessage", "Reply"]


@dataclass(frozen=True)
class Call:
    """One command being answered: who asks, through what, with which services."""

    services: Services
    actor: Actor
    source: UpdateSource


class CommandRunner:
    def __init__(
        self, services: Services | Database, *, source: UpdateSource = UpdateSource.command
    ) -> None:
        # A Database alone (tests, the bench) gets its own services on its own clock.
        self.services = services if isinstance(services, Services) else Services(services)
        self.source = source

    def run(
        self,
        actor: Actor,
        text: str,
        *,
        channel_id: str | None = None,
        source: UpdateSource | None = None,
    ) -> Reply:
        try:
            return self.execute(actor, c.parse(text), source=source)
        except UserError as exc:
            return Reply.error(exc)
        except SQLAlchemyError as exc:
            return Reply.failure(exc)

    def execute(
        self, actor: Actor, command: c.Command, *, source: UpdateSource | None = None
    ) -> Reply:
        answer = COMMANDS[type(command)]
        return answer(Call(self.services, actor, source or self.source), command)

    @staticmethod
    def failure(exc: Exception) -> Reply:
        return Reply.failure(exc)


# --- reads ------------------------------------------------------------------------------------


MINE = "Your open recommendations"


def on_help(call: Call, cmd: c.Help) -> Reply:
    return Reply(text="recs help", blocks=views.help_blocks(cmd.topic))


def on_home(call: Call, cmd: c.Home) -> Reply:
    """`/recs`: a person's open recommendations; a chair's boards' summaries, after the ack."""
    page = call.services.reads.mine_unless_chair(call.actor, MINE, "list mine")
    if page is None:
        return _after_ack("Reading your boards for their summaries…", lambda: _chaired(call))
    return Reply(
        text=f"{page.title}: {page.total} recommendations",
        blocks=views.list_blocks(page, call.services.reads.today()),
    )


def on_list(call: Call, cmd: c.ListRecs) -> Reply:
    query = ListQuery(
        review=cmd.review, agency=cmd.agency, statuses=cmd.statuses, rag=cmd.rag,
        overdue=cmd.overdue, mine=cmd.mine, owner=cmd.owner, page=cmd.page,
    )  # fmt: skip
    qualifiers, command = _list_qualifiers(cmd), _list_command(cmd)
    if cmd.review is None and not (cmd.mine or cmd.owner):
        return _after_ack(
            "Reading every review for that list…",
            lambda: _list(call, query, None, command, qualifiers=qualifiers),
        )
    return _list(call, query, None, command, qualifiers=qualifiers)


def on_theme(call: Call, cmd: c.Theme) -> Reply:
    query = ListQuery(theme=cmd.name, page=cmd.page)
    title = f"Theme “{cmd.name}” across all reviews"
    return _after_ack(
        f"Reading every review for the theme “{cmd.name}”…",
        lambda: _list(call, query, title, f'theme "{cmd.name}"', text=title),
    )


def _list(
    call: Call,
    query: ListQuery,
    title: str | None,
    command: str,
    *,
    text: str = "",
    qualifiers: tuple[str, ...] = (),
) -> Reply:
    page = call.services.reads.list_page(
        call.actor, query, title=title, command=command, qualifiers=qualifiers
    )
    today = call.services.reads.today()
    return Reply(
        text=text or f"{page.title}: {page.total} recommendations",
        blocks=views.list_blocks(page, today),
    )


def _after_ack(text: str, build: Callable[[], Reply]) -> Reply:
    """A list across every review sorts every recommendation that matches (100,000
    nationally): it is made after the ack, in the placeholder's place, so that the ack does
    not grow with what the database holds."""
    return Reply(text=text, blocks=views.waiting_blocks(text), later=guarded(build), placeholder=True)


def on_show(call: Call, cmd: c.Show) -> Reply:
    detail = call.services.reads.detail(call.actor, cmd.ref)
    return Reply(
        text=f"{detail.rec.ref}: {detail.rec.text[:200]}",
        blocks=views.detail_blocks(detail, call.services.reads.today()),
    )


def _chaired(call: Call) -> Reply:
    """A chair's `/recs`: a section for each board they chair, from where they ask."""
    found = call.services.reads.chaired_summaries(call.actor)
    if not found:  # no longer a chair between the ack and now: their own list instead
        query = ListQuery(mine=True, statuses=OPEN_STATUSES)
        return _list(call, query, title=MINE, command="list mine")
    total = sum(s.total for s in found)
    titles = ", ".join(s.title for s in found)
    blocks = [block for s in found for block in summary_views.summary_blocks(s)]
    return Reply(text=f"{titles}: {total} recommendations", blocks=blocks)


def on_summary(call: Call, cmd: c.Summary) -> Reply:
    """Made after the ack (it reads every open recommendation it covers, 10,000 in a large
    review): a private summary takes the placeholder's place; a public one is posted to the
    channel when it is ready (slack/replies.py)."""

    def build() -> Reply:
        result = call.services.reads.summary(call.actor, cmd.review, cmd.as_of)
        when = f" as at {result.as_of:%d %B %Y}" if result.as_of else ""
        return Reply(
            text=f"{result.title}{when}: {result.total} recommendations",
            blocks=summary_views.summary_blocks(result),
            public=cmd.public,
        )

    call.services.reads.require_summary_scope(call.actor, cmd.review)
    what = f"review {cmd.review.upper()}" if cmd.review else "every review"
    return _after_ack(f"Reading {what} for the summary…", build)


def on_sample(call: Call, cmd: c.Sample) -> Reply:
    rows = call.services.reads.sample(call.actor, cmd.n)
    if not rows:
        text = "Nothing to sample: no completed recommendation awaits assurance."
        return Reply(text=text, blocks=views.confirmation_blocks(text))
    title = f"Sample of {len(rows)} completed recommendations to verify"
    page = RecommendationPage(title, rows, len(rows), 1, len(rows), "sample")
    today = call.services.reads.today()
    return Reply(text=page.title, blocks=views.list_blocks(page, today), public=True)


# --- writes -----------------------------------------------------------------------------------


def on_add(call: Call, cmd: c.Add) -> Reply:
    if cmd.needs_form:
        return Reply(text="Opening the form to add a recommendation.", modal="add")
    new = NewRecommendation(
        review_code=cmd.review or "", text=cmd.text or "", agency=cmd.agency, due=cmd.due,
        label=cmd.label,
    )  # fmt: skip
    rec = call.services.recommendations.add(call.actor, new, cmd.lead, source=call.source)
    return Reply.done(f"Added {rec.ref}.", rec.ref)


def on_update(call: Call, cmd: c.Update) -> Reply:
    call.services.recommendations.update(
        call.actor, cmd.ref, status=cmd.status, at_risk=cmd.at_risk, note=cmd.note,
        superseded_by=cmd.superseded_by, source=call.source,
    )  # fmt: skip
    return Reply.done(f"{cmd.ref}: {status_phrase(cmd.status, cmd.at_risk)}.", cmd.ref)


def on_note(call: Call, cmd: c.Note) -> Reply:
    call.services.recommendations.update(call.actor, cmd.ref, note=cmd.text, source=call.source)
    return Reply.done(f"{cmd.ref}: note added.", cmd.ref)


def on_done(call: Call, cmd: c.Done) -> Reply:
    call.services.recommendations.done(
        call.actor, cmd.ref, url=cmd.url, note=cmd.note, source=call.source
    )
    return Reply.done(f"{cmd.ref} is marked completed. A chair will review the evidence.", cmd.ref)


def on_assign(call: Call, cmd: c.Assign) -> Reply:
    person = call.services.recommendations.assign(call.actor, cmd.ref, cmd.user)
    return Reply.done(f"{cmd.ref}: lead officer is now {person.name}.", cmd.ref)


def on_change_agency(call: Call, cmd: c.ChangeAgency) -> Reply:
    rec = call.services.recommendations.change_agency(call.actor, cmd.ref, cmd.agency)
    return Reply.done(f"{rec.ref}: owner agency changed.", rec.ref)


def on_due(call: Call, cmd: c.Due) -> Reply:
    change = call.services.recommendations.move_due(call.actor, cmd.ref, cmd.when, cmd.reason)
    return Reply.done(f"{cmd.ref} is now due {change.new_due_on:%d %B %Y}.", cmd.ref)


def on_evidence(call: Call, cmd: c.AddEvidence) -> Reply:
    call.services.evidence.attach(call.actor, cmd.ref, cmd.url, cmd.description)
    return Reply.done(f"{cmd.ref}: evidence recorded.", cmd.ref)


def on_sign_off(call: Call, cmd: c.SignOff) -> Reply:
    call.services.recommendations.sign_off(call.actor, cmd.ref, cmd.note)
    return Reply.done(f"{cmd.ref} is signed off (assured).", cmd.ref)


def on_reject(call: Call, cmd: c.Reject) -> Reply:
    owner = call.services.recommendations.send_back(call.actor, cmd.ref, cmd.reason)
    reply = Reply.done(f"{cmd.ref} is sent back to in progress.", cmd.ref)
    if owner:
        text = f"{cmd.ref} was sent back by the chair: {cmd.reason}"
        reply.direct_messages.append(DirectMessage(owner, text, views.confirmation_blocks(text)))
    return reply


def on_away(call: Call, cmd: c.Away) -> Reply:
    me = call.services.people.away(call.actor, cmd.until, cmd.deputy)
    handed = " Your deputy gets them meanwhile." if me.deputy_id else ""
    return Reply.done(f"Your reminders are paused until {cmd.until:%d %B %Y}.{handed}")


def on_back(call: Call, cmd: c.Back) -> Reply:
    call.services.people.back(call.actor)
    return Reply.done("Welcome back: your reminders are on again.")


# --- after the ack: papers and reminders ------------------------------------------------------


def on_report(call: Call, cmd: c.Report) -> Reply:
    """Checks the request now (fast, before the ack) and builds the paper afterwards."""
    from bot.reports.issue import KINDS

    code, fmt = call.services.reports.check(call.actor, cmd.review, cmd.format)

    def build() -> Reply:
        made = call.services.reports.issue(call.actor, code, fmt, cmd.as_of)
        text = made.title + (" (as issued before)" if made.reissued else "")
        return Reply(
            text=text, blocks=views.confirmation_blocks(text), public=True,
            upload=(made.filename, made.content, made.title),
        )  # fmt: skip

    when = f" as at {cmd.as_of:%d %B %Y}" if cmd.as_of else ""
    text = f"Preparing the {code} {KINDS[fmt]}{when}: it will appear here shortly."
    return Reply(text=text, blocks=views.confirmation_blocks(text), later=guarded(build))


def on_remind(call: Call, cmd: c.Remind) -> Reply:
    """The owner's reminder now: checked before the ack, sent after it."""
    reminders = call.services.reminders
    reminder = reminders.check(call.actor, cmd.ref)
    ref = reminder.ref
    if reminders.notifier is None:  # the console: the reminder is shown, not sent
        reply = Reply.done(f"Reminder for {ref} sent to its lead officer.", ref)
        reply.direct_messages.append(
            DirectMessage(reminder.owner_id, reminder.text, reminder.blocks)
        )
        return reply

    def send() -> Reply:
        try:
            to = reminders.send(reminder)
        except OwnerAway:
            text = f"{ref}'s lead officer is away and no deputy is free: the reminder waits until one is back."
            return Reply(text=text, blocks=views.confirmation_blocks(text))
        except Undeliverable as exc:
            text = (
                f"Slack can't reach {ref}'s lead officer ({reason_words(exc.reason)}): the "
                f"reminder was not sent. Give {ref} another lead officer."
            )
            return Reply(text=text, blocks=views.error_blocks(text, f"/recs assign {ref} @name"),
                         ok=False)  # fmt: skip
        except DeliveryFailed as exc:
            text = f"The reminder for {ref} was not sent ({exc}). Try again in a minute."
            return Reply(text=text, blocks=views.error_blocks(text, None), ok=False)
        return Reply.done(f"Reminder for {ref} sent to <@{to}>.", ref)

    text = f"Sending the reminder for {ref}."
    return Reply(text=text, blocks=views.confirmation_blocks(text), later=guarded(send))


def on_import(call: Call, cmd: c.Import) -> Reply:
    call.services.boards.require(call.actor, Act.import_plan, "import a review")
    return Reply(text="Opening the import form.", modal="import")


def on_people(call: Call, cmd: c.People) -> Reply:
    from bot.views import people as people_views

    found = call.services.people.placeholders(call.actor)
    return Reply(
        text=people_views.placeholders_text(found),
        blocks=people_views.placeholders_blocks(found),
    )


def on_link_person(call: Call, cmd: c.LinkPerson) -> Reply:
    from bot.views import people as people_views

    placeholder, person = call.services.people.link(call.actor, cmd.name, cmd.user)
    return Reply.done(people_views.linked_text(placeholder, person.name))


def on_settings(call: Call, cmd: c.Settings) -> Reply:
    call.services.boards.require(call.actor, Act.settings, "change the board settings")
    return Reply(text="Opening the board settings.", modal="settings")


COMMANDS: dict[type[Any], Callable[[Call, Any], Reply]] = {
    c.Help: on_help,
    c.Home: on_home,
    c.ListRecs: on_list,
    c.Theme: on_theme,
    c.Show: on_show,
    c.Summary: on_summary,
    c.Sample: on_sample,
    c.Add: on_add,
    c.Update: on_update,
    c.Note: on_note,
    c.Done: on_done,
    c.Assign: on_assign,
    c.ChangeAgency: on_change_agency,
    c.Due: on_due,
    c.AddEvidence: on_evidence,
    c.SignOff: on_sign_off,
    c.Reject: on_reject,
    c.Away: on_away,
    c.Back: on_back,
    c.Report: on_report,
    c.Remind: on_remind,
    c.Import: on_import,
    c.Settings: on_settings,
    c.People: on_people,
    c.LinkPerson: on_link_person,
}


# --- wording ----------------------------------------------------------------------------------


def status_phrase(status: Status | None, at_risk: bool | None) -> str:
    if status is not None:
        return f"status is now {status_words(status)}"
    if at_risk is True:
        return "flagged at risk"
    if at_risk is False:
        return "back on track"
    return "note added"


def _list_qualifiers(cmd: c.ListRecs) -> tuple[str, ...]:
    """What narrows a list, after the review's title: "agency “TVP” · overdue"."""
    bits = []
    if cmd.agency:
        bits.append(f"agency “{cmd.agency}”")
    if cmd.statuses:
        bits.append("status " + "/".join(status_words(s) for s in cmd.statuses))
    if cmd.rag:
        bits.append(cmd.rag)
    if cmd.overdue:
        bits.append("overdue")
    if cmd.mine:
        bits.append("mine")
    return tuple(bits)


def _list_command(cmd: c.ListRecs) -> str:
    words = ["list"]
    if cmd.review:
        words.append(cmd.review)
    if cmd.agency:
        words.append(f'agency:"{cmd.agency}"')
    if cmd.statuses:
        words.append("status:" + ",".join(status_slug(s) for s in cmd.statuses))
    if cmd.rag:
        words.append(f"rag:{cmd.rag}")
    if cmd.overdue:
        words.append("overdue")
    if cmd.mine:
        words.append("mine")
    if cmd.owner:
        words.append(f"owner:{cmd.owner.raw}")
    return " ".join(words)
