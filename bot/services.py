"""The use cases. Each takes a unit of work and an actor, checks roles, writes in one
transaction with its audit entry, and raises UserError with a message fit for a person."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from sqlmodel import Session, col, select

from bot.errors import NotFound, UserError
from bot.rules import dates
from bot.rules.permissions import SYSTEM, Actor, Role, require, roles_on
from bot.rules.refs import normalise_ref, ref_example
from storage import queries
from storage.db import Database, UnitOfWork
from storage.models import (
    COUNTING_EVIDENCE,
    DONE_STATUSES,
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
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationPart,
    RecommendationTheme,
    Response,
    Review,
    ReviewKind,
    Status,
    UpdateSource,
)

MAX_TEXT = 3000
MAX_NOTE = 3000
MAX_URL = 2000

OWNER_WRITE = {Role.owner, Role.admin}
CHAIR_WRITE = {Role.chair, Role.admin}
ADMIN_ONLY = {Role.admin}

# Which statuses a person may move to by `update`, from which.
TRANSITIONS: dict[Status, set[Status]] = {
    Status.not_started: {Status.in_progress, Status.completed},
    Status.in_progress: {Status.not_started, Status.completed},
    Status.completed: {Status.in_progress, Status.embedded},
    Status.assured: {Status.in_progress, Status.embedded},
    Status.embedded: set(),
    Status.not_implemented: set(),
    Status.superseded: set(),
}


def audit(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    ref: str | None = None,
    **detail: Any,
) -> None:
    uow.session.add(
        AuditLog(
            at=uow.now,
            actor_id=actor.user_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            ref=ref,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )


# --- lookups that raise a person's error -------------------------------------------------


def get_recommendation(
    session: Session, ref_text: str, *, for_update: bool = False
) -> Recommendation:
    ref = normalise_ref(ref_text)
    rec = queries.recommendation_by_ref(session, ref, for_update=for_update)
    if rec is None:
        raise no_such_recommendation(session, ref)
    return rec


def no_such_recommendation(session: Session, ref: str) -> NotFound:
    return NotFound(
        f"There is no recommendation {ref}.", example=f"/recs show {ref_example(session)}"
    )


def get_review(session: Session, code: str) -> Review:
    review = queries.review_by_code(session, code)
    if review is None:
        known = ", ".join(session.exec(select(Review.code).order_by(Review.code)).all()[:10])
        hint = f" Known reviews: {known}." if known else ""
        raise NotFound(f"There is no review '{code}'.{hint}", example="/recs list H")
    return review


def board_of(session: Session, rec: Recommendation) -> Board:
    board_id = queries.board_id_of_review(session, rec.review_id)
    board = session.get(Board, board_id)
    assert board is not None  # a review always has a board (foreign key)
    return board


def owner_description(session: Session, rec: Recommendation) -> str:
    parts = []
    if rec.lead_officer_id:
        lead = session.get(Person, rec.lead_officer_id)
        parts.append(f"the lead officer ({lead.name if lead else rec.lead_officer_id})")
    if rec.agency_id:
        agency = session.get(Agency, rec.agency_id)
        if agency:
            parts.append(f"a member of {agency.name}")
    parts.append("a board admin")
    return "Only " + ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _require_owner(uow: UnitOfWork, actor: Actor, rec: Recommendation, what: str) -> set[Role]:
    roles = roles_on(uow.session, actor, rec, uow.now.date())
    require(
        roles,
        OWNER_WRITE,
        what,
        owner_description(uow.session, rec) + f" can do that on {rec.ref}.",
    )
    return roles


def _require_chair(uow: UnitOfWork, actor: Actor, rec: Recommendation, what: str) -> set[Role]:
    roles = roles_on(uow.session, actor, rec)
    require(roles, CHAIR_WRITE, what, "Only a chair of the board or a board admin can do that.")
    return roles


def _require_admin(uow: UnitOfWork, actor: Actor, board_id: int | None, what: str) -> None:
    from bot.rules.permissions import board_roles

    require(
        board_roles(uow.session, actor, board_id),
        ADMIN_ONLY,
        what,
        "Only a board admin can do that.",
    )


# --- text checks ----------------------------------------------------------------------------


def clean_text(text: str, what: str, *, limit: int = MAX_NOTE, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise UserError(f"The {what} is empty.", example='/recs note H-12 "Audit booked for March"')
    if len(text) > limit:
        raise UserError(
            f"The {what} is {len(text):,} characters; the limit is {limit:,}. Shorten it, "
            "or attach a document as evidence.",
            example="/recs evidence H-12 https://example.org/report.pdf Full audit report",
        )
    return text


URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def clean_url(url: str) -> str:
    url = url.strip().strip("<>")
    if "|" in url:  # Slack's <url|label> form
        url = url.split("|", 1)[0]
    example = "/recs evidence H-12 https://example.org/audit.pdf Audit report"
    if len(url) > MAX_URL:
        raise UserError(f"That link is longer than {MAX_URL} characters.", example=example)
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        host = ""
    # A link a board member can open: http(s), and a host with a domain (or localhost).
    if not URL_RE.match(url) or not ("." in host or host == "localhost"):
        raise UserError(f"'{url[:100]}' is not a web link.", example=example)
    return url


# --- people, boards, reviews, agencies ------------------------------------------------------


def ensure_person(
    session: Session,
    user_id: str,
    name: str | None = None,
    *,
    email: str | None = None,
    team_id: str | None = None,
    tz: str | None = None,
    is_workspace_admin: bool | None = None,
) -> Person:
    """The person for a Slack user id, created or refreshed; no audit (not a change of record)."""
    found = session.get(Person, user_id)
    if found is None:
        found = Person(id=user_id, name=name or user_id, email=email, team_id=team_id, tz=tz)
        if is_workspace_admin is not None:
            found.is_workspace_admin = is_workspace_admin
        session.add(found)
        session.flush()
        return found
    if name and found.name != name:
        found.name = name
    if email and not found.email:
        found.email = email
    if tz:
        found.tz = tz
    if team_id:
        found.team_id = team_id
    if is_workspace_admin is not None:
        found.is_workspace_admin = is_workspace_admin
    return found


def ensure_board(
    uow: UnitOfWork, actor: Actor, name: str, *, channel_id: str | None = None
) -> Board:
    board = uow.session.exec(select(Board).where(Board.name == name)).first()
    if board:
        return board
    board = Board(name=name, channel_id=channel_id, created_at=uow.now)
    uow.session.add(board)
    uow.session.flush()
    audit(uow, actor, "board.create", "board", board.id, name=name)
    return board


def grant_role(
    uow: UnitOfWork, actor: Actor, board: Board, user_id: str, role: BoardRoleKind
) -> None:
    exists = uow.session.exec(
        select(BoardRole).where(
            BoardRole.board_id == board.id, BoardRole.user_id == user_id, BoardRole.role == role
        )
    ).first()
    if exists:
        return
    uow.session.add(BoardRole(board_id=board.id, user_id=user_id, role=role))  # type: ignore[arg-type]
    audit(uow, actor, "role.grant", "board", board.id, user=user_id, role=role)


def ensure_review(
    uow: UnitOfWork,
    actor: Actor,
    board: Board,
    code: str,
    title: str | None = None,
    *,
    kind: ReviewKind = ReviewKind.SCR,
    published_on: date | None = None,
    accepted_on: date | None = None,
) -> Review:
    if not re.fullmatch(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", code) or len(code) > 32:
        raise UserError(
            f"'{code}' is not a review code: use letters, digits and dashes.",
            example="--review CSPR-2024-03",
        )
    review = queries.review_by_code(uow.session, code)
    if review:
        return review
    review = Review(
        board_id=board.id,  # type: ignore[arg-type]
        code=code.upper(),
        title=title or f"Review {code.upper()}",
        kind=kind,
        published_on=published_on,
        accepted_on=accepted_on,
        created_at=uow.now,
    )
    uow.session.add(review)
    uow.session.flush()
    audit(uow, actor, "review.create", "review", review.id, code=review.code, title=review.title)
    return review


def ensure_agency(uow: UnitOfWork, actor: Actor, board_id: int, name: str) -> Agency:
    name = re.sub(r"\s+", " ", name).strip()
    short = None
    match = re.match(r"^(.*?)\s*\(([A-Za-z]{2,10})\)$", name)
    if match:
        short = match.group(2)
    agency = queries.agency_by_name(uow.session, board_id, name)
    if agency:
        return agency
    agency = Agency(board_id=board_id, name=name, short_name=short)
    uow.session.add(agency)
    uow.session.flush()
    audit(uow, actor, "agency.create", "agency", agency.id, name=name)
    return agency


def add_agency_member(uow: UnitOfWork, actor: Actor, agency: Agency, user_id: str) -> None:
    if uow.session.get(AgencyMember, (agency.id, user_id)):
        return
    uow.session.add(AgencyMember(agency_id=agency.id, user_id=user_id))  # type: ignore[arg-type]
    audit(uow, actor, "agency.member_add", "agency", agency.id, user=user_id)


def find_agency(session: Session, board_id: int, name: str) -> Agency:
    agency = queries.agency_by_name(session, board_id, name)
    if agency:
        return agency
    candidates = queries.agencies_matching(session, board_id, name)
    if len(candidates) == 1:
        return candidates[0]
    names = [a.name for a in candidates] or [
        a.name for a in session.exec(select(Agency).where(Agency.board_id == board_id)).all()
    ]
    listed = "; ".join(names[:8])
    raise NotFound(
        f"No single agency matches '{name}'." + (f" Agencies: {listed}." if listed else ""),
        example='/recs agency H-12 "Thames Valley Police"',
    )


# --- recommendations ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewRecommendation:
    review_code: str
    text: str
    agency: str | None = None
    lead_officer_id: str | None = None
    due: str | None = None
    label: str | None = None
    action_kind: ActionKind = ActionKind.other
    response: Response = Response.accepted
    themes: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()


def add_recommendation(
    uow: UnitOfWork, actor: Actor, new: NewRecommendation, *, source: UpdateSource
) -> Recommendation:
    session = uow.session
    review = get_review(session, new.review_code)
    _require_admin(uow, actor, review.board_id, "add recommendations")
    text = clean_text(new.text, "recommendation text", limit=MAX_TEXT)
    due = dates.parse_due(new.due, review.accepted_on or uow.now.date()) if new.due else None
    agency = find_agency(session, review.board_id, new.agency) if new.agency else None
    if new.lead_officer_id and session.get(Person, new.lead_officer_id) is None:
        raise NotFound(f"I don't know the lead officer {new.lead_officer_id}.")
    number = review.next_number
    review.next_number = number + 1
    rec = Recommendation(
        ref=f"{review.code}-{number}",
        review_id=review.id,  # type: ignore[arg-type]
        number=number,
        label=(new.label or str(number))[:100],
        text=text,
        agency_id=agency.id if agency else None,
        lead_officer_id=new.lead_officer_id,
        response=new.response,
        action_kind=new.action_kind,
        due_on=due.due_on if due else None,
        timescale=due.timescale if due else None,
        original_due_on=due.due_on if due else None,
        original_timescale=due.timescale if due else None,
        accepted_on=review.accepted_on or uow.now.date(),
        created_at=uow.now,
        updated_at=uow.now,
    )
    session.add(rec)
    session.flush()
    for label_and_text in new.parts:
        session.add(RecommendationPart(recommendation_id=rec.id, label="", text=label_and_text))  # type: ignore[arg-type]
    for theme in new.themes:
        session.add(RecommendationTheme(recommendation_id=rec.id, theme=theme.strip().lower()))  # type: ignore[arg-type]
    audit(
        uow,
        actor,
        "recommendation.add",
        "recommendation",
        rec.id,
        ref=rec.ref,
        source=source,
        label=rec.label,
        agency=agency.name if agency else None,
        due_on=rec.due_on,
        lead_officer=rec.lead_officer_id,
    )
    return rec


def _write_update(
    uow: UnitOfWork,
    actor: Actor,
    rec: Recommendation,
    *,
    text: str,
    source: UpdateSource,
    status_to: Status | None = None,
    at_risk_to: bool | None = None,
    on_behalf_of: str | None = None,
    at: datetime | None = None,
) -> ProgressUpdate:
    status_from = rec.status
    at = at or uow.now
    update = ProgressUpdate(
        recommendation_id=rec.id,  # type: ignore[arg-type]
        author_id=actor.user_id,
        created_at=at,
        text=text,
        status_from=status_from if status_to else None,
        status_to=status_to,
        at_risk_to=at_risk_to,
        source=source,
        on_behalf_of_id=on_behalf_of,
    )
    uow.session.add(update)
    before = {"status": rec.status, "at_risk": rec.at_risk}
    if status_to is not None:
        rec.status = status_to
        if status_to == Status.completed:
            rec.completed_at = at
            rec.at_risk = False
    if at_risk_to is not None:
        rec.at_risk = at_risk_to
    if rec.last_update_at is None or at > rec.last_update_at:
        rec.last_update_at = at
    rec.updated_at = uow.now
    uow.session.add(rec)
    uow.session.flush()
    audit(
        uow,
        actor,
        "recommendation.update",
        "recommendation",
        rec.id,
        ref=rec.ref,
        update_id=update.id,
        source=source,
        before=before,
        after={"status": rec.status, "at_risk": rec.at_risk},
    )
    return update


def counting_evidence(session: Session, rec_id: int) -> int:
    return len(
        session.exec(
            select(Evidence.id).where(
                Evidence.recommendation_id == rec_id, col(Evidence.state).in_(COUNTING_EVIDENCE)
            )
        ).all()
    )


def _check_transition(rec: Recommendation, status: Status) -> None:
    if status == rec.status:
        raise UserError(f"{rec.ref} is already {status.replace('_', ' ')}.")
    if status not in TRANSITIONS[rec.status]:
        allowed = (
            ", ".join(s.replace("_", "-") for s in sorted(TRANSITIONS[rec.status])) or "nothing"
        )
        raise UserError(
            f"{rec.ref} is {rec.status.replace('_', ' ')}; it can move to {allowed} from here.",
            example=f"/recs update {rec.ref} in-progress Work has started",
        )


def record_update(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    *,
    status: Status | None = None,
    at_risk: bool | None = None,
    note: str = "",
    source: UpdateSource = UpdateSource.command,
    at: datetime | None = None,
) -> ProgressUpdate:
    """A progress note, optionally with a status change or the at-risk flag.

    `at` dates the update in the past, for plans imported with their history.
    """
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_owner(uow, actor, rec, f"update {rec.ref}")
    note = clean_text(note, "note", required=status is None and at_risk is None)
    if status is not None and status == rec.status and note:
        status = None  # already there: keep the note rather than refuse it
    if rec.status in (Status.not_implemented, Status.superseded):
        raise UserError(
            f"{rec.ref} is closed ({rec.status.replace('_', ' ')}); it takes no updates."
        )
    if status is not None:
        _check_transition(rec, status)
        if status == Status.completed:
            _check_evidence(uow, rec)
        if status == Status.embedded and not note:
            raise UserError(
                "Say what the impact check found: the audit or re-audit that shows practice changed.",
                example=f"/recs update {rec.ref} embedded Re-audit in May found 9 of 10 cases compliant",
            )
    if at_risk is not None and rec.status not in (Status.not_started, Status.in_progress):
        raise UserError(
            f"Only open recommendations can be flagged; {rec.ref} is {rec.status.replace('_', ' ')}."
        )
    on_behalf_of = None
    if rec.lead_officer_id != actor.user_id:
        standing = queries.standing_on(uow.session, actor.user_id, rec, uow.now.date())
        on_behalf_of = None if standing.agency_member else standing.deputising_for
    return _write_update(
        uow, actor, rec, text=note, source=source, status_to=status, at_risk_to=at_risk, at=at,
        on_behalf_of=on_behalf_of,
    )


def _check_evidence(uow: UnitOfWork, rec: Recommendation) -> None:
    board = board_of(uow.session, rec)
    if board.require_evidence and counting_evidence(uow.session, rec.id) == 0:  # type: ignore[arg-type]
        raise UserError(
            f"{rec.ref} needs at least one piece of evidence before it can be marked completed.",
            example=f"/recs done {rec.ref} https://example.org/audit-report.pdf Audit report",
        )


def mark_done(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    *,
    evidence_url: str | None = None,
    note: str = "",
    source: UpdateSource = UpdateSource.command,
) -> ProgressUpdate:
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_owner(uow, actor, rec, f"complete {rec.ref}")
    if evidence_url:
        _add_evidence(uow, actor, rec, clean_url(evidence_url), note, state=EvidenceState.recorded)
    return record_update(uow, actor, ref, status=Status.completed, note=note, source=source)


def assign(uow: UnitOfWork, actor: Actor, ref: str, lead_officer_id: str) -> Recommendation:
    rec = get_recommendation(uow.session, ref, for_update=True)
    roles = roles_on(uow.session, actor, rec)
    require(
        roles,
        ADMIN_ONLY,
        f"change the lead officer of {rec.ref}",
        "Only a board admin can do that.",
    )
    if uow.session.get(Person, lead_officer_id) is None:
        raise NotFound(
            f"I don't know the user {lead_officer_id}.", example=f"/recs assign {rec.ref} @jane"
        )
    before = rec.lead_officer_id
    rec.lead_officer_id = lead_officer_id
    rec.updated_at = uow.now
    uow.session.add(rec)
    audit(
        uow,
        actor,
        "recommendation.assign",
        "recommendation",
        rec.id,
        ref=rec.ref,
        before=before,
        after=lead_officer_id,
    )
    return rec


def change_agency(uow: UnitOfWork, actor: Actor, ref: str, agency_name: str) -> Recommendation:
    rec = get_recommendation(uow.session, ref, for_update=True)
    roles = roles_on(uow.session, actor, rec)
    require(
        roles,
        ADMIN_ONLY,
        f"change the owner agency of {rec.ref}",
        "Only a board admin can do that.",
    )
    board = board_of(uow.session, rec)
    agency = find_agency(uow.session, board.id, agency_name)  # type: ignore[arg-type]
    before = rec.agency_id
    rec.agency_id = agency.id
    rec.updated_at = uow.now
    uow.session.add(rec)
    audit(
        uow,
        actor,
        "recommendation.agency",
        "recommendation",
        rec.id,
        ref=rec.ref,
        before=before,
        after=agency.id,
        agency=agency.name,
    )
    return rec


def move_due_date(
    uow: UnitOfWork, actor: Actor, ref: str, due_text: str, reason: str = ""
) -> DueDateChange:
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_owner(uow, actor, rec, f"move the due date of {rec.ref}")
    due = dates.parse_due(due_text, rec.accepted_on or uow.now.date())
    reason = clean_text(reason, "reason", required=False)
    if rec.due_on is not None and not reason:
        raise UserError(
            f"{rec.ref} already has a due date ({rec.due_on:%d %b %Y}). Say why it moves: "
            "slippage is reported to the board.",
            example=f'/recs due {rec.ref} "end of March 2015" audit moved to March',
        )
    if rec.due_on == due.due_on:
        raise UserError(f"{rec.ref} is already due on {due.due_on:%d %b %Y}.")
    change = DueDateChange(
        recommendation_id=rec.id,  # type: ignore[arg-type]
        old_due_on=rec.due_on,
        new_due_on=due.due_on,
        old_timescale=rec.timescale,
        new_timescale=due.timescale,
        reason=reason,
        changed_by_id=actor.user_id,
        changed_at=uow.now,
    )
    uow.session.add(change)
    if rec.original_due_on is None:
        rec.original_due_on = due.due_on
        rec.original_timescale = due.timescale
    rec.due_on = due.due_on
    rec.timescale = due.timescale
    rec.updated_at = uow.now
    uow.session.add(rec)
    uow.session.flush()
    audit(
        uow,
        actor,
        "recommendation.due",
        "recommendation",
        rec.id,
        ref=rec.ref,
        before=change.old_due_on,
        after=change.new_due_on,
        reason=reason,
        change_id=change.id,
    )
    return change


def _add_evidence(
    uow: UnitOfWork,
    actor: Actor,
    rec: Recommendation,
    url: str | None,
    description: str,
    *,
    state: EvidenceState,
    file_id: str | None = None,
    permalink: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
) -> Evidence:
    evidence = Evidence(
        recommendation_id=rec.id,  # type: ignore[arg-type]
        url=url,
        slack_file_id=file_id,
        description=description,
        posted_by_id=actor.user_id,
        posted_at=uow.now,
        permalink=permalink,
        channel_id=channel_id,
        message_ts=message_ts,
        state=state,
    )
    uow.session.add(evidence)
    rec.updated_at = uow.now
    uow.session.add(rec)
    uow.session.flush()
    audit(
        uow,
        actor,
        "evidence.add",
        "evidence",
        evidence.id,
        ref=rec.ref,
        url=url,
        file_id=file_id,
        state=state,
    )
    return evidence


def attach_evidence(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    url: str | None,
    description: str = "",
    *,
    file_id: str | None = None,
    permalink: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    allow_proposal: bool = False,
) -> Evidence:
    """Evidence from an owner is recorded; from anyone else, when allowed, it is proposed."""
    rec = get_recommendation(uow.session, ref, for_update=True)
    roles = roles_on(uow.session, actor, rec)
    if roles & OWNER_WRITE:
        state = EvidenceState.recorded
    elif allow_proposal:
        state = EvidenceState.proposed
    else:
        _require_owner(uow, actor, rec, f"add evidence to {rec.ref}")
        raise AssertionError("unreachable")
    if url is None and file_id is None:
        raise UserError(
            "Give a link or a file as evidence.",
            example=f"/recs evidence {rec.ref} https://example.org/audit.pdf Audit report",
        )
    clean = clean_url(url) if url else None
    description = clean_text(description, "description", required=False)
    return _add_evidence(
        uow,
        actor,
        rec,
        clean,
        description,
        state=state,
        file_id=file_id,
        permalink=permalink,
        channel_id=channel_id,
        message_ts=message_ts,
    )


def sign_off(uow: UnitOfWork, actor: Actor, ref: str, note: str = "") -> ProgressUpdate:
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_chair(uow, actor, rec, f"sign off {rec.ref}")
    if rec.status != Status.completed:
        raise UserError(
            f"{rec.ref} is {rec.status.replace('_', ' ')}; only a completed recommendation can be signed off.",
            example=f"/recs signoff {rec.ref}",
        )
    text = note.strip() or "Signed off: evidence assured by the chair."
    return _write_update(
        uow, actor, rec, text=text, source=UpdateSource.command, status_to=Status.assured
    )


def reject(uow: UnitOfWork, actor: Actor, ref: str, reason: str) -> ProgressUpdate:
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_chair(uow, actor, rec, f"send back {rec.ref}")
    reason = clean_text(reason, "reason")
    if rec.status not in (Status.completed, Status.assured):
        raise UserError(
            f"{rec.ref} is {rec.status.replace('_', ' ')}; only completed or assured work can be sent back."
        )
    return _write_update(
        uow,
        actor,
        rec,
        text=f"Sent back by the chair: {reason}",
        source=UpdateSource.command,
        status_to=Status.in_progress,
    )


def close_not_implemented(uow: UnitOfWork, actor: Actor, ref: str, reason: str) -> ProgressUpdate:
    rec = get_recommendation(uow.session, ref, for_update=True)
    require(
        roles_on(uow.session, actor, rec),
        ADMIN_ONLY,
        f"close {rec.ref}",
        "Only a board admin can do that.",
    )
    reason = clean_text(reason, "reason")
    if rec.status in DONE_STATUSES or rec.status in (Status.not_implemented, Status.superseded):
        raise UserError(
            f"{rec.ref} is {rec.status.replace('_', ' ')}; it can't be closed as not implemented."
        )
    rec.closed_reason = reason
    return _write_update(
        uow,
        actor,
        rec,
        text=f"Closed, not implemented: {reason}",
        source=UpdateSource.command,
        status_to=Status.not_implemented,
    )


def supersede(
    uow: UnitOfWork, actor: Actor, ref: str, by_ref: str, reason: str = ""
) -> ProgressUpdate:
    rec = get_recommendation(uow.session, ref, for_update=True)
    require(
        roles_on(uow.session, actor, rec),
        ADMIN_ONLY,
        f"supersede {rec.ref}",
        "Only a board admin can do that.",
    )
    replacement = get_recommendation(uow.session, by_ref)
    if replacement.id == rec.id:
        raise UserError("A recommendation can't supersede itself.")
    if rec.status in (Status.not_implemented, Status.superseded):
        raise UserError(f"{rec.ref} is already closed.")
    rec.superseded_by_id = replacement.id
    rec.closed_reason = reason.strip() or None
    text = f"Superseded by {replacement.ref}" + (f": {reason.strip()}" if reason.strip() else "")
    return _write_update(
        uow, actor, rec, text=text, source=UpdateSource.command, status_to=Status.superseded
    )


def set_away(
    uow: UnitOfWork, actor: Actor, until: date | None, deputy_id: str | None = None
) -> Person:
    """Pauses one's own reminders until a date (inclusive), optionally to a deputy."""
    me = ensure_person(uow.session, actor.user_id, actor.name or None)
    if until is not None and until < uow.now.date():
        raise UserError("That date has passed.", example="/recs away until 2015-04-20 @deputy")
    if deputy_id == actor.user_id:
        raise UserError(
            "You can't be your own deputy.", example="/recs away until 2015-04-20 @jane"
        )
    if deputy_id and uow.session.get(Person, deputy_id) is None:
        raise NotFound(f"I don't know the deputy {deputy_id}.")
    before = {"away_until": me.away_until, "deputy": me.deputy_id}
    me.away_until = until
    me.deputy_id = deputy_id if until else None
    uow.session.add(me)
    audit(
        uow,
        actor,
        "person.away",
        "person",
        me.id,
        before=before,
        after={"away_until": until, "deputy": me.deputy_id},
    )
    return me


