"""Who may do what (PRODUCT.md, "People"): the roles, the acting person, and one table from
each act to the roles that may do it. Which roles a person holds on a recommendation or a
board is looked up by bot.services.access; this module only decides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import NotAllowed


class Role(StrEnum):
    admin = "admin"  # the board business manager; Slack workspace admins
    chair = "chair"  # a board's chair and subgroup chairs
    owner = "owner"  # the lead officer, a member of the owner agency, or an away lead's deputy
    member = "member"  # anyone else in the workspace


@dataclass(frozen=True)
class Actor:
    """A person acting through Slack, the console, an import or the scheduler."""

    user_id: str
    name: str = ""
    team_id: str | None = None
    is_workspace_admin: bool = False
    # Where they asked (a Slack channel): which board a request concerns, and who may see
    # a private channel's evidence (bot.rules.scope). None for the console and the scheduler.
    channel_id: str | None = None
    # Where recs serves many workspaces (the OAuth install), the one this request came from:
    # only that workspace's boards exist for it. None with a single bot token (and for the
    # console, an import and the scheduler), where every board of the deployment does.
    workspace: str | None = None


SYSTEM = Actor(user_id="system", name="recs")


class Act(StrEnum):
    """Everything a person can ask recs to do, by what it touches."""

    read = "read summaries, lists and single recommendations"
    update = "update a recommendation: status, note, done, due date, snooze"
    add_evidence = "add evidence"
    reply_to_reminder = "reply to a reminder"
    send_reminder = "send a recommendation's reminder now"
    accept_proposed_evidence = "accept evidence someone else proposed"
    sign_off = "sign off completion"
    send_back = "send completed work back"
    accept_evidence = "accept evidence"
    reject_evidence = "reject evidence"
    sample = "draw a sample to verify"
    issue_report = "issue a board paper"
    add_recommendation = "add recommendations"
    assign = "change the lead officer"
    change_agency = "change the owner agency"
    close = "close a recommendation as not implemented"
    supersede = "supersede a recommendation"
    undo_others_evidence = "undo evidence someone else posted"
    import_plan = "import a review or a plan"
    settings = "change the board settings"


ANYONE = frozenset(Role)
OWNERS = frozenset({Role.owner, Role.admin})
CHAIRS = frozenset({Role.chair, Role.admin})
ADMINS = frozenset({Role.admin})

# The one table of who may do what. Admins may do everything.
PERMISSIONS: dict[Act, frozenset[Role]] = {
    Act.read: ANYONE,
    Act.update: OWNERS,
    Act.add_evidence: OWNERS,
    Act.reply_to_reminder: OWNERS,
    Act.send_reminder: OWNERS | CHAIRS,
    Act.accept_proposed_evidence: OWNERS | CHAIRS,
    Act.sign_off: CHAIRS,
    Act.send_back: CHAIRS,
    Act.accept_evidence: CHAIRS,
    Act.reject_evidence: CHAIRS,
    Act.sample: CHAIRS,
    Act.issue_report: CHAIRS,
    Act.add_recommendation: ADMINS,
    Act.assign: ADMINS,
    Act.change_agency: ADMINS,
    Act.close: ADMINS,
    Act.supersede: ADMINS,
    Act.undo_others_evidence: ADMINS,
    Act.import_plan: ADMINS,
    Act.settings: ADMINS,
}

# Who may, in words, for a refusal ("Only … can do that.").
WHO = {
    OWNERS: "its owners (the lead officer or a member of its agency) or a board admin",
    OWNERS | CHAIRS: "its owners, a chair or a board admin",
    CHAIRS: "a chair of the board or a board admin",
    ADMINS: "a board admin",
}


def given_roles(actor: Actor, held: Iterable[str]) -> set[Role]:
    """Everyone is a member; a workspace admin (and the system) is an admin everywhere."""
    roles = {Role.member} | {Role(r) for r in held}
    if actor.is_workspace_admin or actor is SYSTEM:
        roles.add(Role.admin)
    return roles


def may(roles: Iterable[Role], act: Act) -> bool:
    return bool(set(roles) & PERMISSIONS[act])


def require(roles: Iterable[Role], act: Act, what: str, who: str | None = None) -> None:
    """Refuses, saying who may, unless one of `roles` may do `act`. `what` names the act on
    its object ("sign off H-12"); `who` overrides the table's wording (with names)."""
    if may(roles, act):
        return
    who = who or f"Only {WHO[PERMISSIONS[act]]} can do that."
    raise NotAllowed(f"You can't {what}. {who}")
