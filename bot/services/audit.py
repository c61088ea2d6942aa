"""The audit entry every write makes: who did what to which record, before and after."""

from __future__ import annotations

import json
from typing import Any

from bot.rules.permissions import Actor
from storage.db import UnitOfWork
from storage.models import AuditLog


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
    """Appends the entry (the table refuses UPDATE and DELETE) in the caller's transaction."""
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
