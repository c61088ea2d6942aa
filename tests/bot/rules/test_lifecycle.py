"""The lifecycle table is docs/PRODUCT.md's status lifecycle, and refuses every other move."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.rules.lifecycle import (
    CLOSED_STATUSES,
    DONE_STATUSES,
    LIFECYCLE,
    OPEN_STATUSES,
    Move,
    check_move,
    status_slug,
    status_words,
)
from bot.rules.permissions import PERMISSIONS, Act, Role
from storage.models import Status

PRODUCT = Path(__file__).resolve().parents[3] / "docs" / "PRODUCT.md"


def product_path() -> list[Status]:
    """`not_started → in_progress → completed → assured → embedded`, as PRODUCT.md writes it."""
    match = re.search(r"`(not_started[^`]*)`", PRODUCT.read_text())
    assert match, "PRODUCT.md's status lifecycle is missing"
    return [Status(s.strip()) for s in match.group(1).split("→")]


def reachable(source: Status, target: Status) -> set[Move]:
    return {move for move, table in LIFECYCLE.items() if target in table.get(source, ())}


def test_the_main_path_of_product_md_can_be_walked() -> None:
    path = product_path()
    assert path == [
        Status.not_started, Status.in_progress, Status.completed, Status.assured,
        Status.embedded,
    ]  # fmt: skip
    for source, target in pairwise(path):
        assert reachable(source, target), f"{source} → {target}"


def test_assured_is_a_chairs_sign_off_of_completed_work() -> None:
    for source in Status:
        moves = reachable(source, Status.assured)
        assert moves == ({Move.sign_off} if source == Status.completed else set())
    assert Role.owner not in PERMISSIONS[Act.sign_off]


def test_embedded_follows_completion_only() -> None:
    sources = {s for s in Status if reachable(s, Status.embedded)}
    assert sources == {Status.completed, Status.assured}


def test_open_work_can_be_closed_or_superseded_and_closed_work_never_moves() -> None:
    for source in OPEN_STATUSES:
        assert reachable(source, Status.not_implemented) == {Move.close}
        assert reachable(source, Status.superseded) == {Move.supersede}
    for source in CLOSED_STATUSES:
        assert all(source not in table for table in LIFECYCLE.values())


def test_done_work_can_be_sent_back_by_a_chair() -> None:
    for source in (Status.completed, Status.assured):
        assert Move.send_back in reachable(source, Status.in_progress)
    assert Status.embedded not in LIFECYCLE[Move.send_back]
    assert set(DONE_STATUSES) >= set(LIFECYCLE[Move.send_back])


@pytest.mark.parametrize(
    ("move", "current", "target", "says"),
    [
        (Move.update, Status.embedded, Status.in_progress, "it can move to nothing from here"),
        (Move.update, Status.not_started, Status.not_started, "is already not started"),
        (Move.update, Status.superseded, Status.in_progress, "is closed (superseded)"),
        (Move.sign_off, Status.in_progress, Status.assured, "only a completed recommendation"),
        (Move.send_back, Status.not_started, Status.in_progress, "only completed or assured"),
        (Move.close, Status.completed, Status.not_implemented, "can't be closed"),
        (Move.supersede, Status.not_implemented, Status.superseded, "already closed"),
    ],
)
def test_a_refused_move_says_why(move: Move, current: Status, target: Status, says: str) -> None:
    with pytest.raises(UserError, match=re.escape(says)):
        check_move(move, "H-12", current, target)


def test_a_status_is_written_one_way_for_reading_and_one_for_typing() -> None:
    assert status_words(Status.not_implemented) == "not implemented"
    assert status_slug(Status.in_progress) == "in-progress"
