"""The reminder sweep: works out from the database what is due now, claims each reminder in
the ledger, sends it through a Notifier and marks it sent. Nothing is kept in memory between
sweeps, so any number of schedulers, a crash or a missed tick change nothing: the next sweep
recomputes what is due and the ledger says what has gone.

The bot has no Slack I/O: handlers/notifier.py sends through Slack, bot/console_reminders.py
prints. The only duplicate possible is a message Slack accepted whose ledger row was not yet
marked sent when the process died; its lease runs out and the next sweep sends it again.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import SQLAlchemyError

from bot import services
from bot.reminders import due as policy_rules
from bot.reminders.due import DueReminder, Kind, Policy, Subject
from bot.reminders.messages import DIGESTS, digest_message, metadata, render
from bot.rules import away
from bot.rules.permissions import SYSTEM
from storage import ledger, queries
from storage.db import Database
from storage.ledger import LedgerEntry
from storage.models import Board, Person
from storage.queries import ReminderCandidate

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # far longer than one batch takes to send
BATCH = 25
MAX_CONSECUTIVE_FAILURES = 3  # Slack is down: stop, and leave the rest due for the next sweep


# --- the notifier: what the sweep needs from Slack (or the console) -----------------------


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a DM to `user_id`, or a post in `channel_id`."""

    key: str
    text: str
    blocks: list[Block]
    user_id: str | None = None
    channel_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    channel_id: str
    ts: str


class DeliveryFailed(Exception):
    """Slack did not take the message; the reminder stays due."""


class OwnerAway(DeliveryFailed):
    """The owner is away and no deputy is free to stand in: their reminders wait."""


class Notifier(Protocol):
    def time_zone(self, user_id: str) -> str | None:
        """The person's time zone (Slack's users.info tz), or None if unknown."""

    def held_until(self, user_id: str, now: datetime) -> datetime | None:
        """When the person's Do Not Disturb ends, if it covers `now`; else None."""

    def on_leave(self, user_id: str) -> bool:
        """Whether the person's Slack status says they are away (bot.rules.away.status_says_away)."""

    def user_for_email(self, email: str) -> tuple[str, str] | None:
        """The Slack user id and name with this email (users.lookupByEmail), if there is one."""

    def send(self, message: Outgoing) -> Delivery:
        """Sends, or raises DeliveryFailed."""


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """A reminder due now, with where it goes."""

    entry: LedgerEntry
    kind: Kind
    board_id: int
    user_id: str | None = None
    channel_id: str | None = None
    standing_in_for: str | None = None


@dataclass
class SweepResult:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # Do Not Disturb: next sweep after it ends
    waiting: list[str] = field(default_factory=list)  # owner away with no deputy
    already_sent: int = 0
    taken_elsewhere: int = 0  # claimed by another sweep

    def describe(self) -> str:
        return (
            f"{len(self.sent)} sent, {len(self.failed)} failed, {len(self.held)} held for "
            f"Do Not Disturb, {len(self.waiting)} waiting for an owner who is away, "
            f"{self.already_sent} already sent, {self.taken_elsewhere} taken by another sweep"
        )


