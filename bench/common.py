"""What the benchmarks share: where their databases live, seeding them once, the pinned clock."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.seed import SWEEP_AT, SeedResult, seed

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = SWEEP_AT  # every benchmark runs as if at the sweep moment, so BRAG and due sets hold


def now() -> datetime:
    return NOW


def workdir() -> Path:
    """Scratch space for SQLite files (BENCH_DIR, or a folder under the system temp)."""
    path = Path(os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "recs-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def pg_base() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or PG_DEFAULT


def pg_available() -> bool:
    try:
        engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # any failure to connect means: skip PostgreSQL
        return False


def _admin_url() -> str:
    url = make_url(pg_base())
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database="postgres").render_as_string(hide_password=False)


def fresh_database(kind: str, name: str) -> str:
    """An empty database called `name`: a SQLite file, or a PostgreSQL database dropped and
    created again."""
    if kind == "sqlite":
        path = workdir() / f"{name}.sqlite3"
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    db_name = f"recs_bench_{name}"
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    engine.dispose()
    return make_url(_admin_url()).set(database=db_name).render_as_string(hide_password=False)


def copy_database(kind: str, url: str, name: str) -> str:
    """A copy to write on, so one seeded database serves several benchmarks."""
    if kind == "sqlite":
        source = Path(make_url(url).database or "")
        with sqlite3.connect(source) as conn:  # fold the WAL in: the copy is the file alone
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        target = workdir() / f"{name}.sqlite3"
        for leftover in target.parent.glob(target.name + "*"):
            leftover.unlink()
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    db_name = f"recs_bench_{name}"
    source_name = make_url(url).database
    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}" TEMPLATE "{source_name}"'))
    engine.dispose()
    return make_url(_admin_url()).set(database=db_name).render_as_string(hide_password=False)


_SEEDED: dict[tuple[str, int, int | None, int], tuple[str, SeedResult]] = {}


def seeded(
    kind: str, n: int, *, due: int | None = None, big_review: int = 0
) -> tuple[str, SeedResult]:
    """A database of N recommendations, seeded once per run of the benchmarks."""
    key = (kind, n, due, big_review)
    if key in _SEEDED:
        return _SEEDED[key]
    name = f"{kind[:2]}_{n}_{due if due is not None else 'p'}_{big_review}"
    saved = workdir() / f"{name}.json"
    if os.environ.get("BENCH_REUSE") and saved.exists():
        # Development only: the database from an earlier run (it may hold that run's writes).
        url, fields = json.loads(saved.read_text())
        _SEEDED[key] = (url, SeedResult(**fields))
        say(f"  reusing {kind} N={n:,} from an earlier run")
        return _SEEDED[key]
    url = fresh_database(kind, name)
    result = seed(url, n, due=due, big_review=big_review)
    rows = sum(result.rows.values())
    say(f"  seeded {kind} N={n:,}: {rows:,} rows in {result.seconds:.1f} s")
    saved.write_text(json.dumps([url, dataclasses.asdict(result)]))
    SEED_TIMES.append({"database": kind, "n": n, "seconds": round(result.seconds, 1), "rows": rows})
    _SEEDED[key] = (url, result)
    return _SEEDED[key]


SEED_TIMES: list[dict[str, object]] = []  # for the results file: how long each seed took


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 300 samples is the 297th)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table, right-aligned numbers."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.rjust(w) if numeric[i] else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return str(value)
