"""Serves a WSGI app (e.g. bolt's `slack_bolt.adapter.wsgi.SlackRequestHandler`) with waitress
on a free loopback port in a background thread, for in-process end-to-end tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

LOOP_TIMEOUT = 0.05


@contextmanager
def serving(wsgi_app: Any, path: str = "/slack/events", threads: int = 4) -> Iterator[str]:
    """Yields the URL of `path` on a waitress server running `wsgi_app`; stops it on exit."""
    server: Any = create_server(wsgi_app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()
    thread = threading.Thread(target=_run, args=(server, stopping), name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}{path}"
    finally:
        stopping.set()
        thread.join(timeout=5)


def _run(server: Any, stopping: threading.Event) -> None:
    """waitress's own loop, one poll at a time, so sockets are closed on this thread only:
    closing them from another thread while it sits in select() fails with EBADF."""
    try:
        while not stopping.is_set():
            wasyncore.loop(timeout=LOOP_TIMEOUT, map=server._map, count=1)
    finally:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map, ignore_all=True)
