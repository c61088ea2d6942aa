"""The DOCX board paper in the cabinet report's shape: a title and the date, key figures, a BRAG
chart by agency, the table "Recommendation | Owner agency | Progress at <date>", and an annex
of overdue items and moved due dates."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from bot.reports.chart import brag_chart_png
from bot.reports.paper import BoardPaper, TrackerRow

NO_PROGRESS = "No progress recorded."
MAIN_WIDTHS = (Cm(10.5), Cm(4.5), Cm(10.5))


def board_paper_docx(paper: BoardPaper) -> bytes:
    document = Document()
    _landscape(document)
    _styles(document)
    document.core_properties.title = paper.title
    document.core_properties.author = "recs"

    if paper.board_name:
        document.add_paragraph(paper.board_name.upper()).runs[0].bold = True
    document.add_heading(paper.title, 0)
    document.add_paragraph(f"Report date: {paper.day:%d %B %Y}")
    if paper.as_of:
        document.add_paragraph(
            f"This paper shows the plan as it stood at the end of {paper.as_of:%d %B %Y}, "
            "rebuilt from the recorded history. Later updates are not included."
        ).runs[0].italic = True

    document.add_heading("Key figures", 1)
    for line in key_figures(paper):
        document.add_paragraph(line, style="List Bullet").paragraph_format.space_after = Pt(0)

    document.add_heading("BRAG rating by owner agency", 1)
    chart = brag_chart_png(
        paper.summary.by_agency, f"Recommendations by BRAG, {paper.day:%d %B %Y}"
    )
    document.add_picture(BytesIO(chart), width=Cm(16))

    document.add_heading("Recommendations and progress", 1)
    _main_table(document, paper)

    document.add_page_break()
    document.add_heading("Annex A: overdue recommendations", 1)
    _overdue_table(document, paper)
    document.add_heading("Annex B: moved due dates", 1)
    _moves_table(document, paper)

    out = BytesIO()
    document.save(out)
    return out.getvalue()


def key_figures(paper: BoardPaper) -> list[str]:
    s = paper.summary
    b = s.by_brag
    closed = b.get("grey", 0)
    lines = [
        f"{s.total} recommendations; {s.open} open, of which {len(paper.overdue)} overdue.",
        f"{s.implemented} implemented and awaiting assurance; {s.assured} assured by the chair; "
        f"{s.embedded} embedded (impact checked).",
        f"BRAG: {b.get('red', 0)} red, {b.get('amber', 0)} amber, {b.get('green', 0)} green, "
        f"{b.get('blue', 0)} blue" + (f"; {closed} closed." if closed else "."),
        f"{len(paper.moves)} due-date moves on {sum(1 for r in paper.rows if r.due_moves)} "
        "recommendations.",
    ]
    if s.changes is not None and s.since is not None:
        c = s.changes
        lines.append(
            f"Since {s.since:%d %B %Y}: {c.updates} updates, {c.evidence_added} evidence items, "
            f"{sum(c.status_changes.values())} status changes."
        )
    return lines


def recommendation_cell(row: TrackerRow) -> str:
    label = row.label.strip()
    joiner = " " if label.endswith((".", ")")) else ". "
    return f"{label}{joiner}{row.text}" if label else row.text


def _main_table(document: DocumentObject, paper: BoardPaper) -> None:
    table = _table(
        document, ["Recommendation", "Owner agency", paper.progress_heading], MAIN_WIDTHS
    )
    for row in paper.rows:
        cells = table.add_row().cells
        cells[0].text = recommendation_cell(row)
        cells[1].text = row.agency
        cells[2].text = row.latest_update or NO_PROGRESS
    _widths(table, MAIN_WIDTHS)


def _overdue_table(document: DocumentObject, paper: BoardPaper) -> None:
    overdue = paper.overdue
    if not overdue:
        document.add_paragraph(f"None on {paper.day:%d %B %Y}.")
        return
    widths = (Cm(2), Cm(8), Cm(3), Cm(3), Cm(4), Cm(5.5))
    table = _table(
        document, ["Ref", "Owner agency", "Due", "Days overdue", "Status", "Lead officer"], widths
    )
    for row in overdue:
        cells = table.add_row().cells
        cells[0].text = row.ref
        cells[1].text = row.agency
        cells[2].text = f"{row.due_on:%d/%m/%Y}" if row.due_on else ""
        cells[3].text = str(paper.days_overdue(row))
        cells[4].text = row.status_words
        cells[5].text = row.lead_officer
    _widths(table, widths)


def _moves_table(document: DocumentObject, paper: BoardPaper) -> None:
    if not paper.moves:
        document.add_paragraph("No due date has moved.")
        return
    widths = (Cm(2), Cm(3), Cm(3), Cm(10), Cm(3), Cm(4.5))
    table = _table(document, ["Ref", "From", "To", "Reason", "Moved on", "By"], widths)
    for move in paper.moves:
        cells = table.add_row().cells
        cells[0].text = move.ref
        cells[1].text = f"{move.old_due_on:%d/%m/%Y}" if move.old_due_on else "none"
        cells[2].text = f"{move.new_due_on:%d/%m/%Y}"
        cells[3].text = move.reason
        cells[4].text = f"{move.changed_at:%d/%m/%Y}"
        cells[5].text = move.changed_by
    _widths(table, widths)


def _table(document: DocumentObject, headings: Sequence[str], widths: Sequence[Cm]) -> Table:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    # The heading row repeats on every page of a long table.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    return table  # type: ignore[no-any-return]


def _widths(table: Table, widths: Sequence[Cm]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice reads the grid; Word reads the cells
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _landscape(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))


def _styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
