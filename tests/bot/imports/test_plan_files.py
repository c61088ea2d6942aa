"""Plans in every shape boards' files come in (tests/fixtures/plans/): each imports with every
row's label, agency, lead officer and due date right; broken files are refused in one line
with nothing written; and a dry run says and refuses exactly what the import does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel, col

from app import main
from bot.imports.records import agency_key
from storage.db import Database
from storage.models import Agency, Person, Recommendation, Review
from tests.conftest import FIXTURES

PLANS = FIXTURES / "plans"
EXPECTED: dict[str, Any] = json.loads((PLANS / "expected.json").read_text(encoding="utf-8"))
SHAPES = sorted(p for p in PLANS.iterdir() if p.suffix in (".csv", ".txt", ".xlsx", ".xls", ".ods"))
BROKEN = sorted((PLANS / "broken").iterdir())


def everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a write anywhere shows up."""
    db = Database(url)
    try:
        with db.unit_of_work(write=False) as uow:
            return {
                table.name: sorted(
                    (tuple(str(v) for v in row) for row in uow.session.execute(select(table))),
                )
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        db.dispose()


def run_import(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def imported(db: Database, code: str) -> dict[str, tuple[str, str | None, str | None]]:
    """label → (agency, lead officer as the expectations name them, due date)."""
    with db.unit_of_work(write=False) as uow:
        rows = uow.session.execute(
            select(Recommendation, Agency, Person)
            .join(Review, col(Review.id) == Recommendation.review_id)
            .outerjoin(Agency, col(Agency.id) == Recommendation.agency_id)
            .outerjoin(Person, col(Person.id) == Recommendation.lead_officer_id)
            .where(Review.code == code)
        ).all()
    found = {}
    for rec, agency, person in rows:
        lead = None
        if person is not None:
            placeholder = person.id.startswith("name:")
            lead = f"placeholder:{person.name}" if placeholder else person.id
        found[rec.label] = (
            agency_key(agency.name) if agency else "",
            lead,
            rec.due_on.isoformat() if rec.due_on else None,
        )
    return found


@pytest.mark.parametrize("plan", SHAPES, ids=[p.name for p in SHAPES])
def test_each_shape_imports_every_rows_label_agency_lead_and_due_date(
    plan: Path, demo_db: Database, monkeypatch, capsys
) -> None:
    code, out, err = run_import(demo_db.url, monkeypatch, capsys, str(plan), "--review", "P")
    assert code == 0, out
    assert "Traceback" not in err and "ERROR" not in err, err  # the log says only where the data is
    assert "5 added" in out
    labels = EXPECTED["labels"].get(plan.name, {})
    expected = {
        labels.get(label, label): (agency_key(row["agency"]), row["lead"], row["due"])
        for label, row in EXPECTED["rows"].items()
    }
    assert imported(demo_db, "P") == expected


@pytest.mark.parametrize("plan", SHAPES, ids=[p.name for p in SHAPES])
def test_importing_a_shape_again_writes_nothing(
    plan: Path, demo_db: Database, monkeypatch, capsys
) -> None:
    assert run_import(demo_db.url, monkeypatch, capsys, str(plan), "--review", "P")[0] == 0
    before = everything(demo_db.url)
    code, out, _ = run_import(demo_db.url, monkeypatch, capsys, str(plan), "--review", "P")
    assert code == 0 and "0 added, 0 updated, 5 unchanged" in out
    assert everything(demo_db.url) == before


@pytest.mark.parametrize("broken", BROKEN, ids=[p.name for p in BROKEN])
def test_a_broken_file_is_refused_in_one_line_with_nothing_written(
    broken: Path, demo_db: Database, monkeypatch, capsys
) -> None:
    before = everything(demo_db.url)
    for dry in ([], ["--dry-run"]):
        code, out, err = run_import(
            demo_db.url, monkeypatch, capsys, str(broken), "--review", "P", *dry
        )
        assert code == 1
        assert len(out.strip().splitlines()) == 1, out
        assert out.startswith("Nothing was imported: ")
        assert "Give a CSV or XLSX file with a header row" in out  # a good file's shape
        assert "Traceback" not in out + err
    assert everything(demo_db.url) == before


@pytest.mark.parametrize(
    "plan", [*SHAPES, *BROKEN, PLANS.parent.parent.parent / "demo" / "child-h-plan.csv"],
    ids=[*(p.name for p in SHAPES), *(p.name for p in BROKEN), "demo"],
)  # fmt: skip
def test_the_dry_run_and_the_import_agree(
    plan: Path, database_url: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    from tests import databases

    dry_url = databases.sqlite_url(tmp_path) if database_url.startswith("sqlite") else database_url
    before = everything(dry_url)
    dry = run_import(dry_url, monkeypatch, capsys, str(plan), "--review", "P", "--dry-run")
    assert everything(dry_url) == before  # the dry run wrote nothing
    real = run_import(dry_url, monkeypatch, capsys, str(plan), "--review", "P")
    assert dry[0] == real[0]
    assert _without_last_line(dry[1]) == _without_last_line(real[1])
    if real[0] == 0:
        assert "nothing written" in dry[1].splitlines()[-1]


def _without_last_line(out: str) -> list[str]:
    return out.strip().splitlines()[:-1]


def test_a_sheet_can_be_named(demo_db: Database, monkeypatch, capsys) -> None:
    plan = PLANS / "sheet-per-agency.xlsx"
    code, out, _ = run_import(
        demo_db.url, monkeypatch, capsys, str(plan), "--review", "P", "--sheet", "police"
    )
    assert code == 0 and "1 added" in out
    assert list(imported(demo_db, "P")) == ["Thames Valley Police (TVP) 1"]


def test_a_sheet_that_is_not_there_is_named_with_the_ones_that_are(
    demo_db: Database, monkeypatch, capsys
) -> None:
    plan = PLANS / "sheet-per-agency.xlsx"
    code, out, _ = run_import(
        demo_db.url, monkeypatch, capsys, str(plan), "--review", "P", "--sheet", "Probation"
    )
    assert code == 1 and len(out.strip().splitlines()) == 1
    assert "no sheet called 'Probation'" in out and "'Police'" in out


def test_the_command_line_matches_names_against_the_workspace_when_a_token_is_set(
    demo_db: Database, fake_slack, monkeypatch, capsys
) -> None:
    fake_slack.add_user("U0PRIYASHA", real_name="Priya Shah")
    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert main(["import", str(PLANS / "excel-utf8-bom.csv"), "--review", "P"]) == 0
    assert "Priya Shah" not in capsys.readouterr().out  # matched: no placeholder warning
    assert imported(demo_db, "P")["36"][1] == "U0PRIYASHA"
    assert len(fake_slack.calls("users.list")) == 1


def test_a_workspace_that_cannot_be_reached_leaves_names_as_placeholders(
    demo_db: Database, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing listens there
    assert main(["import", str(PLANS / "excel-utf8-bom.csv"), "--review", "P"]) == 0
    assert "'Priya Shah' is not a Slack user I can find" in capsys.readouterr().out
    assert imported(demo_db, "P")["36"][1] == "placeholder:Priya Shah"
