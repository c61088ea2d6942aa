"""Due dates and timescales as safeguarding reviews write them, read UK day-first.

A partial or ambiguous phrase is refused with the forms we accept; it is never guessed.
No clock is read here: a refusal's example ("end of March 2015") takes its year from the
caller's `today`, the day of the injected clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.parser import parserinfo
from dateutil.relativedelta import relativedelta

from bot.errors import UserError
from bot.rules.policy import TIME_ZONE

DATE_FORMS: tuple[str, ...] = (
    "31/1/2012",
    "30.6.2012",
    "31 January 2012",
    "2012-01-31",
    "March 2012",
    "end of March 2012",
    "within 6 months",
    "within 12 weeks",
    "between April 2012 and April 2013",
    "2012/13",
)
DAY_FORMS: tuple[str, ...] = ("31/1/2012", "30.6.2012", "31 January 2012", "2012-01-31")
FIRST_YEAR = 1990
LAST_YEAR = 2100
# Far longer than any timescale a review writes; refusing early keeps a pasted paragraph cheap.
MAX_LENGTH = 120
# The longest phrase find_timescale tries, in words ("by the end of the month of March 2012").
MAX_PHRASE_WORDS = 9
# The year of an example when the caller gives no day: that of the forms above.
EXAMPLE_YEAR = 2012

_MONTH_NAMES = parserinfo()
_MONTH = (
    "(?:"
    + "|".join(
        sorted({n.lower() for names in _MONTH_NAMES.MONTHS for n in names}, key=len, reverse=True)
    )
    + r")\b\.?"
)
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_COUNT = r"(?:[0-9]{1,4}|" + "|".join(_COUNTS) + ")"
_UNIT = r"(?:day|week|fortnight|month|year)s?"
_STEPS = {
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "fortnight": relativedelta(weeks=2),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}

_A = re.ASCII
_NUMERIC_DAY = re.compile(
    r"(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})", _A
)
_ISO_DAY = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})", _A
)
_WORDED_DAY = re.compile(
    rf"(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+(?P<mon>{_MONTH})[\s,-]+(?P<y>[0-9]{{4}})",
    _A,
)
_MONTH_FIRST_DAY = re.compile(
    rf"(?P<mon>{_MONTH})\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>[0-9]{{4}})", _A
)
_MONTH_YEAR = re.compile(rf"(?P<mon>{_MONTH}),?[\s-]+(?P<y>[0-9]{{4}})", _A)
_FINANCIAL_YEAR = re.compile(
    r"(?:(?:fy|financial\s+year)\s*)?(?P<a>[0-9]{4})\s*[/-]\s*(?P<b>[0-9]{4}|[0-9]{2})", _A
)
_YEAR = re.compile(r"(?P<y>[0-9]{4})", _A)
_RELATIVE = re.compile(
    rf"(?:within\s+)?(?:the\s+next\s+)?(?P<n>{_COUNT})\s+(?P<unit>{_UNIT})"
    r"(?:\s+(?:of|from)\s+(?:acceptance|being\s+accepted|the\s+accepted\s+date))?",
    _A,
)
_RANGE = re.compile(r"(?:(?:between|from)\s+)?(?P<a>.+?)\s+(?:and|to|until|-)\s+(?P<b>.+)", _A)
_LEADS = (
    re.compile(
        r"(?:time\s*scales?|time\s*frames?|target(?:\s+date)?|deadline|due\s+date|completion\s+date)"
        r"(?:\s+for\s+completion)?\s*[:-]?\s*",
        _A,
    ),
    re.compile(r"(?:to\s+be\s+)?(?:completed|complete|achieved|implemented|done)\s+", _A),
    re.compile(r"due\s*:?\s+", _A),
    re.compile(r"(?:by|no\s+later\s+than|not\s+later\s+than)\s+", _A),
    re.compile(r"the\s+", _A),
)
_END_OF = re.compile(r"(?:end|close)\s+(?:of\s+)?(?:the\s+month\s+of\s+)?", _A)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))

_MONTH_ONLY = re.compile(_MONTH, _A)
_DAY_WITHOUT_YEAR = re.compile(
    rf"[0-9]{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}|{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?"
    r"|[0-9]{1,2}[/.-][0-9]{1,2}",
    _A,
)
_QUARTER = re.compile(r"\bq[1-4]\b|\bquarter\b", _A)

_FORWARD = frozenset({"by", "between", "within", "end", "no", "not"})
_STARTS = _FORWARD | set(_COUNTS)
_LABEL = re.compile(
    r"(?:time\s*scales?|time\s*frames?|deadline|target\s+date|due\s+date|completion\s+date"
    r"|due\s*:|to\s+be\s+(?:completed|achieved|implemented))",
    re.IGNORECASE | _A,
)
# "at the end of May 2011" tells a history; "progress at April 2012" sets a deadline.
_HISTORY = re.compile(
    r"\b(?:(?:on|in|since|during|from|after|until|before|of|aged)(?:\s+the)?|at\s+the|late|early"
    r"|mid)\s*$",
    re.IGNORECASE | _A,
)
_BARE_COUNT = re.compile(rf"{_COUNT}\s+{_UNIT}\b", re.IGNORECASE | _A)
# What follows a period when it measures something other than a deadline: "28 weeks of
# gestation", "re-referred within twelve months before deciding", "six months old".
_NOT_A_DEADLINE_AFTER = re.compile(
    r"\s*(?:of\s+(?:gestation|pregnancy|age|life|birth)|old\b|before\b|after\b|ago\b|prior\b"
    r"|earlier\b|later\b|since\b|gestation\b|pregnan|previously\b|beforehand\b)",
    re.IGNORECASE | _A,
)
# A relative period closes its clause: "… within six months." or "(within 6 months)".
_CLAUSE_END = re.compile(r"\s*(?:$|\n|[.;!?)\]]+(?:\s|$))", _A)
_CLAUSE_START = re.compile(r"(?:^|[.;:!?(\n])\s*$", _A)
_SHORT_YEAR_DAY = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}", _A)


@dataclass(frozen=True)
class DueDate:
    due_on: date
    timescale: str  # the phrase as written


class _Unreadable(Exception):
    """Why a phrase is not a date, kept apart from the wording each caller puts around it."""

    def __init__(self, reason: str, example: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.example = example


def end_of_month(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(day=31)


def parse_due(
    text: str, accepted_on: date | None = None, *, today: date | None = None
) -> DueDate:
    """Reads a due date or timescale; relative ones count from `accepted_on`. `today` (the
    caller's clock) only dates the example a refusal suggests for a phrase without a year."""
    try:
        due_on = _read_due(text, accepted_on, _example_year(today))
    except _Unreadable as problem:
        raise _refusal(text, problem, "a due date", DATE_FORMS) from None
    return DueDate(due_on, _as_written(text))


def parse_day(text: str, *, today: date | None = None) -> date:
    """Reads one exact day, for `as-of` and `away until`; months and timescales are refused.
    `today` (the caller's clock) only dates the example a refusal suggests."""
    try:
        day = _read_day(_normalise(text))
    except _Unreadable as problem:
        raise _refusal(text, problem, "a day", DAY_FORMS) from None
    if day is not None:
        return day
    raise _refusal(text, _not_a_day(text, _example_year(today)), "a day", DAY_FORMS)


def _example_year(today: date | None) -> int:
    return today.year if today is not None else EXAMPLE_YEAR


def find_timescale(text: str, accepted_on: date | None = None) -> tuple[str, DueDate] | None:
    """Finds the timescale in prose, preferring a labelled or "by …" phrase to a bare date.

    Relative phrases ("within 6 months") are skipped when there is no accepted date.
    """
    words = list(re.finditer(r"\S+", text))
    best: tuple[int, str, DueDate] | None = None
    for index, word in enumerate(words):
        if not _could_start(word.group()):
            continue
        found = _longest_phrase(text, words, index, accepted_on)
        if found is None:
            continue
        start, due = found
        rank = _rank(text[:start], due.timescale)
        if rank is not None and is_relative(due.timescale):
            rank = _relative_rank(text, start, start + len(due.timescale), rank)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, due.timescale, due)
    return (best[1], best[2]) if best else None