# --- Slack modals (issue 3) -------------------------------------------------------------------


def complete_with_evidence(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    *,
    url: str,
    description: str = "",
    note: str = "",
    source: UpdateSource = UpdateSource.command,
) -> ProgressUpdate:
    """The *Completed…* modal: attaches the evidence and marks the recommendation completed,
    both in the caller's one transaction, or neither."""
    attach_evidence(uow, actor, ref, url, description)
    return record_update(
        uow,
        actor,
        ref,
        status=Status.completed,
        note=note.strip() or "Completed, with evidence.",
        source=source,
    )


@dataclass(frozen=True)
class BoardSettings:
    """What the settings modal edits; None leaves a value as it is."""

    channel_id: str | None = None
    chair_ids: tuple[str, ...] | None = None
    due_soon_days: str | None = None
    overdue_every_days: int | None = None
    stale_after_days: int | None = None
    escalate_after_days: int | None = None
    amber_due_within_days: int | None = None
    amber_stale_days: int | None = None
    require_evidence: bool | None = None


SETTING_RANGES: dict[str, tuple[int, int]] = {
    "overdue_every_days": (1, 90),
    "stale_after_days": (7, 365),
    "escalate_after_days": (1, 365),
    "amber_due_within_days": (1, 365),
    "amber_stale_days": (7, 365),
}


