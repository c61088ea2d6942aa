"""The reminder sweep at 10,000 and 100,000 recommendations with the same number due.

    python -m bench.sweep [--sizes 10000,100000] [--due 100] [--no-postgres]

Runs `python app.py remind --once --at <the sweep moment>` as a child process against the
fake Slack, on a copy of the seeded database (a sweep writes the ledger). Reports the wall
time, what the sweep says it sent, the statements and rows the process read (RECS_COUNT_ROWS=1
makes storage/db.py count every row the driver returns and print it at exit) and the child's
own peak RSS (VmHWM from /proc, read until it exits).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from bench import common
from bench.ack import PYTHON, fake_slack

COUNT_RE = re.compile(r"recs-count: statements=(\d+) rows=(\d+)")
SENT_RE = re.compile(r"(\d+) sent, (\d+) failed")


def high_water_kb(pid: int) -> int:
    """The process's peak resident set so far (VmHWM), 0 once it has gone. Not wait4's
    ru_maxrss: that counts the pages the child shared with this (large) process at fork."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def run_once(kind: str, n: int, due: int, api_url: str) -> dict[str, Any]:
    url, seed = common.seeded(kind, n, due=due)
    work = common.copy_database(kind, url, f"{kind[:2]}_sweep_{n}")
    env = {
        **os.environ,
        "DATABASE_URL": work,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": api_url,
        "RECS_COUNT_ROWS": "1",
        "RECS_LOG_LEVEL": "WARNING",
    }
    args = [PYTHON, "app.py", "remind", "--once", "--at", common.NOW.isoformat()]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=common.REPO, env=env, stdout=out, stderr=err)
        peak_kb = 0
        while proc.poll() is None:
            peak_kb = max(peak_kb, high_water_kb(proc.pid))
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    counted = COUNT_RE.search(stderr)
    sent = SENT_RE.search(stdout)
    if proc.returncode not in (0, 1) or not counted:
        common.say(f"  remind failed ({proc.returncode}): {stdout[-500:]} {stderr[-1500:]}")
    return {
        "n": n,
        "due": seed.due,
        "seconds": seconds,
        "sent": int(sent.group(1)) if sent else None,
        "failed": int(sent.group(2)) if sent else None,
        "statements": int(counted.group(1)) if counted else None,
        "rows_read": int(counted.group(2)) if counted else None,
        "peak_rss_mb": peak_kb / 1024,
        "summary": stdout.strip().splitlines()[-1] if stdout.strip() else "",
    }


def run(kinds: Sequence[str], sizes: Sequence[int], due: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with fake_slack() as api_url:
        for kind in kinds:
            rows = [run_once(kind, n, due, api_url) for n in sizes]
            base = rows[0]["seconds"]
            for row in rows:
                row["time_vs_smallest"] = row["seconds"] / base if base else float("nan")
            results[kind] = rows
            print(f"\nReminder sweep (`remind --once`), {kind}, {due} due")
            print(
                common.table(
                    [
                        "N",
                        "due",
                        "sent",
                        "seconds",
                        "× smallest",
                        "statements",
                        "rows read",
                        "peak RSS MB",
                    ],
                    [
                        [
                            f"{r['n']:,}",
                            r["due"],
                            r["sent"],
                            r["seconds"],
                            r["time_vs_smallest"],
                            r["statements"],
                            r["rows_read"],
                            r["peak_rss_mb"],
                        ]
                        for r in rows
                    ],
                )
            )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the reminder sweep at two sizes, same due")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite"]
    if not args.no_postgres and common.pg_available():
        kinds.append("postgresql")
    run(kinds, [int(s) for s in args.sizes.split(",")], args.due)
    return 0


if __name__ == "__main__":
    sys.exit(main())
