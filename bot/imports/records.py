"""Stores what an importer read, in the caller's one transaction.

A recommendation new to the review (by label) is added. One already there is merged field by
field (bot/rules/merge.py; bot/imports/merging.py applies it): live work is never undone by
the file, nothing is backdated before a change it replaces, and every conflict is named.
Progress notes and evidence are recorded once however often a plan is imported.

A row that can't be stored is an error named by its row; the caller then stores nothing
(a dry run and the import run this same code, and roll back or commit). Nothing here
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlmodel import select

from bot import services
from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.imports import history as histories
from bot.imports.history import IMPORT_SNAPSHOT, RecordHistory
from bot.rules.lifecycle import CLOSED_STATUSES, DONE_STATUSES, Move, status_words, targets
from bot.rules.merge import FileDate, not_before
from bot.rules.permissions import Actor
from bot.rules.refs import label_key
from bot.services.evidence import counting_evidence
from bot.services.leads import DirectoryEntry, LeadResolver
from storage.db import UnitOfWork
from storage.models import (
    Agency,
    Board,
    Evidence,
    Person,
    ProgressUpdate,
    Recommendation,
    RecommendationTheme,
    Review,
    Status,
    UpdateSource,
)

STATUS_NOTE = "Status from the imported plan."
_TYPOGRAPHIC = str.maketrans("’‘–—", "''--")
# The order a plan's status moves a recommendation on; assured is a chair's, never a file's.
_FORWARD = (Status.not_started, Status.in_progress, Status.completed, Status.embedded)


@dataclass
class ImportResult:
    review: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # "H-27: file says …; recs says …: kept"
    warnings: list[str] = field(default_factory=list)  # imported, but look: "row 4: …"
    errors: list[str] = field(default_factory=list)  # "row 4: …": the caller stores nothing

    def describe(self) -> str:
        text = (
            f"Review {self.review}: {len(self.created)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged."
        )
        if self.conflicts:
            count = len(self.conflicts)
            text += f" {count} conflict{'s' if count > 1 else ''} with live work."
        return text


def import_recommendations(
    uow: UnitOfWork,
    actor: Actor,
    review: Review,
    parsed: list[ParsedRecommendation],
    *,
    directory: Sequence[DirectoryEntry] = (),
    accepted_on: date | None = None,
) -> ImportResult:
    """Adds new recommendations and merges those whose label is already in the review.

    `directory` is the workspace's members, read before the transaction; `accepted_on` the
    date the board accepted the review, recorded on it when it has none.
    """
    result = ImportResult(review.code)
    new_author = uow.session.get(Person, actor.user_id) is None
    author = services.ensure_person(uow.session, actor.user_id, actor.name or None)
    _record_accepted(uow, actor, review, accepted_on)
    importer = Importer(uow, actor, review, directory, result)
    for item in parsed:
        try:
            importer.one(item)
        except UserError as exc:
            result.errors.append(f"{item.where()}: {exc.message.splitlines()[0]}")
    result.warnings += importer.leads.warnings()
    if new_author and not result.created and not result.updated:
        uow.session.delete(author)  # an import that changes nothing leaves no trace
    return result


def _record_accepted(uow: UnitOfWork, actor: Actor, review: Review, day: date | None) -> None:
    if day is None or review.accepted_on is not None:
        return
    review.accepted_on = day
    uow.session.add(review)
    services.audit(uow, actor, "review.accepted", "review", review.id, code=review.code, after=day)


def file_values(item: ParsedRecommendation) -> dict[str, str | None]:
    """What the file says for each merged field, as the snapshot keeps it (as written)."""

    def written(value: str | None) -> str | None:
        return " ".join(value.split()) if value and value.strip() else None

    return {
        "text": written(item.text),
        "agency": written(item.agency),
        "directorate": written(item.directorate),
        "lead": written(item.lead_officer),
        "due": item.due_on.isoformat() if item.due_on else written(item.timescale),
        "status": item.status,
    }


def agency_key(name: str) -> str:
    """An agency's name as compared: Word's curly apostrophes and dashes, case and spacing
    aside ("Children’s Social Care" is "Children's social care")."""
    name = name.translate(_TYPOGRAPHIC)
    return " ".join(name.casefold().split())


class Agencies:
    """The board's agencies, found by name as plans write them, added when new."""

    def __init__(self, uow: UnitOfWork, actor: Actor, board_id: int) -> None:
        self.uow, self.actor, self.board_id = uow, actor, board_id
        rows = uow.session.exec(select(Agency).where(Agency.board_id == board_id)).all()
        self.by_id = {a.id: a for a in rows}
        self.by_key = {agency_key(a.name): a for a in rows}
        self.by_key.update({agency_key(a.short_name): a for a in rows if a.short_name})

    def find(self, name: str | None) -> Agency | None:
        return self.by_key.get(agency_key(name)) if name else None

    def ensure(self, name: str) -> Agency:
        found = self.find(name)
        if found is None:
            found = services.ensure_agency(self.uow, self.actor, self.board_id, name)
            self.by_id[found.id] = found
            self.by_key[agency_key(found.name)] = found
        return found

    def name_of(self, agency_id: int | None) -> str | None:
        agency = self.by_id.get(agency_id) if agency_id is not None else None
        return agency.name if agency else None


