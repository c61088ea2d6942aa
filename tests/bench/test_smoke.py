"""The benchmarks' machinery stays working: a tiny seed the app accepts, and statement counts
that do not grow with N. (Timings belong to `make bench`; nothing here measures time.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bench import queries
from bench.seed import SWEEP_AT, SeedResult, seed
from bot.commands.dispatch import CommandRunner
from bot.reminders.sweep import Sweeper
from bot.rules.permissions import Actor
from console.notifier import ConsoleNotifier
from storage.db import Database
from storage.models import Recommendation, Review

pytestmark = pytest.mark.xdist_group("bench")


def _seeded(tmp_path: Path, n: int, due: int) -> tuple[str, SeedResult]:
    url = f"sqlite:///{tmp_path / f'bench-{n}.sqlite3'}"
    return url, seed(url, n, due=due, audit=False)


def test_seed_makes_n_recommendations_whose_refs_and_counters_the_app_accepts(
    tmp_path: Path,
) -> None:
    url, result = _seeded(tmp_path, 200, due=2)
    db = Database(url, clock=lambda: SWEEP_AT)
    with db.unit_of_work(write=False) as uow:
        assert uow.session.exec(select(func.count()).select_from(Recommendation)).one() == 200
        review = uow.session.exec(select(Review).where(Review.code == result.review)).one()
        highest = uow.session.exec(
            select(func.max(col(Recommendation.number))).where(
                Recommendation.review_id == review.id
            )
        ).one()
        assert review.next_number == highest + 1
    runner = CommandRunner(db)
    owner = Actor(result.owner, "Owner")
    assert runner.run(owner, f"show {result.open_ref}").ok
    assert runner.run(owner, f"list {result.review} mine").ok
    assert runner.run(Actor(result.admin, "Admin"), f"note {result.open_ref} Seeded fine").ok
    db.dispose()


def test_sweep_on_the_seed_sends_exactly_the_reminders_seeded_as_due(tmp_path: Path) -> None:
    url, _ = _seeded(tmp_path, 300, due=3)
    db = Database(url, clock=lambda: SWEEP_AT)
    swept = Sweeper(db, ConsoleNotifier()).sweep(SWEEP_AT)
    assert len(swept.sent) == 3
    assert swept.already_sent > 0  # the overdue ones' reminders, seeded as sent before
    db.dispose()


def test_statement_counts_do_not_grow_with_the_number_of_recommendations(
    tmp_path: Path,
) -> None:
    small_url, small = _seeded(tmp_path, 60, due=2)
    large_url, large = _seeded(tmp_path, 600, due=2)
    counts_small = queries.count(small_url, small)
    counts_large = queries.count(large_url, large)
    differing = {
        label: (counts_small[label][0], counts_large[label][0])
        for label in counts_small
        if counts_small[label][0] != counts_large[label][0]
    }
    assert differing == {}
    failed = {k: v[1] for k, v in counts_large.items() if v[1].startswith("error")}
    assert failed == {}


def test_a_chairs_own_summary_counts_only_their_boards_recommendations(tmp_path: Path) -> None:
    url, result = _seeded(tmp_path, 1400, due=2)  # two boards
    db = Database(url, clock=lambda: SWEEP_AT)
    reply = CommandRunner(db).run(Actor(result.chair, "Chair"), "").settled()
    with db.unit_of_work(write=False) as uow:
        board_one = uow.session.exec(
            select(func.count())
            .select_from(Recommendation)
            .join(Review, col(Review.id) == Recommendation.review_id)
            .where(Review.board_id == 1)
        ).one()
    assert 0 < board_one < 1400
    assert reply.ok and reply.text.endswith(f": {board_one} recommendations")
    db.dispose()


def test_a_sample_draws_the_asked_number_of_completed_recommendations(tmp_path: Path) -> None:
    url, result = _seeded(tmp_path, 300, due=1)
    db = Database(url, clock=lambda: SWEEP_AT)
    reply = CommandRunner(db).run(Actor(result.chair, "Chair"), "sample 4")
    assert reply.ok and reply.text.startswith("Sample of 4 completed")
    db.dispose()