def _read_due(text: str, accepted_on: date | None, example_year: int) -> date:
    if len(text) > MAX_LENGTH:
        raise _Unreadable("it is too long for a date", "by end of March 2012")
    phrase, end_of = _strip_leads(_normalise(text))
    found = (
        _read_day(phrase)
        or _read_month(phrase)
        or _read_financial_year(phrase)
        or (_read_year_end(phrase) if end_of else None)
        or _read_relative(phrase, accepted_on)
        or _read_range(phrase)
    )
    if found is None:
        raise _explain(phrase, example_year)
    return found


def _normalise(text: str) -> str:
    # Word and Excel turn hyphens into en dashes and spaces into non-breaking ones.
    return " ".join(text.translate(_DASHES).split()).lower().rstrip(".,;")


def _as_written(text: str) -> str:
    return text.strip().rstrip(".,;").rstrip()


def _strip_leads(phrase: str) -> tuple[str, bool]:
    end_of = False
    stripped = True
    while stripped:
        stripped = False
        for lead in _LEADS:
            match = lead.match(phrase)
            if match:
                phrase, stripped = phrase[match.end() :], True
        match = _END_OF.match(phrase)
        if match:
            phrase, stripped, end_of = phrase[match.end() :], True, True
    return phrase, end_of


def _read_day(phrase: str) -> date | None:
    for pattern in (_NUMERIC_DAY, _ISO_DAY, _WORDED_DAY, _MONTH_FIRST_DAY):
        match = pattern.fullmatch(phrase)
        if not match:
            continue
        if len(match.group("y")) == 2 and match.group("sep") == "-":
            # 12-01-31 reads as well year first as day first.
            raise _Unreadable("with dashes, write the year in full", "31-1-2012")
        return _day(match.group("y"), _month_number(match), int(match.group("d")))
    return None


