"""Stores what an importer read: one transaction for the whole plan; a re-import updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlmodel import select

from bot import services
from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.rules.lifecycle import CLOSED_STATUSES
from bot.rules.permissions import Actor
from storage.db import UnitOfWork
from storage.models import (
    Evidence,
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationTheme,
    Review,
    Status,
    UpdateSource,
)


@dataclass
class ImportResult:
    review: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"Review {self.review}: {len(self.created)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged."
        )


def import_recommendations(
    uow: UnitOfWork,
    actor: Actor,
    review: Review,
    parsed: list[ParsedRecommendation],
) -> ImportResult:
    """Adds new recommendations and updates those whose label is already in the review."""
    result = ImportResult(review.code)
    services.ensure_person(uow.session, actor.user_id, actor.name or None)  # the author of the history
    existing = {
        r.label: r
        for r in uow.session.exec(
            select(Recommendation).where(Recommendation.review_id == review.id)
        )
    }
    for item in parsed:
        rec = existing.get(item.label)
        try:
            if rec is None:
                rec = _create(uow, actor, review, item)
                result.created.append(rec.ref)
            elif _refresh(uow, actor, review, rec, item):
                result.updated.append(rec.ref)
            else:
                result.unchanged.append(rec.ref)
            _history(uow, actor, rec, item)
        except UserError as exc:
            where = (
                f"row {item.source_line}" if item.source_line else f"recommendation {item.label}"
            )
            raise UserError(f"{where}: {exc.message}", exc.example) from exc
    return result


def lead_officer_id(uow: UnitOfWork, handle: str | None) -> str | None:
    """A Slack user id as given, or the person with that email (created if new)."""
    if not handle:
        return None
    handle = handle.strip()
    if "@" in handle and "." in handle.split("@")[-1]:
        email = handle.lower()
        found = uow.session.exec(select(Person).where(Person.email == email)).first()
        if found:
            return found.id
        person = services.ensure_person(
            uow.session, f"email:{email}", email.split("@")[0], email=email
        )
        return person.id
    if handle.startswith("U") or handle.startswith("W"):
        return services.ensure_person(uow.session, handle).id
    raise UserError(f"the lead officer '{handle[:60]}' is neither an email nor a Slack user id.")


def _create(
    uow: UnitOfWork, actor: Actor, review: Review, item: ParsedRecommendation
) -> Recommendation:
    if item.agency:
        services.ensure_agency(uow, actor, review.board_id, item.agency)
    rec = services.add_recommendation(
        uow,
        actor,
        services.NewRecommendation(
            review_code=review.code,
            text=item.text,
            agency=item.agency,
            lead_officer_id=lead_officer_id(uow, item.lead_officer),
            label=item.label,
            parts=tuple(item.parts),
            themes=tuple(item.themes),
        ),
        source=UpdateSource.import_,
    )
    if item.due_on:
        rec.due_on = rec.original_due_on = item.due_on
        rec.timescale = rec.original_timescale = item.timescale
    rec.directorate = item.directorate
    uow.session.add(rec)
    return rec


def _refresh(
    uow: UnitOfWork, actor: Actor, review: Review, rec: Recommendation, item: ParsedRecommendation
) -> bool:
    changes: dict[str, object] = {}
    if item.text and item.text != rec.text:
        changes["text"] = item.text
    if item.agency:
        agency = services.ensure_agency(uow, actor, review.board_id, item.agency)
        if agency.id != rec.agency_id:
            changes["agency_id"] = agency.id
    lead = lead_officer_id(uow, item.lead_officer)
    if lead and lead != rec.lead_officer_id:
        changes["lead_officer_id"] = lead
    if item.directorate and item.directorate != rec.directorate:
        changes["directorate"] = item.directorate
    if item.due_on and item.due_on != rec.due_on:
        services.move_due_date(
            uow,
            actor,
            rec.ref,
            item.timescale or item.due_on.isoformat(),
            "re-imported from the action plan",
        )
        changes["due_on"] = item.due_on
    # The values replaced, so a paper as of an earlier day shows the agency, lead officer
    # and text of that day (storage.as_of_fields); the due date has its own history.
    before = {name: getattr(rec, name) for name in changes if name != "due_on"}
    for name, value in changes.items():
        if name != "due_on":
            setattr(rec, name, value)
    if item.themes:
        _add_themes(uow, rec, item.themes)
    if changes:
        rec.updated_at = uow.now
        uow.session.add(rec)
        services.audit(
            uow,
            actor,
            "recommendation.reimport",
            "recommendation",
            rec.id,
            ref=rec.ref,
            changed=sorted(changes),
            before=before,
        )
    return bool(changes)


def _add_themes(uow: UnitOfWork, rec: Recommendation, themes: list[str]) -> None:
    have = set(
        uow.session.exec(
            select(RecommendationTheme.theme).where(RecommendationTheme.recommendation_id == rec.id)
        ).all()
    )
    for theme in themes:
        if theme not in have:
            uow.session.add(RecommendationTheme(recommendation_id=rec.id, theme=theme))  # type: ignore[arg-type]


def _history(
    uow: UnitOfWork, actor: Actor, rec: Recommendation, item: ParsedRecommendation
) -> None:
    """Progress, evidence and status from the plan, each recorded once however often it is imported."""
    uow.session.flush()
    have_urls = set(
        uow.session.exec(select(Evidence.url).where(Evidence.recommendation_id == rec.id)).all()
    )
    for url in item.evidence:
        if url not in have_urls:
            services.attach_evidence(uow, actor, rec.ref, url, "imported from the action plan")
    if item.progress:
        _progress_once(uow, actor, rec, item)
    if item.status and item.status != rec.status:
        status = Status(item.status)
        # Closing needs a reason and assurance is a chair's sign-off: commands, not a file.
        if status in CLOSED_STATUSES or status == Status.assured:
            raise UserError(f"the status '{item.status}' can't be set by import; use the commands.")
        if status != Status.not_started:
            _import_status(uow, actor, rec, status, _dated(uow, item))


def _progress_once(
    uow: UnitOfWork, actor: Actor, rec: Recommendation, item: ParsedRecommendation
) -> None:
    text = item.progress or ""
    already = uow.session.exec(
        select(ProgressUpdate.id).where(
            ProgressUpdate.recommendation_id == rec.id, ProgressUpdate.text == text
        )
    ).first()
    if already:
        return
    services.record_update(
        uow, actor, rec.ref, note=text, source=UpdateSource.import_, at=_dated(uow, item)
    )


def _dated(uow: UnitOfWork, item: ParsedRecommendation) -> datetime:
    """When the plan says its progress was written; otherwise now."""
    if item.progress_on:
        return datetime.combine(item.progress_on, time(12, 0), UTC)
    return uow.now


def _import_status(
    uow: UnitOfWork, actor: Actor, rec: Recommendation, status: Status, at: datetime
) -> None:
    path = {
        Status.in_progress: [Status.in_progress],
        Status.completed: [Status.completed],
        Status.embedded: [Status.completed, Status.embedded],
    }[status]
    for step in path:
        if rec.status == step:
            continue
        services.record_update(
            uow,
            actor,
            rec.ref,
            status=step,
            note="Status from the imported plan.",
            source=UpdateSource.import_,
            at=at,
        )
