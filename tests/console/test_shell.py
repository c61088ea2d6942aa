"""The console: the same commands as Slack, typed as any person, replies as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def console(tmp_path: Path, *lines: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/console.sqlite3"}
    env.pop("SLACK_APP_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "app.py", "console", "--demo"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_list_and_show_from_piped_input(tmp_path: Path) -> None:
    out = console(tmp_path, "/recs help", "/recs list H", "/recs show H-27")
    assert "/recs due REF DATE-OR-TIMESCALE [reason]" in out
    assert "1–36 of 36" in out
    for ref in ("H-1", "H-12", "H-27", "H-36"):
        assert f"*{ref}*" in out
    assert "[R]" in out and "[G]" in out and "[B]" in out  # BRAG shown
    show = out.split("/recs show H-27", 1)[1]
    assert "Pre-birth assessment practice procedures" in show
    assert "Children's Social Care" in show
    assert "History" in show


def test_owner_flow_from_update_to_done(tmp_path: Path) -> None:
    out = console(
        tmp_path,
        "/as @jo",
        "/recs update H-27 in-progress Audit booked",
        '/recs due H-27 "end of March 2015" audit moved',
        "/recs done H-27",
        "/recs evidence H-27 https://example.org/audit.pdf Audit report",
        "/recs done H-27",
        "/recs show H-27",
    )
    steps = out.split("recs> ")
    assert "needs at least one piece of evidence" in steps[4]
    assert "marked completed" in steps[6]
    history = steps[7]
    assert "Jo Turner: Audit booked" in history
    assert "31 Jan 2015 → 31 Mar 2015" in history and "audit moved" in history
    assert (
        "Jo Turner: evidence (recorded) on example.org: https://example.org/audit.pdf — Audit report"
        in history
    )
    assert "Jo Turner: status → completed" in history
    assert "*Status*: completed" in history


def test_a_member_who_owns_nothing_is_refused_every_write(tmp_path: Path) -> None:
    writes = [
        "/recs update H-27 in-progress x",
        "/recs note H-27 x",
        "/recs done H-27",
        "/recs due H-27 31/3/2015 x",
        "/recs evidence H-27 https://example.org/a.pdf",
        "/recs assign H-27 @jo",
        '/recs agency H-27 "Thames Valley Police"',
        "/recs signoff H-28",
        "/recs reject H-28 no",
        "/recs add H \"New\"",
    ]
    out = console(tmp_path, "/as @mo", *writes, "/recs show H-27")
    replies = out.split("recs> ")[2:-1]
    assert len(replies) == len(writes)
    for reply in replies:
        assert "can't" in reply or "Only" in reply, reply
    assert "Mo Ahmed" not in out.split("recs> ")[-1]  # nothing of his in H-27's history
