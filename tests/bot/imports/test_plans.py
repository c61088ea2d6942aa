"""`python app.py import`: the preview table, a dry run that writes nothing, and every file kind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlmodel import SQLModel

from app import main
from storage.db import Database
from tests.bot.imports.test_report_text import _docx_report, _pdf
from tests.conftest import REPORTS, SEEDS

CHILD_H = SEEDS / "child-h-serious-case-review.txt"
PER_AGENCY = REPORTS / "per-agency-numbering.txt"

PLAN_ROWS = [
    ["No", "Recommendation", "Lead agency", "Target date"],
    ["1", "Pre-birth assessment procedures should be reviewed and amended", "Children's Social Care",
     "31/3/2015"],
    ["2", "Pre-birth conferences should be held at least 1 month before delivery",
     "Children's Social Care", "March 2015"],
]  # fmt: skip


def row_counts(url: str) -> dict[str, int]:
    """Every table's row count, so a write anywhere shows up."""
    db = Database(url)
    try:
        with db.unit_of_work(write=False) as uow:
            return {
                table.name: uow.session.execute(
                    select(func.count()).select_from(table)
                ).scalar_one()
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        db.dispose()


def run(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    return main(["import", *args])


def csv_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in PLAN_ROWS) + "\n")
    return path


def xlsx_plan(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in PLAN_ROWS:
        sheet.append(row)
    path = tmp_path / "plan.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def docx_report(tmp_path: Path) -> Path:
    path = tmp_path / "report.docx"
    path.write_bytes(_docx_report())
    return path


def pdf_report(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(
        _pdf(
            [
                ["7 RECOMMENDATIONS", "Thames Valley Police (TVP)",
                 "12. TVP should lead a scoping exercise into the viability of making routine",
                 "Page 40 of 62"],
                ["referrals to the Safeguarding Hub about parents presenting with substance",
                 "misuse.",
                 "13. TVP should run a pilot in Oxfordshire for neighbourhood policing teams.",
                 "8 GLOSSARY OF ABBREVIATIONS"],
            ]
        )
    )  # fmt: skip
    return path


def txt_report(tmp_path: Path) -> Path:
    return CHILD_H


@pytest.mark.parametrize(
    ("make", "count"),
    [(txt_report, 36), (docx_report, 3), (pdf_report, 2), (csv_plan, 2), (xlsx_plan, 2)],
    ids=["txt", "docx", "pdf", "csv", "xlsx"],
)
def test_every_file_kind_imports_its_recommendations(
    make, count: int, tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    path = make(tmp_path)
    assert run(database_url, monkeypatch, str(path), "--review", "H", "--title", "Child H") == 0
    assert f"{count} added" in capsys.readouterr().out
    assert row_counts(database_url)["recommendation"] == count


@pytest.mark.parametrize("make", [txt_report, docx_report, pdf_report, csv_plan, xlsx_plan])
def test_dry_run_on_a_fresh_database_writes_no_row(
    make, tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    code = run(database_url, monkeypatch, str(make(tmp_path)), "--review", "H", "--dry-run")
    assert code == 0
    assert "nothing written" in capsys.readouterr().out
    written = {name: n for name, n in row_counts(database_url).items() if n}
    assert written == {}


def test_dry_run_after_an_import_changes_no_row(
    tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    assert run(database_url, monkeypatch, str(CHILD_H), "--review", "H", "--title", "Child H") == 0
    before = row_counts(database_url)
    plan = csv_plan(tmp_path)  # changes the text and due date of H-1 and H-2
    assert run(database_url, monkeypatch, str(plan), "--review", "H", "--dry-run") == 0
    assert row_counts(database_url) == before
    assert "nothing written" in capsys.readouterr().out


def test_preview_shows_label_agency_first_words_due_and_confidence(
    tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    assert run(database_url, monkeypatch, str(CHILD_H), "--review", "H", "--dry-run") == 0
    lines = capsys.readouterr().out.splitlines()
    assert ["label", "agency", "text", "due", "confidence"] in [line.split() for line in lines]
    row = next(line for line in lines if line.startswith("27 "))
    assert "Children's Social Care" in row
    assert "Pre-birth assessment practice" in row
    assert row.rstrip().endswith("100%")
    assert sum(1 for line in lines if line.rstrip().endswith("%")) == 36


def test_preview_gives_the_reasons_for_anything_under_full_confidence(
    database_url: str, monkeypatch, capsys
) -> None:
    assert run(database_url, monkeypatch, str(PER_AGENCY), "--review", "R", "--dry-run") == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("Avon and Somerset Police 5 "))
    assert row.rstrip().endswith("95%")
    assert "  Avon and Somerset Police 5: " in out
    assert "text joined across a page break" in out


def test_a_due_date_shows_day_first(tmp_path: Path, database_url: str, monkeypatch, capsys) -> None:
    assert (
        run(database_url, monkeypatch, str(csv_plan(tmp_path)), "--review", "H", "--dry-run") == 0
    )
    assert "31/03/2015" in capsys.readouterr().out


def test_an_unknown_file_kind_is_refused_and_writes_nothing(
    tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    path = tmp_path / "plan.odt"
    path.write_bytes(b"whatever")
    assert run(database_url, monkeypatch, str(path), "--review", "H") == 2
    assert "Use .csv, .xlsx, .txt, .docx or .pdf" in capsys.readouterr().out
    assert not any(row_counts(database_url).values())
