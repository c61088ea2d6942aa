"""A national-scale data set: N recommendations across ~150 boards, with their histories.

    python -m bench.seed --n 100000 --database-url sqlite:///data/bench.sqlite3

About 150 partnerships × 10 years × 3 reviews × ~22 recommendations makes 100,000.
Older reviews are mostly embedded or closed; recent ones are open. Histories carry
progress updates, evidence and due-date moves, and the denormalised fields the app
keeps (status, completed_at, last_update_at, review.next_number) agree with them.

Reminders: exactly `due` open recommendations (default 1% of N) are due a reminder on
the sweep day (`SWEEP_AT`, a Monday morning), 14 days before their due date. As many
again are overdue (red), and the reminder ledger holds, as sent, their latest overdue
reminder and escalations, and this week's and month's digests: the sweep has been running.
Every other open one is due more than a month ahead and was updated within 50 days, and
nothing done has reached its six-month impact check. So the sweep has `due` things to
do, and `due` more to look at and find sent, whatever N is.

Rows are written in bulk: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Table, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Connection

from bot.reminders import due as rules
from bot.rules.lifecycle import status_words
from storage.db import Database
from storage.models import (
    AWAITING_IMPACT,
    BOARD_DEFAULTS,
    CLOSED_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    ActionKind,
    Agency,
    AgencyMember,
    AuditLog,
    Board,
    BoardRole,
    BoardRoleKind,
    DueDateChange,
    Evidence,
    EvidenceState,
    LedgerState,
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationPart,
    RecommendationTheme,
    ReminderLedger,
    Response,
    Review,
    ReviewKind,
    Status,
    UpdateSource,
)
from storage.types import UTCDateTime

SWEEP_DAY = date(2026, 3, 2)  # a Monday, not a bank holiday
SWEEP_AT = datetime(2026, 3, 2, 9, 45, tzinfo=UTC)  # after 09:30 in London (GMT in March)
RECS_PER_REVIEW = 22
REVIEWS_PER_BOARD = 30  # 10 years × 3 reviews
FIRST_REVIEW = "H"  # board 1's first review, as in the Child H demo
BIG_REVIEW = "BIG"  # the optional large review the report benchmark exports
BOARD_CHANNEL = "C0BOARD"  # board 1's channel: the Slack driver's default channel
REMINDER_OFFSET = 14  # the due set: due in 14 days (a due-soon reminder)

AREAS = [
    "Oxfordshire",
    "Bristol",
    "Leeds",
    "Kent",
    "Essex",
    "Norfolk",
    "Suffolk",
    "Devon",
    "Cornwall",
    "Dorset",
    "Somerset",
    "Wiltshire",
    "Hampshire",
    "Surrey",
    "Sussex",
    "Cumbria",
    "Lancashire",
    "Cheshire",
    "Derbyshire",
    "Nottingham",
    "Leicester",
    "Lincoln",
    "Warwick",
    "Coventry",
    "Birmingham",
    "Walsall",
    "Dudley",
    "Sandwell",
    "Wolverhampton",
    "Stoke",
    "Shropshire",
    "Hereford",
    "Worcester",
    "Gloucester",
    "Swindon",
    "Reading",
    "Slough",
    "Luton",
    "Bedford",
    "Cambridge",
    "Peterborough",
    "Northampton",
    "Milton",
    "Keynes",
    "Hertford",
    "Barnet",
    "Camden",
    "Hackney",
    "Islington",
    "Lambeth",
    "Southwark",
    "Lewisham",
    "Croydon",
    "Bromley",
    "Ealing",
    "Brent",
    "Harrow",
    "Hounslow",
    "Sutton",
    "Merton",
    "Kingston",
    "Richmond",
    "Wandsworth",
    "Greenwich",
    "Bexley",
    "Havering",
    "Redbridge",
    "Newham",
    "Haringey",
    "Enfield",
    "Waltham",
    "Tower",
    "Hamlets",
    "Westminster",
    "Kensington",
    "Hammersmith",
    "Manchester",
    "Salford",
    "Trafford",
    "Stockport",
    "Tameside",
    "Oldham",
    "Rochdale",
    "Bury",
    "Bolton",
    "Wigan",
    "Liverpool",
    "Sefton",
    "Knowsley",
    "Wirral",
    "Halton",
    "Warrington",
    "Blackpool",
    "Blackburn",
    "Sheffield",
    "Rotherham",
    "Barnsley",
    "Doncaster",
    "Wakefield",
    "Kirklees",
    "Calderdale",
    "Bradford",
    "York",
    "Hull",
    "Durham",
    "Sunderland",
    "Gateshead",
    "Newcastle",
    "Tyneside",
    "Northumberland",
    "Middlesbrough",
    "Stockton",
    "Hartlepool",
    "Darlington",
    "Redcar",
    "Plymouth",
    "Torbay",
    "Exeter",
    "Portsmouth",
    "Southampton",
    "Bournemouth",
    "Poole",
    "Brighton",
    "Medway",
    "Thurrock",
    "Southend",
    "Telford",
    "Rutland",
    "Solihull",
]
AGENCIES = (
    "{area} Police",
    "Children's Social Care",
    "{area} Clinical Commissioning Group",
    "{area} NHS Foundation Trust",
    "Education Services",
    "National Probation Service",
    "Adult Social Care",
    "Housing Services",
)
THEMES = (
    "information sharing",
    "pre-birth assessment",
    "substance misuse",
    "domestic abuse",
    "neglect",
    "voice of the child",
    "professional curiosity",
    "escalation",
    "training",
    "record keeping",
    "multi-agency working",
    "mental health",
)
VERBS = ("ensure", "review", "audit", "embed", "strengthen", "develop", "evaluate", "clarify")
OBJECTS = (
    "the use of chronologies in case supervision",
    "how practitioners share information at the point of referral",
    "the pre-birth assessment pathway and its timescales",
    "training on recognising neglect for frontline staff",
    "arrangements for escalation between agencies",
    "how the voice of the child is recorded in assessments",
    "the quality of strategy discussions and their records",
    "routine enquiry about domestic abuse in health settings",
)


# The statuses a recommendation passes through on its way to each status.
PATHS: dict[Status, tuple[Status, ...]] = {
    Status.not_started: (),
    Status.in_progress: (Status.in_progress,),
    Status.completed: (Status.in_progress, Status.completed),
    Status.assured: (Status.in_progress, Status.completed, Status.assured),
    Status.embedded: (Status.in_progress, Status.completed, Status.assured, Status.embedded),
    Status.not_implemented: (Status.in_progress, Status.not_implemented),
    Status.superseded: (Status.superseded,),
}


def _uk(day: date) -> str:
    """A timescale as a plan writes it (faster than strftime, which adds up at 100k)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@dataclass