def _month_number(match: re.Match[str]) -> int:
    if "mon" in match.groupdict():
        return _MONTH_NAMES.month(match.group("mon").rstrip(".")) or 0
    return int(match.group("m"))


def _day(year_text: str, month: int, day: int) -> date:
    year = _full_year(year_text)
    if not 1 <= month <= 12:
        raise _Unreadable(f"there is no month {month}; dates are day first", "31/1/2012")
    try:
        return date(year, month, day)
    except ValueError:
        last = end_of_month(year, month)
        raise _Unreadable(
            f"{last:%B %Y} has {last.day} days", f"{last.day}/{month}/{year}"
        ) from None


def _full_year(year_text: str) -> int:
    year = int(year_text)
    if len(year_text) == 2:
        # Two-digit years come only from d/m/yy; the 1990 floor puts 90–99 last century.
        year += 1900 if year >= 90 else 2000
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Unreadable(
            f"{year} is outside the years I accept ({FIRST_YEAR} to {LAST_YEAR})", "31/1/2012"
        )
    return year


def _read_month(phrase: str) -> date | None:
    match = _MONTH_YEAR.fullmatch(phrase)
    if not match:
        return None
    month = _month_number(match)
    return end_of_month(_full_year(match.group("y")), month)


def _read_financial_year(phrase: str) -> date | None:
    match = _FINANCIAL_YEAR.fullmatch(phrase)
    if not match:
        return None
    first, second = match.group("a"), match.group("b")
    start = _full_year(first)
    if int(second) % 10 ** len(second) != (start + 1) % 10 ** len(second):
        raise _Unreadable(
            "a financial year runs over two years in a row", f"{start}/{(start + 1) % 100:02d}"
        )
    return date(_full_year(str(start + 1)), 3, 31)


def _read_year_end(phrase: str) -> date | None:
    match = _YEAR.fullmatch(phrase)
    return date(_full_year(match.group("y")), 12, 31) if match else None


def _read_relative(phrase: str, accepted_on: date | None) -> date | None:
    match = _RELATIVE.fullmatch(phrase)
    if not match:
        return None
    if accepted_on is None:
        raise _Unreadable(
            "a timescale counts from the date the recommendations were accepted, "
            "and that date is not set; give the date itself",
            "end of March 2012",
        )
    count = _COUNTS.get(match.group("n")) or int(match.group("n"))
    if count == 0:
        raise _Unreadable("a timescale of nothing is not a due date", "within 6 months")
    try:
        due = accepted_on + _STEPS[match.group("unit").rstrip("s")] * count
    except (ValueError, OverflowError):
        due = date.max
    _full_year(str(due.year))
    return due


def _read_range(phrase: str) -> date | None:
    match = _RANGE.fullmatch(phrase)
    if not match:
        return None
    later = _read_point(match.group("b"))
    if later is None:
        return None
    # "between April and June 2012": the earlier end only needs to be a month.
    if _MONTH_ONLY.fullmatch(match.group("a")):
        return later
    earlier = _read_point(match.group("a"))
    # The order is taken as a slip of the pen: the later end is still the due date.
    return max(earlier, later) if earlier else None


def _read_point(phrase: str) -> date | None:
    phrase, _ = _strip_leads(phrase)
    return _read_day(phrase) or _read_month(phrase)


