"""The typed commands `bot.commands.grammar.parse` returns, one dataclass per `/recs` command."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from storage.models import Status


@dataclass(frozen=True)
class Mention:
    """A user as typed: `<@U123|jane>` from Slack, or `@jane` in the console."""

    raw: str

    @property
    def slack_id(self) -> str | None:
        match = re.fullmatch(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", self.raw)
        return match.group(1) if match else None

    @property
    def handle(self) -> str:
        return self.raw.lstrip("@")


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Home:
    """`/recs` alone."""


@dataclass(frozen=True)
class Add:
    review: str | None = None
    text: str | None = None
    agency: str | None = None
    due: str | None = None
    label: str | None = None
    lead: Mention | None = None

    @property
    def needs_form(self) -> bool:
        return not (self.review and self.text)


@dataclass(frozen=True)
class ListRecs:
    review: str | None = None
    agency: str | None = None
    statuses: tuple[Status, ...] = ()
    rag: str | None = None
    overdue: bool = False
    mine: bool = False
    owner: Mention | None = None
    page: int = 1


@dataclass(frozen=True)
class Show:
    ref: str


@dataclass(frozen=True)
class Update:
    ref: str
    status: Status | None = None
    at_risk: bool | None = None
    note: str = ""
    superseded_by: str | None = None


@dataclass(frozen=True)
class Note:
    ref: str
    text: str


@dataclass(frozen=True)
class Done:
    ref: str
    url: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Assign:
    ref: str
    user: Mention


@dataclass(frozen=True)
class ChangeAgency:
    ref: str
    agency: str


@dataclass(frozen=True)
class Due:
    ref: str
    when: str
    reason: str = ""


@dataclass(frozen=True)
class AddEvidence:
    ref: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class SignOff:
    ref: str
    note: str = ""


@dataclass(frozen=True)
class Reject:
    ref: str
    reason: str


@dataclass(frozen=True)
class Summary:
    review: str | None = None
    as_of: date | None = None
    public: bool = False


@dataclass(frozen=True)
class Report:
    review: str | None = None
    format: str = "docx"
    as_of: date | None = None


@dataclass(frozen=True)
class Import:
    pass


@dataclass(frozen=True)
class Remind:
    ref: str


@dataclass(frozen=True)
class Away:
    until: date
    deputy: Mention | None = None


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Theme:
    name: str
    page: int = 1


@dataclass(frozen=True)
class Sample:
    n: int = 5


@dataclass(frozen=True)
class Settings:
    pass


@dataclass(frozen=True)
class People:
    """`/recs people`: the names and emails an import could not match to a Slack user."""


@dataclass(frozen=True)
class LinkPerson:
    """`/recs people link "Jo Turner" @jo`: a placeholder's recommendations go to a user."""

    name: str
    user: Mention


Command = (
    Help
    | Home
    | Add
    | ListRecs
    | Show
    | Update
    | Note
    | Done
    | Assign
    | ChangeAgency
    | Due
    | AddEvidence
    | SignOff
    | Reject
    | Summary
    | Report
    | Import
    | Remind
    | Away
    | Back
    | Theme
    | Sample
    | Settings
    | People
    | LinkPerson
)