class SettingError(UserError):
    """A bad value in one setting; `field` names it so the modal can mark that input."""

    def __init__(self, field: str, message: str, example: str | None = None) -> None:
        super().__init__(message, example)
        self.field = field


def _due_soon_days(text: str) -> str:
    try:
        days = sorted({int(part) for part in text.replace(" ", "").split(",") if part}, reverse=True)
    except ValueError:
        days = []
    if not days or any(d < 1 or d > 365 for d in days) or len(days) > 6:
        raise SettingError(
            "due_soon_days",
            "Give up to six numbers of days before the due date, separated by commas.",
            "30,14,3",
        )
    return ",".join(str(d) for d in days)


def update_board_settings(
    uow: UnitOfWork, actor: Actor, board_id: int, new: BoardSettings
) -> Board:
    """Admin: the board's channel, chairs, reminder policy and BRAG thresholds, audited."""
    _require_admin(uow, actor, board_id, "change the board settings")
    board = uow.session.get(Board, board_id)
    if board is None:
        raise NotFound("There is no such board.")
    before = board.model_dump(exclude={"created_at"})
    changes: dict[str, Any] = {}
    if new.channel_id is not None:
        changes["channel_id"] = new.channel_id or None
    if new.due_soon_days is not None:
        changes["due_soon_days"] = _due_soon_days(new.due_soon_days)
    for name, (low, high) in SETTING_RANGES.items():
        value = getattr(new, name)
        if value is None:
            continue
        if not low <= value <= high:
            raise SettingError(name, f"Give a number from {low} to {high}.", str(low))
        changes[name] = value
    if new.require_evidence is not None:
        changes["require_evidence"] = new.require_evidence
    for name, value in changes.items():
        setattr(board, name, value)
    uow.session.add(board)
    chairs_before = _set_chairs(uow, actor, board, new.chair_ids)
    uow.session.flush()
    after = board.model_dump(exclude={"created_at"})
    audit(
        uow,
        actor,
        "board.settings",
        "board",
        board.id,
        before={k: before[k] for k in changes if before[k] != after[k]},
        after={k: after[k] for k in changes if before[k] != after[k]},
        chairs_before=chairs_before,
        chairs_after=sorted(new.chair_ids) if new.chair_ids is not None else chairs_before,
    )
    return board


