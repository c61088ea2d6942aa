"""The DOCX board paper, in the cabinet report's shape and more: a title block (board,
meeting, progress date, protective marking, contact officer), purpose, summary,
Recommendations to the Board, key figures, the BRAG chart, the table *Recommendation | Owner
agency | Status (BRAG) | Due | Progress at <date>*, annexes of overdue items and moved due
dates, and the contact officer; the marking and "Page N of M" on every page.

Accessible as a public body must publish it: title and language (en-GB) in the properties,
Heading styles, table header rows marked and repeated, alternative text on the chart that
states its numbers, BRAG in words as well as colour, and everything inline, so the reading
order is the order on the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from bot.reports import docx_parts as parts
from bot.reports import wording
from bot.reports.chart import brag_chart_png, chart_alt_text
from bot.reports.paper import BoardPaper, TrackerRow

NO_PROGRESS = "No progress recorded."
PLAIN_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
FONT = "Arial"
HEADING_COLOUR = RGBColor(0x1F, 0x38, 0x64)  # 11:1 on white
HEADER_FILL = "D9E2F3"
# Behind the BRAG word: light enough for black text to keep a 7:1 contrast.
CELL_FILLS = {
    "red": "FF9EA0",
    "amber": "FFD966",
    "green": "B8DDA0",
    "blue": "B4D3EE",
    "grey": "D9D9D9",
}
MAIN_WIDTHS = (Cm(8.6), Cm(4.0), Cm(3.0), Cm(3.0), Cm(7.5))
OVERDUE_WIDTHS = (Cm(2.2), Cm(7.0), Cm(5.0), Cm(3.0), Cm(3.0), Cm(5.9))
MOVES_WIDTHS = (Cm(2.2), Cm(3.0), Cm(3.0), Cm(11.4), Cm(3.0), Cm(3.5))


def board_paper_docx(paper: BoardPaper) -> bytes:
    document = Document()
    _page(document, paper)
    _title_block(document, paper)
    _section(document, "Purpose", [wording.purpose(paper)])
    _section(document, "Summary", wording.summary(paper))
    document.add_heading("Recommendations to the Board", 2)
    document.add_paragraph("The Board is RECOMMENDED to:")
    for ask in wording.recommendations_to_the_board(paper):
        document.add_paragraph(ask, style="List Number")
    document.add_heading("Key figures", 2)
    for line in wording.key_figures(paper):
        document.add_paragraph(line, style="List Bullet").paragraph_format.space_after = Pt(0)
    _chart(document, paper)
    document.add_heading("Recommendations and progress", 2)
    _main_table(document, paper)
    document.add_page_break()
    document.add_heading("Annex A: overdue recommendations", 2)
    _overdue_table(document, paper)
    document.add_heading("Annex B: moved due dates", 2)
    _moves_table(document, paper)
    document.add_heading("Contact officer", 2)
    document.add_paragraph(paper.contact or "The board business manager.")
    document.add_paragraph(f"Background paper: {paper.review_title} overview report.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def document_title(paper: BoardPaper) -> str:
    return f"{paper.title}: progress at {wording.day_text(paper.day)}"


def _page(document: DocumentObject, paper: BoardPaper) -> None:
    """Landscape A4, the house style, the language, the properties, the marking and the
    page numbers."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    parts.heading_fonts(document, FONT, HEADING_COLOUR)
    caption = document.styles["Caption"]  # the template's is pale blue: too faint for small text
    caption.font.color.rgb, caption.font.bold, caption.font.size = HEADING_COLOUR, False, Pt(9)
    parts.set_language(document)
    parts.drop_template_thumbnail(document)
    properties = document.core_properties
    properties.title = document_title(paper)
    properties.subject = f"{paper.board_name}: {paper.review_title} action plan"
    properties.author = "recs"
    properties.category = paper.marking
    properties.keywords = f"{paper.review_code}; action plan; board paper"
    parts.marking_header(section, paper.marking)
    parts.page_footer(section, paper.marking, paper.title)


def _title_block(document: DocumentObject, paper: BoardPaper) -> None:
    """Who it is for and when, like the head of a cabinet report."""
    if paper.board_name:
        document.add_paragraph().add_run(paper.board_name.upper()).bold = True
    document.add_heading(document_title(paper), 1)
    meeting = wording.day_text(paper.meeting_on) if paper.meeting_on else "to be confirmed"
    progress = wording.day_text(paper.day)
    if paper.as_of:
        progress += " (rebuilt from the recorded history; later updates are not included)"
    lines = [
        ("Meeting", meeting),
        ("Progress at", progress),
        ("Report date", wording.day_text(paper.prepared_on or paper.day)),
        ("Protective marking", paper.marking),
        ("Contact officer", paper.contact or "the board business manager"),
    ]
    for label, value in lines:
        line = document.add_paragraph()
        line.paragraph_format.space_after = Pt(0)
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)


def _section(document: DocumentObject, heading: str, paragraphs: Sequence[str]) -> None:
    document.add_heading(heading, 2)
    for text in paragraphs:
        document.add_paragraph(text)