@dataclass
class _World:
    """What one sweep reads, once."""

    boards: dict[int, Board]
    policies: dict[int, Policy]
    candidates: list[ReminderCandidate]
    people: dict[str, Person]
    chairs: dict[int, list[str]]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Sweeper:
    """Runs sweeps for one process; `worker` names its claims in the ledger."""

    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        *,
        worker: str | None = None,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        max_failures: int = MAX_CONSECUTIVE_FAILURES,
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.worker = worker or worker_name()
        self.lease = lease
        self.batch = batch
        self.max_failures = max_failures
        self._zones: dict[str, str | None] = {}

    # --- entry point ----------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepResult:
        now = now or self.db.clock()
        result = SweepResult()
        self._zones = {}  # time zones are looked up once per sweep (the notifier caches too)
        world = self._read(now)
        if self._link_emails(world):
            world = self._read(now)  # the lead officers found in Slack are now theirs
        planned = self._plan(world, now, result)
        planned = self._not_sent(planned, result)
        planned = self._not_held(planned, now, result)
        if planned:
            with self.db.unit_of_work() as uow:
                ledger.ensure_entries(uow.session, [p.entry for p in planned], now)
                uow.commit()
            self._deliver(planned, world, now, result)
        if result.sent or result.failed:
            log.info("reminder sweep at %s: %s", now.isoformat(), result.describe())
        return result

    # --- reading and planning -------------------------------------------------------------

    def _link_emails(self, world: _World) -> bool:
        """Lead officers imported by email become their Slack users, so they can be reminded."""
        placeholders = {
            c.lead_officer_id
            for c in world.candidates
            if c.lead_officer_id and c.lead_officer_id.startswith(services.EMAIL_PREFIX)
        }
        linked = False
        for placeholder in sorted(placeholders):
            found = self.notifier.user_for_email(placeholder.removeprefix(services.EMAIL_PREFIX))
            if found is None:
                continue
            with self.db.unit_of_work() as uow:
                services.link_person(uow, SYSTEM, placeholder, *found)
                uow.commit()
            linked = True
        return linked

    def _read(self, now: datetime) -> _World:
        with self.db.unit_of_work(write=False) as uow:
            session = uow.session
            boards = {b.id: b for b in queries.all_boards(session) if b.id is not None}
            policies = {board_id: Policy.of(b) for board_id, b in boards.items()}
            if not boards:
                return _World({}, {}, [], {}, {})
            today = now.date()
            candidates = queries.reminder_candidates(
                session,
                due_by=max(policy_rules.earliest_candidate_due(today, p) for p in policies.values()),
                untouched_before=now
                - timedelta(days=min(p.stale_after_days for p in policies.values()) - 1),
                completed_before=now
                - relativedelta(months=min(p.impact_check_months for p in policies.values()))
                + timedelta(days=1),
            )
            chairs = queries.chairs_by_board(session)
            wanted = {c.lead_officer_id for c in candidates if c.lead_officer_id}
            wanted |= {u for ids in chairs.values() for u in ids}
            people = queries.people_by_ids(session, wanted)
            deputies = {p.deputy_id for p in people.values() if p.deputy_id} - set(people)
            people |= queries.people_by_ids(session, deputies)
        return _World(boards, policies, candidates, people, chairs)

    def time_zone(self, user_id: str, people: dict[str, Person], fallback: str) -> str:
        if user_id not in self._zones:
            self._zones[user_id] = self.notifier.time_zone(user_id)
        person = people.get(user_id)
        return self._zones[user_id] or (person.tz if person else None) or fallback

    def local_day(
        self, now: datetime, people: dict[str, Person], fallback: str
    ) -> Callable[[str], date]:
        """A person's own date at `now`: the day the away rule judges them on."""

        def day(user_id: str) -> date:
            zone = policy_rules.zone(self.time_zone(user_id, people, fallback))
            return now.astimezone(zone).date()

        return day

    def _plan(self, world: _World, now: datetime, result: SweepResult) -> list[Planned]:
        planned: list[Planned] = []
        for candidate in world.candidates:
            policy = world.policies.get(candidate.board_id)
            if policy is None:
                continue
            subject = _subject(candidate)
            planned += self._owner_plan(candidate, subject, policy, world, now, result)
            planned += self._escalation_plan(candidate, subject, policy, world, now)
        for board_id, board in world.boards.items():
            due = policy_rules.digest(world.policies[board_id], now)
            if due and board.channel_id:
                entry = _entry(f"board{board_id}:{due.key}", due, None, board_id, None)
                planned.append(Planned(entry, Kind.digest, board_id, channel_id=board.channel_id))
            planned += self._chair_digest_plan(board_id, world, now)
        return planned

    def _chair_digest_plan(self, board_id: int, world: _World, now: datetime) -> list[Planned]:
        due = policy_rules.monthly_digest(world.policies[board_id], now)
        if due is None:
            return []
        return [
            Planned(
                _entry(f"board{board_id}:{due.key}:{chair}", due, None, board_id, chair),
                Kind.chair_digest,
                board_id,
                user_id=chair,
            )
            for chair in world.chairs.get(board_id, [])
        ]

    def _owner_plan(
        self,
        candidate: ReminderCandidate,
        subject: Subject,
        policy: Policy,
        world: _World,
        now: datetime,
        result: SweepResult,
    ) -> list[Planned]:
        owner_id = candidate.lead_officer_id
        if owner_id is None:
            return []  # no one to remind; the digest and `/recs list` show it
        tz = self.time_zone(owner_id, world.people, policy.time_zone)
        due_now = policy_rules.owner_reminders(subject, policy, now, tz)
        if not due_now:
            return []
        found = away.cover(
            owner_id,
            world.people,
            local_day=self.local_day(now, world.people, policy.time_zone),
            slack_says_away=self.notifier.on_leave,
        )
        if found.recipient is None:
            result.waiting += [f"{candidate.id}:{d.key}" for d in due_now]
            return []
        recipient, standing_in = found.recipient, found.standing_in_for
        if standing_in is not None:
            # The deputy's own zone decides the hour: recompute with it.
            tz = self.time_zone(recipient, world.people, policy.time_zone)
            due_now = policy_rules.owner_reminders(subject, policy, now, tz)
        return [
            Planned(
                _entry(f"{candidate.id}:{d.key}", d, candidate.id, candidate.board_id, recipient),
                d.kind,
                candidate.board_id,
                user_id=recipient,
                standing_in_for=standing_in,
            )
            for d in due_now
        ]

    def _escalation_plan(
        self,
        candidate: ReminderCandidate,
        subject: Subject,
        policy: Policy,
        world: _World,
        now: datetime,
    ) -> list[Planned]:
        planned = []
        for chair_id in world.chairs.get(candidate.board_id, []):
            tz = self.time_zone(chair_id, world.people, policy.time_zone)
            due = policy_rules.escalation(subject, policy, now, tz)
            if due:
                key = f"{candidate.id}:{due.key}:{chair_id}"
                entry = _entry(key, due, candidate.id, candidate.board_id, chair_id)
                planned.append(Planned(entry, Kind.escalation, candidate.board_id, user_id=chair_id))
        board = world.boards[candidate.board_id]
        due = policy_rules.escalation(subject, policy, now, policy.time_zone)
        if due and board.channel_id:
            key = f"{candidate.id}:{Kind.escalation_board}:{due.period}"
            entry = _entry(key, due, candidate.id, candidate.board_id, None, Kind.escalation_board)
            planned.append(
                Planned(entry, Kind.escalation_board, candidate.board_id, channel_id=board.channel_id)
            )
        return planned

    def _not_sent(self, planned: list[Planned], result: SweepResult) -> list[Planned]:
        if not planned:
            return []
        with self.db.unit_of_work(write=False) as uow:
            done = ledger.sent_keys(uow.session, (p.entry.key for p in planned))
        result.already_sent += len(done)
        return [p for p in planned if p.entry.key not in done]

    def _not_held(self, planned: list[Planned], now: datetime, result: SweepResult) -> list[Planned]:
        """Drops DMs to people in Do Not Disturb; they stay due and go when it ends."""
        holds: dict[str, datetime | None] = {}
        kept = []
        for item in planned:
            if item.user_id:
                if item.user_id not in holds:
                    holds[item.user_id] = self.notifier.held_until(item.user_id, now)
                if holds[item.user_id] is not None:
                    result.held.append(item.entry.key)
                    continue
            kept.append(item)
        return kept

    # --- delivering -----------------------------------------------------------------------

    def _deliver(
        self, planned: list[Planned], world: _World, now: datetime, result: SweepResult
    ) -> None:
        by_key = {p.entry.key: p for p in planned}
        keys = sorted(by_key)
        failures = 0
        for start in range(0, len(keys), self.batch):
            chunk = keys[start : start + self.batch]
            taken = self._claim(chunk, now)
            result.taken_elsewhere += len(chunk) - len(taken)
            messages = self._messages([by_key[k] for k in taken], world, now)
            for index, key in enumerate(taken):
                if self._send_one(key, messages.get(key), by_key[key], now):
                    result.sent.append(key)
                    failures = 0
                    continue
                result.failed.append(key)
                failures += 1
                if failures >= self.max_failures:
                    self._release(taken[index + 1 :])
                    log.warning("reminders: Slack is failing; the rest wait for the next sweep")
                    return

    def _claim(self, keys: list[str], now: datetime) -> list[str]:
        try:
            with self.db.unit_of_work() as uow:
                taken = ledger.claim(
                    uow.session, keys, worker=self.worker, now=now, lease_until=now + self.lease
                )
                uow.commit()
            return taken
        except SQLAlchemyError:
            # A lock timeout or a deadlock: nothing was claimed; the next sweep retries.
            log.warning("reminders: could not claim a batch", exc_info=True)
            return []

    def _release(self, keys: list[str]) -> None:
        if not keys:
            return
        try:
            with self.db.unit_of_work() as uow:
                ledger.release(uow.session, keys, worker=self.worker)
                uow.commit()
        except SQLAlchemyError:
            log.warning("reminders: could not release claims; their leases will run out")

    def _send_one(self, key: str, message: Outgoing | None, item: Planned, now: datetime) -> bool:
        if message is None:
            self._release([key])
            return False
        try:
            delivery = self.notifier.send(message)
        except DeliveryFailed as exc:
            log.warning("reminder %s not sent: %s", key, exc)
            self._release([key])
            return False
        try:
            with self.db.unit_of_work() as uow:
                ledger.mark_sent(
                    uow.session,
                    key,
                    worker=self.worker,
                    now=now,
                    recipient_id=item.user_id,
                    channel_id=delivery.channel_id,
                    message_ts=delivery.ts,
                )
                uow.commit()
        except SQLAlchemyError:
            # Sent but not marked: the one window in which a reminder can go twice.
            log.exception("reminder %s sent but not marked; it may be sent again", key)
        return True

    def _messages(
        self, items: list[Planned], world: _World, now: datetime
    ) -> dict[str, Outgoing]:
        if not items:
            return {}
        rec_ids = {i.entry.recommendation_id for i in items if i.entry.recommendation_id}
        with self.db.unit_of_work(write=False) as uow:
            details = queries.reminder_details(uow.session, rec_ids)  # type: ignore[arg-type]
            digests = {
                (i.board_id, i.kind): digest_message(
                    uow.session,
                    world.boards[i.board_id],
                    now,
                    monthly=i.kind == Kind.chair_digest,
                    local_day=self.local_day(now, world.people, world.policies[i.board_id].time_zone),
                    slack_says_away=self.notifier.on_leave,
                )
                for i in items
                if i.kind in DIGESTS
            }
        out: dict[str, Outgoing] = {}
        for item in items:
            key = item.entry.key
            if item.kind in DIGESTS:
                text, blocks = digests[(item.board_id, item.kind)]
            else:
                detail = details.get(item.entry.recommendation_id or -1)
                if detail is None:
                    continue
                standing = world.people.get(item.standing_in_for or "")
                text, blocks = render(detail, item.kind, world.boards[item.board_id], now, standing)
            out[key] = Outgoing(
                key=key,
                text=text,
                blocks=blocks,
                user_id=item.user_id,
                channel_id=item.channel_id,
                metadata=metadata(key, item.kind, details.get(item.entry.recommendation_id or -1)),
            )
        return out


# --- helpers shared with `/recs remind` ---------------------------------------------------


def _subject(c: ReminderCandidate) -> Subject:
    touched = c.last_update_at or c.created_at
    return Subject(
        status=c.status,
        due_on=c.due_on,
        last_touch=touched.date(),
        completed_on=c.completed_at.date() if c.completed_at else None,
        snoozed_until=c.snoozed_until,
    )


def _entry(
    key: str,
    due: DueReminder,
    rec_id: int | None,
    board_id: int,
    recipient: str | None,
    kind: Kind | None = None,
) -> LedgerEntry:
    return LedgerEntry(key, str(kind or due.kind), due.period, rec_id, board_id, recipient)
