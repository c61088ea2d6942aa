"""The use cases, by subject. Each subject's class (`Recommendations`, `EvidenceUseCases`,
`People`, `Boards`, `Reads`, `Reports`, `Imports`, `Reminders`, in their modules) takes the
database and a clock; each use case opens its own unit of work, commits once, and takes the
acting person. `bot.services.suite.Services` holds one of each, built once by compose.py.

The classes are made of operations (`record_update(uow, actor, …)`) that take a unit of work
and never commit, so that an import or a modal can compose several into one transaction.
Those operations are re-exported here; the classes are not, so that importing an operation
(as bot.imports and bot.reports do) never imports the subjects built on them.
"""

from __future__ import annotations

from bot.rules.policy import SettingError
from bot.services.audit import audit
from bot.services.boards import (
    BoardSettings,
    add_agency_member,
    ensure_agency,
    ensure_board,
    ensure_review,
    grant_role,
    update_board_settings,
)
from bot.services.evidence import (
    accept_evidence,
    attach_evidence,
    reject_evidence,
    undo_evidence,
)
from bot.services.lookups import (
    board_of,
    find_agency,
    get_evidence,
    get_recommendation,
    get_recommendation_by_id,
    get_review,
)
from bot.services.people import EMAIL_PREFIX, ensure_person, link_person, set_away
from bot.services.recommendations import (
    NewRecommendation,
    add_recommendation,
    assign,
    change_agency,
    close_not_implemented,
    complete_with_evidence,
    mark_done,
    move_due_date,
    record_update,
    reject,
    sign_off,
    snooze,
    supersede,
)

__all__ = [
    "EMAIL_PREFIX",
    "BoardSettings",
    "NewRecommendation",
    "SettingError",
    "accept_evidence",
    "add_agency_member",
    "add_recommendation",
    "assign",
    "attach_evidence",
    "audit",
    "board_of",
    "change_agency",
    "close_not_implemented",
    "complete_with_evidence",
    "ensure_agency",
    "ensure_board",
    "ensure_person",
    "ensure_review",
    "find_agency",
    "get_evidence",
    "get_recommendation",
    "get_recommendation_by_id",
    "get_review",
    "grant_role",
    "link_person",
    "mark_done",
    "move_due_date",
    "record_update",
    "reject",
    "reject_evidence",
    "set_away",
    "sign_off",
    "snooze",
    "supersede",
    "undo_evidence",
    "update_board_settings",
]