class Importer:
    """One import's recommendations, each added or merged, in the caller's transaction."""

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        review: Review,
        directory: Sequence[DirectoryEntry],
        result: ImportResult,
    ) -> None:
        self.uow, self.actor, self.review, self.result = uow, actor, review, result
        session = uow.session
        recs = session.exec(select(Recommendation).where(Recommendation.review_id == review.id))
        self.recs = {label_key(r.label): r for r in recs}
        self.history = histories.load(session, [r.id for r in self.recs.values() if r.id])
        self.leads = LeadResolver(uow, actor, review.board_id, directory)
        self.agencies = Agencies(uow, actor, review.board_id)
        board = session.get(Board, review.board_id)
        self.require_evidence = board.require_evidence if board else True

    def one(self, item: ParsedRecommendation) -> None:
        key = label_key(item.label)
        rec = self.recs.get(key)
        status = self.file_status(item)
        if rec is None:
            rec = self._create(item)
            self.recs[key] = rec
            past = None
            self._history(rec, item)
            self.apply_status(rec, item, status, RecordHistory())
            self.result.created.append(rec.ref)
        else:
            from bot.imports.merging import merge  # merging reads this module's Importer

            past = self.history.get(rec.id or 0) or RecordHistory()
            wrote = self._history(rec, item)
            wrote = merge(self, rec, item, status, past) or wrote
            (self.result.updated if wrote else self.result.unchanged).append(rec.ref)
        self._snapshot(rec, item, past)

    def dated(self, item: ParsedRecommendation) -> FileDate:
        return FileDate(item.progress_on, self.uow.now)

    def moment(self, item: ParsedRecommendation) -> datetime:
        """When the file says its data was written: noon on its progress date, or now."""
        if item.progress_on:
            return datetime.combine(item.progress_on, time(12, 0), UTC)
        return self.uow.now

    def _create(self, item: ParsedRecommendation) -> Recommendation:
        agency = self.agencies.ensure(item.agency) if item.agency else None
        rec = services.add_recommendation(
            self.uow,
            self.actor,
            services.NewRecommendation(
                review_code=self.review.code,
                text=item.text,
                agency=agency.name if agency else None,
                lead_officer_id=self.leads.resolve(item.lead_officer, item.where()),
                label=item.label,
                parts=tuple(item.parts),
                themes=tuple(item.themes),
                due_on=item.due_on,
                timescale=item.timescale,
            ),
            source=UpdateSource.import_,
        )
        rec.accepted_on = item.accepted_on  # None: not known, so never counted from today
        rec.directorate = item.directorate
        self.uow.session.add(rec)
        return rec

    def _history(self, rec: Recommendation, item: ParsedRecommendation) -> bool:
        """Themes, evidence and the progress note, each recorded once."""
        self.uow.session.flush()
        wrote = _add_themes(self.uow, rec, item.themes)
        if rec.status in CLOSED_STATUSES:
            if item.progress or item.evidence:
                self.result.warnings.append(
                    f"{item.where()}: {rec.ref} is closed ({status_words(rec.status)}) in recs; "
                    "its progress and evidence in the file were not recorded."
                )
            return wrote
        wrote = self._evidence(rec, item) or wrote
        if item.progress:
            wrote = self._note_once(rec, item.progress, item) or wrote
        return wrote

    def _evidence(self, rec: Recommendation, item: ParsedRecommendation) -> bool:
        have = set(
            self.uow.session.exec(
                select(Evidence.url).where(Evidence.recommendation_id == rec.id)
            ).all()
        )
        new = [url for url in dict.fromkeys(item.evidence) if url not in have]
        for url in new:
            services.attach_evidence(self.uow, self.actor, rec.ref, url, "from the imported plan")
        return bool(new)

    def _note_once(self, rec: Recommendation, text: str, item: ParsedRecommendation) -> bool:
        """A progress note dated by the file, unless the recommendation already has it."""
        already = self.uow.session.exec(
            select(ProgressUpdate.id).where(
                ProgressUpdate.recommendation_id == rec.id, ProgressUpdate.text == text
            )
        ).first()
        if already:
            return False
        services.record_update(
            self.uow, self.actor, rec.ref, note=text, source=UpdateSource.import_,
            at=self.moment(item),
        )  # fmt: skip
        return True

    # --- status ------------------------------------------------------------------------------

    def file_status(self, item: ParsedRecommendation) -> Status | None:
        """The status the file gives, as an import may set it: assured is a chair's sign-off
        (imported as completed) and closing takes a reason (a command's), each with a warning."""
        if not item.status:
            return None
        status = Status(item.status)
        if status in CLOSED_STATUSES:
            self.result.warnings.append(
                f"{item.where()}: the file says {status_words(status)}; closing takes a reason, "
                "so it is left open: close it with /recs update REF "
                f"{str(status).replace('_', '-')} REASON."
            )
            return None
        if status == Status.assured:
            self.result.warnings.append(
                f"{item.where()}: the file says assured; assurance is a chair's sign-off "
                "(/recs signoff REF), so it is imported as completed."
            )
            return Status.completed
        return status

    def effective(self, rec: Recommendation, status: Status | None) -> Status | None:
        """Done work with no evidence stays in progress where the board asks for evidence."""
        if status in DONE_STATUSES and not self._has_evidence(rec):
            return Status.in_progress
        return status

    def _has_evidence(self, rec: Recommendation) -> bool:
        return not self.require_evidence or counting_evidence(self.uow.session, rec.id or 0) > 0

    def apply_status(
        self,
        rec: Recommendation,
        item: ParsedRecommendation,
        status: Status | None,
        past: RecordHistory,
    ) -> bool:
        """Moves the recommendation to the file's status, each step through the lifecycle,
        dated by the file but never before the status move it replaces."""
        target = self.effective(rec, status)
        wrote = False
        if status in DONE_STATUSES and target == Status.in_progress:
            wrote = self._completed_without_evidence(rec, item)
        if target is None or target == rec.status or rec.status in CLOSED_STATUSES:
            return wrote
        at = not_before(self.moment(item), past.last_status_at)
        # One update where the lifecycle allows the move at once (not started to completed is
        # one update, as a person's `/recs done` is); through each status between otherwise.
        steps = [target] if target in targets(Move.update, rec.status) else _path(rec.status, target)
        for step in steps:
            if step not in targets(Move.update, rec.status):
                self.result.warnings.append(
                    f"{item.where()}: {rec.ref} can't move from {status_words(rec.status)} to "
                    f"{status_words(step)}; its status is left as it is."
                )
                break
            services.record_update(
                self.uow, self.actor, rec.ref, status=step, note=STATUS_NOTE,
                source=UpdateSource.import_, at=at,
            )  # fmt: skip
            wrote = True
        return wrote

    def _completed_without_evidence(self, rec: Recommendation, item: ParsedRecommendation) -> bool:
        """README: a completed row with no evidence imports as in progress, with a note that
        says so (completed needs evidence, PRODUCT.md), and a warning in the preview."""
        note = (
            "The imported plan marks this completed, but gave no evidence. Add it to complete: "
            f"/recs done {rec.ref} https://… (a link to the evidence)"
        )
        self.result.warnings.append(
            f"{item.where()}: completed, but with no evidence; {rec.ref} is imported as in "
            "progress with a note asking for it."
        )
        return self._note_once(rec, note, item)

    def _snapshot(
        self, rec: Recommendation, item: ParsedRecommendation, past: RecordHistory | None
    ) -> None:
        """What this import read for the recommendation: the next import's base."""
        values = file_values(item)
        if past is not None and past.base == values:
            return
        services.audit(
            self.uow, self.actor, IMPORT_SNAPSHOT, "recommendation", rec.id, ref=rec.ref,
            file=values, dated=item.progress_on, source=histories.IMPORT_SOURCE,
        )  # fmt: skip


def _path(current: Status, target: Status) -> list[Status]:
    """The statuses between, forward along the plan's order or back one step at a time."""
    position = {s: i for i, s in enumerate(_FORWARD)}
    here = position.get(current, position[Status.completed] if current == Status.assured else 0)
    there = position[target]
    if there > here:
        return list(_FORWARD[here + 1 : there + 1])
    return list(reversed(_FORWARD[there:here]))


def _add_themes(uow: UnitOfWork, rec: Recommendation, themes: list[str]) -> bool:
    have = set(
        uow.session.exec(
            select(RecommendationTheme.theme).where(RecommendationTheme.recommendation_id == rec.id)
        ).all()
    )
    new = [t for t in dict.fromkeys(themes) if t not in have]
    for theme in new:
        uow.session.add(RecommendationTheme(recommendation_id=rec.id, theme=theme))  # type: ignore[arg-type]
    return bool(new)