def _explain(phrase: str, this_year: int, example: str = "by end of March 2012") -> _Unreadable:
    """Why `phrase` is not a date; a phrase without a year is shown with `this_year`."""
    if not phrase:
        return _Unreadable("there is no date in it", example)
    if _YEAR.fullmatch(phrase):
        year = int(phrase)
        return _Unreadable(
            "a year alone could mean its start or its end; give the month or the financial year",
            f"end of December {year} or {year}/{(year + 1) % 100:02d}",
        )
    if _MONTH_ONLY.fullmatch(phrase):
        return _Unreadable("it has no year", f"end of {phrase.rstrip('.').title()} {this_year}")
    if _DAY_WITHOUT_YEAR.fullmatch(phrase):
        joiner = re.sub(r"[0-9]", "", phrase)[:1] if phrase[-1].isdigit() else " "
        written = _MONTH_ONLY.sub(lambda month: month.group().capitalize(), phrase)
        return _Unreadable("it has no year", f"{written}{joiner}{this_year}")
    if _QUARTER.search(phrase):
        return _Unreadable(
            "quarters differ between calendar and financial years; give the month",
            "end of September 2012",
        )
    return _Unreadable("it is not a date or timescale I know", example)


def _not_a_day(text: str, example_year: int) -> _Unreadable:
    try:
        due = _read_due(text, None, example_year)
    except _Unreadable:
        return _explain(_normalise(text)[:MAX_LENGTH], example_year, DAY_FORMS[0])
    return _Unreadable("give just the day", f"{due.day}/{due.month}/{due.year}")


def _refusal(text: str, problem: _Unreadable, wanted: str, forms: tuple[str, ...]) -> UserError:
    shown = " ".join(text.split())
    if len(shown) > 40:
        shown = shown[:39] + "…"
    first = f"I can't read '{shown}' as {wanted}: {problem.reason}." if shown else f"Give {wanted}."
    return UserError(
        f"{first}\nDates I understand: {', '.join(forms)}.", example=problem.example or forms[0]
    )


def _could_start(word: str) -> bool:
    first = word.lstrip("([\"'“‘").lower()
    return first[:1].isdigit() or first in _STARTS or bool(_MONTH_ONLY.match(first))


def _longest_phrase(
    text: str, words: list[re.Match[str]], index: int, accepted_on: date | None
) -> tuple[int, DueDate] | None:
    for last in range(min(len(words), index + MAX_PHRASE_WORDS), index, -1):
        raw = text[words[index].start() : words[last - 1].end()]
        opened = raw.lstrip("([\"'“‘")
        phrase = opened.rstrip(".,;:!?)]\"'”’").rstrip()
        try:
            due_on = _read_due(phrase, accepted_on, EXAMPLE_YEAR)
        except _Unreadable:
            continue
        return words[index].start() + len(raw) - len(opened), DueDate(due_on, phrase)
    return None


def _rank(before: str, phrase: str) -> int | None:
    """0 for a labelled phrase, 1 for "by …"-style, 2 for a bare date; None for prose."""
    line = before[before.rfind("\n") + 1 :][-60:]
    if _LABEL.search(line):
        return 0
    # "in September 2012" and "at the end of May 2011" tell a history, not a deadline.
    if _HISTORY.search(line):
        return None
    if phrase.split()[0].lower() in _FORWARD:
        return 1
    # "then 21 months of age" is an age, and paragraph numbers like 1.3.10 read as d.m.yy.
    if _BARE_COUNT.match(phrase) or _SHORT_YEAR_DAY.fullmatch(phrase):
        return None
    return 2


def is_relative(phrase: str) -> bool:
    """True for a timescale that counts from the accepted date ("within 6 months")."""
    stripped, _ = _strip_leads(_normalise(phrase))
    return _RELATIVE.fullmatch(stripped) is not None


def _relative_rank(text: str, start: int, end: int, rank: int) -> int | None:
    """A period is a timescale only when labelled or standing as its own clause.

    "by 28 weeks of gestation" and "re-referred within twelve months before deciding" measure
    something else; reading them as deadlines would set a due date the report never gave.
    """
    after = text[end:]
    if _NOT_A_DEADLINE_AFTER.match(after):
        return None
    if rank == 0 or _CLAUSE_END.match(after):
        return rank
    # "Within 6 months, the Trust should …" opens its sentence with the period.
    if after.lstrip(" \t").startswith(",") and _CLAUSE_START.search(text[:start]):
        return rank
    return None


DEFAULT_TZ = TIME_ZONE.default  # a board's, and anyone's whose zone is unknown


def zone(name: str | None, fallback: str | None = None) -> ZoneInfo:
    """The zone of that name, else `fallback`'s (a board's), else the default: a person's
    local date, a reminder's hour and a board's day are all read in one."""
    for candidate in (name, fallback):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo(DEFAULT_TZ)
