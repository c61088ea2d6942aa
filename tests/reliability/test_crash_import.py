"""A process killed in the middle of an import leaves all of the plan or none of it."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from storage.db import Database
from storage.models import AuditLog, Recommendation
from tests.conftest import REPO

ROWS = 500


def big_plan(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["No", "Recommendation", "Agency", "Timescale", "Progress", "Progress date"]
        )
        for n in range(1, ROWS + 1):
            writer.writerow(
                [
                    n,
                    f"Recommendation {n}: agencies should review how information about unborn "
                    "children is shared at pre-birth conferences",
                    f"Agency {n % 9}",
                    "end of March 2015",
                    f"Progress note {n}",
                    "31/10/2014",
                ]
            )
    return path


def recommendation_count(url: str) -> int:
    db = Database(url)
    with db.unit_of_work(write=False) as uow:
        n = uow.session.exec(select(func.count()).select_from(Recommendation)).one()
    db.dispose()
    return n


@pytest.mark.parametrize("delay", [1.5, 4.0])
def test_sigkill_during_import_leaves_all_or_none(
    tmp_path: Path, database_url: str, delay: float
) -> None:
    plan = big_plan(tmp_path / "plan.csv")
    env = {**os.environ, "DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "app.py", "import", str(plan), "--review", "K"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert recommendation_count(database_url) in (0, ROWS)
    # The database is usable afterwards: importing again completes the plan.
    subprocess.run(
        [sys.executable, "app.py", "import", str(plan), "--review", "K"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert recommendation_count(database_url) == ROWS
    db = Database(database_url)
    with db.unit_of_work(write=False) as uow:
        assert uow.session.exec(select(func.count()).select_from(AuditLog)).one() > ROWS
    db.dispose()
