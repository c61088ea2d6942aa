"""Recommendations: adding them, and every change to one (status, note, lead, agency, due
date, sign-off, closing), each with its history and audit entry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlmodel import select

from bot.errors import NotFound, UserError
from bot.rules import dates
from bot.rules.lifecycle import CLOSED_STATUSES, OPEN_STATUSES, Move, check_move, status_words
from bot.rules.permissions import Act, Actor
from bot.rules.refs import label_key
from bot.rules.text import MAX_TEXT, clean_text, clean_url
from bot.services.access import require_on, require_on_board, standing_on
from bot.services.audit import audit
from bot.services.base import UseCases
from bot.services.evidence import _add_evidence, attach_evidence, counting_evidence
from bot.services.lookups import board_of, find_agency, recommendation_for, review_for
from bot.services.people import Named, acting, resolve
from storage.db import UnitOfWork
from storage.models import (
    ActionKind,
    DueDateChange,
    EvidenceState,
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationPart,
    RecommendationTheme,
    Response,
    Review,
    Status,
    UpdateSource,
)


def _require(uow: UnitOfWork, actor: Actor, rec: Recommendation, act: Act, what: str) -> None:
    require_on(uow.session, actor, rec, act, what, uow.now)



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
    # Already read (an import): the due date and the timescale as written, used when `due`
    # is not given. A timescale without a date is one whose accepted date is not known.
    due_on: date | None = None
    timescale: str | None = None


def _free_label(uow: UnitOfWork, review: Review, wanted: str | None, number: int) -> str:
    """The label a new recommendation takes: the one asked for, refused when the review
    already has it (an import matches recommendations by label); else its number."""
    taken = {
        label_key(label): (label, ref)
        for label, ref in uow.session.exec(
            select(Recommendation.label, Recommendation.ref).where(
                Recommendation.review_id == review.id
            )
        ).all()
    }
    if wanted and wanted.strip():
        label = " ".join(wanted.split())[:100]
        if label_key(label) in taken:
            existing, ref = taken[label_key(label)]
            raise UserError(
                f"Review {review.code} already has a recommendation labelled {existing} "
                f"({ref}). Give another label, or update that one.",
                example=f'/recs add {review.code} "text" label:{number}',
            )
        return label
    return str(number) if str(number) not in taken else f"{review.code}-{number}"


def add_recommendation(
    uow: UnitOfWork, actor: Actor, new: NewRecommendation, *, source: UpdateSource
) -> Recommendation:
    session = uow.session
    review = review_for(session, actor, new.review_code)
    require_on_board(uow.session, actor, review.board_id, Act.add_recommendation, "add recommendations")
    text = clean_text(new.text, "recommendation text", limit=MAX_TEXT)
    today = uow.now.date()
    accepted_on = review.accepted_on or today  # added by hand: accepted now, unless the review says
    due = dates.parse_due(new.due, accepted_on, today=today) if new.due else None
    due_on = due.due_on if due else new.due_on
    timescale = due.timescale if due else new.timescale
    agency = find_agency(session, review.board_id, new.agency) if new.agency else None
    if new.lead_officer_id and session.get(Person, new.lead_officer_id) is None:
        raise NotFound(f"I don't know the lead officer {new.lead_officer_id}.")
    number = review.next_number
    label = _free_label(uow, review, new.label, number)
    review.next_number = number + 1
    rec = Recommendation(
        ref=f"{review.code}-{number}",
        review_id=review.id,  # type: ignore[arg-type]
        number=number,
        label=label,
        text=text,
        agency_id=agency.id if agency else None,
        lead_officer_id=new.lead_officer_id,
        response=new.response,
        action_kind=new.action_kind,
        due_on=due_on,
        timescale=timescale,
        original_due_on=due_on,
        original_timescale=timescale,
        accepted_on=accepted_on,
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
        timescale=rec.timescale,
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
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.update, f"update {rec.ref}")
    note = clean_text(note, "note", required=status is None and at_risk is None)
    if status is not None and status == rec.status and note:
        status = None  # already there: keep the note rather than refuse it
    if rec.status in CLOSED_STATUSES:
        raise UserError(f"{rec.ref} is closed ({status_words(rec.status)}); it takes no updates.")
    if status is not None:
        check_move(Move.update, rec.ref, rec.status, status)
        if status == Status.completed:
            _check_evidence(uow, rec)
        if status == Status.embedded and not note:
            raise UserError(
                "Say what the impact check found: the audit or re-audit that shows practice changed.",
                example=f"/recs update {rec.ref} embedded Re-audit in May found 9 of 10 cases compliant",
            )
    if at_risk is not None and rec.status not in OPEN_STATUSES:
        raise UserError(
            f"Only open recommendations can be flagged; {rec.ref} is {status_words(rec.status)}."
        )
    on_behalf_of = None
    if rec.lead_officer_id != actor.user_id:
        standing = standing_on(uow.session, actor.user_id, rec, uow.now)
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
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.update, f"complete {rec.ref}")
    if evidence_url:
        _add_evidence(uow, actor, rec, clean_url(evidence_url), note, state=EvidenceState.recorded)
    return record_update(uow, actor, ref, status=Status.completed, note=note, source=source)


def assign(uow: UnitOfWork, actor: Actor, ref: str, lead_officer_id: str) -> Recommendation:
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.assign, f"change the lead officer of {rec.ref}")
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
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.change_agency, f"change the owner agency of {rec.ref}")
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
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    due_text: str,
    reason: str = "",
    *,
    source: UpdateSource = UpdateSource.command,
    read: dates.DueDate | None = None,
) -> DueDateChange:
    """Moves the due date to `due_text`, or to `read` when the caller has read it already (an
    import). A timescale counts from the recommendation's accepted date, never from today."""
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.update, f"move the due date of {rec.ref}")
    due = read or dates.parse_due(due_text, rec.accepted_on, today=uow.now.date())
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
        source=source,
    )
    return change