class SeedResult:
    """What was written, and names the benchmarks need to aim commands at."""

    n: int
    seconds: float
    rows: dict[str, int]
    review: str  # a review code that exists (board 1's first review)
    owner: str  # a lead officer of open recommendations in that review
    chair: str  # a chair of board 1
    admin: str  # an admin of board 1
    member: str  # someone who owns nothing
    open_ref: str  # an open recommendation of `owner`
    done_ref: str  # a completed recommendation (for sign-off)
    channel: str
    due: int  # recommendations due a reminder on the sweep day
    big_review: str | None = None


@dataclass
class _Rows:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)


def _at(day: date, rng: random.Random) -> datetime:
    """A time in office hours on `day`."""
    minutes = int(rng.random() * 480)
    return datetime(day.year, day.month, day.day, 9 + minutes // 60, minutes % 60, tzinfo=UTC)


def _completed_at(status: Status, updates: list[dict[str, Any]]) -> datetime | None:
    """When a done one was completed: the update that set it completed."""
    if status not in DONE_STATUSES:
        return None
    return next((u["created_at"] for u in updates if u["status_to"] == Status.completed), None)


def _status_for(age_years: int, rng: random.Random) -> Status:
    """A realistic mix: old reviews are done or closed, recent ones open."""
    roll = rng.random()
    if age_years >= 4:
        mix = ((0.75, Status.embedded), (0.80, Status.assured), (0.90, Status.not_implemented))
        for limit, status in mix:
            if roll < limit:
                return status
        return Status.superseded if roll < 0.95 else Status.in_progress  # stragglers
    if age_years >= 2:
        mix = ((0.25, Status.embedded), (0.50, Status.assured), (0.60, Status.completed))
        for limit, status in mix:
            if roll < limit:
                return status
        return Status.in_progress if roll < 0.95 else Status.not_implemented
    if roll < 0.30:
        return Status.not_started
    if roll < 0.85:
        return Status.in_progress
    return Status.completed if roll < 0.95 else Status.assured


class _Generator:
    def __init__(self, n: int, *, today: date, due: int, big_review: int, seed: int) -> None:
        self.n = n
        self.today = today
        self.due = due
        self.late: list[dict[str, Any]] = []  # overdue ones, whose reminders went earlier
        self.big_review = big_review
        self.rng = random.Random(seed)
        self.rows = _Rows()
        self.rec_id = 0
        self.ids: dict[str, int] = {}
        self.now = _at(today, self.rng) - timedelta(days=1)
        self.audit = True

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    # -- structure ---------------------------------------------------------------------

    def boards(self) -> int:
        return max(1, min(150, round(self.n / (RECS_PER_REVIEW * REVIEWS_PER_BOARD))))

    def review_sizes(self) -> list[int]:
        rest = self.n - self.big_review
        count = max(1, round(rest / RECS_PER_REVIEW))
        base, extra = divmod(rest, count)
        sizes = [base + (1 if i < extra else 0) for i in range(count)]
        for i in range(0, count - 1, 2):  # vary sizes, keep the total
            shift = self.rng.randint(0, base // 2)
            sizes[i] += shift
            sizes[i + 1] -= shift
        return sizes

    def build(self) -> None:
        boards = self.boards()
        people: dict[int, list[tuple[int, list[str]]]] = {}
        for b in range(1, boards + 1):
            people[b] = self.board(b)
        sizes = self.review_sizes()
        due_left = self.due
        per_board: dict[int, int] = {}
        for index, size in enumerate(sizes):
            b = index % boards + 1
            k = per_board[b] = per_board.get(b, 0) + 1
            year = self.today.year - 1 - (k - 1) // 3 % 10
            code = FIRST_REVIEW if index == 0 else f"{_kind(year, k).value}{b:03d}-{year}-{k}"
            due_here = min(due_left, -(-self.due * size // max(1, self.n - self.big_review)))
            due_left -= due_here
            self.review(b, code, year, size, people[b], due_here)
        if self.big_review:
            self.review(1, BIG_REVIEW, self.today.year - 1, self.big_review, people[1], 0)
        if due_left:  # rounding: the last few go to the first review
            self.force_due(due_left)
        self.sent_ledger()

    def sent_ledger(self) -> None:
        """What the sweep sent before this morning, as the reminder policy says it would have:
        the overdue ones' latest reminders and escalations, and today's board digests."""
        policy = rules.Policy()  # the boards keep the defaults
        zone = policy.time_zone
        board_of = {r["id"]: r["board_id"] for r in self.rows.tables["review"]}
        chair_of = {
            r["board_id"]: r["user_id"]
            for r in self.rows.tables["board_role"]
            if r["role"] == BoardRoleKind.chair
        }
        for row in self.late:
            self.late_reminders_sent(row, policy, zone, board_of[row["review_id"]], chair_of)
        self.digests_sent(policy, chair_of)

    def late_reminders_sent(
        self,
        row: dict[str, Any],
        policy: rules.Policy,
        zone: str,
        board: int,
        chair_of: dict[int, str],
    ) -> None:
        """An overdue one's latest owner reminders, and its escalation to the chair and board."""
        subject = rules.Subject(
            status=row["status"],
            due_on=row["due_on"],
            last_touch=(row["last_update_at"] or row["created_at"]).date(),
        )
        rec_id, lead = row["id"], row["lead_officer_id"]
        for due in rules.owner_reminders(subject, policy, SWEEP_AT, zone):
            self.ledger_sent(f"{rec_id}:{due.key}", str(due.kind), due.period, rec_id, board, lead)
        escalation = rules.escalation(subject, policy, SWEEP_AT, zone)
        if not escalation:
            return
        chair = chair_of[board]
        key = f"{rec_id}:{escalation.key}:{chair}"
        self.ledger_sent(key, str(escalation.kind), escalation.period, rec_id, board, chair)
        to_board = rules.Kind.escalation_board
        key = f"{rec_id}:{to_board}:{escalation.period}"
        self.ledger_sent(key, str(to_board), escalation.period, rec_id, board, None)

    def digests_sent(self, policy: rules.Policy, chair_of: dict[int, str]) -> None:
        """Every board's digest of this week and its chair's digest of this month."""
        digest = rules.digest(policy, SWEEP_AT)
        monthly = rules.monthly_digest(policy, SWEEP_AT)
        for board in (r["id"] for r in self.rows.tables["board"]):
            if digest:
                key = f"board{board}:{digest.key}"
                self.ledger_sent(key, str(digest.kind), digest.period, None, board, None)
            if monthly:
                chair = chair_of[board]
                key = f"board{board}:{monthly.key}:{chair}"
                self.ledger_sent(key, str(monthly.kind), monthly.period, None, board, chair)

    def ledger_sent(
        self, key: str, kind: str, period: str, rec_id: int | None, board: int, to: str | None
    ) -> None:
        """One reminder in the ledger as sent, 40 minutes before the sweep."""
        sent_at = SWEEP_AT - timedelta(minutes=40)
        self.rows.add(
            "reminder_ledger",
            {
                "id": self.next_id("reminder_ledger"),
                "key": key,
                "recommendation_id": rec_id,
                "board_id": board,
                "kind": kind,
                "period": period,
                "recipient_id": to,
                "state": LedgerState.sent,
                "claimed_by": "bench-seed",
                "lease_until": None,
                "attempts": 1,
                "channel_id": None,
                "message_ts": None,
                "created_at": sent_at,
                "sent_at": sent_at,
            },
        )

    def board(self, b: int) -> list[tuple[int, list[str]]]:
        area = AREAS[(b - 1) % len(AREAS)] + ("" if b <= len(AREAS) else f" {b}")
        self.rows.add(
            "board",
            {
                "id": b,
                "name": f"{area} Safeguarding Children Partnership",
                "channel_id": BOARD_CHANNEL if b == 1 else f"C{b:07d}B",
                **asdict(BOARD_DEFAULTS),  # the boards keep the defaults
                "last_meeting_on": self.today - timedelta(days=28),
                "created_at": self.now - timedelta(days=3650),
            },
        )
        for role in (BoardRoleKind.admin, BoardRoleKind.chair):
            uid = self.person(f"U{b:04d}{role.value[:2].upper()}X", f"{role.value.title()} {area}")
            self.rows.add(
                "board_role",
                {"id": self.next_id("board_role"), "board_id": b, "user_id": uid, "role": role},
            )
        agencies: list[tuple[int, list[str]]] = []
        for a, pattern in enumerate(AGENCIES, start=1):
            agency_id = self.next_id("agency")
            self.rows.add(
                "agency",
                {
                    "id": agency_id,
                    "board_id": b,
                    "name": pattern.format(area=area),
                    "short_name": None,
                    "slack_usergroup_id": None,
                },
            )
            members = [
                self.person(f"U{b:04d}A{a}P{p}", f"Officer {p} {area} {a}") for p in range(1, 4)
            ]
            for uid in members[1:]:
                self.rows.add("agency_member", {"agency_id": agency_id, "user_id": uid})
            agencies.append((agency_id, members))
        self.person(f"U{b:04d}MEMBR", f"Member {area}")
        return agencies

    def person(self, uid: str, name: str) -> str:
        self.rows.add(
            "person",
            {
                "id": uid,
                "name": name,
                "email": f"{uid.lower()}@example.org",
                "team_id": "T0BENCH",
                "tz": "Europe/London",
                "is_workspace_admin": False,
                "away_until": None,
                "deputy_id": None,
            },
        )
        return uid

    def review(
        self,
        b: int,
        code: str,
        year: int,
        size: int,
        agencies: list[tuple[int, list[str]]],
        due: int,
    ) -> None:
        review_id = self.next_id("review")
        accepted = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        if accepted >= self.today - timedelta(days=60):
            accepted = self.today - timedelta(days=90)
        self.rows.add(
            "review",
            {
                "id": review_id,
                "board_id": b,
                "code": code,
                "title": f"Child {code}" if code == FIRST_REVIEW else f"Review {code}",
                "kind": _kind(year, review_id),
                "published_on": accepted - timedelta(days=30),
                "accepted_on": accepted,
                "next_number": size + 1,
                "created_at": _at(accepted, self.rng),
            },
        )
        age = self.today.year - year
        picked = self.rng.sample(range(4, size + 1), min(2 * due, max(0, size - 3)))
        chosen, late = set(picked[:due]), set(picked[due:])
        for number in range(1, size + 1):
            agency_id, members = agencies[(number - 1) % len(agencies)]
            status = _status_for(age, self.rng)
            if number in chosen or number in late or (code == FIRST_REVIEW and number <= 3):
                status = Status.in_progress  # due, overdue, or acted on by the benchmarks
            timing = "due" if number in chosen else "late" if number in late else ""
            self.recommendation(
                review_id, code, number, accepted, agency_id, members[0], status, timing
            )

    def force_due(self, count: int) -> None:
        """Turns `count` open recommendations of the first review into due ones."""
        recs = self.rows.tables["recommendation"]
        late = {r["id"] for r in self.late}
        for row in [r for r in recs if r["id"] not in late][3 : 3 + count]:
            row["status"] = Status.in_progress
            row["due_on"] = self.today + timedelta(days=REMINDER_OFFSET)
            row["snoozed_until"] = None

    # -- one recommendation and its history -------------------------------------------

    def recommendation(
        self,
        review_id: int,
        code: str,
        number: int,
        accepted: date,
        agency_id: int,
        lead: str,
        status: Status,
        timing: str,
    ) -> None:
        # The random draws keep their order, so a seed value gives the same data set as before.
        rng = self.rng
        self.rec_id += 1
        rec_id = self.rec_id
        ref = f"{code}-{number}"
        created = _at(accepted, rng)
        due_on, original_due = self.due_dates(status, accepted, timing)
        history_end = self.today - timedelta(days=1)
        updates = self.history(rec_id, lead, status, accepted, history_end)
        row = {
            **self.what_it_asks(rec_id, review_id, ref, number, agency_id, lead),
            **self.where_it_stands(status, accepted, created, (due_on, original_due), updates),
        }
        self.rows.add("recommendation", row)
        if timing == "late":
            self.late.append(row)
        self.parts(rec_id, ref, status)
        for theme in rng.sample(THEMES, rng.randint(1, 2)):
            self.rows.add("recommendation_theme", {"recommendation_id": rec_id, "theme": theme})
        if original_due != due_on and original_due is not None and due_on is not None:
            self.due_date_moved(rec_id, lead, original_due, due_on, history_end)
        done = status in DONE_STATUSES
        open_ = status in OPEN_STATUSES
        if done or (open_ and rng.random() < 0.3):
            self.evidence(rec_id, lead, status, row["completed_at"] or _at(history_end, rng))
        if self.audit:
            self.audit_added(rec_id, ref, number, created)

    def what_it_asks(
        self, rec_id: int, review_id: int, ref: str, number: int, agency_id: int, lead: str
    ) -> dict[str, Any]:
        """The recommendation's ref and text, its agency and lead, and the board's response."""
        rng = self.rng
        return {
            "id": rec_id,
            "ref": ref,
            "review_id": review_id,
            "number": number,
            "label": str(number),
            "text": f"The board should {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({ref}).",
            "agency_id": agency_id,
            "lead_officer_id": lead,
            "directorate": None,
            "response": Response.accepted if rng.random() < 0.9 else Response.partly_accepted,
            "response_reason": None,
            "action_kind": rng.choice(list(ActionKind)),
        }

    def where_it_stands(
        self,
        status: Status,
        accepted: date,
        created: datetime,
        due: tuple[date, date | None],
        updates: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """Its due dates and status, and the denormalised fields that agree with its history."""
        due_on, original_due = due
        open_ = status in OPEN_STATUSES
        last_update = updates[-1] if updates else None
        return {
            "due_on": due_on,
            "timescale": _uk(due_on) if due_on else None,
            "original_due_on": original_due,
            "original_timescale": _uk(original_due) if original_due else None,
            "accepted_on": accepted,
            "status": status,
            "at_risk": open_ and self.rng.random() < 0.1,
            "superseded_by_id": None,
            "closed_reason": "Overtaken by the new pathway"
            if status in CLOSED_STATUSES
            else None,
            "completed_at": _completed_at(status, updates),
            "snoozed_until": None,
            "last_update_at": last_update["created_at"] if last_update else None,
            "created_at": created,
            "updated_at": last_update["created_at"] if last_update else created,
        }

    def parts(self, rec_id: int, ref: str, status: Status) -> None:
        """For one in ten, two or three lettered parts."""
        rng = self.rng
        if rng.random() >= 0.1:
            return
        for label in ("a", "b", "c")[: rng.randint(2, 3)]:
            self.rows.add(
                "recommendation_part",
                {
                    "id": self.next_id("recommendation_part"),
                    "recommendation_id": rec_id,
                    "label": f"{label})",
                    "text": f"Part {label} of {ref}",
                    "status": status if status != Status.superseded else Status.not_started,
                },
            )

    def due_date_moved(
        self, rec_id: int, lead: str, original_due: date, due_on: date, history_end: date
    ) -> None:
        self.rows.add(
            "due_date_change",
            {
                "id": self.next_id("due_date_change"),
                "recommendation_id": rec_id,
                "old_due_on": original_due,
                "new_due_on": due_on,
                "old_timescale": _uk(original_due),
                "new_timescale": _uk(due_on),
                "reason": "Waiting for the new case recording system",
                "changed_by_id": lead,
                "changed_at": _at(min(original_due, history_end), self.rng),
            },
        )

    def audit_added(self, rec_id: int, ref: str, number: int, created: datetime) -> None:
        self.rows.add(
            "audit_log",
            {
                "id": self.next_id("audit_log"),
                "at": created,
                "actor_id": "system",
                "action": "recommendation.add",
                "entity": "recommendation",
                "entity_id": str(rec_id),
                "ref": ref,
                "detail": f'{{"label": "{number}", "source": "import"}}',
            },
        )

    def due_dates(self, status: Status, accepted: date, timing: str) -> tuple[date, date | None]:
        """The due date and, for one in six, the original one it was moved from."""
        rng = self.rng
        if timing == "due":
            due_on = self.today + timedelta(days=REMINDER_OFFSET)
        elif timing == "late":
            due_on = self.today - timedelta(days=rng.randint(1, 300))
        elif status in OPEN_STATUSES:
            # Open: comfortably beyond the 30-day reminder (the sweep looks 31 days ahead).
            due_on = self.today + timedelta(days=rng.randint(33, 420))
        else:
            due_on = accepted + timedelta(days=rng.choice((90, 182, 365, 540)))
        moved = rng.random() < 1 / 6
        original = due_on - timedelta(days=rng.choice((30, 61, 92))) if moved else due_on
        return due_on, original

    def history(
        self, rec_id: int, lead: str, status: Status, accepted: date, end: date
    ) -> list[dict[str, Any]]:
        """Progress updates along the path to `status`, the last within 50 days if open."""
        rng = self.rng
        path = PATHS[status]
        steps: list[tuple[Status | None, str]] = [(s, "") for s in path]
        for _ in range(rng.randint(0, 2)):
            steps.insert(rng.randint(0, len(steps)), (None, "Progress reported to the subgroup"))
        if not steps:
            steps = [(None, "Lead officer identified; work to start next quarter")]
        span = max(1, (end - accepted).days)
        if status in OPEN_STATUSES:
            hi = lo = max(0, span - rng.randint(0, 49))  # open: updated lately, no stale nudge
            lo = 0
        elif status in AWAITING_IMPACT:
            # Awaiting the impact check, which must not be due yet: completed in the last 150 days.
            lo, hi = max(0, span - 150), max(0, span - 7)
        else:
            lo, hi = 0, span
        days = sorted(rng.randint(lo, hi) for _ in steps)
        if status in OPEN_STATUSES:
            days[-1] = hi
        status_from = Status.not_started
        updates = []
        for (status_to, note), offset in zip(steps, days, strict=True):
            at = _at(accepted + timedelta(days=offset), rng)
            row = {
                "id": self.next_id("progress_update"),
                "recommendation_id": rec_id,
                "author_id": lead,
                "created_at": at,
                "text": note or (f"Now {status_words(status_to)}" if status_to else ""),
                "status_from": status_from if status_to else None,
                "status_to": status_to,
                "at_risk_to": None,
                "source": UpdateSource.command,
                "on_behalf_of_id": None,
            }
            if status_to:
                status_from = status_to
            self.rows.add("progress_update", row)
            updates.append(row)
        return sorted(updates, key=lambda u: u["created_at"])

    def evidence(self, rec_id: int, lead: str, status: Status, at: datetime) -> None:
        for k in range(self.rng.randint(1, 2)):
            self.rows.add(
                "evidence",
                {
                    "id": self.next_id("evidence"),
                    "recommendation_id": rec_id,
                    "url": f"https://intranet.example.org/evidence/{rec_id}/{k}.pdf",
                    "slack_file_id": None,
                    "description": "Audit report",
                    "posted_by_id": lead,
                    "posted_at": at - timedelta(hours=1 + k),
                    "permalink": None,
                    "channel_id": None,
                    "message_ts": None,
                    "state": EvidenceState.accepted
                    if status in (Status.assured, Status.embedded)
                    else EvidenceState.recorded,
                    "reviewed_by_id": None,
                    "reviewed_at": None,
                    "review_reason": None,
                },
            )


def _kind(year: int, k: int) -> ReviewKind:
    if k % 7 == 0:
        return ReviewKind.SAR
    if k % 11 == 0:
        return ReviewKind.DHR
    return ReviewKind.SCR if year < 2018 else ReviewKind.CSPR


# -- writing ------------------------------------------------------------------------------

TABLES: Sequence[Any] = (
    Board,
    Person,
    BoardRole,
    Agency,
    AgencyMember,
    Review,
    Recommendation,
    RecommendationPart,
    RecommendationTheme,
    ProgressUpdate,
    Evidence,
    DueDateChange,
    AuditLog,
    ReminderLedger,
)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


Converter = Callable[[Any], Any]


def _enum_name(value: Any) -> Any:
    return None if value is None else value.name  # a non-native Enum stores member names


def _naive_utc(value: Any) -> Any:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_datetime(value: Any) -> Any:
    # SQLAlchemy's SQLite DateTime text form; the app compares these as strings.
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _converters(table: Table, columns: list[str], sqlite: bool) -> list[Converter | None]:
    """Per column, what turns a Python value into what the database stores, chosen once per
    table (per-value isinstance checks cost more than the inserts at a million rows)."""
    found: list[Converter | None] = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, SAEnum):
            found.append(_enum_name)
        elif isinstance(kind, UTCDateTime):
            found.append(_sqlite_datetime if sqlite else _naive_utc)
        elif isinstance(kind, Date) and sqlite:
            found.append(_sqlite_date)
        else:
            found.append(None)
    return found


def _tuples(table: Table, rows: list[dict[str, Any]], sqlite: bool) -> Iterator[list[Any]]:
    columns = list(rows[0])
    converters = [(i, f) for i, f in enumerate(_converters(table, columns, sqlite)) if f]
    for row in rows:
        values = list(row.values())
        for i, convert in converters:
            values[i] = convert(values[i])
        yield values


def _insert_sqlite(cursor: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight on the driver: SQLAlchemy's per-row type processing is the
    slow part at a million rows, and the conversions above are the same ones."""
    names = ", ".join(f'"{c}"' for c in rows[0])
    marks = ", ".join("?" for _ in rows[0])
    cursor.executemany(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', _tuples(table, rows, True)
    )


def _load_sqlite(db: Database, tables: dict[str, list[dict[str, Any]]]) -> None:
    """One transaction on a connection tuned for a bulk load of a new database: a big page
    cache (the indexes stay in memory while they grow) and a rollback journal rather than
    WAL (which would write every page twice). WAL is back on before anyone else connects."""
    raw = db.engine.raw_connection()
    cursor: Any = raw.cursor()
    cursor.execute("PRAGMA journal_mode=DELETE")
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-262144")  # 256 MB, this connection only
    cursor.execute("BEGIN IMMEDIATE")
    for model in TABLES:
        rows = tables.get(_table(model).name)
        if rows:
            _insert_sqlite(cursor, _table(model), rows)
    cursor.execute("COMMIT")
    cursor.execute("ANALYZE")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    raw.close()
    db.dispose()  # the tuned connection goes; the app's own settings apply from here


def _insert_copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    names = ", ".join(f'"{c}"' for c in rows[0])
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for values in _tuples(table, rows, False):
            copy.write_row(values)
    cursor.close()


def _load_postgres(db: Database, tables: dict[str, list[dict[str, Any]]]) -> None:
    with db.engine.begin() as conn:
        # Rows are consistent by construction: skip the per-row foreign-key triggers.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for model in TABLES:
            rows = tables.get(_table(model).name)
            if rows:
                _insert_copy(conn, _table(model), rows)
        _reset_sequences(conn, (_table(m) for m in TABLES))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM too: COPY-loaded tables otherwise draw autovacuum (insert-triggered) into
        # the middle of the measurements that follow.
        conn.execute(text("VACUUM ANALYZE"))
        # And to the disk: the seed's writes, flushed later by a checkpoint or the kernel,
        # would otherwise make the measurements that follow wait on write-back.
        conn.execute(text("CHECKPOINT"))


def _reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    for table in tables:
        if "id" in table.c and table.c.id.autoincrement and table.c.id.type.python_type is int:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 1))'
                )
            )


def _empty(db: Database) -> None:
    with db.engine.begin() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM board")).scalar_one()
    if count:
        raise SystemExit(f"{db.url}: the database already holds data; seed an empty one")


def seed(
    url: str,
    n: int,
    *,
    today: date = SWEEP_DAY,
    due: int | None = None,
    big_review: int = 0,
    audit: bool = True,
    seed_value: int = 7,
) -> SeedResult:
    """Migrates `url`, then writes N recommendations and everything around them."""
    started = time.perf_counter()
    db = Database(url)
    db.ensure_migrated()
    _empty(db)
    due_count = n // 100 if due is None else due
    generator = _Generator(n, today=today, due=due_count, big_review=big_review, seed=seed_value)
    generator.audit = audit
    generator.build()
    tables = generator.rows.tables
    if db.engine.dialect.name == "postgresql":
        _load_postgres(db, tables)
    else:
        _load_sqlite(db, tables)
    db.dispose()
    os.sync()  # the files the seed wrote reach the disk now, not during a measurement
    recs = tables["recommendation"]
    first = [r for r in recs if r["ref"].startswith(FIRST_REVIEW + "-")]
    done = next(r for r in recs if r["status"] == Status.completed)
    return SeedResult(
        n=n,
        seconds=time.perf_counter() - started,
        rows={name: len(rows) for name, rows in tables.items()},
        review=FIRST_REVIEW,
        owner=first[0]["lead_officer_id"],
        chair="U0001CHX",
        admin="U0001ADX",
        member="U0001MEMBR",
        open_ref=first[0]["ref"],
        done_ref=done["ref"],
        channel=BOARD_CHANNEL,
        due=due_count,
        big_review=BIG_REVIEW if big_review else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="recommendations to make")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--due", type=int, help="due a reminder on the sweep day (default N/100)")
    parser.add_argument("--big-review", type=int, default=0, help="add a review of this size")
    parser.add_argument("--no-audit", action="store_true", help="skip the audit rows")
    args = parser.parse_args(argv)
    result = seed(
        args.database_url,
        args.n,
        due=args.due,
        big_review=args.big_review,
        audit=not args.no_audit,
    )
    total = sum(result.rows.values())
    print(
        f"seeded {result.n:,} recommendations ({total:,} rows) in {result.seconds:.1f} s; "
        f"review {result.review}, owner {result.owner}, {result.due} due on {SWEEP_DAY}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
