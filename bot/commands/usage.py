"""The `/recs` usage table: each command's usage, what it does and an example, for help and
for the error a command that does not parse shows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError


@dataclass(frozen=True)
class UsageEntry:
    usage: str
    does: str
    example: str


USAGE: dict[str, UsageEntry] = {
    "help": UsageEntry("/recs help [command]", "the grammar, with examples", "/recs help due"),
    "add": UsageEntry(
        '/recs add [REVIEW "text" agency:"name" due:"date" label:L lead:@user]',
        "adds a recommendation (no arguments: opens a form)",
        '/recs add H "Audit pre-birth assessments" agency:"Children\'s Social Care" due:"March 2015"',
    ),
    "list": UsageEntry(
        '/recs list [review] [agency:"name"] [status:s] [rag:red] [overdue] [mine] [owner:@user]',
        "a filtered list, a page at a time",
        '/recs list H agency:"Thames Valley Police" rag:red',
    ),
    "show": UsageEntry("/recs show REF", "one recommendation with its history", "/recs show H-27"),
    "update": UsageEntry(
        "/recs update REF STATUS [note]",
        "changes the status (in-progress, at-risk, on-track, completed, embedded, "
        "not-started, not-implemented REASON, superseded BY-REF) with a note; "
        "`note` alone adds a note",
        "/recs update H-27 in-progress Audit booked",
    ),
    "note": UsageEntry(
        "/recs note REF text", "adds a progress note", "/recs note H-27 Audit booked for March"
    ),
    "done": UsageEntry(
        "/recs done REF [evidence URL] [note]",
        "marks it completed (it needs evidence)",
        "/recs done H-27 https://example.org/audit.pdf Audit complete",
    ),
    "assign": UsageEntry(
        "/recs assign REF @user", "changes the lead officer", "/recs assign H-27 @jane"
    ),
    "agency": UsageEntry(
        '/recs agency REF "agency name"',
        "changes the owner agency",
        '/recs agency H-12 "Thames Valley Police"',
    ),
    "due": UsageEntry(
        "/recs due REF DATE-OR-TIMESCALE [reason]",
        "moves the due date; once a date is set, say why",
        '/recs due H-27 "end of March 2015" audit moved',
    ),
    "evidence": UsageEntry(
        "/recs evidence REF URL [description]",
        "attaches evidence",
        "/recs evidence H-27 https://example.org/audit.pdf Audit report",
    ),
    "signoff": UsageEntry(
        "/recs signoff REF [note]", "chair: assures completed work", "/recs signoff H-27"
    ),
    "reject": UsageEntry(
        "/recs reject REF reason",
        "chair: sends completed work back",
        "/recs reject H-27 The audit covers one team only",
    ),
    "summary": UsageEntry(
        "/recs summary [review] [as-of DATE] [public]",
        "the board summary (public: posted in the channel)",
        "/recs summary H as-of 31/10/2014",
    ),
    "report": UsageEntry(
        "/recs report [review] [xlsx|docx|pdf|csv] [as-of DATE]",
        "uploads the board paper to the channel",
        "/recs report H docx as-of 31/10/2014",
    ),
    "import": UsageEntry(
        "/recs import", "admin: imports a review's recommendations", "/recs import"
    ),
    "remind": UsageEntry("/recs remind REF", "sends the owner's reminder now", "/recs remind H-27"),
    "away": UsageEntry(
        "/recs away until DATE [@deputy]",
        "pauses your reminders, optionally to a deputy",
        "/recs away until 20/4/2015 @jane",
    ),
    "back": UsageEntry("/recs back", "resumes your reminders", "/recs back"),
    "theme": UsageEntry(
        '/recs theme "name"',
        "every recommendation with that theme, across reviews",
        '/recs theme "information sharing"',
    ),
    "sample": UsageEntry(
        "/recs sample [n]", "chair: n completed, unassured ones to verify", "/recs sample 5"
    ),
    "settings": UsageEntry(
        "/recs settings", "admin: board channel, chairs, reminders", "/recs settings"
    ),
    "people": UsageEntry(
        '/recs people [link "name or email" @user]',
        "admin: the lead officers an import could not match to a Slack user; link one",
        '/recs people link "Jo Turner" @jo',
    ),
}


class CommandError(UserError):
    """A command that does not parse; carries the usage to show."""

    def __init__(self, message: str, name: str | None = None) -> None:
        entry = USAGE.get(name or "")
        example = entry.example if entry else "/recs help"
        super().__init__(message if not entry else f"{message}\nUsage: `{entry.usage}`", example)
        self.name = name


def help_lines(topic: str | None = None) -> list[tuple[str, str, str]]:
    """(usage, what it does, example) for one command or all of them."""
    names = [topic] if topic else list(USAGE)
    return [(USAGE[n].usage, USAGE[n].does, USAGE[n].example) for n in names]