def _set_chairs(
    uow: UnitOfWork, actor: Actor, board: Board, chair_ids: tuple[str, ...] | None
) -> list[str]:
    current = uow.session.exec(
        select(BoardRole).where(BoardRole.board_id == board.id, BoardRole.role == "chair")
    ).all()
    before = sorted(r.user_id for r in current)
    if chair_ids is None:
        return before
    if not chair_ids:
        raise SettingError("chairs", "A board needs at least one chair.")
    for role in current:
        if role.user_id not in chair_ids:
            uow.session.delete(role)
            audit(uow, actor, "role.revoke", "board", board.id, user=role.user_id, role="chair")
    for user_id in chair_ids:
        ensure_person(uow.session, user_id)
        grant_role(uow, actor, board, user_id, BoardRoleKind.chair)
    return before


# --- evidence review: accept, reject, undo (issue 5) ----------------------------------------


def get_evidence(session: Session, evidence_id: int | str, *, for_update: bool = False) -> Evidence:
    try:
        key = int(evidence_id)
    except (TypeError, ValueError):
        key = 0
    evidence = session.get(Evidence, key, with_for_update=for_update) if key else None
    if evidence is None:
        raise NotFound("That piece of evidence no longer exists.")
    return evidence


def _evidence_and_rec(uow: UnitOfWork, evidence_id: int | str) -> tuple[Evidence, Recommendation]:
    evidence = get_evidence(uow.session, evidence_id, for_update=True)
    rec = uow.session.get(Recommendation, evidence.recommendation_id)
    assert rec is not None  # foreign key
    return evidence, rec


