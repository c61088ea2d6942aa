"""Starts `python app.py serve` in a subprocess against a fake Slack, for end-to-end tests.

The process is the real production entry point: waitress, bolt's WSGI adapter, the real
database URL. Tests talk to it only over HTTP (SlackDriver) and read the database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import SQLModel

from storage.db import Database
from tests.conftest import DEMO_TIME, REPO

SIGNING_SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-test"
DEMO_CLOCK = DEMO_TIME.isoformat()
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.root}/slack/events"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def serve(
    database_url: str, slack_api_url: str, log_dir: Path, *, name: str = "serve", **env: str
) -> Iterator[ServeProcess]:
    port = free_port()
    log_path = log_dir / f"{name}-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "PORT": str(port),
        "RECS_CLOCK": DEMO_CLOCK,
        "RECS_LOG_LEVEL": "INFO",
        **env,
    }
    environment.pop("SLACK_APP_TOKEN", None)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "app.py", "serve", "--host", "127.0.0.1", "--threads", "8"],
            cwd=REPO,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = ServeProcess(process, port, log_path)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_healthy(server: ServeProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"serve exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.root}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"serve did not become healthy:\n{server.log()}")


BOOKKEEPING = {"seen_request"}


def fingerprint(db: Database) -> dict[str, int]:
    """Row counts of every table: a bad input must leave them all unchanged."""
    import storage.models  # noqa: F401 - registers the tables
    with db.engine.connect() as connection:
        return {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in SQLModel.metadata.sorted_tables
            # Request signatures kept against replays (storage/replay.py) are bookkeeping.
            if table.name not in BOOKKEEPING
        }
