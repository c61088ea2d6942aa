"""Ack latency over HTTP: `python app.py serve` on a seeded database against a bare bolt app.

    python -m bench.ack [--sizes 1000,10000,100000] [--requests 300] [--no-postgres]

Both servers run as separate processes (waitress, 8 threads), with the loopback fake Slack
(`python -m tests.support.fake_slack --no-record`) answering the Web API. This process signs
requests as Slack does (tests/support/driver.py) and sends them one after another, timing
each from send to response: `/recs`, `/recs list H mine`, `/recs show`, `/recs summary`,
a pagination click, a Show click and an evidence message. The bare app (bench/bare_app.py)
only acks, served the same way: its p99 on a slash command is the floor. A second bare app
answers when its listener returns, as recs does for commands, clicks and events (bolt's default polls
for the ack every 10 ms): its p99 is the "direct floor", shown beside the floor.

The summaries (a review's, every review of a board, a chair's `/recs`, and at N = 100,000 one
review of 10,000), `theme` and a `list` naming no review are measured too: recs acks them and
makes the answer after the ack, in the ack's place. Response URLs are served here (`Arrivals`),
so the next request waits for that list, and its arrival is timed from the send.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx

from bench import common
from bench.seed import SeedResult
from bot.views import ids
from tests.support.driver import SlackDriver

SECRET = "bench-signing-secret"
PYTHON = sys.executable
FLOOR = "/recs"  # the bare app's p99 on this request is the floor

Send = Callable[[SlackDriver], httpx.Response]


def requests_for(seed: SeedResult) -> list[tuple[str, Send]]:
    review, owner, ref = seed.review, seed.owner, seed.open_ref
    counter = iter(range(1, 10**9))

    def evidence(d: SlackDriver) -> httpx.Response:
        # On another recommendation than the one `show` displays: its history stays the seed's.
        link = f"https://example.org/evidence/{next(counter)}.pdf"
        return d.message(seed.admin, f"Evidence for {review}-2: {link}", channel=seed.channel)

    page_two = json.dumps({"command": f"list {review}", "page": 2})
    big_summary: list[tuple[str, Send]] = []
    if seed.big_review:
        big = seed.big_review
        big_summary.append(
            (f"/recs summary {big} (10,000)", lambda d: d.command(seed.chair, f"summary {big}"))
        )
    return [
        ("/recs", lambda d: d.command(owner, "")),
        (f"/recs list {review} mine", lambda d: d.command(owner, f"list {review} mine")),
        ("/recs show <ref>", lambda d: d.command(owner, f"show {ref}")),
        (f"/recs summary {review}", lambda d: d.command(owner, f"summary {review}")),
        ("click: next page", lambda d: d.click(owner, ids.LIST_PAGE + "_next", page_two)),
        ("click: Show", lambda d: d.click(owner, ids.SHOW, ref)),
        ("event: evidence message", evidence),
        # Issue 19: the summaries, made after the ack. Their ack, and the answer that
        # follows it (the next request waits for it). In the board's channel, `summary`
        # with no review is every review of the board: with the big review, ~10,700.
        ("/recs summary (every review of the board)", lambda d: d.command(seed.chair, "summary")),
        ("/recs by a chair (no text)", lambda d: d.command(seed.chair, "")),
        *big_summary,
        # The two lists that read across every review. Their ack, and the list that follows
        # it: the next request waits for the list.
        ('/recs theme "neglect"', lambda d: d.command(owner, 'theme "neglect"')),
        ("/recs list (all reviews)", lambda d: d.command(owner, "list")),
    ]


def follows(label: str) -> bool:
    """Whether recs answers this request after its ack (the answer takes the ack's place)."""
    return label.startswith(("/recs summary", "/recs by a chair", "/recs theme", "/recs list ("))


BIG_REVIEW = 10_000  # issue 19: one review of 10,000, in the national seed


class Arrivals:
    """Slack's response URLs, served in this process: when each answer posted after an ack
    arrived (on the benchmark's own clock), so a list made after its ack is timed too."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._changed = threading.Condition()
        arrivals = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with arrivals._changed:
                    arrivals._seen[self.path] = time.perf_counter()
                    arrivals._changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait(self, url: str, timeout: float = 30.0) -> float | None:
        """When the answer posted to `url` arrived, or None if it did not within `timeout`."""
        path = url.removeprefix(self.root)
        deadline = time.perf_counter() + timeout
        with self._changed:
            while path not in self._seen:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self._changed.wait(left)
            return self._seen.pop(path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class BenchDriver(SlackDriver):
    """The test driver, with response URLs served by `Arrivals` (never the internet)."""

    def __init__(self, url: str, arrivals: Arrivals, channel: str) -> None:
        super().__init__(url, SECRET, channel=channel, timeout=30.0)
        self.arrivals = arrivals

    def _new_response_url(self, kind: str) -> str:
        self.last_response_url = f"{self.arrivals.root}/response/{kind}-{next(self._sequence)}"
        return self.last_response_url


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def fake_slack() -> Iterator[str]:
    """The fake Slack Web API as its own process; yields its SLACK_API_URL."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "tests.support.fake_slack", "--port", "0", "--no-record"],
        cwd=common.REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("SLACK_API_URL="):
            raise RuntimeError(f"fake Slack did not start: {line!r}")
        yield line.split("=", 1)[1]
    finally:
        _stop(proc)


@contextmanager
def server(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """A server process; yields its events URL once /healthz answers."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, cwd=common.REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(proc, f"http://127.0.0.1:{port}/healthz", log)
            yield f"http://127.0.0.1:{port}/slack/events"
        finally:
            _stop(proc)


def _wait_healthy(proc: subprocess.Popen[Any], url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy in time: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    out: IO[str] | None = proc.stdout  # type: ignore[assignment]
    if out is not None:
        out.close()


def measure(
    drivers: dict[str, BenchDriver],
    send: Send,
    count: int,
    *,
    follows: bool = False,
    warm: int = 10,
) -> dict[str, dict[str, Any]]:
    """Sequential requests, alternating between the apps so that all meet the same
    background load (the machine is shared); per app, milliseconds from send to response.
    With `follows`, recs's answer comes after its ack (a list across every review): the next
    request waits for it, and the time from send to its arrival is kept as `answered`."""

    def one(app: str, driver: BenchDriver) -> tuple[int, float, float | None]:
        started = time.perf_counter()
        response = send(driver)
        acked = (time.perf_counter() - started) * 1000
        if not (follows and app == "recs" and driver.last_response_url):
            return response.status_code, acked, None
        arrived = driver.arrivals.wait(driver.last_response_url)
        return response.status_code, acked, None if arrived is None else (arrived - started) * 1000

    for _ in range(warm):
        for app, driver in drivers.items():
            one(app, driver)
    times: dict[str, list[float]] = {app: [] for app in drivers}
    answered: list[float] = []
    errors = dict.fromkeys(drivers, 0)
    for _ in range(count):
        for app, driver in drivers.items():
            status, acked, answer = one(app, driver)
            times[app].append(acked)
            errors[app] += status != 200
            if follows and app == "recs":
                if answer is None:
                    errors[app] += 1  # the list never came
                else:
                    answered.append(answer)
    found: dict[str, dict[str, Any]] = {app: _figures(times[app], errors[app]) for app in drivers}
    if answered:
        found["recs"]["answered"] = _figures(answered, 0)
    return found


def _figures(times: list[float], errors: int) -> dict[str, float]:
    return {
        "p50": common.percentile(times, 50),
        "p95": common.percentile(times, 95),
        "p99": common.percentile(times, 99),
        "max": max(times),
        "errors": errors,
        "n": len(times),
    }


def run_one(kind: str, n: int, count: int, api_url: str) -> dict[str, Any]:
    """recs and the bare app on one seeded database; the figures per request."""
    big = BIG_REVIEW if n >= 100_000 else 0
    url, seed = common.seeded(kind, n, due=None if n < 10_000 else 100, big_review=big)
    env = {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "RECS_CLOCK": common.NOW.isoformat(),
        "RECS_LOG_LEVEL": "WARNING",
    }
    figures: dict[str, Any] = {"recs": {}, "bare": {}, "bare_direct": {}}
    logs = common.workdir()
    recs_port, bare_port, direct_port = free_port(), free_port(), free_port()
    recs_cmd = [PYTHON, "app.py", "serve", "--host", "127.0.0.1", "--threads", "8"]
    bare_cmd = [PYTHON, "-m", "bench.bare_app"]
    direct_env = {**env, "PORT": str(direct_port), "BARE_ANSWER_ON_RETURN": "1"}
    with (
        server(recs_cmd, {**env, "PORT": str(recs_port)}, recs_port, logs / "serve.log") as recs,
        server(bare_cmd, {**env, "PORT": str(bare_port)}, bare_port, logs / "bare.log") as bare,
        server(bare_cmd, direct_env, direct_port, logs / "bare-direct.log") as direct,
    ):
        arrivals = Arrivals()
        drivers: dict[str, BenchDriver] = {
            "bare": BenchDriver(bare, arrivals, seed.channel),
            "bare_direct": BenchDriver(direct, arrivals, seed.channel),
            "recs": BenchDriver(recs, arrivals, seed.channel),
        }
        for label, send in requests_for(seed):
            answered_later = follows(label)
            for app, found in measure(drivers, send, count, follows=answered_later).items():
                figures[app][label] = found
        for driver in drivers.values():
            driver.close()
        arrivals.close()
    floor = figures["bare"][FLOOR]["p99"]
    direct = figures["bare_direct"][FLOOR]["p99"]
    for row in figures["recs"].values():
        row["ratio_to_floor_p99"] = row["p99"] / floor if floor else float("nan")
        row["ratio_to_direct_floor_p99"] = row["p99"] / direct if direct else float("nan")
    figures["floor_p99"] = floor
    figures["direct_floor_p99"] = direct
    return figures


def run(
    kinds: Sequence[str], sizes: Sequence[int], count: int
) -> dict[str, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with fake_slack() as api_url:
        for kind in kinds:
            for n in sizes:
                common.say(f"ack: {kind} N={n:,}, {count} requests each")
                figures = run_one(kind, n, count, api_url)
                results.setdefault(kind, {})[str(n)] = figures
                print_table(kind, n, figures)
    return results


def print_table(kind: str, n: int, figures: dict[str, Any]) -> None:
    rows = []
    for label, row in figures["recs"].items():
        bare = figures["bare"][label]
        rows.append(
            [
                label,
                row["p50"],
                row["p95"],
                row["p99"],
                row["ratio_to_floor_p99"],
                row["ratio_to_direct_floor_p99"],
                bare["p99"],
                row["errors"],
            ]
        )
    print(
        f"\nAck latency (ms), {kind}, N={n:,}; floor (bare bolt p99 on /recs) "
        f"{figures['floor_p99']:.1f} ms; direct floor (answering on return) "
        f"{figures['direct_floor_p99']:.1f} ms"
    )
    headers = ["request", "p50", "p95", "p99", "p99/floor", "p99/direct", "bare p99", "errors"]
    print(common.table(headers, rows))
    follows = [(k, v["answered"]) for k, v in figures["recs"].items() if "answered" in v]
    if follows:
        print("\nThe list that follows the ack (ms from send to its arrival), " + kind)
        print(
            common.table(
                ["request", "p50", "p95", "p99"],
                [[k, a["p50"], a["p95"], a["p99"]] for k, a in follows],
            )
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ack latency against the bare bolt floor")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite"]
    if not args.no_postgres and common.pg_available():
        kinds.append("postgresql")
    sizes = [int(s) for s in args.sizes.split(",")]
    run(kinds, sizes, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
