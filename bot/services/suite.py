"""`Services`: one of each subject's use cases, on one database and one clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.boards import Boards
from bot.services.evidence import EvidenceUseCases
from bot.services.imports import Imports
from bot.services.people import People
from bot.services.reading import Reads
from bot.services.recommendations import Recommendations
from bot.services.reminders import Reminders
from bot.services.reports import Reports
from storage.db import Clock, Database

if TYPE_CHECKING:
    from bot.reports.paper import PaperOptions


class Services:
    """What compose.py builds once per process and every front end calls."""

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
