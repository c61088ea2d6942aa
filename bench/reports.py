"""The board papers for one review of 500 recommendations: XLSX and DOCX (and CSV).

    python -m bench.reports [--size 500] [--n 1000]

Two figures per format: `python app.py export` end to end as a process (start-up, imports
and the database included), and `bot.reports.issue.produce` called in this process, the
work the bot does after acking `/recs report`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import common
from bench.ack import PYTHON
from storage.db import Database

FORMATS = ("xlsx", "docx", "csv")


def run(kinds: Sequence[str] = ("sqlite",), size: int = 500, n: int = 1000) -> dict[str, Any]:
    from bot.reports.issue import produce

    results: dict[str, Any] = {}
    for kind in kinds:
        url, seed = common.seeded(kind, n, big_review=size)
        code = seed.big_review or seed.review
        rows = []
        for fmt in FORMATS:
            with tempfile.TemporaryDirectory() as scratch:
                target = Path(scratch) / f"paper.{fmt}"
                args = [PYTHON, "app.py", "export", "--review", code, "--format", fmt]
                started = time.perf_counter()
                done = subprocess.run(
                    [*args, "-o", str(target)],
                    cwd=common.REPO,
                    env={**os.environ, "DATABASE_URL": url, "RECS_LOG_LEVEL": "WARNING"},
                    capture_output=True,
                    text=True,
                )
                process_seconds = time.perf_counter() - started
                size_bytes = target.stat().st_size if target.exists() else 0
                if done.returncode:
                    common.say(f"  export {fmt} failed: {done.stderr[-800:]}")
            db = Database(url, clock=common.now)
            with db.unit_of_work(write=False) as uow:
                produce(uow.session, code, fmt, None, uow.now)  # warm: imports, fonts, caches
                started = time.perf_counter()
                produce(uow.session, code, fmt, None, uow.now)
                call_seconds = time.perf_counter() - started
            db.dispose()
            rows.append(
                {
                    "format": fmt,
                    "recommendations": size,
                    "process_seconds": process_seconds,
                    "produce_seconds": call_seconds,
                    "bytes": size_bytes,
                    "ok": done.returncode == 0,
                }
            )
        results[kind] = rows
        print(f"\nBoard papers for one review of {size} recommendations ({kind}, N={n:,})")
        print(
            common.table(
                ["format", "export process s", "produce() s", "bytes"],
                [
                    [r["format"], r["process_seconds"], r["produce_seconds"], r["bytes"]]
                    for r in rows
                ],
            )
        )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="XLSX, DOCX and CSV for one big review")
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite"] + (["postgresql"] if args.postgres and common.pg_available() else [])
    run(kinds, args.size, args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