def sign_off(uow: UnitOfWork, actor: Actor, ref: str, note: str = "") -> ProgressUpdate:
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.sign_off, f"sign off {rec.ref}")
    check_move(Move.sign_off, rec.ref, rec.status, Status.assured)
    text = note.strip() or "Signed off: evidence assured by the chair."
    return _write_update(
        uow, actor, rec, text=text, source=UpdateSource.command, status_to=Status.assured
    )


def reject(uow: UnitOfWork, actor: Actor, ref: str, reason: str) -> ProgressUpdate:
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.send_back, f"send back {rec.ref}")
    reason = clean_text(reason, "reason")
    check_move(Move.send_back, rec.ref, rec.status, Status.in_progress)
    return _write_update(
        uow,
        actor,
        rec,
        text=f"Sent back by the chair: {reason}",
        source=UpdateSource.command,
        status_to=Status.in_progress,
    )


def close_not_implemented(uow: UnitOfWork, actor: Actor, ref: str, reason: str) -> ProgressUpdate:
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.close, f"close {rec.ref}")
    reason = clean_text(reason, "reason")
    check_move(Move.close, rec.ref, rec.status, Status.not_implemented)
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
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.supersede, f"supersede {rec.ref}")
    replacement = recommendation_for(uow.session, actor, by_ref)
    if replacement.id == rec.id:
        raise UserError("A recommendation can't supersede itself.")
    check_move(Move.supersede, rec.ref, rec.status, Status.superseded)
    rec.superseded_by_id = replacement.id
    rec.closed_reason = reason.strip() or None
    text = f"Superseded by {replacement.ref}" + (f": {reason.strip()}" if reason.strip() else "")
    return _write_update(
        uow, actor, rec, text=text, source=UpdateSource.command, status_to=Status.superseded
    )


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


