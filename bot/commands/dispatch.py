"""Runs one `/recs` command for one actor: parse, one service call, one view.

Slack's handlers and the console both call `CommandRunner.run`; there is no second
implementation of any command.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block
from sqlalchemy.exc import SQLAlchemyError

from bot import reads, services, summary
from bot.commands import grammar as c
from bot.errors import NotFound, UserError
from bot.reminders.due import Kind
from bot.rules.brag import Thresholds
from bot.rules.permissions import Actor, Role, board_roles, roles_on
from bot.views import recommendations as views
from bot.views import summary as summary_views
from storage import queries
from storage.db import Database, UnitOfWork, is_connection_error
from storage.models import Person, Status, UpdateSource
from storage.queries import RecommendationFilter

if TYPE_CHECKING:
    from bot.reminders.sweep import Notifier

log = logging.getLogger(__name__)

TRY_AGAIN = (
    "The database is not answering just now. Nothing was saved: please try again in a minute."
)


@dataclass
class DirectMessage:
    user_id: str
    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Reply:
    """What a command answers: blocks for Slack, the same blocks as text for the console."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    public: bool = False
    ok: bool = True
    modal: str | None = None  # a view to open: Slack opens it; the console explains
    modal_context: dict[str, Any] = field(default_factory=dict)
    upload: tuple[str, bytes, str] | None = None  # filename, content, title
    direct_messages: list[DirectMessage] = field(default_factory=list)
    later: Callable[[], Reply] | None = None  # slow work to run after the ack
    # A placeholder: what `later` makes (a read, quick) takes this answer's place.
    placeholder: bool = False

    @property
    def follows(self) -> bool:
        """Whether anything follows the answer: direct messages, an upload or slow work."""
        return bool(self.direct_messages or self.upload or self.later)

    @classmethod
    def error(cls, exc: UserError) -> Reply:
        return cls(text=str(exc), blocks=views.error_blocks(exc.message, exc.example), ok=False)

    @classmethod
    def done(cls, text: str, ref: str | None = None) -> Reply:
        return cls(text=text, blocks=views.confirmation_blocks(text, ref=ref))


