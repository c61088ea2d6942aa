"""The status lifecycle (PRODUCT.md, "Status lifecycle"): every status move, and who makes it
by which act, in one table; and the one way a status is written for people.

    not_started → in_progress → completed → assured → embedded
    plus not_implemented (closed with a reason) and superseded (by another recommendation)
"""

from __future__ import annotations

from enum import StrEnum

from bot.errors import UserError
from storage.models import AWAITING_IMPACT, CLOSED_STATUSES, DONE_STATUSES, OPEN_STATUSES, Status

__all__ = [
    "AWAITING_IMPACT",
    "CLOSED_STATUSES",
    "DONE_STATUSES",
    "LIFECYCLE",
    "OPEN_STATUSES",
    "Move",
    "check_move",
    "status_slug",
    "status_words",
]

S = Status


class Move(StrEnum):
    """The acts that change a status; bot.rules.permissions says who may do each."""

    update = "update"  # an owner's `/recs update`, `done`, a button or a modal
    sign_off = "sign off"  # a chair assures the evidence
    send_back = "send back"  # a chair rejects completed or assured work
    close = "close"  # an admin closes it as not implemented, with a reason
    supersede = "supersede"  # an admin points it at the recommendation that replaces it


# act → {from: the statuses it may move to}. Nothing moves out of a closed status; only
# supersede moves out of `embedded`.
LIFECYCLE: dict[Move, dict[Status, frozenset[Status]]] = {
    Move.update: {
        S.not_started: frozenset({S.in_progress, S.completed}),
        S.in_progress: frozenset({S.not_started, S.completed}),
        S.completed: frozenset({S.in_progress, S.embedded}),
        S.assured: frozenset({S.in_progress, S.embedded}),
    },
    Move.sign_off: {S.completed: frozenset({S.assured})},
    Move.send_back: {
        S.completed: frozenset({S.in_progress}),
        S.assured: frozenset({S.in_progress}),
    },
    Move.close: {s: frozenset({S.not_implemented}) for s in OPEN_STATUSES},
    Move.supersede: {s: frozenset({S.superseded}) for s in (*OPEN_STATUSES, *DONE_STATUSES)},
}

# What a refused move says, by act ({ref}, {status}: where it is now).
_REFUSALS: dict[Move, str] = {
    Move.sign_off: "{ref} is {status}; only a completed recommendation can be signed off.",
    Move.send_back: "{ref} is {status}; only completed or assured work can be sent back.",
    Move.close: "{ref} is {status}; it can't be closed as not implemented.",
    Move.supersede: "{ref} is already closed.",
}


def status_words(status: Status | str) -> str:
    """A status as people read it: `in progress`, `not implemented`."""
    return str(status).replace("_", " ")


def status_slug(status: Status | str) -> str:
    """A status as people type it in a command: `in-progress`."""
    return str(status).replace("_", "-")


def targets(move: Move, current: Status) -> frozenset[Status]:
    return LIFECYCLE[move].get(current, frozenset())


def check_move(move: Move, ref: str, current: Status, target: Status) -> None:
    """Refuses, with a message fit for a person, a move the lifecycle does not allow."""
    if target in targets(move, current):
        return
    if move != Move.update:
        raise UserError(
            _REFUSALS[move].format(ref=ref, status=status_words(current)),
            example=f"/recs signoff {ref}" if move == Move.sign_off else None,
        )
    if current in CLOSED_STATUSES:
        raise UserError(f"{ref} is closed ({status_words(current)}); it takes no updates.")
    if target == current:
        raise UserError(f"{ref} is already {status_words(target)}.")
    allowed = ", ".join(status_slug(s) for s in sorted(targets(move, current))) or "nothing"
    raise UserError(
        f"{ref} is {status_words(current)}; it can move to {allowed} from here.",
        example=f"/recs update {ref} in-progress Work has started",
    )


def is_open(status: Status) -> bool:
    """Open work is chased and may be flagged at risk."""
    return status in OPEN_STATUSES
