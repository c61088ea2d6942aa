"""The permissions table says what docs/PRODUCT.md's role table says, and no more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import NotAllowed
from bot.rules.permissions import (
    PERMISSIONS,
    SYSTEM,
    Act,
    Actor,
    Role,
    given_roles,
    may,
    require,
)

PRODUCT = Path(__file__).resolve().parents[3] / "docs" / "PRODUCT.md"

# What each phrase of PRODUCT.md's "can" column, or a command's "chair:"/"admin:" note,
# lets a role do. A phrase missing here fails the test: the table and the contract must move
# together.
PHRASES: dict[str, set[Act]] = {
    "read all": {Act.read},
    "read summaries and single recommendations": {Act.read},
    "sign off completion": {Act.sign_off},
    "accept or reject evidence": {
        Act.accept_evidence,
        Act.reject_evidence,
        Act.accept_proposed_evidence,
    },
    "receive escalations": set(),  # the sweep sends them; not an act a person asks for
    "board reports": {Act.issue_report},
    "update": {Act.update},
    "add evidence": {Act.add_evidence},
    "reply to reminders": {Act.reply_to_reminder},
    "assure, or send back": {Act.sign_off, Act.send_back},
    "picks n completed": {Act.sample},
    "a modal to paste": {Act.import_plan},
    "a modal for board channel": {Act.settings},
}
# Granted beyond the contract's words, and why.
EXTRAS: dict[Role, set[Act]] = {
    # `/recs remind REF` names no role; the people chasing the work may send it.
    # Evidence someone else posted for their recommendation waits for them (or a chair).
    Role.owner: {Act.send_reminder, Act.accept_proposed_evidence},
    Role.chair: {Act.send_reminder},
}


def product_role_rows() -> dict[Role, str]:
    rows = {}
    for line in PRODUCT.read_text().splitlines():
        match = re.match(r"^\| (admin|chair|owner|member) \|[^|]*\| (.+?) \|$", line)
        if match:
            rows[Role(match.group(1))] = match.group(2)
    return rows


def product_command_notes() -> dict[Role, list[str]]:
    """The "chair: …" and "admin: …" notes in the command table."""
    notes: dict[Role, list[str]] = {Role.chair: [], Role.admin: []}
    for line in PRODUCT.read_text().splitlines():
        match = re.match(r"^\| `/recs [^|]*\| (chair|admin): (.+?) \|$", line)
        if match:
            notes[Role(match.group(1))].append(match.group(2))
    return notes


def acts_named(text: str) -> set[Act]:
    found: set[Act] = set()
    for phrase, acts in PHRASES.items():
        if phrase in text:
            found |= acts
    return found


def granted(role: Role) -> set[Act]:
    return {act for act, roles in PERMISSIONS.items() if role in roles}


def test_product_md_has_the_four_roles() -> None:
    assert set(product_role_rows()) == set(Role)


@pytest.mark.parametrize("role", [Role.chair, Role.owner, Role.member])
def test_each_role_may_do_what_product_md_says(role: Role) -> None:
    rows, notes = product_role_rows(), product_command_notes()
    phrases = [p.strip() for p in re.split(r"[;,]", rows[role])]
    phrases += notes.get(role, [])
    unknown = [
        p for p in phrases
        if p and not acts_named(p) and p not in PHRASES and "recommendations they own" not in p
    ]  # fmt: skip
    assert not unknown, f"PRODUCT.md says {role} can {unknown}: add them to PHRASES"
    expected = set().union(*(acts_named(p) for p in phrases)) | {Act.read}
    assert granted(role) == expected | EXTRAS.get(role, set())


def test_admin_may_do_everything() -> None:
    assert "everything" in product_role_rows()[Role.admin]
    assert granted(Role.admin) == set(Act)


def test_every_act_is_in_the_table() -> None:
    assert set(PERMISSIONS) == set(Act)


def test_everyone_is_a_member_and_workspace_admins_and_the_system_are_admins() -> None:
    assert given_roles(Actor("U1"), []) == {Role.member}
    assert given_roles(Actor("U1"), ["chair"]) == {Role.member, Role.chair}
    assert Role.admin in given_roles(Actor("U1", is_workspace_admin=True), [])
    assert Role.admin in given_roles(SYSTEM, [])


def test_a_refusal_says_who_may() -> None:
    assert may({Role.chair}, Act.sign_off)
    with pytest.raises(NotAllowed, match="Only a chair of the board or a board admin can"):
        require({Role.member, Role.owner}, Act.sign_off, "sign off H-12")
    with pytest.raises(NotAllowed, match=r"^You can't import a review\. Only a board admin"):
        require({Role.member, Role.chair}, Act.import_plan, "import a review")
