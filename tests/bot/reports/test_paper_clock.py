"""A paper is made on the deployment's clock: `export` on RECS_CLOCK, the console on its own
movable clock (and it saves the paper Slack would upload), so a demo's paper is dated in
2015 with the demo's colours, not on the machine's day with everything red."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest

import app
from bot.commands.dispatch import CommandRunner
from bot.services.suite import Services
from bot.views.blocks import as_dicts
from console.clock import MovableClock
from console.shell import Console
from storage.db import Database
from tests.bot.reports import readers
from tests.conftest import CHAIR


def test_export_makes_the_paper_on_recs_clock(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_db.url)
    monkeypatch.setenv("RECS_CLOCK", "2015-03-02T09:00:00")
    out = tmp_path / "paper.docx"
    assert app.main(["export", "--review", "H", "--format", "docx", "-o", str(out)]) == 0

    content = out.read_bytes()
    text = readers.docx_text(content)
    assert "Report date: 2 March 2015" in text and "Progress at: 2 March 2015" in text
    summary = readers.summary_figures(
        as_dicts(CommandRunner(demo_db).run(CHAIR, "summary H").settled().blocks)
    )
    assert readers.docx_key_figures(content) == summary
    assert summary.by_brag["red"] < 10  # not December 2026's thirty


def test_the_console_saves_the_paper_made_on_its_clock(demo_db: Database, tmp_path: Path) -> None:
    clock = MovableClock(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    out = StringIO()
    console = Console(Services(demo_db, clock), clock, out=out, papers=tmp_path / "papers")
    console.run(["/time 2015-04-01", "/recs report H docx", "/recs summary H"])

    saved = tmp_path / "papers" / "h-board-paper-2015-04-01.docx"
    assert saved.exists(), out.getvalue()
    # `/time DATE` moves to that day's sending time (09:30), where reminders go.
    assert "RECS_CLOCK=2015-04-01T09:30 python app.py export" in out.getvalue()
    text = readers.docx_text(saved.read_bytes())
    assert "Progress at: 1 April 2015" in text
    blocks = as_dicts(CommandRunner(Services(demo_db, clock)).run(CHAIR, "summary H").settled().blocks)
    assert readers.docx_key_figures(saved.read_bytes()) == readers.summary_figures(blocks)


def test_just_after_midnight_in_london_the_summary_and_the_paper_judge_the_same_day(
    demo_db: Database,
) -> None:
    """00:30 on 1 July in London is 23:30 on 30 June in UTC: the six items due 30.6.2015 are
    overdue on the board's day, and both outputs say so."""
    clock = MovableClock(datetime(2015, 6, 30, 23, 30, tzinfo=UTC))
    services = Services(demo_db, clock)
    paper = services.reports.export("H", "docx", None).content
    blocks = as_dicts(CommandRunner(services).run(CHAIR, "summary H").settled().blocks)
    assert "Progress at: 1 July 2015" in readers.docx_text(paper)
    assert readers.docx_key_figures(paper) == readers.summary_figures(blocks)


def test_just_after_midnight_in_london_app_home_and_recs_judge_the_boards_day(
    demo_db: Database,
) -> None:
    """A chair's App Home overview and their `/recs` are the same summary of the same board:
    at 00:30 on 1 July in London both are of 1 July (App Home took the UTC date, 30 June)."""
    from datetime import date

    services = Services(demo_db, MovableClock(datetime(2015, 6, 30, 23, 30, tzinfo=UTC)))
    (home,) = services.reads.home_page(CHAIR).overviews
    (recs,) = services.reads.chaired_summaries(CHAIR)
    assert home.today == recs.today == date(2015, 7, 1)
    assert (home.overdue_total, home.by_brag) == (recs.overdue_total, recs.by_brag)