def _chart(document: DocumentObject, paper: BoardPaper) -> None:
    """The chart, its numbers in its alternative text, and a key in words below it."""
    when = f"as at {wording.day_text(paper.day)}"
    by_agency = paper.summary.by_agency
    document.add_heading("BRAG rating by owner agency", 2)
    png = brag_chart_png(by_agency, f"Recommendations by owner agency and BRAG rating, {when}")
    document.add_picture(BytesIO(png), width=Cm(24))
    parts.alt_text(
        document.inline_shapes[-1],
        "Recommendations by owner agency and BRAG rating",
        chart_alt_text(by_agency, when),
    )
    t = paper.thresholds
    document.add_paragraph(
        "Figure 1. Key: Red, past its due date and not complete; Amber, flagged at risk, "
        f"or due within {t.due_within_days} days and not started, or no update for "
        f"{t.stale_days} days; Green, on track; Blue, completed, assured or embedded; Closed, "
        "not implemented or superseded.",
        style="Caption",
    )


def _main_table(document: DocumentObject, paper: BoardPaper) -> None:
    headings = ["Recommendation", "Owner agency", "Status (BRAG)", "Due", paper.progress_heading]
    table = _table(
        document, headings, f"Recommendations and progress at {wording.day_text(paper.day)}"
    )
    overdue = {r.ref for r in paper.overdue}
    for row in paper.rows:
        added = table.add_row()
        parts.keep_row_on_one_page(added)
        cells = added.cells
        cells[0].text = recommendation_cell(row)
        officer = (
            f"lead officer {row.lead_officer}" if row.lead_officer else "no lead officer named"
        )
        _small(cells[0], f"{row.ref} · {officer}")
        cells[1].text = row.agency
        _status_cell(cells[2], row)
        _due_cell(cells[3], paper, row, row.ref in overdue)
        cells[4].text = row.latest_update or NO_PROGRESS
    _widths(table, MAIN_WIDTHS)


def recommendation_cell(row: TrackerRow) -> str:
    label = row.label.strip()
    joiner = " " if label.endswith((".", ")")) else ". "
    return f"{label}{joiner}{row.text}" if label else row.text


def _status_cell(cell: _Cell, row: TrackerRow) -> None:
    """The status, then the BRAG rating as a word on the rating's colour."""
    cell.text = row.status_words
    cell.add_paragraph().add_run(row.brag_word).bold = True
    parts.shade(cell, CELL_FILLS.get(row.brag, "FFFFFF"))


def _due_cell(cell: _Cell, paper: BoardPaper, row: TrackerRow, overdue: bool) -> None:
    """The date, the timescale as the review wrote it, and how late it is."""
    cell.text = wording.due_text(row.due_on) or "No due date"
    if row.timescale and not PLAIN_DATE.fullmatch(row.timescale.strip()):
        _small(cell, row.timescale)  # "within 6 months": the review's words, not a date again
    if overdue:
        cell.add_paragraph().add_run(
            f"Overdue by {wording.plural(paper.days_overdue(row), 'day')}"
        ).bold = True


def _small(cell: _Cell, text: str) -> None:
    cell.add_paragraph().add_run(text).font.size = Pt(8.5)


def _overdue_table(document: DocumentObject, paper: BoardPaper) -> None:
    overdue = paper.overdue
    if not overdue:
        document.add_paragraph(f"None {wording.when_phrase(paper)}.")
        return
    headings = ["Ref", "Owner agency", "Lead officer", "Due", "Days overdue", "Status"]
    table = _table(document, headings, "Overdue recommendations")
    for row in overdue:
        cells = table.add_row().cells
        cells[0].text = row.ref
        cells[1].text = row.agency
        cells[2].text = row.lead_officer
        cells[3].text = wording.due_text(row.due_on)
        cells[4].text = str(paper.days_overdue(row))
        cells[5].text = row.status_words
    _widths(table, OVERDUE_WIDTHS)


def _moves_table(document: DocumentObject, paper: BoardPaper) -> None:
    if not paper.moves:
        document.add_paragraph("No due date has moved.")
        return
    table = _table(document, ["Ref", "From", "To", "Reason", "Moved on", "By"], "Moved due dates")
    for move in paper.moves:
        cells = table.add_row().cells
        cells[0].text = move.ref
        cells[1].text = wording.due_text(move.old_due_on) or "none"
        cells[2].text = wording.due_text(move.new_due_on)
        cells[3].text = move.reason
        cells[4].text = f"{paper.local(move.changed_at):%d/%m/%Y}"
        cells[5].text = move.changed_by
    _widths(table, MOVES_WIDTHS)


def _table(document: DocumentObject, headings: Sequence[str], title: str) -> Table:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
        parts.shade(cell, HEADER_FILL)
    parts.header_row(table)
    parts.caption(table, title)
    return table  # type: ignore[no-any-return]


def _widths(table: Table, widths: Sequence[Cm]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice reads the grid; Word reads the cells
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
