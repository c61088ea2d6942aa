"""A re-imported row merged into the recommendation recs holds, field by field.

bot/rules/merge.py decides each field; this applies the decision through the services (a
moved due date is a due-date change with a reason, a status a progress update through the
lifecycle) and words each conflict for the preview:

    H-27: file says in progress; recs says completed on 2 Dec 2026 by Jo Turner: kept
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.imports import ParsedRecommendation
from bot.imports.history import Change, RecordHistory
from bot.imports.records import Importer, agency_key, file_values
from bot.rules import dates
from bot.rules.lifecycle import CLOSED_STATUSES, status_words
from bot.rules.merge import Decision, Outcome, Why, decide
from bot.rules.text import MAX_TEXT, clean_text
from bot.services.leads import followed
from storage.models import Person, Recommendation, Status, UpdateSource

IMPORT_REASON = "from the imported action plan"
# The recommendation's own column behind each plainly written field: the audit row of a
# re-import keeps the value it replaced under that name (storage/as_of_fields.py).
_COLUMNS = {"text": "text", "agency": "agency_id", "directorate": "directorate",
            "lead": "lead_officer_id"}  # fmt: skip
_KEPT = {
    Why.changed_since: "kept",
    Why.file_unchanged: "kept (the file has not changed it since it was last imported)",
    Why.unknown_base: "kept (recs can't tell whether the file's value is newer)",
}


@dataclass(frozen=True)
class Field:
    """One field as the file and recs each hold it, in the same terms, and in words."""

    name: str
    file: str | None  # None: the file says nothing (a blank cell never clears a field)
    recs: str | None
    file_words: str
    recs_words: str


def merge(
    importer: Importer,
    rec: Recommendation,
    item: ParsedRecommendation,
    status: Status | None,
    past: RecordHistory,
) -> bool:
    """Takes what the file may change, keeps what it may not, and names each conflict.
    Returns True when anything was written."""
    fields = _fields(importer, rec, item, status)
    taken: list[str] = []
    before: dict[str, object] = {}
    wrote = False
    read = file_values(item)
    for current in fields:
        changed_at = past.changed.get(current.name)
        base = past.base
        decision = decide(
            differs=current.file is not None and current.file != current.recs,
            file_changed=None if base is None else read[current.name] != base.get(current.name),
            changed_at=changed_at.at if changed_at else None,
            dated=importer.dated(item),
        )
        if decision.outcome == Outcome.same:
            continue
        importer.result.conflicts.append(_conflict(rec, current, decision, changed_at))
        if decision.outcome == Outcome.take:
            if current.name in _COLUMNS:
                before[_COLUMNS[current.name]] = getattr(rec, _COLUMNS[current.name])
            wrote = _take(importer, rec, item, current, status, past) or wrote
            taken.append(current.name)
    plain = [name for name in taken if name in _COLUMNS]
    if plain:
        rec.updated_at = importer.uow.now
        importer.uow.session.add(rec)
        services.audit(
            importer.uow, importer.actor, "recommendation.reimport", "recommendation", rec.id,
            ref=rec.ref, changed=plain, before=before, source="import",
        )  # fmt: skip
    return wrote or bool(plain)


def _fields(
    importer: Importer, rec: Recommendation, item: ParsedRecommendation, status: Status | None
) -> list[Field]:
    session = importer.uow.session
    found = importer.leads.find(item.lead_officer)
    if found.supersedes and found.supersedes == rec.lead_officer_id:
        importer.leads.adopt(found)  # Slack now knows the name a placeholder stood for
    lead = followed(session, session.get(Person, rec.lead_officer_id or ""))
    file_lead = found.person_id or (f"new:{item.lead_officer}" if item.lead_officer else None)
    recs_agency = importer.agencies.name_of(rec.agency_id)
    # A closed recommendation takes no status from a file (Importer._history says so).
    target = None if rec.status in CLOSED_STATUSES else importer.effective(rec, status)
    return [
        Field(
            "text", " ".join(item.text.split()) or None, " ".join(rec.text.split()),
            _quoted(item.text), _quoted(rec.text),
        ),
        Field(
            "agency", agency_key(item.agency) if item.agency else None,
            agency_key(recs_agency) if recs_agency else None,
            f"agency {item.agency}", f"agency {recs_agency or 'none'}",
        ),
        Field(
            "directorate", agency_key(item.directorate) if item.directorate else None,
            agency_key(rec.directorate) if rec.directorate else None,
            f"directorate {item.directorate}", f"directorate {rec.directorate or 'none'}",
        ),
        Field(
            "lead", file_lead, lead.id if lead else None,
            f"lead officer {item.lead_officer}", f"lead officer {lead.name if lead else 'none'}",
        ),
        Field(
            "due", item.due_on.isoformat() if item.due_on else None,
            rec.due_on.isoformat() if rec.due_on else None,
            _due_words(item.due_on), _due_words(rec.due_on),
        ),
        Field(
            "status", str(target) if target else None, str(rec.status),
            status_words(target) if target else "", status_words(rec.status),
        ),
    ]  # fmt: skip


def _quoted(text: str, most: int = 40) -> str:
    words = " ".join(text.split())
    return f"'{words[:most]}…'" if len(words) > most else f"'{words}'"


def _due_words(day: date | None) -> str:
    return f"due {day_words(day)}" if day else "no due date"


def day_words(day: date) -> str:
    """The day as the preview writes it: "2 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def _conflict(rec: Recommendation, field: Field, decision: Decision, change: Change | None) -> str:
    if change is None:
        by = ""
    elif field.name == "status":
        by = f" on {day_words(change.at.date())} by {change.by}"
    else:
        by = f" (changed on {day_words(change.at.date())} by {change.by})"
    if decision.outcome == Outcome.keep:
        kept = _KEPT[decision.why] if decision.why else "kept"
        return f"{rec.ref}: file says {field.file_words}; recs says {field.recs_words}{by}: {kept}"
    return (
        f"{rec.ref}: file says {field.file_words}; recs said {field.recs_words}{by}: "
        "the file's is newer, taken"
    )


def _take(
    importer: Importer,
    rec: Recommendation,
    item: ParsedRecommendation,
    field: Field,
    status: Status | None,
    past: RecordHistory,
) -> bool:
    """Writes the file's value of one field; a due date and a status through their services,
    so each has its history (a due-date change with its reason, a dated progress update)."""
    if field.name == "status":
        return importer.apply_status(rec, item, status, past)
    if field.name == "due" and item.due_on:
        read = dates.DueDate(item.due_on, item.timescale or item.due_on.isoformat())
        services.move_due_date(
            importer.uow, importer.actor, rec.ref, read.timescale, f"{IMPORT_REASON}{_dated(item)}",
            source=UpdateSource.import_, read=read,
        )  # fmt: skip
    elif field.name == "text":
        rec.text = clean_text(item.text, "recommendation text", limit=MAX_TEXT)
    elif field.name == "agency" and item.agency:
        rec.agency_id = importer.agencies.ensure(item.agency).id
    elif field.name == "directorate":
        rec.directorate = item.directorate
    elif field.name == "lead":
        rec.lead_officer_id = importer.leads.resolve(item.lead_officer, item.where())
    return True


def _dated(item: ParsedRecommendation) -> str:
    return f" (progress at {day_words(item.progress_on)})" if item.progress_on else ""
