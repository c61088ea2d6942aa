"""The XLSX action-plan tracker: one row per recommendation with its BRAG rating as a word on
its colour, a frozen header and filters; a sheet with every update and one with every piece
of evidence (each a hyperlink), in the board's local time; and a key to the BRAG ratings.

Printed, each sheet is landscape, one page wide with its header row repeated, and each row is
as tall as its wrapped text (openpyxl does not measure text, so `xlsx_layout` estimates it).
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports import wording
from bot.reports.paper import BRAG_WORDS, BoardPaper, TrackerRow
from bot.reports.xlsx_layout import FONT, Column, finish, header, link, put
from bot.rules.text import shown_with_host

# Fill colours a printed tracker reads well in, strong enough to tell apart in greyscale.
BRAG_FILLS = {
    "blue": "9DC3E6",
    "red": "FF7C80",
    "amber": "FFC000",
    "green": "A9D08E",
    "grey": "D9D9D9",
}

# The board's columns first: those a printed page holds (`TRACKER_PRINTED`), then the detail.
TRACKER_COLUMNS: tuple[Column, ...] = (
    Column("Ref", 7),
    Column("Label", 7),
    Column("Recommendation", 42, wrap=True),
    Column("Owner agency", 20, wrap=True),
    Column("Lead officer", 14, wrap=True),
    Column("Status", 13, wrap=True),
    Column("BRAG", 8),
    Column("Due", 11),
    Column("Latest update", 42, wrap=True),
    Column("Update date", 11),
    Column("Timescale", 18, wrap=True),
    Column("Original timescale", 18, wrap=True),
    Column("Evidence", 36, wrap=True),
    Column("Due-date moves", 9),
)
TRACKER_PRINTED = 10
BRAG_COLUMN = 7
EVIDENCE_COLUMN = 13


def update_columns(zone_label: str) -> tuple[Column, ...]:
    return (
        Column("Ref", 8),
        Column(f"When ({zone_label})", 17),
        Column("Author", 18, wrap=True),
        Column("Status set", 14, wrap=True),
        Column("Source", 16, wrap=True),
        Column("Update", 70, wrap=True),
    )


def evidence_columns(zone_label: str) -> tuple[Column, ...]:
    return (
        Column("Ref", 8),
        Column(f"Posted ({zone_label})", 17),
        Column("State", 12),
        Column("Link", 50, wrap=True),
        Column("Description", 50, wrap=True),
    )


def tracker_values(row: TrackerRow) -> list[object]:
    """A row of the tracker, in `TRACKER_COLUMNS` order (the CSV writes the same)."""
    first = row.evidence[0] if row.evidence else None
    evidence_text = ""
    if first:
        evidence_text = shown_with_host(first.description, first.url)  # the label's real host
        if len(row.evidence) > 1:
            evidence_text += f" (+{len(row.evidence) - 1} more: see Evidence sheet)"
    return [
        row.ref,
        row.label,
        row.text,
        row.agency,
        row.lead_officer,
        row.status_words,
        row.brag_word.upper(),
        row.due_on,
        row.latest_update,
        row.latest_update_at.date() if row.latest_update_at else None,
        row.timescale,
        row.original_timescale,
        evidence_text,
        row.due_moves,
    ]


def tracker_xlsx(paper: BoardPaper) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracker"
    _tracker(sheet, paper)
    _updates(book.create_sheet("Updates"), paper)
    _evidence(book.create_sheet("Evidence"), paper)
    _key(book.create_sheet("Key"), paper)
    book.properties.title = f"{paper.title}: tracker at {wording.day_text(paper.day)}"
    book.properties.creator = "recs"
    book.properties.category = paper.marking
    book.properties.language = "en-GB"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def zone_label(paper: BoardPaper) -> str:
    return "UK time" if paper.zone == "Europe/London" else paper.zone


def _tracker(sheet: Worksheet, paper: BoardPaper) -> None:
    header(sheet, TRACKER_COLUMNS)
    for index, row in enumerate(paper.rows, start=2):
        put(sheet, index, tracker_values(row))
        brag = sheet.cell(index, BRAG_COLUMN)
        brag.fill = PatternFill("solid", start_color=BRAG_FILLS.get(row.brag, "FFFFFF"))
        brag.font = Font(name=FONT, bold=True)
        if row.evidence:
            link(sheet.cell(index, EVIDENCE_COLUMN), row.evidence[0].url)
    detail = ", ".join(c.title.lower() for c in TRACKER_COLUMNS[TRACKER_PRINTED:])
    finish(
        sheet,
        TRACKER_COLUMNS,
        len(paper.rows),
        paper,
        printed=TRACKER_PRINTED,
        note=f"Not printed: {detail} (in the file).",
    )


def _updates(sheet: Worksheet, paper: BoardPaper) -> None:
    columns = update_columns(zone_label(paper))
    header(sheet, columns)
    for index, u in enumerate(paper.updates, start=2):
        put(
            sheet,
            index,
            [
                u.ref,
                paper.local(u.at),
                u.author,
                wording.status_label(u.status_to),
                wording.SOURCE_WORDS.get(u.source, u.source),
                u.text,
            ],
        )
    finish(sheet, columns, len(paper.updates), paper)


def _evidence(sheet: Worksheet, paper: BoardPaper) -> None:
    columns = evidence_columns(zone_label(paper))
    header(sheet, columns)
    index = 2
    for row in paper.rows:
        for item in row.evidence:
            values = [row.ref, paper.local(item.posted_at), item.state.capitalize(), item.url]
            put(sheet, index, [*values, item.description])
            link(sheet.cell(index, 4), item.url)
            index += 1
    finish(sheet, columns, index - 2, paper)


def _key(sheet: Worksheet, paper: BoardPaper) -> None:
    """What each BRAG rating means, on its colour: the legend a printed tracker needs."""
    t = paper.thresholds
    meanings = {
        "red": "Past its due date and not complete.",
        "amber": f"Flagged at risk, or due within {t.due_within_days} days and not started, "
        f"or no update for {t.stale_days} days.",
        "green": "On track: open, and none of the above.",
        "blue": "Completed, assured or embedded.",
        "grey": "Closed: not implemented, or superseded by another recommendation.",
    }
    columns = (Column("BRAG", 10), Column("Meaning", 80, wrap=True))
    header(sheet, columns)
    for index, (brag, meaning) in enumerate(meanings.items(), start=2):
        put(sheet, index, [BRAG_WORDS[brag].upper(), meaning])
        cell = sheet.cell(index, 1)
        cell.fill = PatternFill("solid", start_color=BRAG_FILLS[brag])
        cell.font = Font(name=FONT, bold=True)
    notes = [
        f"Rated {wording.when_phrase(paper)}; the board's thresholds.",
        "Times on the Updates and Evidence sheets are the board's local time.",
    ]
    for offset, note in enumerate(notes, start=len(meanings) + 3):
        sheet.cell(offset, 1, note).alignment = Alignment(wrap_text=False)
    finish(sheet, columns, len(meanings), paper, filters=False)