def _review_evidence(
    uow: UnitOfWork,
    actor: Actor,
    evidence: Evidence,
    rec: Recommendation,
    state: EvidenceState,
    action: str,
    reason: str | None = None,
) -> Evidence:
    before = evidence.state
    evidence.state = state
    evidence.reviewed_by_id = actor.user_id
    evidence.reviewed_at = uow.now
    evidence.review_reason = reason
    rec.updated_at = uow.now
    uow.session.add(evidence)
    uow.session.add(rec)
    # `state` in the detail is what an as-of paper reads to know the evidence's state then.
    audit(
        uow, actor, action, "evidence", evidence.id, ref=rec.ref, before=before, state=state,
        reason=reason,
    )
    return evidence


def accept_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str) -> Evidence:
    """Proposed evidence: the owner or a chair accepts it. Recorded evidence: a chair assures it."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    if evidence.state not in (EvidenceState.proposed, EvidenceState.recorded):
        raise UserError(f"That evidence for {rec.ref} is {evidence.state}; it can't be accepted.")
    if evidence.state == EvidenceState.proposed:
        require(
            roles_on(uow.session, actor, rec),
            OWNER_WRITE | CHAIR_WRITE,
            f"accept evidence for {rec.ref}",
            owner_description(uow.session, rec) + ", or a chair, can accept it.",
        )
    else:
        _require_chair(uow, actor, rec, f"accept evidence for {rec.ref}")
    return _review_evidence(uow, actor, evidence, rec, EvidenceState.accepted, "evidence.accept")


def reject_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str, reason: str) -> Evidence:
    """A chair rejects evidence, saying why; the owner is told the reason."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    _require_chair(uow, actor, rec, f"reject evidence for {rec.ref}")
    reason = clean_text(reason, "reason")
    if evidence.state in (EvidenceState.rejected, EvidenceState.withdrawn):
        raise UserError(f"That evidence for {rec.ref} is already {evidence.state}.")
    return _review_evidence(
        uow, actor, evidence, rec, EvidenceState.rejected, "evidence.reject", reason
    )


