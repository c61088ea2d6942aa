"""Import drafts: what `/recs import` read, kept until the admin imports, corrects or cancels it.

The parse is stored (table `import_draft`) rather than held in memory, so the preview's
buttons work from any process and after a restart. Each use case takes (uow, actor, ...),
checks the actor is a board admin, and writes the audit log; the caller commits.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import update

from bot import services
from bot.errors import NotFound, UserError
from bot.imports import ParsedRecommendation
from bot.imports import records as importing
from bot.imports.plans import FileParse
from bot.rules import dates
from bot.rules.permissions import SYSTEM, Act, Actor
from bot.rules.refs import label_key
from bot.rules.text import clean_text
from bot.services.access import board_for_act, require_on_board
from bot.services.leads import DirectoryEntry
from storage import queries
from storage.db import UnitOfWork
from storage.models import Board, ImportDraft
from storage.queries import EVERY_BOARD

OPEN = "open"
IMPORTED = "imported"
CANCELLED = "cancelled"
CORRECTED = "corrected by hand"
MAX_LABEL = 48
MAX_AGENCY = 200
_DATE_FIELDS = ("due_on", "progress_on", "accepted_on")


@dataclass
class Draft:
    """One stored draft, its recommendations read back as the importer made them."""

    id: int
    review_code: str
    review_title: str | None
    source: str
    state: str
    created_by_id: str
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str | None = None  # the parse as a whole: found, agencies, doubts, gaps
    conflicts: list[str] = field(default_factory=list)  # with live work, as the check found
    accepted_on: date | None = None  # as the file's title block gave it
    board_id: int | None = None  # the board it imports to (None: the first import makes it)

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    def doubtful(self) -> list[int]:
        """Indexes of the recommendations read with less than full confidence."""
        return [i for i, r in enumerate(self.recommendations) if r.confidence < 1]


def pasted_text(chunks: list[str]) -> str:
    """The paste boxes as one text; each box ends a line, as the report's lines did."""
    return "\n".join(chunk.strip("\n") for chunk in chunks if chunk and chunk.strip())


def create_draft(
    uow: UnitOfWork,
    actor: Actor,
    *,
    review_code: str,
    title: str | None,
    source: str,
    parsed: FileParse,
    conflicts: list[str] | None = None,
) -> Draft:
    board = board_for_import(uow, actor, "")
    if parsed.errors:
        raise UserError(_problems(parsed.errors))
    code = review_code.strip().upper()
    if not code or len(code) > 32:
        raise UserError("Give the review's code, up to 32 letters and digits.", example="H")
    row = ImportDraft(
        created_at=uow.now,
        updated_at=uow.now,
        created_by_id=actor.user_id,
        review_code=code,
        review_title=(title or "").strip()[:200] or None,
        source=source[:200],
        state=OPEN,
    )
    _save(
        row,
        Draft(
            id=0, review_code=code, review_title=row.review_title, source=row.source, state=OPEN,
            created_by_id=actor.user_id, recommendations=parsed.recommendations,
            warnings=parsed.warnings, summary=parsed.summary, conflicts=conflicts or [],
            accepted_on=parsed.accepted_on, board_id=board.id if board else None,
        ),
    )  # fmt: skip
    uow.session.add(row)
    uow.session.flush()
    services.audit(
        uow,
        actor,
        "import_draft.create",
        "import_draft",
        row.id,
        review=code,
        source=row.source,
        count=len(parsed.recommendations),
    )
    return _draft(row)


def get_draft(uow: UnitOfWork, draft_id: int) -> Draft:
    return _draft(_row(uow, draft_id))