def snooze(uow: UnitOfWork, actor: Actor, ref: str, days: int = 7) -> Recommendation:
    """Holds the owner's reminders for `days` (escalations to the chairs still go)."""
    rec = recommendation_for(uow.session, actor, ref, for_update=True)
    _require(uow, actor, rec, Act.update, f"snooze the reminders for {rec.ref}")
    before = rec.snoozed_until
    rec.snoozed_until = uow.now.date() + timedelta(days=days)
    rec.updated_at = uow.now
    uow.session.add(rec)
    audit(
        uow, actor, "recommendation.snooze", "recommendation", rec.id, ref=rec.ref,
        before=before, after=rec.snoozed_until,
    )
    return rec


class Recommendations(UseCases):
    """Every change a person makes to a recommendation, each in its own transaction."""

    def add(
        self, actor: Actor, new: NewRecommendation, lead: Named | None, *, source: UpdateSource
    ) -> Recommendation:
        with self.writing() as uow:
            acting(uow, actor)
            lead_id = resolve(uow.session, lead).id if lead else None
            rec = add_recommendation(
                uow, actor, replace(new, lead_officer_id=lead_id), source=source
            )
            uow.commit()
        return rec

    def update(
        self,
        actor: Actor,
        ref: str,
        *,
        status: Status | None = None,
        at_risk: bool | None = None,
        note: str = "",
        superseded_by: str | None = None,
        source: UpdateSource = UpdateSource.command,
    ) -> ProgressUpdate:
        """A note, a status move or the at-risk flag; closing and superseding are admins'."""
        with self.writing() as uow:
            acting(uow, actor)
            if status == Status.not_implemented:
                update = close_not_implemented(uow, actor, ref, note)
            elif status == Status.superseded:
                update = supersede(uow, actor, ref, superseded_by or "", note)
            else:
                update = record_update(
                    uow, actor, ref, status=status, at_risk=at_risk, note=note, source=source
                )
            uow.commit()
        return update

    def done(
        self, actor: Actor, ref: str, *, url: str | None, note: str, source: UpdateSource
    ) -> ProgressUpdate:
        with self.writing() as uow:
            acting(uow, actor)
            update = mark_done(uow, actor, ref, evidence_url=url, note=note, source=source)
            uow.commit()
        return update

    def complete_with_evidence(
        self, actor: Actor, ref: str, *, url: str, description: str, note: str,
        source: UpdateSource,
    ) -> Recommendation:  # fmt: skip
        """The *Completed…* modal: the evidence and the completion, both or neither."""
        with self.writing() as uow:
            acting(uow, actor)
            complete_with_evidence(
                uow, actor, ref, url=url, description=description, note=note, source=source
            )
            rec = recommendation_for(uow.session, actor, ref)
            uow.commit()
        return rec

    def assign(self, actor: Actor, ref: str, lead: Named) -> Person:
        with self.writing() as uow:
            acting(uow, actor)
            person = resolve(uow.session, lead)
            assign(uow, actor, ref, person.id)
            uow.commit()
        return person

    def change_agency(self, actor: Actor, ref: str, agency: str) -> Recommendation:
        with self.writing() as uow:
            acting(uow, actor)
            rec = change_agency(uow, actor, ref, agency)
            uow.commit()
        return rec

    def move_due(self, actor: Actor, ref: str, when: str, reason: str) -> DueDateChange:
        with self.writing() as uow:
            acting(uow, actor)
            change = move_due_date(uow, actor, ref, when, reason)
            uow.commit()
        return change

    def sign_off(self, actor: Actor, ref: str, note: str = "") -> ProgressUpdate:
        with self.writing() as uow:
            acting(uow, actor)
            update = sign_off(uow, actor, ref, note)
            uow.commit()
        return update

    def send_back(self, actor: Actor, ref: str, reason: str) -> str | None:
        """Sends completed work back to in progress; returns the lead officer to tell."""
        with self.writing() as uow:
            acting(uow, actor)
            reject(uow, actor, ref, reason)
            owner = recommendation_for(uow.session, actor, ref).lead_officer_id
            uow.commit()
        return owner

    def snooze(self, actor: Actor, ref: str, days: int = 7) -> Recommendation:
        with self.writing() as uow:
            acting(uow, actor)
            rec = snooze(uow, actor, ref, days)
            uow.commit()
        return rec
