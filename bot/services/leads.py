"""Lead officers as plans write them: an email, a Slack user id, or a name.

A name is matched to the Slack user of that real or display name (the workspace's member
list, `users.list`, read before the import's transaction; and the people recs already
knows, which are the console's people). A name that matches no one, or more than one, is
kept as a named placeholder on its board, never refused; the business manager links it to
its Slack user later (`/recs people link "Jo Turner" @jo`), and every re-import finds the
user through the link.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlmodel import Session

from bot.rules.permissions import Actor
from bot.services.people import ensure_person, link_person
from storage import queries
from storage.db import UnitOfWork
from storage.models import EMAIL_PLACEHOLDER, NAME_PLACEHOLDER, PLACEHOLDERS, Person

_SLACK_ID = re.compile(r"<?@?([UW][A-Z0-9]{7,})(?:\|[^>]*)?>?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "cllr", "sir", "dame"}
# What follows a name in a cell: "Jo Turner, Head of Service", "Jo Turner (CSC)".
_AFTER_NAME = re.compile(r"\s*(?:[,(;/]|\s[-–—]\s).*$", re.DOTALL)
MAX_ID = 64


@dataclass(frozen=True)
class DirectoryEntry:
    """A workspace member as Slack's member list gives them."""

    user_id: str
    name: str  # real name
    display_name: str = ""
    email: str | None = None


class Directory(Protocol):
    """The workspace's members (slack/actors.py reads them with `users.list`, cached)."""

    def entries(self) -> Sequence[DirectoryEntry]: ...


def name_key(name: str) -> str:
    """A name as compared: case, punctuation, spacing and a leading title do not count."""
    words = re.sub(r"[^\w\s'-]", " ", name.casefold().replace("’", "'")).split()
    while words and words[0].rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def is_placeholder(person_id: str | None) -> bool:
    return bool(person_id) and str(person_id).startswith(PLACEHOLDERS)


def name_placeholder_id(board_id: int, name: str) -> str:
    key = f"{NAME_PLACEHOLDER}{board_id}:{name_key(name)}"
    if len(key) <= MAX_ID:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{NAME_PLACEHOLDER}{board_id}:#{digest}"


def followed(session: Session, person: Person | None) -> Person | None:
    """A linked placeholder's Slack user; anyone else as they are."""
    seen = 0
    while person is not None and person.linked_id and seen < 5:
        linked = session.get(Person, person.linked_id)
        if linked is None:
            break
        person, seen = linked, seen + 1
    return person


@dataclass
class Resolved:
    """A lead officer cell, resolved: who it is (None while a placeholder is still to be
    made); why it matched no Slack user; and an unlinked placeholder for the same name that
    the Slack user it now matches takes over."""

    person_id: str | None
    unmatched: str | None = None  # "not a Slack user I can find", "the name of 2 Slack users"
    supersedes: str | None = None


@dataclass
class LeadResolver:
    """Resolves lead officers within one import's transaction."""

    uow: UnitOfWork
    actor: Actor
    board_id: int
    directory: Sequence[DirectoryEntry] = ()
    unmatched: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name → why, rows

    def find(self, written: str | None) -> Resolved:
        """Who the cell names, without writing anything (a new placeholder is None)."""
        written = " ".join((written or "").split())
        if not written:
            return Resolved(None)
        slack_id = _SLACK_ID.fullmatch(written)
        if slack_id:
            return Resolved(slack_id.group(1))
        email = _EMAIL.search(written)
        if email:
            return self._by_email(email.group(0).lower())
        return self._by_name(written)

    def adopt(self, found: Resolved) -> None:
        """Links the placeholder a name made before to the Slack user it now matches, so
        what it led is theirs (the same as `/recs people link`)."""
        if found.supersedes and found.person_id:
            person = self.uow.session.get(Person, found.person_id)
            name = person.name if person else self._entry_name(found.person_id) or found.person_id
            link_person(self.uow, self.actor, found.supersedes, found.person_id, name)

    def resolve(self, written: str | None, where: str) -> str | None:
        """The person id for the cell, storing the Slack user's row or the placeholder."""
        written = " ".join((written or "").split())
        if not written:
            return None
        found = self.find(written)
        self.adopt(found)
        if found.unmatched:
            self.unmatched.setdefault(written, (found.unmatched, []))[1].append(where)
        if found.person_id is not None:
            return self._stored(found.person_id, written)
        email = _EMAIL.search(written)
        if email:
            address = email.group(0).lower()
            name = _AFTER_NAME.sub("", written.replace(email.group(0), "")).strip(" <>")
            placeholder = EMAIL_PLACEHOLDER + address
            return ensure_person(self.uow.session, placeholder, name or address, email=address).id
        placeholder = name_placeholder_id(self.board_id, written)
        return ensure_person(self.uow.session, placeholder, written[:200]).id

    def warnings(self) -> list[str]:
        """One line per name kept as a placeholder, with the rows that gave it."""
        lines = []
        for written, (why, rows) in self.unmatched.items():
            shown = ", ".join(rows[:5]) + (" …" if len(rows) > 5 else "")
            lines.append(
                f"{shown}: the lead officer '{written[:60]}' is {why}; kept as a placeholder "
                f'to link with /recs people link "{written[:60]}" @user'
            )
        return lines

    # --- lookups ----------------------------------------------------------------------------

    def _by_email(self, address: str) -> Resolved:
        session = self.uow.session
        person = followed(session, queries.person_by_email(session, address))
        if person is not None and not is_placeholder(person.id):
            return Resolved(person.id)
        for entry in self.directory:
            if entry.email and entry.email.lower() == address:
                return Resolved(entry.user_id, supersedes=person.id if person else None)
        if person is not None:
            return Resolved(person.id)  # the placeholder made before: linked at first request
        return Resolved(None)

    def _by_name(self, written: str) -> Resolved:
        session = self.uow.session
        placeholder = session.get(Person, name_placeholder_id(self.board_id, written))
        if placeholder is not None and placeholder.linked_id:
            return Resolved(followed(session, placeholder).id)  # type: ignore[union-attr]
        why = "not a Slack user I can find"
        for candidate in _name_candidates(written):
            people = {p.id for p in queries.people_named(session, candidate)}
            people |= {
                e.user_id
                for e in self.directory
                if candidate in (name_key(e.name), name_key(e.display_name))
            }
            if len(people) == 1:
                return Resolved(people.pop(), supersedes=placeholder.id if placeholder else None)
            if len(people) > 1:
                why = f"the name of {len(people)} Slack users"
                break
        return Resolved(placeholder.id if placeholder else None, why)

    def _entry_name(self, user_id: str) -> str | None:
        entry = next((e for e in self.directory if e.user_id == user_id), None)
        return entry.name if entry else None

    def _stored(self, user_id: str, written: str) -> str:
        """A Slack user's row, named as Slack names them when the member list says."""
        if self.uow.session.get(Person, user_id) is not None:
            return user_id
        entry = next((e for e in self.directory if e.user_id == user_id), None)
        name = entry.name if entry else (None if _SLACK_ID.fullmatch(written) else written)
        email = entry.email if entry else None
        return ensure_person(self.uow.session, user_id, name, email=email).id


def _name_candidates(written: str) -> list[str]:
    """The cell's name, then the name before a role or an agency ("Jo Turner, Head of …")."""
    candidates = [name_key(written), name_key(_AFTER_NAME.sub("", written))]
    return [c for i, c in enumerate(candidates) if c and c not in candidates[:i]]
