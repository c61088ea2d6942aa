"""Producing a board paper in a format, and issuing it: an issued paper is frozen with its date,
its facts and its file, so the paper the board saw can be produced again, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot import history
from bot.errors import UserError
from bot.reports.csv import tracker_csv
from bot.reports.docx import board_paper_docx
from bot.reports.paper import BoardPaper, PaperOptions, build_paper
from bot.reports.pdf import board_paper_pdf, require_libreoffice
from bot.reports.xlsx import tracker_xlsx
from bot.rules.permissions import Act, Actor, require
from bot.services.access import board_roles, boards_in_view
from bot.services.audit import audit
from bot.services.lookups import review_for
from storage import as_of as state_queries
from storage.db import UnitOfWork
from storage.models import IssuedReport, Review

WRITERS: dict[str, Callable[[BoardPaper], bytes]] = {
    "docx": board_paper_docx,
    "pdf": board_paper_pdf,
    "xlsx": tracker_xlsx,
    "csv": tracker_csv,
}
KINDS = {"docx": "board paper", "pdf": "board paper", "xlsx": "tracker", "csv": "tracker"}


@dataclass(frozen=True)
class PaperFile:
    filename: str
    content: bytes
    title: str
    day: date
    reissued: bool = False  # an issued paper, produced again as it was


def check_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    if fmt not in WRITERS:
        raise UserError(
            f"'{fmt[:10]}' is not a paper format: use docx, pdf, xlsx or csv.",
            example="/recs report H docx as-of 31/10/2014",
        )
    if fmt == "pdf":
        require_libreoffice()  # refused before Slack's ack, not after
    return fmt


def filename_for(review_code: str, fmt: str, day: date) -> str:
    kind = KINDS[fmt].replace(" ", "-")
    return f"{review_code.lower()}-{kind}-{day:%Y-%m-%d}.{fmt}"


def title_for(paper_title: str, fmt: str, day: date) -> str:
    return f"{paper_title} — {KINDS[fmt]}, {day:%d %B %Y}"


def produce(
    session: Session,
    review_code: str,
    fmt: str,
    as_of: date | None,
    now: datetime,
    options: PaperOptions | None = None,
) -> tuple[PaperFile, BoardPaper]:
    """The paper built afresh from the database (and the history, for a past date)."""
    fmt = check_format(fmt)
    paper = build_paper(session, review_code, as_of, now, options)
    content = WRITERS[fmt](paper)
    return (
        PaperFile(
            filename_for(paper.review_code, fmt, paper.day),
            content,
            title_for(paper.title, fmt, paper.day),
            paper.day,
        ),
        paper,
    )


def review_for_paper(session: Session, actor: Actor, code: str | None) -> Review:
    """The review named, or the only one there is, among the boards the person may see
    from where they asked (the paper is posted there): a paper is always of one review."""
    if code:
        return review_for(session, actor, code)
    boards = boards_in_view(session, actor)
    reviews = session.exec(
        select(Review).where(col(Review.board_id).in_(boards)).order_by(col(Review.code)).limit(6)
    ).all()
    if len(reviews) == 1:
        return reviews[0]
    known = ", ".join(r.code for r in reviews[:5])
    raise UserError(
        "Say which review the paper is for" + (f": {known}." if known else "; there is none yet."),
        example="/recs report H docx as-of 31/10/2014",
    )


def require_issuer(session: Session, actor: Actor, review: Review) -> None:
    require(
        board_roles(session, actor, review.board_id),
        Act.issue_report,
        "issue board papers",
        "Only a chair of the board or a board admin can; anyone can see `/recs summary`.",
    )


def issue(
    uow: UnitOfWork,
    actor: Actor,
    review_code: str,
    fmt: str,
    as_of: date | None,
    options: PaperOptions | None = None,
) -> PaperFile:
    """Issues the paper to the board and records it. A paper already issued for a day that
    has ended is produced again exactly as it was issued, not rebuilt."""
    fmt = check_format(fmt)
    review = review_for(uow.session, actor, review_code)
    require_issuer(uow.session, actor, review)
    board = history.board_for(uow.session, review.id)
    moment = history.Moment.of(uow.now, as_of, board)
    if moment.is_past:
        frozen = state_queries.issued_paper(uow.session, review.id, fmt, moment.today)  # type: ignore[arg-type]
        if frozen is not None:
            audit(
                uow,
                actor,
                "report.reissue",
                "issued_report",
                frozen.id,
                format=fmt,
                as_of=frozen.as_of,
            )
            return PaperFile(
                frozen.filename,
                frozen.content,
                title_for(f"{review.title} ({review.code}): action plan", fmt, frozen.as_of),
                frozen.as_of,
                reissued=True,
            )
    made, paper = produce(uow.session, review.code, fmt, moment.as_of, uow.now, options)
    record = IssuedReport(
        review_id=review.id,  # type: ignore[arg-type]
        format=fmt,
        as_of=made.day,
        issued_at=uow.now,
        issued_by_id=actor.user_id,
        filename=made.filename,
        content=made.content,
        data=paper.to_json(),
    )
    uow.session.add(record)
    uow.session.flush()
    audit(
        uow,
        actor,
        "report.issue",
        "issued_report",
        record.id,
        format=fmt,
        as_of=made.day,
        rebuilt=moment.is_past,
        bytes=len(made.content),
    )
    return made
