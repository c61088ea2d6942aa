"""The `/recs` grammar: one parser for Slack and the console.

`parse(text)` returns a typed command (`bot.commands.typed`), or raises UserError showing the
right usage (`bot.commands.usage`). Nothing here touches the database: names and mentions are
resolved by the runner. The typed commands and the usage table are importable from here too.
"""

from __future__ import annotations

import re
import shlex
from datetime import date

from bot.commands.typed import (
    Add,
    AddEvidence,
    Assign,
    Away,
    Back,
    ChangeAgency,
    Command,
    Done,
    Due,
    Help,
    Home,
    Import,
    LinkPerson,
    ListRecs,
    Mention,
    Note,
    People,
    Reject,
    Remind,
    Report,
    Sample,
    Settings,
    Show,
    SignOff,
    Summary,
    Theme,
    Update,
)
from bot.commands.usage import USAGE, CommandError
from bot.commands.usage import UsageEntry as UsageEntry  # re-exported: callers import it here
from bot.commands.usage import help_lines as help_lines  # re-exported: callers import it here
from bot.errors import UserError
from bot.rules import dates
from bot.rules.lifecycle import status_slug
from bot.rules.refs import looks_like_ref, normalise_ref
from storage.models import Status

MAX_COMMAND = 4000


# --- tokenising -----------------------------------------------------------------------------

SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text.translate(SMART_QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'  # apostrophes are common in agency names ("Children's Social Care")
    lexer.escape = ""
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise CommandError("A quote is not closed.") from exc


def rest_after(text: str, count: int) -> str:
    """The raw text after the first `count` words, with its own spacing kept."""
    remainder = text.strip()
    for _ in range(count):
        parts = remainder.split(None, 1)
        remainder = parts[1] if len(parts) > 1 else ""
    return remainder.strip()


def unquote(text: str) -> str:
    text = text.strip().translate(SMART_QUOTES)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


# --- parsing --------------------------------------------------------------------------------

STATUS_WORDS: dict[str, tuple[Status | None, bool | None]] = {
    "not-started": (Status.not_started, None),
    "in-progress": (Status.in_progress, None),
    "started": (Status.in_progress, None),
    "completed": (Status.completed, None),
    "complete": (Status.completed, None),
    "done": (Status.completed, None),
    "embedded": (Status.embedded, None),
    "not-implemented": (Status.not_implemented, None),
    "superseded": (Status.superseded, None),
    "at-risk": (None, True),
    "on-track": (None, False),
    "note": (None, None),
}


def parse(text: str) -> Command:
    text = (text or "").strip()
    if len(text) > MAX_COMMAND:
        raise CommandError(
            f"That command is {len(text):,} characters; the limit is {MAX_COMMAND:,}."
        )
    if not text:
        return Home()
    words = tokens(text)
    if not words:
        return Home()
    name = words[0].lower()
    parser = PARSERS.get(name)
    if parser is None:
        if looks_like_ref(name):
            return Show(normalise_ref(name))
        raise CommandError(f"I don't know the command '{words[0][:30]}'. Try `/recs help`.")
    return parser(text, words[1:])


def _ref(words: list[str], name: str) -> str:
    if not words:
        raise CommandError("Which recommendation? Give its ref.", name)
    try:
        return normalise_ref(words[0])
    except UserError as exc:
        raise CommandError(exc.message, name) from exc


def _no_extra(words: list[str], name: str) -> None:
    if words:
        raise CommandError(f"I didn't expect '{' '.join(words)[:60]}'.", name)


def _parse_help(text: str, words: list[str]) -> Command:
    topic = words[0].lower() if words else None
    if topic and topic not in USAGE:
        raise CommandError(f"There is no command '{topic[:30]}'.", "help")
    return Help(topic)


def _parse_add(text: str, words: list[str]) -> Command:
    options: dict[str, str] = {}
    plain: list[str] = []
    lead: Mention | None = None
    for word in words:
        key, sep, value = word.partition(":")
        if sep and key.lower() in {"agency", "due", "label", "lead"} and value:
            if key.lower() == "lead":
                lead = Mention(value)
            else:
                options[key.lower()] = value
        else:
            plain.append(word)
    if not plain:
        return Add(lead=lead, **options)
    if len(plain) < 2:
        raise CommandError("Give the review code and the recommendation text in quotes.", "add")
    return Add(review=plain[0], text=" ".join(plain[1:]), lead=lead, **options)


def _status_filter(value: str) -> tuple[Status, ...]:
    statuses = []
    for item in value.split(","):
        found = STATUS_WORDS.get(status_slug(item.lower()))
        if found is None or found[0] is None:
            names = ", ".join(status_slug(s) for s in Status)
            raise CommandError(f"'{item[:30]}' is not a status. Statuses: {names}.", "list")
        statuses.append(found[0])
    return tuple(statuses)


def _parse_list(text: str, words: list[str]) -> Command:
    fields: dict[str, object] = {}
    for word in words:
        key, sep, value = word.partition(":")
        lowered = word.lower()
        if lowered in {"overdue", "mine"}:
            fields[lowered] = True
        elif sep and key.lower() == "agency" and value:
            fields["agency"] = value
        elif sep and key.lower() == "status" and value:
            fields["statuses"] = _status_filter(value)
        elif sep and key.lower() in {"rag", "brag"} and value:
            if value.lower() not in {"red", "amber", "green", "blue"}:
                raise CommandError(
                    f"'{value[:20]}' is not a BRAG colour (red, amber, green, blue).", "list"
                )
            fields["rag"] = value.lower()
        elif sep and key.lower() == "owner" and value:
            fields["owner"] = Mention(value)
        elif sep and key.lower() == "page" and value.isdigit() and 0 < int(value) < 10_000:
            fields["page"] = int(value)
        elif not sep and "review" not in fields and re.fullmatch(r"[A-Za-z0-9-]{1,32}", word):
            fields["review"] = word
        else:
            raise CommandError(f"I don't understand '{word[:40]}' in a list.", "list")
    return ListRecs(**fields)  # type: ignore[arg-type]


def _parse_show(text: str, words: list[str]) -> Command:
    ref = _ref(words, "show")
    _no_extra(words[1:], "show")
    return Show(ref)


def _parse_update(text: str, words: list[str]) -> Command:
    ref = _ref(words, "update")
    if len(words) < 2:
        raise CommandError("Say what the status is now.", "update")
    word = status_slug(words[1].lower())
    if word not in STATUS_WORDS:
        if word == "assured":
            raise CommandError("Only a chair assures, with `/recs signoff`.", "signoff")
        raise CommandError(f"'{words[1][:30]}' is not a status I can set.", "update")
    status, at_risk = STATUS_WORDS[word]
    note = unquote(rest_after(text, 3))
    if status == Status.superseded:
        if len(words) < 3 or not looks_like_ref(words[2]):
            raise CommandError(
                "Say which recommendation supersedes it: `superseded H-40 [reason]`.", "update"
            )
        return Update(
            ref, status, note=unquote(rest_after(text, 4)), superseded_by=normalise_ref(words[2])
        )
    if word == "note" and not note:
        raise CommandError("The note is empty.", "update")
    if status == Status.not_implemented and not note:
        raise CommandError("Say why it will not be implemented.", "update")
    return Update(ref, status, at_risk, note)


def _parse_note(text: str, words: list[str]) -> Command:
    ref = _ref(words, "note")
    note = unquote(rest_after(text, 2))
    if not note:
        raise CommandError("The note is empty.", "note")
    return Note(ref, note)


URL_START = re.compile(r"^<?https?://", re.IGNORECASE)


def _parse_done(text: str, words: list[str]) -> Command:
    ref = _ref(words, "done")
    if len(words) > 1 and URL_START.match(words[1]):
        return Done(ref, words[1].strip("<>").split("|")[0], unquote(rest_after(text, 3)))
    return Done(ref, None, unquote(rest_after(text, 2)))


def _parse_assign(text: str, words: list[str]) -> Command:
    ref = _ref(words, "assign")
    if len(words) != 2 or not (words[1].startswith("@") or words[1].startswith("<@")):
        raise CommandError("Name one person with @.", "assign")
    return Assign(ref, Mention(words[1]))


def _parse_agency(text: str, words: list[str]) -> Command:
    ref = _ref(words, "agency")
    name = " ".join(words[1:]).strip()
    if not name:
        raise CommandError("Name the agency.", "agency")
    return ChangeAgency(ref, name)


def _parse_due(text: str, words: list[str]) -> Command:
    ref = _ref(words, "due")
    rest = words[1:]
    if not rest:
        raise CommandError("Give the new date or timescale.", "due")
    # The date is the longest run of leading words that reads as one; the rest is the reason.
    for cut in range(min(len(rest), 8), 0, -1):
        phrase = " ".join(rest[:cut])
        try:
            dates.parse_due(phrase, date(2000, 1, 1))
        except UserError:
            continue
        return Due(ref, phrase, " ".join(rest[cut:]))
    try:
        dates.parse_due(rest[0], date(2000, 1, 1))
    except UserError as exc:
        raise UserError(exc.message, example=USAGE["due"].example) from exc
    raise CommandError("I couldn't read the date.", "due")  # pragma: no cover


def _parse_evidence(text: str, words: list[str]) -> Command:
    ref = _ref(words, "evidence")
    if len(words) < 2 or not URL_START.match(words[1]):
        raise CommandError("Give a link (https://…) after the ref.", "evidence")
    return AddEvidence(ref, words[1].strip("<>").split("|")[0], unquote(rest_after(text, 3)))


def _parse_signoff(text: str, words: list[str]) -> Command:
    return SignOff(_ref(words, "signoff"), unquote(rest_after(text, 2)))


def _parse_reject(text: str, words: list[str]) -> Command:
    ref = _ref(words, "reject")
    reason = unquote(rest_after(text, 2))
    if not reason:
        raise CommandError("Say why it goes back: the owner sees your reason.", "reject")
    return Reject(ref, reason)


def _as_of(words: list[str], index: int, name: str) -> tuple[date, int]:
    """Reads `as-of DATE` (the date may be several words) starting after the keyword."""
    for cut in range(min(len(words) - index, 4), 0, -1):
        phrase = " ".join(words[index : index + cut])
        try:
            return dates.parse_day(phrase), cut
        except UserError:
            continue
    if index >= len(words):
        raise CommandError("Give the date after as-of.", name)
    try:
        dates.parse_day(words[index])
    except UserError as exc:
        raise UserError(exc.message, example=USAGE[name].example) from exc
    raise CommandError("I couldn't read the as-of date.", name)  # pragma: no cover


def _parse_summary_like(words: list[str], name: str) -> dict[str, object]:
    fields: dict[str, object] = {}
    i = 0
    while i < len(words):
        word = words[i]
        lowered = word.lower()
        if lowered in {"as-of", "asof", "as_of"}:
            fields["as_of"], used = _as_of(words, i + 1, name)
            i += 1 + used
            continue
        if lowered.startswith("as-of:") and len(word) > 6:
            fields["as_of"], _ = _as_of([word[6:]], 0, name)
        elif name == "summary" and lowered == "public":
            fields["public"] = True
        elif name == "report" and lowered in {"xlsx", "docx", "pdf", "csv"}:
            fields["format"] = lowered
        elif "review" not in fields and re.fullmatch(r"[A-Za-z0-9-]{1,32}", word):
            fields["review"] = word
        else:
            raise CommandError(f"I don't understand '{word[:40]}'.", name)
        i += 1
    return fields


def _parse_summary(text: str, words: list[str]) -> Command:
    return Summary(**_parse_summary_like(words, "summary"))  # type: ignore[arg-type]


def _parse_report(text: str, words: list[str]) -> Command:
    return Report(**_parse_summary_like(words, "report"))  # type: ignore[arg-type]


def _parse_import(text: str, words: list[str]) -> Command:
    _no_extra(words, "import")
    return Import()


def _parse_remind(text: str, words: list[str]) -> Command:
    ref = _ref(words, "remind")
    _no_extra(words[1:], "remind")
    return Remind(ref)


def _parse_away(text: str, words: list[str]) -> Command:
    if not words or words[0].lower() != "until":
        raise CommandError("Say until when.", "away")
    rest = words[1:]
    deputy = None
    if rest and (rest[-1].startswith("@") or rest[-1].startswith("<@")):
        deputy = Mention(rest[-1])
        rest = rest[:-1]
    if not rest:
        raise CommandError("Give the date you are back.", "away")
    until, used = _as_of(rest, 0, "away")
    _no_extra(rest[used:], "away")
    return Away(until, deputy)


def _parse_back(text: str, words: list[str]) -> Command:
    _no_extra(words, "back")
    return Back()


def _parse_theme(text: str, words: list[str]) -> Command:
    name = " ".join(words).strip()
    if not name:
        raise CommandError("Name the theme.", "theme")
    return Theme(name.lower())


def _parse_sample(text: str, words: list[str]) -> Command:
    if not words:
        return Sample()
    if len(words) > 1 or not words[0].isdigit() or not 1 <= int(words[0]) <= 50:
        raise CommandError("Give a number from 1 to 50.", "sample")
    return Sample(int(words[0]))


def _parse_people(text: str, words: list[str]) -> Command:
    if not words:
        return People()
    if words[0].lower() != "link" or len(words) < 3:
        raise CommandError("Say whom to link, and to which Slack user.", "people")
    name = " ".join(words[1:-1]).strip()
    if not name:
        raise CommandError("Give the name or email the import kept.", "people")
    return LinkPerson(name, Mention(words[-1]))


def _parse_settings(text: str, words: list[str]) -> Command:
    _no_extra(words, "settings")
    return Settings()


PARSERS = {
    "help": _parse_help,
    "add": _parse_add,
    "list": _parse_list,
    "ls": _parse_list,
    "show": _parse_show,
    "update": _parse_update,
    "note": _parse_note,
    "done": _parse_done,
    "assign": _parse_assign,
    "agency": _parse_agency,
    "due": _parse_due,
    "evidence": _parse_evidence,
    "signoff": _parse_signoff,
    "sign-off": _parse_signoff,
    "reject": _parse_reject,
    "summary": _parse_summary,
    "report": _parse_report,
    "import": _parse_import,
    "remind": _parse_remind,
    "away": _parse_away,
    "back": _parse_back,
    "theme": _parse_theme,
    "sample": _parse_sample,
    "settings": _parse_settings,
    "people": _parse_people,
}
