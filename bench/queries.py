"""SQL statements per /recs command and per view, at a small N and at national scale.

    python -m bench.queries [--small 100] [--large 100000] [--postgres]

Each command runs through `CommandRunner.run` (what Slack and the console call) as the
seeded owner, chair or admin; a list across every review is counted with what it reads
after the ack. App Home, an evidence message and a reminder sweep run through their own
bot functions. A `before_cursor_execute` listener counts statements.
The count must not grow with N: a difference is an N+1 (a query per row).
Both databases are seeded with the same number due, so the sweep's counts compare too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from bench import common
from bench.seed import SeedResult
from bot.commands.dispatch import CommandRunner
from bot.rules.permissions import Actor
from storage.db import Database

DUE = 3  # reminders due at both sizes: the sweep's counts compare only with the same work


@dataclass(frozen=True)
class Step:
    label: str
    who: str  # owner, chair, admin or member of the seed
    text: str  # a /recs command; `@home` and friends name the non-command views


def steps(seed: SeedResult) -> list[Step]:
    """Reads first, then writes (each on refs that exist at every N: H-1..H-3 are open)."""
    other = seed.owner.replace("A1P1", "A2P1")
    return [
        Step("/recs (owner)", "owner", ""),
        Step("/recs (chair)", "chair", ""),
        Step("help", "owner", "help"),
        Step("list H", "owner", f"list {seed.review}"),
        Step("list H mine", "owner", f"list {seed.review} mine"),
        Step("list H rag:red", "owner", f"list {seed.review} rag:red"),
        Step("list H page 2", "owner", f"list {seed.review} page:2"),
        Step("list overdue mine", "owner", "list overdue mine"),
        Step("show", "owner", f"show {seed.open_ref}"),
        Step("summary H", "owner", f"summary {seed.review}"),
        Step("theme", "owner", 'theme "neglect"'),
        Step("list (all reviews)", "owner", "list"),
        Step("sample 3", "chair", "sample 3"),
        Step("App Home (owner)", "owner", "@home"),
        Step("App Home (chair)", "chair", "@home"),
        Step("note", "admin", f"note {seed.review}-1 Bench note"),
        Step("update at-risk", "admin", f"update {seed.review}-2 at-risk Staff shortages"),
        Step("due", "admin", f"due {seed.review}-2 31/12/2026 Waiting for the re-audit"),
        Step("evidence", "admin", f"evidence {seed.review}-3 https://example.org/a.pdf Audit"),
        Step("evidence message", "admin", "@evidence"),
        Step("done", "admin", f"done {seed.review}-3 https://example.org/b.pdf Finished"),
        Step("signoff", "chair", f"signoff {seed.review}-3"),
        Step("assign", "admin", f"assign {seed.review}-1 <@{other}>"),
        Step("agency", "admin", f'agency {seed.review}-1 "Education Services"'),
        Step("away", "owner", "away until 20/4/2026"),
        Step("back", "owner", "back"),
        Step("remind", "admin", f"remind {seed.review}-1"),
        Step("reminder sweep", "admin", "@sweep"),
    ]


class StatementCounter:
    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[Callable[[], int]]:
        start = self.count
        yield lambda: self.count - start


def actors(seed: SeedResult) -> dict[str, Actor]:
    return {
        "owner": Actor(seed.owner, "Bench Owner"),
        "chair": Actor(seed.chair, "Bench Chair"),
        "admin": Actor(seed.admin, "Bench Admin"),
        "member": Actor(seed.member, "Bench Member"),
    }


def run_view(name: str, db: Database, actor: Actor, seed: SeedResult) -> str:
    """The views that are not a /recs command, through the bot functions their handlers call."""
    if name == "@home":
        from bot.services.home import home_page
        from bot.views.home import home_view

        with db.unit_of_work(write=False) as uow:
            page = home_page(uow.session, actor, db.clock())
        home_view(page, db.clock().date())
        return "ok"
    if name == "@evidence":
        from bot.services import evidence

        message = evidence.ChannelMessage(
            channel_id=seed.channel,
            user_id=actor.user_id,
            ts="1772445600.000100",
            text=f"Evidence for {seed.review}-2: https://example.org/minutes.pdf",
        )
        with db.unit_of_work() as uow:
            outcome = evidence.record_message_evidence(uow, actor, message)
            uow.commit()
        return f"{len(outcome.evidence_ids)} recorded"
    if name == "@sweep":
        from bot.reminders.sweep import Sweeper
        from console.notifier import ConsoleNotifier

        result = Sweeper(db, ConsoleNotifier()).sweep(common.now())
        return f"{len(result.sent)} sent"
    raise ValueError(name)


def count(url: str, seed: SeedResult) -> dict[str, tuple[int, str, float]]:
    """Statements per step, a word on the outcome (so a failing step shows), and the
    milliseconds it took in this process (one run: a hint, not a measurement)."""
    db = Database(url, clock=common.now)
    runner = CommandRunner(db)
    counter = StatementCounter(db)
    people = actors(seed)
    runner.run(people["owner"], "help")  # warm: the first use reflects nothing, but be fair
    found: dict[str, tuple[int, str, float]] = {}
    for step in steps(seed):
        actor = people[step.who]
        started = time.perf_counter()
        with counter.counting() as statements:
            try:
                if step.text.startswith("@"):
                    outcome = run_view(step.text, db, actor, seed)
                else:
                    reply = runner.run(actor, step.text, channel_id=seed.channel)
                    if reply.later is not None and reply.placeholder:
                        reply = reply.later()  # a list across every review: after the ack
                    outcome = "ok" if reply.ok else "refused: " + reply.text[:60]
            except Exception as exc:  # a benchmark reports, it does not stop
                outcome = f"error: {type(exc).__name__}: {exc}"[:80]
        found[step.label] = (statements(), outcome, (time.perf_counter() - started) * 1000)
    db.dispose()
    return found


def run(
    kinds: Sequence[str] = ("sqlite",), small: int = 100, large: int = 100_000
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for kind in kinds:
        counts = {}
        for n in (small, large):
            url, seed = common.seeded(kind, n, due=DUE)
            work = common.copy_database(kind, url, f"{kind[:2]}_queries_{n}")
            counts[n] = count(work, seed)
        labels = list(counts[small])
        rows = []
        for label in labels:
            a, b = counts[small][label][0], counts[large][label][0]
            note, ms = counts[large][label][1], counts[large][label][2]
            rows.append([label, a, b, "same" if a == b else "DIFFERENT", ms, note])
        print(f"\nSQL statements per command, {kind}: N={small:,} vs N={large:,}")
        headers = ["command", f"N={small:,}", f"N={large:,}", "", f"ms at N={large:,}", "outcome"]
        print(common.table(headers, rows))
        results[kind] = {
            "small": small,
            "large": large,
            "counts": {
                label: {
                    "small": counts[small][label][0],
                    "large": counts[large][label][0],
                    "outcome": counts[large][label][1],
                    "ms_large": round(counts[large][label][2], 1),
                }
                for label in labels
            },
            "all_equal": all(r[1] == r[2] for r in rows),
        }
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQL statements per command, small N vs large N")
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL as well as SQLite")
    args = parser.parse_args(argv)
    kinds = ["sqlite"] + (["postgresql"] if args.postgres and common.pg_available() else [])
    results = run(kinds, args.small, args.large)
    print(json.dumps({k: v["all_equal"] for k, v in results.items()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
