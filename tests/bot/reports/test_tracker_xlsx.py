"""The XLSX tracker on screen and on paper: A4 landscape, one page wide, the header row on
every page, rows as tall as their wrapped text, words instead of enum values, the board's
local time, and a key to the BRAG ratings. The CSV has the same columns and words."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from io import BytesIO

from openpyxl import load_workbook

from bot import services
from bot.reports.issue import produce
from bot.reports.xlsx_layout import LINE_POINTS, lines_needed
from console.clock import MovableClock
from storage.db import Database
from tests.conftest import CSC_LEAD


def made(db: Database, fmt: str, day: date | None = None) -> bytes:
    with db.unit_of_work(write=False) as uow:
        paper_file, _ = produce(uow.session, "H", fmt, day, uow.now)
    return paper_file.content


def test_the_tracker_prints_one_page_wide_with_its_header_on_every_page(
    changed_plan: Database,
) -> None:
    book = load_workbook(BytesIO(made(changed_plan, "xlsx")))
    sheet = book["Tracker"]
    headings = [c.value for c in sheet[1]]
    for each in book.worksheets:
        setup = each.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert each.sheet_properties.pageSetUpPr.fitToPage
        assert each.print_title_rows == "$1:$1"  # the header row repeats on every page
        assert each.oddFooter.right.text == "Page &P of &N"
        assert each.oddHeader.center.text == "OFFICIAL"
    # The board's ten columns print; the detail stays in the file.
    assert sheet.print_area == "'Tracker'!$A$1:$J$37"
    assert headings[:10] == [
        "Ref", "Label", "Recommendation", "Owner agency", "Lead officer", "Status", "BRAG",
        "Due", "Latest update", "Update date",
    ]  # fmt: skip
    printed_width = sum(sheet.column_dimensions[chr(65 + n)].width for n in range(10))
    assert printed_width <= 180  # about 80% on A4 landscape: readable


def test_each_row_is_as_tall_as_its_wrapped_text(changed_plan: Database) -> None:
    sheet = load_workbook(BytesIO(made(changed_plan, "xlsx")))["Tracker"]
    headings = [c.value for c in sheet[1]]
    text_col = headings.index("Recommendation") + 1
    width = sheet.column_dimensions["C"].width
    for row in range(2, sheet.max_row + 1):
        height = sheet.row_dimensions[row].height
        assert height is not None
        text = sheet.cell(row, text_col).value
        assert height >= lines_needed(text, int(width)) * LINE_POINTS
        assert sheet.cell(row, text_col).alignment.wrap_text
    assert max(sheet.row_dimensions[r].height for r in range(2, 38)) > 4 * LINE_POINTS


def test_updates_are_in_words_and_local_time(changed_plan: Database, clock: MovableClock) -> None:
    clock.set(datetime(2015, 6, 1, 8, 30, tzinfo=UTC))  # 09:30 in London (BST)
    with changed_plan.unit_of_work() as uow:
        services.record_update(uow, CSC_LEAD, "H-29", note="Summer training booked.")
        uow.commit()
    book = load_workbook(BytesIO(made(changed_plan, "xlsx")))
    updates = book["Updates"]
    headings = [c.value for c in updates[1]]
    assert headings[:2] == ["Ref", "When (UK time)"]
    rows = list(updates.iter_rows(min_row=2, values_only=True))
    summer = next(r for r in rows if r[5] == "Summer training booked.")
    assert summer[1] == datetime(2015, 6, 1, 9, 30)
    statuses = {r[3] for r in rows}
    sources = {r[4] for r in rows}
    assert "In progress" in statuses and "Completed" in statuses
    assert not any("_" in (s or "") for s in statuses | sources)
    assert "import" in sources and "/recs command" in sources
    evidence = book["Evidence"]
    assert [c.value for c in evidence[1]][:3] == ["Ref", "Posted (UK time)", "State"]


def test_a_key_explains_each_brag_rating(changed_plan: Database) -> None:
    key = load_workbook(BytesIO(made(changed_plan, "xlsx")))["Key"]
    rows = list(key.iter_rows(min_row=2, max_row=6, values_only=True))
    assert [r[0] for r in rows] == ["RED", "AMBER", "GREEN", "BLUE", "CLOSED"]
    assert rows[1][1].startswith("Flagged at risk, or due within 30 days")
    assert key.cell(2, 1).fill.start_color.rgb.endswith("FF7C80")


def test_the_csv_has_the_trackers_columns_and_words(changed_plan: Database) -> None:
    rows = list(
        csv.reader(made(changed_plan, "csv", date(2014, 10, 31)).decode("utf-8-sig").splitlines())
    )
    book = load_workbook(BytesIO(made(changed_plan, "xlsx", date(2014, 10, 31))))
    assert rows[0] == [c.value for c in book["Tracker"][1]]
    at = {h: i for i, h in enumerate(rows[0])}
    h28 = next(r for r in rows if r[0] == "H-28")
    assert (h28[at["Status"]], h28[at["BRAG"]]) == ("Completed", "BLUE")
    assert {r[at["Status"]] for r in rows[1:]} == {"Not started", "In progress", "Completed"}