def undo_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int | str) -> Evidence:
    """The poster (or a board admin) takes evidence back. The row stays, withdrawn, for the
    history; nothing counts it any more."""
    evidence, rec = _evidence_and_rec(uow, evidence_id)
    if evidence.posted_by_id != actor.user_id:
        require(
            roles_on(uow.session, actor, rec),
            ADMIN_ONLY,
            f"undo evidence on {rec.ref} that someone else posted",
            "Only the person who posted it or a board admin can.",
        )
    if evidence.state == EvidenceState.withdrawn:
        raise UserError(f"That evidence for {rec.ref} was already undone.")
    if evidence.state in (EvidenceState.accepted, EvidenceState.rejected):
        raise UserError(f"A chair has already {evidence.state} that evidence for {rec.ref}.")
    before = evidence.state
    evidence.state = EvidenceState.withdrawn
    rec.updated_at = uow.now
    uow.session.add(evidence)
    uow.session.add(rec)
    audit(
        uow, actor, "evidence.undo", "evidence", evidence.id, ref=rec.ref, before=before,
        state=EvidenceState.withdrawn,
    )
    return evidence


def get_recommendation_by_id(session: Session, rec_id: int) -> Recommendation:
    rec = session.get(Recommendation, rec_id)
    if rec is None:
        raise NotFound("That recommendation no longer exists.")
    return rec


