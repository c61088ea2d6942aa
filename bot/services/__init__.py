"""The use cases, by subject. Each subject's class (`Recommendations`, `EvidenceUseCases`,
`People`, `Boards`, `Reads`, `Reports`, `Imports`, `Reminders`) takes the database and a
clock; each use case opens its own unit of work, commits once, and takes the acting person.
`Services` holds one of each, built once by compose.py.

Below the classes are the operations they are made of (`record_update(uow, actor, …)`): they
take a unit of work and never commit, so that an import or a modal can compose several into
one transaction. They are re-exported here for those callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.audit import audit
from bot.services.base import UseCases
from bot.services.boards import (
    Boards,
    BoardSettings,
    SettingError,
    add_agency_member,
    ensure_agency,
    ensure_board,
    ensure_review,
    grant_role,
    update_board_settings,
)
from bot.services.evidence import (
    EvidenceUseCases,
    accept_evidence,
    attach_evidence,
    reject_evidence,
    undo_evidence,
)
from bot.services.imports import Imports
from bot.services.lookups import (
    board_of,
    find_agency,
    get_evidence,
    get_recommendation,
    get_recommendation_by_id,
    get_review,
)
from bot.services.people import EMAIL_PREFIX, People, ensure_person, link_person, set_away
from bot.services.reading import ListQuery, Reads
from bot.services.recommendations import (
    NewRecommendation,
    Recommendations,
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
from bot.services.reminders import Reminders
from bot.services.reports import Reports
from storage.db import Clock, Database

if TYPE_CHECKING:
    from bot.reports.paper import PaperOptions

__all__ = [
    "EMAIL_PREFIX",
    "BoardSettings",
    "Boards",
    "EvidenceUseCases",
    "Imports",
    "ListQuery",
    "NewRecommendation",
    "People",
    "Reads",
    "Recommendations",
    "Reminders",
    "Reports",
    "Services",
    "SettingError",
    "UseCases",
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


class Services:
    """One of each subject's use cases, on one database and one clock."""

    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        *,
        board_name: str = "Safeguarding Children Board",
        paper: PaperOptions | None = None,
    ) -> None:
        self.db = db
        self.clock: Clock = clock or db.clock
        self.recommendations = Recommendations(db, self.clock)
        self.evidence = EvidenceUseCases(db, self.clock)
        self.people = People(db, self.clock)
        self.boards = Boards(db, self.clock)
        self.reads = Reads(db, self.clock)
        self.reports = Reports(db, self.clock, paper)
        self.imports = Imports(db, self.clock, board_name=board_name)
        self.reminders = Reminders(db, self.clock)
