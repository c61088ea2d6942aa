"""`python -m bench` (`make bench`): every benchmark, a table, and bench/results/latest.json.

    python -m bench            # the full run: N up to 100,000 on SQLite and PostgreSQL
    python -m bench --quick    # N = 1,000 and few requests, to try the machinery
    python -m bench --only fidelity   # the report-text import against each review's ground truth

Benchmarks print figures; they assert nothing about time. PostgreSQL runs when a server
answers at BENCH_DATABASE_URL, TEST_DATABASE_URL or postgres@127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench import ack, common, import_fidelity, queries, reports, sweep


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": os.getloadavg(),
    }


def verdicts(results: dict[str, Any]) -> list[list[str]]:
    """Each acceptance target beside what this run measured."""
    return _ack_verdicts(results) + _other_verdicts(results)


def _ack_verdicts(results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for kind, sizes in results.get("ack", {}).items():
        largest = max(sizes, key=int)
        figures = sizes[largest]["recs"]
        # Every ack is in the targets: those answered later included (their ack is quick).
        worst = max(figures.items(), key=lambda kv: kv[1]["p99"])
        ratio = max(r["ratio_to_floor_p99"] for r in figures.values())
        direct = max(r.get("ratio_to_direct_floor_p99", 0.0) for r in figures.values())
        rows.append(
            [
                f"ack p99 ≤ 100 ms, ≤ 3× floor ({kind}, N={int(largest):,})",
                f"worst p99 {worst[1]['p99']:.1f} ms ({worst[0]}); worst ratio {ratio:.2f}× "
                f"(to the direct floor {direct:.2f}×)",
            ]
        )
        summaries = [
            f"{k}: answer p99 {v['answered']['p99']:.1f} ms"
            for k, v in figures.items()
            if "answered" in v and k.startswith(("/recs summary", "/recs by"))
        ]
        if summaries:
            rows.append([f"summary answered ≤ 300 ms ({kind})", "; ".join(summaries)])
        across = [
            f"{k} ack p99 {figures[k]['p99']:.1f} ms, list p99 "
            f"{figures[k].get('answered', {}).get('p99', float('nan')):.1f} ms"
            for k in ("/recs theme \"neglect\"", "/recs list (all reviews)")
            if k in figures
        ]
        if across:
            rows.append([f"  beyond the targets: across all reviews ({kind})", "; ".join(across)])
    return rows


def _other_verdicts(results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for kind, runs in results.get("sweep", {}).items():
        big, small = runs[-1], runs[0]
        rows.append(
            [
                f"sweep ≤ 1.5× time, O(due) rows, RSS < 300 MB ({kind})",
                f"{big['time_vs_smallest']:.2f}× at N={big['n']:,}; rows {small['rows_read']} → "
                f"{big['rows_read']}; peak {big['peak_rss_mb']:.0f} MB",
            ]
        )
    for kind, found in results.get("queries", {}).items():
        differing = [k for k, v in found["counts"].items() if v["small"] != v["large"]]
        rows.append(
            [
                f"same statements at N={found['small']:,} and {found['large']:,} ({kind})",
                "all equal" if not differing else "differ: " + ", ".join(differing),
            ]
        )
    fidelity = results.get("fidelity")
    if fidelity:
        expected = sum(v["expected"] for v in fidelity.values())
        right = sum(v["right"] for v in fidelity.values())
        worst = min(fidelity.items(), key=lambda kv: kv[1]["right"] / max(kv[1]["expected"], 1))
        invented = sum(v["invented"] for v in fidelity.values())
        rows.append(
            [
                "report-text import: ≥ 95% right per review, nothing invented",
                f"{right}/{expected} right; worst {worst[0]} {worst[1]['right']}/"
                f"{worst[1]['expected']}; {invented} invented",
            ]
        )
    for kind, papers in results.get("reports", {}).items():
        text = "; ".join(
            f"{p['format']} {p['produce_seconds']:.2f} s (process {p['process_seconds']:.1f} s)"
            for p in papers
            if p["format"] != "csv"
        )
        rows.append([f"XLSX and DOCX for 500 recommendations < 3 s ({kind})", text])
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="recs benchmarks")
    parser.add_argument("--quick", action="store_true", help="N = 1,000, few requests")
    parser.add_argument("--requests", type=int, help="requests per command (default 300)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--only",
        help="comma-separated subset: queries,ack,sweep,reports,fidelity (default all)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    kinds = ["sqlite"]
    if not args.no_postgres and common.pg_available():
        kinds.append("postgresql")
    wanted = set((args.only or "queries,ack,sweep,reports,fidelity").split(","))
    if args.quick:
        sizes, large, requests, sweep_sizes, due = [1000], 1000, 30, [1000, 2000], 10
    else:
        sizes, large, requests, sweep_sizes, due = [1000, 10_000, 100_000], 100_000, 300, None, 100
    requests = args.requests or requests
    started = time.perf_counter()
    out = common.RESULTS / ("quick.json" if args.quick else "latest.json")
    results: dict[str, Any] = {}
    if args.only and out.exists():
        # A partial run updates its parts of the last results and keeps the rest.
        results = json.loads(out.read_text())
    results.update(
        {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "quick": args.quick,
        }
    )
    if "queries" in wanted:
        results["queries"] = queries.run(kinds, 100, large)
    if "ack" in wanted:
        results["ack"] = ack.run(kinds, sizes, requests)
    if "sweep" in wanted:
        results["sweep"] = sweep.run(kinds, sweep_sizes or [10_000, 100_000], due)
    if "reports" in wanted:
        results["reports"] = reports.run(["sqlite"])
    if "fidelity" in wanted:
        results["fidelity"] = import_fidelity.run()
    results["seeding"] = (results.get("seeding", []) if args.only else []) + common.SEED_TIMES
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["verdicts"] = verdicts(results)
    print_summary(results)
    common.RESULTS.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwrote {out.relative_to(common.REPO)} ({results['seconds']:.0f} s)")
    return 0


def print_summary(results: dict[str, Any]) -> None:
    print("\nAcceptance targets and this run's figures")
    print(common.table(["target", "measured"], results["verdicts"]))
    if common.SEED_TIMES:
        print("\nSeeding (bulk inserts)")
        print(
            common.table(
                ["database", "N", "rows", "seconds"],
                [
                    [s["database"], f"{s['n']:,}", s["rows"], s["seconds"]]
                    for s in common.SEED_TIMES
                ],
            )
        )


if __name__ == "__main__":
    sys.exit(main())