class CommandRunner:
    def __init__(self, db: Database, *, source: UpdateSource = UpdateSource.command) -> None:
        self.db = db
        self.source = source
        # `/recs remind` sends through it when set (the Slack app); otherwise it returns DMs.
        self.notifier: Notifier | None = None

    # --- entry points ---------------------------------------------------------------------

    def run(self, actor: Actor, text: str, *, channel_id: str | None = None) -> Reply:
        try:
            command = c.parse(text)
            return self.execute(actor, command, channel_id=channel_id)
        except UserError as exc:
            return Reply.error(exc)
        except SQLAlchemyError as exc:
            return self.failure(exc)

    def execute(self, actor: Actor, command: c.Command, *, channel_id: str | None = None) -> Reply:
        handler = getattr(self, "_" + type(command).__name__.lower())
        reply: Reply = handler(actor, command)
        return reply

    def failure(self, exc: Exception) -> Reply:
        if is_connection_error(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            return Reply(text=TRY_AGAIN, blocks=views.error_blocks(TRY_AGAIN, None), ok=False)
        error_id = uuid.uuid4().hex[:8]
        log.exception("command failed (error id %s)", error_id)
        text = f"Sorry, something went wrong on our side (error id {error_id}). Nothing was saved."
        return Reply(text=text, blocks=views.error_blocks(text, None), ok=False)

    # --- helpers --------------------------------------------------------------------------

    def write(self) -> UnitOfWork:
        return self.db.unit_of_work(write=True)

    def read(self) -> UnitOfWork:
        return self.db.unit_of_work(write=False)

    def today(self) -> date:
        return self.db.clock().date()

    @staticmethod
    def me(uow: UnitOfWork, actor: Actor) -> Person:
        return services.ensure_person(
            uow.session, actor.user_id, actor.name or None, team_id=actor.team_id
        )

    @staticmethod
    def resolve(uow: UnitOfWork, mention: c.Mention) -> Person:
        slack_id = mention.slack_id
        if slack_id:
            name = mention.raw.split("|", 1)[1].rstrip(">") if "|" in mention.raw else None
            return services.ensure_person(uow.session, slack_id, name)
        found = queries.person_by_name_or_email(uow.session, mention.handle)
        if found is None:
            raise NotFound(f"I don't know anyone called @{mention.handle[:40]}.", example="@jane")
        return found

    # --- commands -------------------------------------------------------------------------

    def _help(self, actor: Actor, cmd: c.Help) -> Reply:
        blocks = views.help_blocks(cmd.topic)
        return Reply(text="recs help", blocks=blocks)

    def _home(self, actor: Actor, cmd: c.Home) -> Reply:
        with self.read() as uow:
            chaired = queries.boards_chaired_by(uow.session, actor.user_id)
            if chaired:
                # The chair's own board, not every board's reviews (a national deployment
                # holds ~150 boards; summing them all for one chair is work nobody asked for).
                board = chaired[0]
                result = summary.board_summary(
                    uow.session,
                    None,
                    board.name,
                    self.today(),
                    Thresholds.of(board),
                    board_id=board.id,
                )
        if chaired:
            return Reply(
                text=f"{board.name}: {result.total} recommendations",
                blocks=summary_views.summary_blocks(result),
            )
        return self._listrecs(
            actor,
            c.ListRecs(mine=True),
            title="Your open recommendations",
            statuses=(Status.not_started, Status.in_progress),
        )

    def _listrecs(
        self,
        actor: Actor,
        cmd: c.ListRecs,
        *,
        title: str | None = None,
        statuses: tuple[Status, ...] = (),
    ) -> Reply:
        if cmd.review is None and not (cmd.mine or cmd.owner):
            return self._across_reviews(
                "Reading every review for that list…",
                lambda: self._list_now(actor, cmd, title=title, statuses=statuses),
            )
        return self._list_now(actor, cmd, title=title, statuses=statuses)

    def _across_reviews(self, text: str, build: Callable[[], Reply]) -> Reply:
        """A list across every review sorts every recommendation that matches (100,000
        nationally): it is made after the ack, in the placeholder's place, so that the ack
        does not grow with what the database holds."""

        def made() -> Reply:
            try:
                reply = build()
            except UserError as exc:
                reply = Reply.error(exc)
            except SQLAlchemyError as exc:
                reply = self.failure(exc)
            return reply

        return Reply(text=text, blocks=views.waiting_blocks(text), later=made, placeholder=True)

    def _list_now(
        self,
        actor: Actor,
        cmd: c.ListRecs,
        *,
        title: str | None = None,
        statuses: tuple[Status, ...] = (),
    ) -> Reply:
        with self.read() as uow:
            session = uow.session
            review, board = reads.review_in_scope(session, cmd.review)
            review_id = review.id if review else None
            agency_ids = None
            if cmd.agency:
                board_id = board.id if review and board else None
                matches = queries.agencies_matching(session, board_id, cmd.agency)
                if not matches:
                    raise NotFound(
                        f"No agency matches '{cmd.agency[:60]}'.",
                        example='/recs list H agency:"Thames Valley Police"',
                    )
                agency_ids = tuple(a.id for a in matches if a.id is not None)
            owner = None
            if cmd.owner:
                # The id alone: a list reads, and must not store the mention's name.
                owner = cmd.owner.slack_id or self.resolve(uow, cmd.owner).id
            elif cmd.mine:
                owner = actor.user_id
            flt = RecommendationFilter(
                review_id=review_id,
                agency_ids=agency_ids,
                statuses=cmd.statuses or statuses or None,
                brag=cmd.rag,
                overdue_before=self.today() if cmd.overdue else None,
                owned_by=owner,
            )
            page = reads.list_page(
                session,
                flt,
                today=self.today(),
                thresholds=Thresholds.of(board),
                title=title or _list_title(reads.review_title(review), cmd),
                command=_list_command(cmd),
                page=cmd.page,
            )
        return Reply(
            text=f"{page.title}: {page.total} recommendations",
            blocks=views.list_blocks(page, self.today()),
        )

    def _show(self, actor: Actor, cmd: c.Show) -> Reply:
        with self.read() as uow:
            detail = reads.detail(uow.session, cmd.ref, self.today())
        return Reply(
            text=f"{detail.rec.ref}: {detail.rec.text[:200]}",
            blocks=views.detail_blocks(detail, self.today()),
        )

    def _add(self, actor: Actor, cmd: c.Add) -> Reply:
        if cmd.needs_form:
            return Reply(text="Opening the form to add a recommendation.", modal="add")
        with self.write() as uow:
            self.me(uow, actor)
            lead = self.resolve(uow, cmd.lead).id if cmd.lead else None
            rec = services.add_recommendation(
                uow,
                actor,
                services.NewRecommendation(
                    review_code=cmd.review or "",
                    text=cmd.text or "",
                    agency=cmd.agency,
                    lead_officer_id=lead,
                    due=cmd.due,
                    label=cmd.label,
                ),
                source=self.source,
            )
            uow.commit()
        return Reply.done(f"Added {rec.ref}.", rec.ref)

    def _update(self, actor: Actor, cmd: c.Update) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            if cmd.status == Status.not_implemented:
                services.close_not_implemented(uow, actor, cmd.ref, cmd.note)
            elif cmd.status == Status.superseded:
                services.supersede(uow, actor, cmd.ref, cmd.superseded_by or "", cmd.note)
            else:
                services.record_update(
                    uow,
                    actor,
                    cmd.ref,
                    status=cmd.status,
                    at_risk=cmd.at_risk,
                    note=cmd.note,
                    source=self.source,
                )
            uow.commit()
        what = status_phrase(cmd.status, cmd.at_risk)
        return Reply.done(f"{cmd.ref}: {what}.", cmd.ref)

    def _note(self, actor: Actor, cmd: c.Note) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            services.record_update(uow, actor, cmd.ref, note=cmd.text, source=self.source)
            uow.commit()
        return Reply.done(f"{cmd.ref}: note added.", cmd.ref)

    def _done(self, actor: Actor, cmd: c.Done) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            services.mark_done(
                uow, actor, cmd.ref, evidence_url=cmd.url, note=cmd.note, source=self.source
            )
            uow.commit()
        return Reply.done(
            f"{cmd.ref} is marked completed. A chair will review the evidence.", cmd.ref
        )

    def _assign(self, actor: Actor, cmd: c.Assign) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            person = self.resolve(uow, cmd.user)
            services.assign(uow, actor, cmd.ref, person.id)
            uow.commit()
        return Reply.done(f"{cmd.ref}: lead officer is now {person.name}.", cmd.ref)

    def _changeagency(self, actor: Actor, cmd: c.ChangeAgency) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            rec = services.change_agency(uow, actor, cmd.ref, cmd.agency)
            uow.commit()
        return Reply.done(f"{rec.ref}: owner agency changed.", rec.ref)

    def _due(self, actor: Actor, cmd: c.Due) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            change = services.move_due_date(uow, actor, cmd.ref, cmd.when, cmd.reason)
            uow.commit()
        return Reply.done(f"{cmd.ref} is now due {change.new_due_on:%d %B %Y}.", cmd.ref)

    def _addevidence(self, actor: Actor, cmd: c.AddEvidence) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            services.attach_evidence(uow, actor, cmd.ref, cmd.url, cmd.description)
            uow.commit()
        return Reply.done(f"{cmd.ref}: evidence recorded.", cmd.ref)

    def _signoff(self, actor: Actor, cmd: c.SignOff) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            services.sign_off(uow, actor, cmd.ref, cmd.note)
            uow.commit()
        return Reply.done(f"{cmd.ref} is signed off (assured).", cmd.ref)

    def _reject(self, actor: Actor, cmd: c.Reject) -> Reply:
        with self.write() as uow:
            self.me(uow, actor)
            services.reject(uow, actor, cmd.ref, cmd.reason)
            rec = services.get_recommendation(uow.session, cmd.ref)
            owner = rec.lead_officer_id
            uow.commit()
        reply = Reply.done(f"{cmd.ref} is sent back to in progress.", cmd.ref)
        if owner:
            text = f"{cmd.ref} was sent back by the chair: {cmd.reason}"
            reply.direct_messages.append(
                DirectMessage(owner, text, views.confirmation_blocks(text))
            )
        return reply

    def _away(self, actor: Actor, cmd: c.Away) -> Reply:
        with self.write() as uow:
            deputy = self.resolve(uow, cmd.deputy).id if cmd.deputy else None
            services.set_away(uow, actor, cmd.until, deputy)
            uow.commit()
        handed = " Your deputy gets them meanwhile." if deputy else ""
        return Reply.done(f"Your reminders are paused until {cmd.until:%d %B %Y}.{handed}")

    def _back(self, actor: Actor, cmd: c.Back) -> Reply:
        with self.write() as uow:
            services.set_away(uow, actor, None)
            uow.commit()
        return Reply.done("Welcome back: your reminders are on again.")

    def _theme(self, actor: Actor, cmd: c.Theme) -> Reply:
        def build() -> Reply:
            with self.read() as uow:
                page = reads.list_page(
                    uow.session,
                    RecommendationFilter(theme=cmd.name),
                    today=self.today(),
                    thresholds=Thresholds.of(queries.first_board(uow.session)),
                    title=f"Theme “{cmd.name}” across all reviews",
                    command=f'theme "{cmd.name}"',
                    page=cmd.page,
                )
            return Reply(text=page.title, blocks=views.list_blocks(page, self.today()))

        return self._across_reviews(f"Reading every review for the theme “{cmd.name}”…", build)

    def _summary(self, actor: Actor, cmd: c.Summary) -> Reply:
        with self.read() as uow:
            result = summary.review_summary(uow.session, cmd.review, self.today(), as_of=cmd.as_of)
            result.review_code = cmd.review.upper() if cmd.review else None
        when = f" as at {result.as_of:%d %B %Y}" if result.as_of else ""
        return Reply(
            text=f"{result.title}{when}: {result.total} recommendations",
            blocks=summary_views.summary_blocks(result),
            public=cmd.public,
        )

    def _sample(self, actor: Actor, cmd: c.Sample) -> Reply:
        with self.read() as uow:
            board = queries.first_board(uow.session)
            roles = board_roles(uow.session, actor, board.id if board else None)
            if not roles & {Role.chair, Role.admin}:
                raise UserError("Only a chair of the board or a board admin can draw a sample.")
            rows = reads.sample_completed(uow.session, cmd.n, self.today())
        if not rows:
            return Reply(
                text="Nothing to sample: no completed recommendation awaits assurance.",
                blocks=views.confirmation_blocks(
                    "Nothing to sample: no completed recommendation awaits assurance."
                ),
            )
        page = reads.RecommendationPage(
            f"Sample of {len(rows)} completed recommendations to verify",
            rows,
            len(rows),
            1,
            len(rows),
            "sample",
        )
        return Reply(text=page.title, blocks=views.list_blocks(page, self.today()), public=True)

    def _report(self, actor: Actor, cmd: c.Report) -> Reply:
        """Checks the request now (fast, before the ack) and builds the paper afterwards."""
        from bot.reports import issue as papers

        fmt = papers.check_format(cmd.format)
        with self.read() as uow:
            review = papers.review_for_paper(uow.session, cmd.review)
            papers.require_issuer(uow.session, actor, review)
        code = review.code

        def build() -> Reply:
            try:
                with self.write() as uow:
                    self.me(uow, actor)
                    made = papers.issue(uow, actor, code, fmt, cmd.as_of)
                    uow.commit()
            except UserError as exc:
                return Reply.error(exc)
            except SQLAlchemyError as exc:
                return self.failure(exc)
            again = " (as issued before)" if made.reissued else ""
            text = f"{made.title}{again}"
            return Reply(
                text=text,
                blocks=views.confirmation_blocks(text),
                public=True,
                upload=(made.filename, made.content, made.title),
            )

        when = f" as at {cmd.as_of:%d %B %Y}" if cmd.as_of else ""
        text = f"Preparing the {code} {papers.KINDS[fmt]}{when}: it will appear here shortly."
        return Reply(text=text, blocks=views.confirmation_blocks(text), later=build)

    def _remind(self, actor: Actor, cmd: c.Remind) -> Reply:
        """The owner's reminder now: checked before the ack, sent after it."""
        from bot.reminders import sweep

        with self.read() as uow:
            rec = services.get_recommendation(uow.session, cmd.ref)
            roles = roles_on(uow.session, actor, rec)
            if not roles & {Role.owner, Role.chair, Role.admin}:
                raise UserError(
                    f"Only {rec.ref}'s owners, a chair or a board admin can send its reminder."
                )
            if rec.lead_officer_id is None:
                raise UserError(
                    f"{rec.ref} has no lead officer to remind.",
                    example=f"/recs assign {rec.ref} @jane",
                )
            rec_id, ref, owner = rec.id, rec.ref, rec.lead_officer_id
            board = services.board_of(uow.session, rec)
            detail = queries.reminder_details(uow.session, {rec_id}).get(rec_id)  # type: ignore[arg-type]
        notifier = self.notifier
        if notifier is None or detail is None:
            text, blocks = sweep.render(detail, Kind.manual, board, self.db.clock(), None)  # type: ignore[arg-type]
            reply = Reply.done(f"Reminder for {ref} sent to its lead officer.", ref)
            reply.direct_messages.append(DirectMessage(owner, text, blocks))
            return reply

        def send() -> Reply:
            try:
                to = sweep.send_now(self.db, notifier, rec_id)  # type: ignore[arg-type]
            except sweep.DeliveryFailed as exc:
                text = f"The reminder for {ref} was not sent ({exc}). Try again in a minute."
                return Reply(text=text, blocks=views.error_blocks(text, None), ok=False)
            return Reply.done(f"Reminder for {ref} sent to <@{to}>.", ref)

        text = f"Sending the reminder for {ref}."
        return Reply(text=text, blocks=views.confirmation_blocks(text), later=send)

    def _import(self, actor: Actor, cmd: c.Import) -> Reply:
        self._require_admin(actor)
        return Reply(text="Opening the import form.", modal="import")

    def _settings(self, actor: Actor, cmd: c.Settings) -> Reply:
        self._require_admin(actor)
        return Reply(text="Opening the board settings.", modal="settings")

    def _require_admin(self, actor: Actor) -> None:
        with self.read() as uow:
            board = queries.first_board(uow.session)
            roles = board_roles(uow.session, actor, board.id if board else None)
        if Role.admin not in roles:
            raise UserError("Only a board admin can do that.")


def status_phrase(status: Status | None, at_risk: bool | None) -> str:
    if status is not None:
        return f"status is now {status.replace('_', ' ')}"
    if at_risk is True:
        return "flagged at risk"
    if at_risk is False:
        return "back on track"
    return "note added"


def _list_title(review_title: str, cmd: c.ListRecs) -> str:
    bits = [review_title]
    if cmd.agency:
        bits.append(f"agency “{cmd.agency}”")
    if cmd.statuses:
        bits.append("status " + "/".join(s.replace("_", " ") for s in cmd.statuses))
    if cmd.rag:
        bits.append(cmd.rag)
    if cmd.overdue:
        bits.append("overdue")
    if cmd.mine:
        bits.append("mine")
    return " · ".join(bits)


def _list_command(cmd: c.ListRecs) -> str:
    words = ["list"]
    if cmd.review:
        words.append(cmd.review)
    if cmd.agency:
        words.append(f'agency:"{cmd.agency}"')
    if cmd.statuses:
        words.append("status:" + ",".join(s.replace("_", "-") for s in cmd.statuses))
    if cmd.rag:
        words.append(f"rag:{cmd.rag}")
    if cmd.overdue:
        words.append("overdue")
    if cmd.mine:
        words.append("mine")
    if cmd.owner:
        words.append(f"owner:{cmd.owner.raw}")
    return " ".join(words)
