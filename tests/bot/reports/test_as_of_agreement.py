"""One as-of state behind every output: for dates across the demo's history, the DOCX paper
(key figures, chart and table), the XLSX and CSV trackers, the Slack summary and App Home
show the same figures, and the same agency, lead officer and text each item had that day."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.commands.dispatch import CommandRunner
from bot.services.suite import Services
from bot.views.blocks import as_dicts
from storage.db import Database
from tests.bot.reports import readers
from tests.bot.reports.conftest import CHANGED_ON, H3_NEW_TEXT
from tests.conftest import CHAIR

# Before any progress; the cabinet report's date; the first due dates passing; a month of
# red items; the day before and the day of the agency, lead and text changes; and now.
DATES = [
    date(2014, 9, 30),
    date(2014, 10, 31),
    date(2014, 12, 31),
    date(2015, 1, 31),
    date(2015, 2, 19),
    CHANGED_ON,
    None,
]


def outputs(db: Database, day: date | None) -> dict[str, bytes]:
    reports = Services(db).reports
    return {fmt: reports.export("H", fmt, day).content for fmt in ("docx", "xlsx", "csv")}


def summary_blocks(db: Database, day: date | None) -> list[dict[str, object]]:
    command = "summary H" + (f" as-of {day:%d/%m/%Y}" if day else "")
    reply = CommandRunner(db).run(CHAIR, command).settled()
    assert reply.ok, reply.text
    return as_dicts(reply.blocks)


@pytest.mark.parametrize("day", DATES, ids=lambda d: f"{d}" if d else "now")
def test_every_output_shows_the_same_figures(changed_plan: Database, day: date | None) -> None:
    made = outputs(changed_plan, day)
    docx_rows = readers.docx_main_rows(made["docx"])
    assert len(docx_rows) == 36
    assert readers.xlsx_rows(made["xlsx"]) == docx_rows
    assert readers.csv_rows(made["csv"]) == docx_rows

    from_rows = readers.figures_of(docx_rows)
    assert readers.docx_key_figures(made["docx"]) == from_rows
    blocks = summary_blocks(changed_plan, day)
    assert readers.summary_figures(blocks) == from_rows
    assert readers.docx_changes(made["docx"]) == readers.summary_changes(blocks)

    if day is None:
        (overview,) = Services(changed_plan).reads.home_page(CHAIR).overviews
        assert (
            readers.Figures(
                overview.total, overview.by_status, overview.by_brag, overview.by_agency
            ).trimmed()
            == from_rows
        )


def test_the_cabinet_date_shows_two_completed_and_no_later_evidence(
    changed_plan: Database,
) -> None:
    """The issue's own example: 2 completed, 34 green, 14 updates, 0 evidence on 31.10.14."""
    made = outputs(changed_plan, date(2014, 10, 31))
    figures = readers.docx_key_figures(made["docx"])
    assert figures.by_status["completed"] == 2
    assert figures.by_brag == {"green": 34, "blue": 2}
    assert readers.docx_changes(made["docx"]) == (14, 0)


def main_row_cells(content: bytes, ref: str) -> list[str]:
    table = next(
        t for t in Document(BytesIO(content)).tables if t.rows[0].cells[0].text == "Recommendation"
    )
    for row in table.rows[1:]:
        if row.cells[0].paragraphs[-1].text.startswith(ref + " "):
            return [c.text for c in row.cells]
    raise AssertionError(ref)


def test_agency_lead_officer_and_text_are_those_of_the_day(changed_plan: Database) -> None:
    before = outputs(changed_plan, date(2015, 2, 19))
    after = outputs(changed_plan, CHANGED_ON)

    h2, h13, h3 = (main_row_cells(before["docx"], ref) for ref in ("H-2", "H-13", "H-3"))
    assert h2[1] == "Oxfordshire Safeguarding Children Board"
    assert "Dev Sharma" in h13[0]
    assert H3_NEW_TEXT not in h3[0] and "review their monitoring processes" in h3[0]
    h2, h13, h3 = (main_row_cells(after["docx"], ref) for ref in ("H-2", "H-13", "H-3"))
    assert h2[1] == "Children's Social Care"
    assert "Jo Turner" in h13[0]
    assert H3_NEW_TEXT in h3[0]

    sheet = load_workbook(BytesIO(before["xlsx"]))["Tracker"]
    headings = [c.value for c in sheet[1]]
    h13_row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "H-13")
    assert h13_row[headings.index("Lead officer")] == "Dev Sharma"
    oscb = "Oxfordshire Safeguarding Children Board"
    assert sum(readers.docx_chart_by_agency(before["docx"])[oscb].values()) == 3
    assert sum(readers.docx_chart_by_agency(after["docx"])[oscb].values()) == 2
