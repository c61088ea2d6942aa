"""Which boards a request may see, and who may see what a private channel held (PRODUCT.md,
"Boards and workspaces"). Pure: storage reads the facts (storage.scope.scope_facts),
this decides; bot.services.access applies it.

- A request made in a board's home channel, or a channel the board linked, concerns that
  board alone: what is answered there (and what `public` posts there) is that board's.
- Anywhere else (a DM, App Home, another channel) a person sees the boards they hold a role
  on, own a recommendation of (as lead officer, agency member or an away lead's deputy);
  workspace admins and recs itself (the scheduler, an import) see every board; and where
  the deployment has a single board, everyone in the workspace sees it (members read).
- Anyone else sees no board: the service says to ask in the board's channel.

A private channel's evidence is shown only to the people in that channel (a request made
from it proves it), to whoever posted it, and to the board's chairs and admins.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.rules.permissions import SYSTEM, Actor, Role


def boards_in_view(
    actor: Actor,
    *,
    channel_board: int | None,
    standing: Collection[int],
    every_board: Iterable[int],
) -> frozenset[int]:
    """The boards `actor` may read, asking from `actor.channel_id` (whose board, if any, is
    `channel_board`)."""
    boards = frozenset(every_board)
    if channel_board is not None:
        return frozenset({channel_board}) & boards
    if actor.user_id == SYSTEM.user_id or actor.is_workspace_admin or len(boards) == 1:
        return boards
    return frozenset(standing) & boards


def may_see_private_evidence(
    actor: Actor, *, channel_id: str | None, posted_by: str, board_roles: Collection[Role]
) -> bool:
    """Whether `actor` may see evidence taken from the private channel `channel_id`."""
    return (
        (channel_id is not None and actor.channel_id == channel_id)
        or actor.user_id == posted_by
        or bool({Role.chair, Role.admin} & set(board_roles))
    )


NO_BOARD = (
    "I can't tell which board you mean here. Ask in your board's channel, or ask its "
    "business manager to give you a role on it."
)
