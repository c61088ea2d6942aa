"""What a re-import needs to know of each recommendation's past, read from the audit log:
what the last import read from the file for each field (the base), and who last changed
each field in recs and when (a person's change, not an import's)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from storage.models import AuditLog, Person, ProgressUpdate

# The fields a plan gives and a re-import merges (bot/rules/merge.py decides each).
FIELDS = ("text", "agency", "directorate", "lead", "due", "status")
IMPORT_SNAPSHOT = "recommendation.import"  # what one import read for one recommendation
IMPORT_SOURCE = "import"
# How imports before recs kept their source in the audit log gave a moved due date's reason.
_EARLIER_IMPORT_REASON = "re-imported from the action plan"
# Audit actions that change a field, and which; "recommendation.add" by a person sets all.
_FIELD_OF = {
    "recommendation.update": "status",
    "recommendation.due": "due",
    "recommendation.assign": "lead",
    "recommendation.agency": "agency",
}
_ACTIONS = (*_FIELD_OF, "recommendation.add", IMPORT_SNAPSHOT)
_CHUNK = 500


@dataclass(frozen=True)
class Change:
    """A person's change to one field in recs."""

    at: datetime
    by: str  # their name


@dataclass
class RecordHistory:
    """One recommendation's history, as a re-import reads it."""

    base: dict[str, str | None] | None = None  # None: no import recorded what it read
    changed: dict[str, Change] = field(default_factory=dict)  # field → the latest live change
    last_status_at: datetime | None = None  # the latest status move, from any source


def load(session: Session, rec_ids: list[int]) -> dict[int, RecordHistory]:
    """Every recommendation's history in a few statements, however many there are."""
    histories = {rec_id: RecordHistory() for rec_id in rec_ids}
    rows: list[AuditLog] = []
    for start in range(0, len(rec_ids), _CHUNK):
        chunk = [str(i) for i in rec_ids[start : start + _CHUNK]]
        rows += session.exec(
            select(AuditLog)
            .where(
                AuditLog.entity == "recommendation",
                col(AuditLog.entity_id).in_(chunk),
                col(AuditLog.action).in_(_ACTIONS),
            )
            .order_by(col(AuditLog.id))
        ).all()
        for rec_id, moved_at in session.exec(
            select(ProgressUpdate.recommendation_id, func.max(ProgressUpdate.created_at))
            .where(
                col(ProgressUpdate.recommendation_id).in_([int(i) for i in chunk]),
                col(ProgressUpdate.status_to).is_not(None),
            )
            .group_by(col(ProgressUpdate.recommendation_id))
        ).all():
            histories[rec_id].last_status_at = moved_at
    names = _names(session, {row.actor_id for row in rows})
    for row in rows:
        _read(histories[int(row.entity_id)], row, names)
    return histories


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    people = session.exec(select(Person).where(col(Person.id).in_(sorted(ids)))).all()
    return {p.id: p.name for p in people}


def _read(history: RecordHistory, row: AuditLog, names: dict[str, str]) -> None:
    detail: dict[str, Any] = json.loads(row.detail or "{}")
    if row.action == IMPORT_SNAPSHOT:
        history.base = dict(detail.get("file") or {})
        return
    if detail.get("source") == IMPORT_SOURCE or detail.get("reason") == _EARLIER_IMPORT_REASON:
        return  # an import's own change: not live work
    change = Change(row.at, names.get(row.actor_id, row.actor_id))
    if row.action == "recommendation.add":
        for name in FIELDS:
            history.changed[name] = change  # added by a person: every field is theirs
        return
    name = _FIELD_OF[row.action]
    if name == "status" and not _moved_status(detail):
        return  # a note, or the at-risk flag
    history.changed[name] = change


def _moved_status(detail: dict[str, Any]) -> bool:
    before, after = detail.get("before") or {}, detail.get("after") or {}
    return bool(before.get("status") != after.get("status"))
