"""Importing CSV and XLSX action plans: headers, bad rows, re-import."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from app import main
from bot.imports.action_plan import parse_plan, read_rows
from storage.db import Database
from storage.models import AuditLog, ProgressUpdate, Recommendation

GOOD = """No,Recommendation,Lead agency,Lead officer,Target date,Status,Progress at 31.10.14
1,Pre-birth assessment procedures should be reviewed,Children's Social Care,jo.turner@example.org,31/3/2015,in progress,Procedures under review
2,Pre-birth conferences should be held at least 1 month before delivery,Children's Social Care,,March 2015,,
"""

BAD = """No,Recommendation,Agency,Due
1,Pre-birth assessment procedures should be reviewed,Children's Social Care,31/3/2015
2,,Children's Social Care,31/3/2015
3,Pre-birth conferences should be held early,Children's Social Care,sometime soon
"""


def test_headers_a_business_manager_uses_are_matched() -> None:
    parsed = parse_plan(read_rows(content=GOOD.encode(), filename="plan.csv"))
    assert parsed.errors == []
    first, second = parsed.recommendations
    assert first.label == "1"
    assert first.agency == "Children's Social Care"
    assert first.lead_officer == "jo.turner@example.org"
    assert first.status == "in_progress"
    assert first.progress == "Procedures under review"
    assert str(first.progress_on) == "2014-10-31"
    assert str(second.due_on) == "2015-03-31"


def test_every_bad_row_is_named_with_its_problem() -> None:
    parsed = parse_plan(read_rows(content=BAD.encode(), filename="plan.csv"))
    assert len(parsed.errors) == 2
    assert parsed.errors[0].startswith("row 3: the recommendation text is empty")
    assert parsed.errors[1].startswith("row 4: the due date 'sometime soon'")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def counts(url: str) -> tuple[int, int, int]:
    db = Database(url)
    with db.unit_of_work(write=False) as uow:
        result = tuple(
            uow.session.exec(select(func.count()).select_from(model)).one()
            for model in (Recommendation, ProgressUpdate, AuditLog)
        )
    db.dispose()
    return result  # type: ignore[return-value]


def test_a_plan_with_a_bad_row_imports_nothing(
    tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code = main(["import", str(write(tmp_path, "bad.csv", BAD)), "--review", "H"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Nothing was imported" in out
    assert "row 3" in out and "row 4" in out
    assert counts(database_url) == (0, 0, 0)


def test_reimporting_the_same_plan_updates_rather_than_duplicates(
    tmp_path: Path, database_url: str, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    plan = str(write(tmp_path, "good.csv", GOOD))
    assert main(["import", plan, "--review", "H", "--title", "Child H"]) == 0
    first = counts(database_url)
    assert first[0] == 2
    assert main(["import", plan, "--review", "H"]) == 0
    assert counts(database_url)[:2] == first[:2]
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_dry_run_writes_nothing(tmp_path: Path, database_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert (
        main(["import", str(write(tmp_path, "good.csv", GOOD)), "--review", "H", "--dry-run"]) == 0
    )
    assert "nothing written" in capsys.readouterr().out
    assert counts(database_url) == (0, 0, 0)


def test_xlsx_plans_read_like_csv() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in GOOD.strip().splitlines():
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_plan(read_rows(content=buffer.getvalue(), filename="plan.xlsx"))
    assert parsed.errors == []
    assert [r.label for r in parsed.recommendations] == ["1", "2"]


@pytest.mark.postgresql
def test_db_upgrade_on_an_empty_postgresql_then_import(monkeypatch, capsys) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.demo import PLAN
    from tests import databases

    base = make_url(databases.postgres_base_url() or "")
    name = f"recs_empty_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["db", "upgrade"]) == 0
        assert main(["import", str(PLAN), "--review", "H", "--title", "Child H"]) == 0
        assert "36 added" in capsys.readouterr().out
        assert counts(url)[0] == 36
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def plan_of(text: str):  # type: ignore[no-untyped-def]
    return parse_plan(read_rows(content=text.encode(), filename="plan.csv"))


def test_rows_whose_text_begins_with_header_words_are_recommendations() -> None:
    parsed = plan_of(
        "No,Recommendation,Agency,Progress\n"
        "1,Recommendation 1: agencies should share,Agency 3,Progress note 1\n"
        "2,Recommendation 2: agencies should audit,Agency 4,Progress note 2\n"
    )
    assert [r.label for r in parsed.recommendations] == ["1", "2"]


def test_a_repeated_header_row_is_skipped() -> None:
    parsed = plan_of("No,Recommendation\n1,Act now\nNo,Recommendation\n2,Act later\n")
    assert [r.text for r in parsed.recommendations] == ["Act now", "Act later"]


def test_a_heading_row_gives_the_agency_and_numbers_per_agency_are_labelled_by_it() -> None:
    parsed = plan_of(
        "Child H action plan\n\n"
        "No,Recommendation,Due date\n"
        "Thames Valley Police,,\n"
        "1,TVP should brief officers,31/3/2015\n"
        "2,TVP should audit referrals,31/3/2015\n"
        "Children's Social Care,,\n"
        "1,CSC should review pre-birth assessments,31/3/2015\n"
    )
    assert parsed.errors == []
    assert [(r.label, r.agency) for r in parsed.recommendations] == [
        ("Thames Valley Police 1", "Thames Valley Police"),
        ("Thames Valley Police 2", "Thames Valley Police"),
        ("Children's Social Care 1", "Children's Social Care"),
    ]


def test_the_same_label_twice_in_one_agency_is_an_error_naming_both_rows() -> None:
    parsed = plan_of("No,Recommendation,Agency\n1,Act,TVP\n1,Act again,TVP\n")
    assert parsed.errors == [
        "row 3: the label '1' is used again (first on row 2); labels identify recommendations "
        "on re-import."
    ]


@pytest.mark.parametrize(
    ("written", "status"),
    [("Ongoing", "in_progress"), ("Completed - March 2015", "completed"),
     ("not yet started", "not_started"), ("On track", "in_progress"), ("Green", None)],
)  # fmt: skip
def test_statuses_as_plans_write_them(written: str, status: str | None) -> None:
    parsed = plan_of(f"No,Recommendation,Status\n1,Act,{written}\n")
    assert parsed.errors == [] and parsed.recommendations[0].status == status
    assert bool(parsed.warnings) is (status is None)  # a BRAG colour is not a status


def test_a_relative_timescale_without_an_accepted_date_is_kept_and_flagged() -> None:
    parsed = plan_of("No,Recommendation,Timescale\n1,Act,within 6 months\n")
    first = parsed.recommendations[0]
    assert (first.due_on, first.timescale, parsed.errors) == (None, "within 6 months", [])
    assert first.confidence < 1 and "row 2: 'within 6 months'" in parsed.warnings[0]


def test_an_accepted_column_counts_that_rows_timescale() -> None:
    parsed = plan_of("No,Recommendation,Timescale,Accepted\n1,Act,within 6 months,15/9/2014\n")
    assert str(parsed.recommendations[0].due_on) == "2015-03-15"
