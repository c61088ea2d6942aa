"""bot/rules/merge.py: when a re-imported plan may change a field recs holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rules.merge import FileDate, Outcome, Why, decide, not_before

IMPORTED_AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
LIVE = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)  # Jo marked it done in Slack
DATED_BEFORE = FileDate(date(2014, 10, 31), IMPORTED_AT)  # "Progress at 31.10.14"
DATED_AFTER = FileDate(date(2026, 12, 3), IMPORTED_AT)
UNDATED = FileDate(None, IMPORTED_AT)  # dated by the import itself


@pytest.mark.parametrize(
    ("differs", "file_changed", "changed_at", "dated", "outcome", "why"),
    [
        (False, True, LIVE, DATED_AFTER, Outcome.same, None),
        (True, True, LIVE, DATED_BEFORE, Outcome.keep, Why.changed_since),
        (True, True, LIVE, FileDate(LIVE.date(), IMPORTED_AT), Outcome.keep, Why.changed_since),
        (True, True, LIVE, DATED_AFTER, Outcome.take, None),
        (True, False, LIVE, UNDATED, Outcome.keep, Why.file_unchanged),
        (True, False, None, UNDATED, Outcome.keep, Why.file_unchanged),
        (True, None, LIVE, UNDATED, Outcome.keep, Why.unknown_base),
        (True, None, None, UNDATED, Outcome.take, None),
        (True, True, None, DATED_BEFORE, Outcome.take, None),
        (True, True, IMPORTED_AT, UNDATED, Outcome.keep, Why.changed_since),
    ],
    ids=[
        "same-value",
        "live-change-after-the-files-date",
        "live-change-on-the-files-day",
        "file-dated-after-the-live-change",
        "file-unchanged-since-last-import",
        "file-unchanged-no-live-change",
        "no-base-and-a-live-change",
        "no-base-no-live-change",
        "file-changed-no-live-change",
        "live-change-at-the-import-moment",
    ],
)
def test_a_field_is_taken_only_when_the_file_is_newer_than_live_work(
    differs: bool,
    file_changed: bool | None,
    changed_at: datetime | None,
    dated: FileDate,
    outcome: Outcome,
    why: Why | None,
) -> None:
    found = decide(differs=differs, file_changed=file_changed, changed_at=changed_at, dated=dated)
    assert (found.outcome, found.why) == (outcome, why)


def test_a_change_is_never_dated_before_the_change_it_replaces() -> None:
    from_file = datetime(2014, 10, 31, 12, 0, tzinfo=UTC)
    assert not_before(from_file, LIVE) == LIVE
    assert not_before(from_file, None) == from_file
    assert not_before(LIVE, from_file) == LIVE