def correct(
    uow: UnitOfWork,
    actor: Actor,
    draft_id: int,
    index: int,
    *,
    label: str,
    agency: str,
    text: str | None,
    due: str,
    accepted_on: date | None,
) -> Draft:
    """One recommendation as the admin corrected it; `text` None keeps the text as read."""
    row = _open_row(uow, draft_id)
    draft = _draft(row)
    require_admin(uow, actor, "correct an import", draft)
    if not 0 <= index < len(draft.recommendations):
        raise NotFound("That recommendation is no longer in the import.")
    rec = draft.recommendations[index]
    label = " ".join(label.split())
    if not label or len(label) > MAX_LABEL:
        raise UserError(f"Give a label of up to {MAX_LABEL} characters.", example="27")
    if any(label_key(r.label) == label_key(label) for i, r in enumerate(draft.recommendations) if i != index):
        raise UserError(f"Another recommendation in this import is already labelled {label}.")
    rec.label = label
    rec.agency = " ".join(agency.split())[:MAX_AGENCY] or None
    if text is not None:
        rec.text = clean_text(text, "the recommendation")
    if due.strip():
        found = dates.parse_due(due, accepted_on or draft.accepted_on, today=uow.now.date())
        rec.due_on, rec.timescale = found.due_on, found.timescale
    else:
        rec.due_on = rec.timescale = None
    rec.confidence, rec.reasons = 1.0, [CORRECTED]
    _save(row, draft)
    row.updated_at = uow.now
    uow.session.add(row)
    services.audit(
        uow, actor, "import_draft.correct", "import_draft", row.id, index=index, label=label
    )
    return _draft(row)


def import_draft(
    uow: UnitOfWork,
    actor: Actor,
    draft_id: int,
    *,
    board_name: str,
    directory: Sequence[DirectoryEntry] = (),
) -> importing.ImportResult:
    """Every recommendation of the draft, in the caller's one transaction; once only. Any
    problem refuses the whole draft, every problem named, and nothing is written."""
    row = _row(uow, draft_id)
    require_admin(uow, actor, "import a review", _draft(row))
    _claim(uow, row, IMPORTED)
    draft = _draft(row)
    board = (
        uow.session.get(Board, draft.board_id) if draft.board_id is not None else None
    ) or import_board(uow, actor, board_name)
    review = queries.review_by_code(uow.session, draft.review_code, [board.id or 0])
    review = review or services.ensure_review(
        uow, actor, board, draft.review_code, draft.review_title
    )
    result = importing.import_recommendations(
        uow, actor, review, draft.recommendations, directory=directory,
        accepted_on=draft.accepted_on,
    )  # fmt: skip
    if result.errors:
        raise UserError(_problems(result.errors))
    services.audit(
        uow,
        actor,
        "import_draft.import",
        "import_draft",
        row.id,
        review=review.code,
        created=len(result.created),
        updated=len(result.updated),
    )
    return result


def cancel_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> Draft:
    row = _row(uow, draft_id)
    require_admin(uow, actor, "cancel an import", _draft(row))
    _claim(uow, row, CANCELLED)
    services.audit(uow, actor, "import_draft.cancel", "import_draft", row.id)
    return _draft(row)


def import_board(
    uow: UnitOfWork,
    actor: Actor,
    board_name: str,
    *,
    review_code: str | None = None,
    exact: bool = False,
) -> Board:
    """`board_for_import`, made when the deployment has none yet (or, `exact`, none of that
    name: the operator's `--board`)."""
    board = board_for_import(
        uow, actor, board_name, review_code=review_code, create=True, exact=exact
    )
    assert board is not None  # made
    return board


def board_for_import(
    uow: UnitOfWork,
    actor: Actor,
    board_name: str,
    *,
    review_code: str | None = None,
    create: bool = False,
    exact: bool = False,
) -> Board | None:
    """The board an import goes to, after checking that `actor` may import there.

    The operator's command line (recs itself) works for every board: the review's own board
    when the review exists, else `_operators_board`. A person imports to the
    one board they may import to from where they ask (in its channel, when they have
    several); the deployment's first import, by a workspace admin, makes the board. With
    `create` False nothing is made: None where the import would make the board."""
    session = uow.session
    if actor.user_id == SYSTEM.user_id:
        found = queries.review_by_code(session, review_code, EVERY_BOARD) if review_code else None
        if found is None:
            return _operators_board(uow, actor, board_name, create=create, exact=exact)
        board = session.get(Board, found.board_id)
        if exact and board is not None and board.name != board_name:
            raise UserError(
                f"{found.code} is on the board '{board.name}', not '{board_name[:80]}': a review "
                "stays on its board.",
                example=f'python app.py import plan.csv --review {found.code} --board "{board.name}"',
            )
        return board
    if not queries.has_boards(session, actor.workspace):
        require_on_board(session, actor, None, Act.import_plan, "import a review")
        return services.ensure_board(uow, actor, board_name) if create else None
    return board_for_act(session, actor, Act.import_plan, "import a review")