def snooze(uow: UnitOfWork, actor: Actor, ref: str, days: int = 7) -> Recommendation:
    """Holds the owner's reminders for `days` (escalations to the chairs still go)."""
    rec = get_recommendation(uow.session, ref, for_update=True)
    _require_owner(uow, actor, rec, f"snooze the reminders for {rec.ref}")
    before = rec.snoozed_until
    rec.snoozed_until = uow.now.date() + timedelta(days=days)
    rec.updated_at = uow.now
    uow.session.add(rec)
    audit(
        uow, actor, "recommendation.snooze", "recommendation", rec.id, ref=rec.ref,
        before=before, after=rec.snoozed_until,
    )
    return rec


EMAIL_PREFIX = "email:"


def adopt_email_placeholder(db: Database, user_id: str, name: str, email: str) -> bool:
    """A Slack user whose email an imported plan named as a lead officer takes over what the
    placeholder held, at their first request (the sweep only links those due a reminder).
    True when there was a placeholder; a read alone when there was none."""
    placeholder_id = EMAIL_PREFIX + email.strip().lower()
    with db.unit_of_work(write=False) as uow:
        if uow.session.get(Person, placeholder_id) is None:
            return False
    with db.unit_of_work() as uow:
        link_person(uow, SYSTEM, placeholder_id, user_id, name)
        uow.commit()
    return True


def link_person(uow: UnitOfWork, actor: Actor, placeholder_id: str, user_id: str, name: str) -> Person:
    """Hands what an imported email address owned (lead officer, agency membership, roles,
    deputising) to the Slack user with that email, once Slack has told us who it is."""
    session = uow.session
    placeholder = session.get(Person, placeholder_id)
    person = ensure_person(session, user_id, name, email=placeholder.email if placeholder else None)
    recs = session.exec(select(Recommendation).where(Recommendation.lead_officer_id == placeholder_id))
    for rec in recs:
        rec.lead_officer_id = user_id
        session.add(rec)
    for member in session.exec(select(AgencyMember).where(AgencyMember.user_id == placeholder_id)):
        session.delete(member)
        if session.get(AgencyMember, (member.agency_id, user_id)) is None:
            session.add(AgencyMember(agency_id=member.agency_id, user_id=user_id))
    for role in session.exec(select(BoardRole).where(BoardRole.user_id == placeholder_id)):
        role.user_id = user_id
        session.add(role)
    for deputised in session.exec(select(Person).where(Person.deputy_id == placeholder_id)):
        deputised.deputy_id = user_id
        session.add(deputised)
    audit(uow, actor, "person.link", "person", user_id, placeholder=placeholder_id)
    return person
