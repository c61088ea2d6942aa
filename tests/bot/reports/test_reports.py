"""Board papers from the Child H plan: the cabinet report's 31.10.14 table rebuilt as of that
date with none of the 2015 updates, the XLSX tracker's colours, links and frozen header, the
CSV, issuing a paper from Slack and producing it again exactly, and LibreOffice's view of it."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from openpyxl import load_workbook
from sqlmodel import select

import app
from bot import services
from bot.commands.dispatch import CommandRunner
from bot.reports.issue import produce
from bot.reports.xlsx import BRAG_FILLS
from console.clock import MovableClock
from storage.db import Database
from storage.models import IssuedReport
from tests.conftest import ADMIN, CHAIR, CSC_LEAD, MEMBER, REPO

CABINET_REFS = ("H-1", "H-2", "H-3", "H-27", "H-28", "H-29", "H-30")
LATER = {
    "H-1": "Letter finalised with the adoption team in January 2015.",
    "H-2": "Letters sent to every pharmacy in February 2015.",
    "H-3": "NHS England agreed joint monitoring in January 2015.",
    "H-27": "Escalation audited in February 2015: all cases started by 28 weeks.",
    "H-29": "Second round of substance misuse training in 2015.",
}


def cabinet_progress() -> dict[str, str]:
    """The 31.10.14 progress of the seven recommendations the cabinet report covers."""
    with (REPO / "demo" / "child-h-plan.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Progress date"] == "2014-10-31"]
    return {f"H-{r['No']}": r["Progress"] for r in rows}


@pytest.fixture
def plan(demo_db: Database, clock: MovableClock) -> Database:
    """The demo, plus 2015 history: progress notes, a moved due date and new evidence."""
    clock.set(datetime(2015, 2, 16, 10, 0, tzinfo=UTC))
    actors = {"H-27": CSC_LEAD, "H-29": CSC_LEAD}
    with demo_db.unit_of_work() as uow:
        for ref, note in LATER.items():
            services.record_update(uow, actors.get(ref, ADMIN), ref, note=note)
        services.move_due_date(uow, ADMIN, "H-2", "31/3/2015", "pharmacy letters delayed")
        services.attach_evidence(
            uow, CSC_LEAD, "H-27", "https://example.org/csc/pre-birth-audit-2015.pdf", "Audit"
        )
        uow.commit()
    clock.set(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    return demo_db


def export(db: Database, monkeypatch: pytest.MonkeyPatch, tmp: Path, fmt: str, *extra: str) -> Path:
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp / f"paper.{fmt}"
    assert app.main(["export", "--review", "H", "--format", fmt, *extra, "-o", str(out)]) == 0
    return out


def progress_table(document: object) -> Table:
    for table in document.tables:  # type: ignore[attr-defined]
        if [c.text for c in table.rows[0].cells][:2] == ["Recommendation", "Owner agency"]:
            return table  # type: ignore[no-any-return]
    raise AssertionError("no progress table")


def all_text(document: object) -> str:
    parts = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    for table in document.tables:  # type: ignore[attr-defined]
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_as_of_31_october_2014_shows_the_cabinet_progress_and_nothing_later(
    plan: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = export(plan, monkeypatch, tmp_path, "docx", "--as-of", "2014-10-31")

    document = Document(str(path))
    table = progress_table(document)
    rows = table.rows[1:]
    assert len(rows) == 36
    assert table.rows[0].cells[-1].text == "Progress at 31.10.14"
    expected = cabinet_progress()
    assert sorted(expected, key=lambda r: int(r[2:])) == list(CABINET_REFS)
    for ref, text in expected.items():
        assert rows[int(ref[2:]) - 1].cells[-1].text == text
    text = all_text(document)
    for later in LATER.values():
        assert later not in text
    assert "pharmacy letters delayed" not in text  # the 2015 move is not in the annex
    assert rows[0].cells[0].text.startswith("1. The independent chair of the Board")
    assert len(document.inline_shapes) == 1  # the BRAG chart


def test_docx_today_shows_the_2015_progress_and_the_moved_due_date(
    plan: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = export(plan, monkeypatch, tmp_path, "docx", "--as-of", "2015-03-01")

    document = Document(str(path))
    rows = progress_table(document).rows[1:]
    assert rows[0].cells[-1].text == LATER["H-1"]
    assert rows[27].cells[-1].text == cabinet_progress()["H-28"]  # nothing newer for H-28
    assert "pharmacy letters delayed" in all_text(document)


# --- XLSX and CSV ---------------------------------------------------------------------------


def test_xlsx_tracker_colours_brag_links_evidence_and_freezes_the_header(
    plan: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = export(plan, monkeypatch, tmp_path, "xlsx", "--as-of", "2015-03-01")

    book = load_workbook(path)
    sheet = book["Tracker"]
    headings = [c.value for c in sheet[1]]
    assert headings[:3] == ["Ref", "Label", "Recommendation"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{36 + 1}"
    assert sheet.max_row == 37
    brag_col = headings.index("BRAG") + 1
    colours = set()
    for row in range(2, 38):
        cell = sheet.cell(row, brag_col)
        assert cell.fill.start_color.rgb.endswith(BRAG_FILLS[cell.value.lower()])
        colours.add(cell.value)
    assert {"RED", "BLUE", "GREEN"} <= colours
    evidence_col = headings.index("Evidence") + 1
    h27 = next(r for r in range(2, 38) if sheet.cell(r, 1).value == "H-27")
    assert sheet.cell(h27, evidence_col).hyperlink.target == (
        "https://example.org/csc/pre-birth-audit-2015.pdf"
    )
    assert sheet.cell(h27, headings.index("Latest update") + 1).value == LATER["H-27"]
    h2 = next(r for r in range(2, 38) if sheet.cell(r, 1).value == "H-2")
    assert sheet.cell(h2, headings.index("Due-date moves") + 1).value == 1
    assert sheet.cell(h2, headings.index("Due") + 1).value.date() == date(2015, 3, 31)
    updates = book["Updates"]
    assert updates.freeze_panes == "A2"
    assert LATER["H-3"] in [c.value for c in updates["F"]]
    links = [c.hyperlink.target for c in book["Evidence"]["D"][1:] if c.hyperlink]
    assert "https://example.org/csc/pre-birth-audit-2015.pdf" in links


def test_xlsx_as_of_2014_has_old_due_dates_and_no_later_updates(plan: Database) -> None:
    with plan.unit_of_work(write=False) as uow:
        made, paper = produce(uow.session, "h", "xlsx", date(2014, 10, 31), uow.now)
    book = load_workbook(BytesIO(made.content))
    values = [c.value for row in book["Updates"].iter_rows() for c in row]
    assert not any(v in values for v in LATER.values())
    h2 = next(r for r in paper.rows if r.ref == "H-2")
    assert (h2.due_on, h2.due_moves, h2.status) == (date(2014, 12, 31), 0, "in_progress")
    assert made.filename == "h-tracker-2014-10-31.xlsx"


def test_csv_tracker_has_a_row_per_recommendation(plan: Database) -> None:
    with plan.unit_of_work(write=False) as uow:
        made, _ = produce(uow.session, "H", "csv", date(2014, 10, 31), uow.now)
    rows = list(csv.reader(made.content.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Ref", "Label", "Recommendation"]
    assert [r[0] for r in rows[1:]] == [f"H-{n}" for n in range(1, 37)]
    assert rows[1][rows[0].index("Latest update")] == cabinet_progress()["H-1"]


# --- issuing from Slack ---------------------------------------------------------------------


def test_report_command_acks_then_uploads_and_freezes_the_issued_paper(plan: Database) -> None:
    runner = CommandRunner(plan)

    ack = runner.run(CHAIR, "report H docx as-of 31/10/2014")
    assert ack.ok and ack.later is not None and ack.upload is None
    first = ack.later()
    assert first.ok and first.upload is not None
    filename, content, title = first.upload
    assert filename == "h-board-paper-2014-10-31.docx"
    assert "31 October 2014" in title

    again = runner.run(CHAIR, "report h docx as-of 2014-10-31").later()  # type: ignore[misc]
    assert again.upload is not None and again.upload[1] == content
    with plan.unit_of_work(write=False) as uow:
        issued = uow.session.exec(select(IssuedReport)).all()
    assert len(issued) == 1 and issued[0].content == content and '"H-1"' in issued[0].data


def test_report_command_refuses_a_member_before_the_ack(plan: Database) -> None:
    reply = CommandRunner(plan).run(MEMBER, "report H xlsx")
    assert not reply.ok and reply.later is None
    assert "chair" in reply.text


def test_report_of_an_unknown_review_is_refused_at_once(plan: Database) -> None:
    reply = CommandRunner(plan).run(CHAIR, "report Q csv")
    assert not reply.ok and "no review 'Q'" in reply.text


# --- LibreOffice ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[str]:
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice is not installed")
    yield binary


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_papers_convert_to_pdf_with_libreoffice(
    plan: Database, libreoffice: str, tmp_path: Path, fmt: str, request: pytest.FixtureRequest
) -> None:
    if "postgresql" in request.node.callspec.id:
        pytest.skip("one database is enough to check the file")
    with plan.unit_of_work(write=False) as uow:
        made, _ = produce(uow.session, "H", fmt, date(2015, 3, 1), uow.now)
    source = tmp_path / made.filename
    source.write_bytes(made.content)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if fmt == "docx" and shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob("p*.png"))