def _operators_board(
    uow: UnitOfWork, actor: Actor, name: str, *, create: bool, exact: bool
) -> Board | None:
    """`--board NAME` (`exact`): that board, made if new (how an operator adds a board).
    Else RECS_BOARD's board; else the deployment's only board; the named board made when
    there is none yet. Several boards and none named: refused."""
    session = uow.session
    named = queries.board_named(session, name) if name else None
    if named is not None:
        return named
    if exact and name:
        return services.ensure_board(uow, actor, name) if create else None
    boards = queries.all_boards(session)
    if len(boards) == 1:
        return boards[0]
    if boards:
        listed = "; ".join(b.name for b in boards[:8])
        raise UserError(
            f"This deployment has several boards ({listed}): name the board to import to.",
            example=f'python app.py import plan.csv --review H --board "{boards[0].name}"',
        )
    if not name:
        raise UserError("Name the board to import to.", example='--board "Example SCP"')
    return services.ensure_board(uow, actor, name) if create else None


def require_admin(uow: UnitOfWork, actor: Actor, what: str, draft: Draft | None = None) -> None:
    """May `actor` import: with a draft, to the draft's board; else from where they ask."""
    if draft is not None and draft.board_id is not None:
        require_on_board(uow.session, actor, draft.board_id, Act.import_plan, what)
        return
    board_for_import(uow, actor, "")


# --- storage -----------------------------------------------------------------------------


def _row(uow: UnitOfWork, draft_id: int) -> ImportDraft:
    row = uow.session.get(ImportDraft, draft_id)
    if row is None:
        raise NotFound("That import is no longer here: run `/recs import` again.")
    return row


def _open_row(uow: UnitOfWork, draft_id: int) -> ImportDraft:
    row = _row(uow, draft_id)
    if row.state != OPEN:
        raise UserError(f"That import was already {row.state}.")
    return row


def _claim(uow: UnitOfWork, row: ImportDraft, state: str) -> None:
    """Moves an open draft on; of two clicks at once, only one finds it still open."""
    claimed = uow.session.execute(
        update(ImportDraft)
        .where(ImportDraft.id == row.id, ImportDraft.state == OPEN)  # type: ignore[arg-type]
        .values(state=state, updated_at=uow.now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        uow.session.refresh(row)
        raise UserError(f"That import was already {row.state}.")
    uow.session.refresh(row)


def _problems(errors: list[str]) -> str:
    shown = "; ".join(errors[:8]) + (f" (and {len(errors) - 8} more)" if len(errors) > 8 else "")
    return f"Nothing was imported: {shown}"[:1500]


def _save(row: ImportDraft, draft: Draft) -> None:
    row.data = json.dumps(
        {
            "recommendations": [dataclasses.asdict(r) for r in draft.recommendations],
            "warnings": draft.warnings,
            "summary": draft.summary,
            "conflicts": draft.conflicts,
            "accepted_on": draft.accepted_on.isoformat() if draft.accepted_on else None,
            "board_id": draft.board_id,
        },
        default=str,
    )


def _load(item: dict[str, Any]) -> ParsedRecommendation:
    known = {f.name for f in dataclasses.fields(ParsedRecommendation)}
    values = {k: v for k, v in item.items() if k in known}
    for name in _DATE_FIELDS:
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return ParsedRecommendation(**values)


def _draft(row: ImportDraft) -> Draft:
    data = json.loads(row.data or "{}")
    return Draft(
        id=row.id or 0,
        review_code=row.review_code,
        review_title=row.review_title,
        source=row.source,
        state=row.state,
        created_by_id=row.created_by_id,
        recommendations=[_load(item) for item in data.get("recommendations", [])],
        warnings=list(data.get("warnings", [])),
        summary=data.get("summary"),
        conflicts=list(data.get("conflicts", [])),
        accepted_on=date.fromisoformat(data["accepted_on"]) if data.get("accepted_on") else None,
        board_id=data.get("board_id"),
    )
