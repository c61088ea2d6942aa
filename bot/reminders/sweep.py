"""The reminder sweep: works out from the database what is due now, claims each reminder in
the ledger, sends it through a Notifier and marks it sent. Nothing is kept in memory between
sweeps, so any number of schedulers, a crash or a missed tick change nothing: the next sweep
recomputes what is due and the ledger says what has gone.

What one sweep has for one person goes as one message, a list (bot/reminders/parcels.py);
the claims and their leases are bot/reminders/claims.py, the sending and what each of
Slack's answers means bot/reminders/sending.py. The bot has no Slack I/O: slack/notifier.py
sends through Slack, console/notifier.py prints.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from dateutil.relativedelta import relativedelta

from bot import services
from bot.reminders import due as policy_rules
from bot.reminders.claims import Claims, LeaseClock
from bot.reminders.delivery import (
    Delivery,
    DeliveryFailed,
    MaybeSent,
    Notifier,
    Outgoing,
    OwnerAway,
    RateLimited,
    Undeliverable,
)
from bot.reminders.due import DueReminder, Kind, Policy, Subject
from bot.reminders.messages import Piece, compose, digest_message, metadata
from bot.reminders.parcels import DIGESTS, Parcel, Planned, batches, parcels
from bot.reminders.sending import MAX_PAUSE_SECONDS, Courier, SweepResult
from bot.rules import away
from bot.rules.permissions import SYSTEM
from storage import ledger, queries
from storage.db import Database
from storage.ledger import LedgerEntry
from storage.models import Board, LedgerState, Person
from storage.queries import ReminderCandidate

log = logging.getLogger(__name__)

__all__ = [  # what the sweep's callers (and tests) import from here
    "Delivery", "DeliveryFailed", "MaybeSent", "Notifier", "Outgoing", "OwnerAway", "Planned",
    "RateLimited", "SweepResult", "Sweeper", "Undeliverable",
]

LEASE = timedelta(minutes=10)  # renewed before each message: far longer than one takes
BATCH = 25
MAX_CONSECUTIVE_FAILURES = 3  # Slack is down: stop, and leave the rest due for the next sweep


@dataclass
class _World:
    """What one sweep reads, once."""

    boards: dict[int, Board]
    policies: dict[int, Policy]
    candidates: list[ReminderCandidate]
    people: dict[str, Person]
    chairs: dict[int, list[str]]


def worker_name() -> str:
    # claimed_by holds 100 characters: a long host name is cut, the pid and a nonce are not.
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Sweeper:
    """Runs sweeps for one process; `worker` names its claims in the ledger (each sweep adds
    its own number, so two sweeps of one process never take each other's claims for theirs).

    `lease_clock`, `sleep` and `monotonic` are the database's clock, time.sleep and
    time.monotonic; tests move them. With `workspace` (many workspaces, the OAuth install)
    it sweeps only that workspace's boards, which its notifier speaks for."""

    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        *,
        worker: str | None = None,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        max_failures: int = MAX_CONSECUTIVE_FAILURES,
        max_pause: float = MAX_PAUSE_SECONDS,
        lease_clock: LeaseClock = ledger.database_time,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        workspace: str | None = None,
    ) -> None:
        self.db = db
        self.workspace = workspace
        self.notifier = notifier
        self.worker = worker or worker_name()
        self.lease = lease
        self.batch = batch
        self.max_failures = max_failures
        self.max_pause = max_pause
        self.lease_clock = lease_clock
        self.sleep = sleep
        self.monotonic = monotonic
        self._zones: dict[str, str | None] = {}
        self._sweeps = itertools.count(1)

    # --- entry point ----------------------------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """One sweep at `now`, the business time (what is due); leases ignore it."""
        now = now or self.db.clock()
        result = SweepResult()
        self._zones = {}  # time zones are looked up once per sweep (the notifier caches too)
        world = self._read(now)
        if self._link_emails(world):
            world = self._read(now)  # the lead officers found in Slack are now theirs
        planned, readdressed = self._not_sent(self._plan(world, now, result), result)
        planned = self._not_held(planned, now, result)
        if planned:
            with self.db.unit_of_work() as uow:
                ledger.ensure_entries(uow.session, [p.entry for p in planned], now)
                ledger.readdress(uow.session, readdressed)
                uow.commit()
            self._deliver(planned, world, now, result)
        if result.sent or result.failed or result.undeliverable or result.lost:
            log.info("reminder sweep at %s: %s", now.isoformat(), result.describe())
        return result

    def claims(self) -> Claims:
        """A new sweep's claims, under a holder name of its own."""
        holder = f"{self.worker}/{next(self._sweeps)}"
        return Claims(self.db, holder, lease=self.lease, lease_clock=self.lease_clock,
                      sleep=self.sleep, monotonic=self.monotonic)  # fmt: skip

    def courier(self, claims: Claims, result: SweepResult, now: datetime) -> Courier:
        return Courier(self.notifier, claims, result, now=now, max_failures=self.max_failures,
                       max_pause=self.max_pause)  # fmt: skip

    def sending_moment(self, day: date) -> datetime | None:
        """The first moment of `day` at which a board's reminders go (the console's /time)."""
        with self.db.unit_of_work(write=False) as uow:
            policies = [Policy.of(b) for b in queries.all_boards(uow.session)]
        return policy_rules.first_sending_moment(day, policies)

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
            boards = {b.id: b for b in queries.all_boards(session)
                      if b.id is not None and self._ours(b)}  # fmt: skip
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
            candidates = [c for c in candidates if c.board_id in boards]
            chairs = {b: ids for b, ids in queries.chairs_by_board(session).items() if b in boards}
            wanted = {c.lead_officer_id for c in candidates if c.lead_officer_id}
            wanted |= {u for ids in chairs.values() for u in ids}
            people = queries.people_by_ids(session, wanted)
            deputies = {p.deputy_id for p in people.values() if p.deputy_id} - set(people)
            people |= queries.people_by_ids(session, deputies)
        return _World(boards, policies, candidates, people, chairs)

    def _ours(self, board: Board) -> bool:
        return self.workspace is None or board.team_id == self.workspace

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
                due_on=candidate.due_on,
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
                planned.append(Planned(entry, Kind.escalation, candidate.board_id,
                                       user_id=chair_id, due_on=candidate.due_on))  # fmt: skip
        board = world.boards[candidate.board_id]
        due = policy_rules.escalation(subject, policy, now, policy.time_zone)
        if due and board.channel_id:
            key = f"{candidate.id}:{Kind.escalation_board}:{due.period}"
            entry = _entry(key, due, candidate.id, candidate.board_id, None, Kind.escalation_board)
            planned.append(Planned(entry, Kind.escalation_board, candidate.board_id,
                                   channel_id=board.channel_id, due_on=candidate.due_on))  # fmt: skip
        return planned

    def _not_sent(
        self, planned: list[Planned], result: SweepResult
    ) -> tuple[list[Planned], dict[str, str | None]]:
        """What is not done with yet. An undeliverable reminder stays done unless it now goes
        to someone else (a new lead officer, a deputy): then it is due again, for them."""
        if not planned:
            return [], {}
        with self.db.unit_of_work(write=False) as uow:
            done = ledger.settled(uow.session, (p.key for p in planned))
        kept: list[Planned] = []
        readdressed: dict[str, str | None] = {}
        for item in planned:
            found = done.get(item.key)
            if found is None:
                kept.append(item)
            elif found[0] == LedgerState.sent:
                result.already_sent += 1
            elif item.user_id is not None and item.user_id != found[1]:
                readdressed[item.key] = item.user_id
                kept.append(item)
        return kept, readdressed

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
        """Claims about a batch at a time, then sends each parcel of it (one message a
        person); whatever is still held when the sweep ends or stops is given back."""
        claims = self.claims()
        courier = self.courier(claims, result, now)
        try:
            for batch in batches(parcels(planned), self.batch):
                if courier.stopped:
                    break
                keys = [k for parcel in batch for k in parcel.keys]
                taken = claims.take(keys)
                result.taken_elsewhere += len(keys) - len(taken)
                doubt = {c.key: c.since for c in taken if c.in_doubt}
                held = [h for parcel in batch if (h := parcel.only(claims.held)) is not None]
                pieces = self._pieces([i for parcel in held for i in parcel.items], world, now)
                for parcel in held:
                    courier.deliver(parcel, partial(_compose, pieces=pieces, now=now), doubt)
        finally:
            claims.release_all()

    def _pieces(
        self, items: list[Planned], world: _World, now: datetime
    ) -> dict[str, Piece | Outgoing]:
        """What each claimed reminder says, read once for the batch (a digest whole)."""
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
        out: dict[str, Piece | Outgoing] = {}
        for item in items:
            if item.kind in DIGESTS:
                text, blocks = digests[(item.board_id, item.kind)]
                tag = metadata([(item.key, item.kind, "")])
                out[item.key] = Outgoing((item.key,), text, blocks, item.user_id,
                                         item.channel_id, tag)  # fmt: skip
                continue
            detail = details.get(item.entry.recommendation_id or -1)
            if detail is not None:
                standing = world.people.get(item.standing_in_for or "")
                out[item.key] = Piece(item.key, item.kind, detail, world.boards[item.board_id],
                                      standing)  # fmt: skip
        return out


def _compose(parcel: Parcel, pieces: dict[str, Piece | Outgoing], now: datetime) -> list[Outgoing]:
    """The message(s) for a parcel from what `_pieces` read; a reminder whose recommendation
    is gone is left out (its claim is given back at the end of the sweep)."""
    found = [pieces[k] for k in parcel.keys if k in pieces]
    ready = [p for p in found if isinstance(p, Outgoing)]
    if ready:
        return ready  # a digest: always a message of its own
    parts = [p for p in found if isinstance(p, Piece)]
    return compose(parts, now, user_id=parcel.user_id, channel_id=parcel.channel_id)


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
