"""The tables: boards, reviews, agencies, recommendations and their append-only history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def enum_column(enum: type[StrEnum]) -> SAEnum:
    # Stored as a plain string with a CHECK, so both databases read the same and
    # adding a member is a migration of a constraint, not of a native type.
    return SAEnum(enum, native_enum=False, length=24, create_constraint=False)


class Status(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    completed = "completed"
    assured = "assured"
    embedded = "embedded"
    not_implemented = "not_implemented"
    superseded = "superseded"


# The status sets, named once: storage's queries read them as well as bot's rules
# (bot/rules/lifecycle.py re-exports them).
OPEN_STATUSES = (Status.not_started, Status.in_progress)  # chased; may be flagged at risk
DONE_STATUSES = (Status.completed, Status.assured, Status.embedded)  # Blue
CLOSED_STATUSES = (Status.not_implemented, Status.superseded)  # never chased
AWAITING_IMPACT = (Status.completed, Status.assured)  # done, the impact check still to come


class Response(StrEnum):
    accepted = "accepted"
    partly_accepted = "partly_accepted"
    not_accepted = "not_accepted"


class ActionKind(StrEnum):
    training = "training"
    procedure = "procedure"
    audit = "audit"
    system_change = "system_change"
    structural = "structural"
    other = "other"


class ReviewKind(StrEnum):
    SCR = "SCR"
    CSPR = "CSPR"
    SAR = "SAR"
    DHR = "DHR"
    other = "other"


class BoardRoleKind(StrEnum):
    chair = "chair"
    admin = "admin"


class UpdateSource(StrEnum):
    command = "command"
    reminder_reply = "reminder_reply"
    button = "button"
    modal = "modal"
    import_ = "import"
    console = "console"
    system = "system"


class EvidenceState(StrEnum):
    recorded = "recorded"  # posted by an owner; counts towards completion
    proposed = "proposed"  # posted by someone else; waits for the owner or a chair
    accepted = "accepted"  # a chair has accepted it
    rejected = "rejected"  # a chair has rejected it, with a reason
    withdrawn = "withdrawn"  # undone by the poster


COUNTING_EVIDENCE = (EvidenceState.recorded, EvidenceState.accepted)


class LedgerState(StrEnum):
    pending = "pending"
    claimed = "claimed"
    sent = "sent"
    undeliverable = "undeliverable"  # Slack refused the recipient (user_not_found, ...)


@dataclass(frozen=True)
class BoardDefaults:
    """A new board's settings as stored: PRODUCT.md's defaults, written nowhere else.

    bot/rules/policy.py reads them, with each setting's bounds and its one parser. They are
    here, like the status sets, because the Board model needs them to make a row wherever a
    board is created, and storage may not import bot."""

    time_zone: str = "Europe/London"
    require_evidence: bool = True
    due_soon_days: str = "30,14,3"  # days before the due date
    overdue_every_days: int = 7
    stale_after_days: int = 60
    impact_check_months: int = 6
    escalate_after_days: int = 14
    amber_due_within_days: int = 30
    amber_stale_days: int = 60
    reminder_time: str = "09:30"  # in the recipient's own time zone
    digest_weekday: int = 0  # Monday
    digest_time: str = "09:00"  # in the board's time zone


BOARD_DEFAULTS = BoardDefaults()
_D = BOARD_DEFAULTS


class Board(SQLModel, table=True):
    __tablename__ = "board"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    channel_id: str | None = Field(default=None, max_length=32, index=True)
    # The Slack workspace the board belongs to, where recs serves many (the OAuth install):
    # a request from a workspace sees only its boards. None with a single bot token.
    team_id: str | None = Field(default=None, max_length=32, index=True)
    time_zone: str = Field(default=_D.time_zone, max_length=64)
    require_evidence: bool = _D.require_evidence
    # Reminder policy and BRAG thresholds (bot/rules/policy.py).
    due_soon_days: str = Field(default=_D.due_soon_days, max_length=64)
    overdue_every_days: int = _D.overdue_every_days
    stale_after_days: int = _D.stale_after_days
    impact_check_months: int = _D.impact_check_months
    escalate_after_days: int = _D.escalate_after_days
    amber_due_within_days: int = _D.amber_due_within_days
    amber_stale_days: int = _D.amber_stale_days
    reminder_time: str = Field(default=_D.reminder_time, max_length=5)
    digest_weekday: int = _D.digest_weekday
    digest_time: str = Field(default=_D.digest_time, max_length=5)
    last_meeting_on: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class BoardChannel(SQLModel, table=True):
    """A channel a board has linked besides its home channel: evidence posted there is
    captured for the board's recommendations. A channel belongs to one board at most."""

    __tablename__ = "board_channel"

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    channel_id: str = Field(max_length=32, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class BoardRole(SQLModel, table=True):
    __tablename__ = "board_role"
    __table_args__ = (UniqueConstraint("board_id", "user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    user_id: str = Field(foreign_key="person.id", max_length=64, index=True)
    role: BoardRoleKind = Field(sa_type=enum_column(BoardRoleKind))


# Ids of the people an imported plan names before Slack does: placeholders, until linked.
EMAIL_PLACEHOLDER = "email:"  # "email:jo.turner@example.org"
NAME_PLACEHOLDER = "name:"  # "name:<board id>:jo turner": a name is only known on its board
PLACEHOLDERS = (EMAIL_PLACEHOLDER, NAME_PLACEHOLDER)


class Person(SQLModel, table=True):
    """A Slack user, or (until linked to one) a placeholder for the email address or the name
    an imported plan gave as a lead officer."""

    __tablename__ = "person"

    id: str = Field(primary_key=True, max_length=64)  # Slack user id, or a placeholder's
    name: str = Field(max_length=200, index=True)
    email: str | None = Field(default=None, max_length=254, index=True)
    team_id: str | None = Field(default=None, max_length=32)
    tz: str | None = Field(default=None, max_length=64)
    is_workspace_admin: bool = False
    away_until: date | None = None
    # Indexed: which boards a request may see asks whose deputy a person is (storage/scope.py).
    deputy_id: str | None = Field(
        default=None, foreign_key="person.id", max_length=64, index=True
    )
    # A placeholder once linked: the Slack user it was, so a re-import finds them again.
    linked_id: str | None = Field(default=None, max_length=64)


class Review(SQLModel, table=True):
    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    code: str = Field(max_length=32, unique=True)
    title: str = Field(max_length=200)
    kind: ReviewKind = Field(default=ReviewKind.SCR, sa_type=enum_column(ReviewKind))
    published_on: date | None = None
    accepted_on: date | None = None
    next_number: int = 1  # refs are never reused, so the counter only grows
    created_at: datetime = Field(sa_type=UTCDateTime)


class Agency(SQLModel, table=True):
    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("board_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id", index=True)
    name: str = Field(max_length=200)
    short_name: str | None = Field(default=None, max_length=50)
    slack_usergroup_id: str | None = Field(default=None, max_length=32)


class AgencyMember(SQLModel, table=True):
    __tablename__ = "agency_member"

    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    user_id: str = Field(foreign_key="person.id", primary_key=True, max_length=64, index=True)


class Recommendation(SQLModel, table=True):
    __tablename__ = "recommendation"
    __table_args__ = (
        Index("ix_recommendation_review_number", "review_id", "number", unique=True),
        Index("ix_recommendation_status_due", "status", "due_on"),
        Index("ix_recommendation_status_last_update", "status", "last_update_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=48, unique=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: int
    label: str = Field(max_length=100)
    text: str = Field(sa_type=Text)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    lead_officer_id: str | None = Field(
        default=None, foreign_key="person.id", max_length=64, index=True
    )
    directorate: str | None = Field(default=None, max_length=200)  # as a cabinet paper names it
    response: Response = Field(default=Response.accepted, sa_type=enum_column(Response))
    response_reason: str | None = Field(default=None, sa_type=Text)
    action_kind: ActionKind = Field(default=ActionKind.other, sa_type=enum_column(ActionKind))
    due_on: date | None = Field(default=None, index=True)
    timescale: str | None = Field(default=None, max_length=200)
    original_due_on: date | None = None
    original_timescale: str | None = Field(default=None, max_length=200)
    accepted_on: date | None = None
    status: Status = Field(default=Status.not_started, sa_type=enum_column(Status), index=True)
    at_risk: bool = False
    superseded_by_id: int | None = Field(default=None, foreign_key="recommendation.id")
    closed_reason: str | None = Field(default=None, sa_type=Text)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: date | None = None
    last_update_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RecommendationPart(SQLModel, table=True):
    __tablename__ = "recommendation_part"

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    label: str = Field(max_length=20)
    text: str = Field(sa_type=Text)
    status: Status = Field(default=Status.not_started, sa_type=enum_column(Status))


class RecommendationTheme(SQLModel, table=True):
    __tablename__ = "recommendation_theme"

    recommendation_id: int = Field(foreign_key="recommendation.id", primary_key=True)
    theme: str = Field(primary_key=True, max_length=100, index=True)


class ProgressUpdate(SQLModel, table=True):
    """An immutable progress note, with the status change it made, if any."""

    __tablename__ = "progress_update"
    __table_args__ = (Index("ix_progress_update_rec_created", "recommendation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id")
    author_id: str = Field(foreign_key="person.id", max_length=64, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    text: str = Field(default="", sa_type=Text)
    status_from: Status | None = Field(default=None, sa_type=enum_column(Status))
    status_to: Status | None = Field(default=None, sa_type=enum_column(Status))
    at_risk_to: bool | None = None
    source: UpdateSource = Field(sa_type=enum_column(UpdateSource))
    on_behalf_of_id: str | None = Field(default=None, foreign_key="person.id", max_length=64)


class Evidence(SQLModel, table=True):
    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    url: str | None = Field(default=None, max_length=2000)
    slack_file_id: str | None = Field(default=None, max_length=32)
    description: str = Field(default="", sa_type=Text)
    posted_by_id: str = Field(foreign_key="person.id", max_length=64)
    posted_at: datetime = Field(sa_type=UTCDateTime, index=True)
    permalink: str | None = Field(default=None, max_length=2000)
    channel_id: str | None = Field(default=None, max_length=32)
    # Taken from a private channel (or a group DM): shown only to the people in it and to
    # the board's chairs and admins (bot.rules.scope). None: not from a channel message.
    channel_private: bool | None = None
    message_ts: str | None = Field(default=None, max_length=32)
    state: EvidenceState = Field(
        default=EvidenceState.recorded, sa_type=enum_column(EvidenceState), index=True
    )
    reviewed_by_id: str | None = Field(default=None, foreign_key="person.id", max_length=64)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_reason: str | None = Field(default=None, sa_type=Text)


class DueDateChange(SQLModel, table=True):
    __tablename__ = "due_date_change"

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    old_due_on: date | None = None
    new_due_on: date
    old_timescale: str | None = Field(default=None, max_length=200)
    new_timescale: str = Field(max_length=200)
    reason: str = Field(default="", sa_type=Text)
    changed_by_id: str = Field(foreign_key="person.id", max_length=64)
    changed_at: datetime = Field(sa_type=UTCDateTime, index=True)


class ReminderLedger(SQLModel, table=True):
    """One row per reminder that is due: claimed before sending, marked sent after.

    `lease_until` and `first_claimed_at` are the database's time, never a sweep's: hosts'
    clocks and a sweep run "as if at" another moment cannot disagree about a lease."""

    __tablename__ = "reminder_ledger"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # "<rec id>:<kind>:<period>"
    recommendation_id: int | None = Field(default=None, foreign_key="recommendation.id", index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id")
    kind: str = Field(max_length=40)
    period: str = Field(max_length=80)
    recipient_id: str | None = Field(default=None, max_length=64)
    state: LedgerState = Field(
        default=LedgerState.pending, sa_type=enum_column(LedgerState), index=True
    )
    claimed_by: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when a send may have reached Slack without being recorded (a 5xx, a timeout, a
    # dropped connection, a claim that ran out): Slack is asked before sending it again.
    in_doubt: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    first_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failure: str | None = Field(default=None, max_length=64)  # why it is undeliverable
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    """Every change to anything. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: str = Field(max_length=64)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    ref: str | None = Field(default=None, max_length=48, index=True)
    detail: str = Field(default="{}", sa_type=Text)  # JSON: the fields before and after


class ProcessedEvent(SQLModel, table=True):
    """Slack events already handled, so a retried delivery records nothing twice."""

    __tablename__ = "processed_event"

    event_key: str = Field(primary_key=True, max_length=120)
    received_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SeenRequest(SQLModel, table=True):
    """Signatures of Slack requests already accepted: a replay within Slack's window is refused.

    Bookkeeping, not a record of the board's work: kept for minutes, then pruned."""

    __tablename__ = "seen_request"

    signature: str = Field(primary_key=True, max_length=100)
    seen_at: datetime = Field(sa_type=UTCDateTime, index=True)


class IssuedReport(SQLModel, table=True):
    """A board paper as issued: its data and file, so it can be produced again exactly."""

    __tablename__ = "issued_report"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    format: str = Field(max_length=10)
    as_of: date
    issued_at: datetime = Field(sa_type=UTCDateTime)
    issued_by_id: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    data: str = Field(default="{}", sa_type=Text)


class ImportDraft(SQLModel, table=True):
    """A review's recommendations as read from a pasted section or a shared file, waiting for
    the admin who imported them to confirm, correct or cancel (`/recs import`)."""

    __tablename__ = "import_draft"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: str = Field(max_length=64, index=True)
    review_code: str = Field(max_length=32)
    review_title: str | None = Field(default=None, max_length=200)
    source: str = Field(max_length=200)  # "pasted text" or the file's name
    state: str = Field(default="open", max_length=12)  # open, imported, cancelled
    data: str = Field(default="{}", sa_type=Text)  # JSON: the parsed recommendations, warnings
