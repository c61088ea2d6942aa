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


def test_time_moves_to_that_days_sending_time_and_sends_what_is_due(tmp_path: Path) -> None:
    """README's `/time 2015-03-09` fired nothing: it moved to 09:00, and reminders go at 09:30."""
    out = console(tmp_path, "/time 2015-03-09")
    moved = out.split("/time 2015-03-09", 1)[1]
    assert "The clock is now Monday 09 March 2015 09:30 UTC." in moved
    assert "🔔 DM to U0JOTURNER" in moved and "H-27" in moved
    assert "🔔 post in C0BOARD01" in moved  # the escalations, one post


def test_the_owners_story_end_to_end_reminder_reply_confirm_evidence(tmp_path: Path) -> None:
    out = console(
        tmp_path,
        "/as @jo",
        "/time 2015-03-09",
        "/reply H-27 Delayed to 31/3/2015: the audit moved to March",
        "/confirm",
        "/post #board Evidence for H-27: https://example.org/audit.pdf",
        "/reply H-27 done",
        "/confirm",
        "/recs show H-27",
    )
    steps = out.split("recs> ")
    assert "🔔 DM to U0JOTURNER" in steps[2]
    assert "Move H-27's due date to 2015-03-31?" in steps[3] and "/confirm" in steps[3]
    assert "H-27 is now due 31 March 2015." in steps[4]
    assert "posted in #C0BOARD01 as Jo Turner" in steps[5]
    assert "Recorded as evidence" in steps[5] and "https://example.org/audit.pdf" in steps[5]
    assert "Mark H-27 completed?" in steps[6]
    assert "H-27 is marked completed" in steps[7]
    history = steps[8]
    assert "Jo Turner: status → completed" in history
    assert "31 Jan 2015 → 31 Mar 2015" in history
    assert "evidence (recorded) on example.org: https://example.org/audit.pdf" in history


def test_a_reply_names_its_reminder_and_a_post_its_channel_or_is_told_how(tmp_path: Path) -> None:
    out = console(
        tmp_path,
        "/as @jo",
        "/reply H-27 audit booked",  # nothing has been sent yet
        "/reply H-27",
        "/confirm",
        "/post Evidence for H-27: https://example.org/a.pdf",
        "/post #random Evidence for H-27: https://example.org/a.pdf",
        "/recs show H-27",
    )
    steps = out.split("recs> ")
    assert "No reminder about H-27 has been sent yet" in steps[2] and "/recs remind H-27" in steps[2]
    assert "e.g. /reply H-27" in steps[3]
    assert "nothing to confirm" in steps[4]
    assert "e.g. /post #board" in steps[5]
    assert "not a board's channel" in steps[6]
    assert "example.org/a.pdf" not in steps[7]  # nothing was recorded


def test_recs_remind_in_the_console_goes_through_the_ledger_so_a_reply_finds_it(
    tmp_path: Path,
) -> None:
    out = console(tmp_path, "/as @jo", "/recs remind H-28", "/reply H-28 Re-audit booked for May")
    steps = out.split("recs> ")
    assert "🔔 DM to U0JOTURNER" in steps[2]
    assert "Recorded as an update on H-28." in steps[3]


def test_the_readmes_console_walk_through_works_as_written(tmp_path: Path) -> None:
    """The README's "Try it" lines, in order, as a person would type them."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("```text\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]
    typed = [line.removeprefix("recs> ") for line in lines]
    out = console(tmp_path, *typed)
    steps = out.split("recs> ")[1:]
    assert len(steps) == len(typed)
    said = dict(zip(typed, steps, strict=True))
    assert "🔔 DM to U0JOTURNER" in said["/time 2015-03-09"]
    assert "Move H-29's due date to 2015-04-30?" in said["/reply H-29 delayed to 30/4/2015"]
    assert "H-29 is now due 30 April 2015." in said["/confirm"]
    assert "Recorded as evidence" in next(v for k, v in said.items() if k.startswith("/post"))
