"""What a person's text and links must be to be stored: lengths, emptiness, web links that
go where they read."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit, urlunsplit

import idna

from bot.errors import UserError

MAX_TEXT = 3000  # a recommendation's text
MAX_NOTE = 3000  # a note, a reason, a description
MAX_URL = 2000


def clean_text(text: str, what: str, *, limit: int = MAX_NOTE, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise UserError(f"The {what} is empty.", example='/recs note H-12 "Audit booked for March"')
    if len(text) > limit:
        raise UserError(
            f"The {what} is {len(text):,} characters; the limit is {limit:,}. Shorten it, "
            "or attach a document as evidence.",
            example="/recs evidence H-12 https://example.org/report.pdf Full audit report",
        )
    return text


LINK_EXAMPLE = "/recs evidence H-12 https://example.org/audit.pdf Audit report"
WEB_SCHEMES = ("http", "https")
# Characters that show as nothing, or turn the text around them: in a link they can only
# make it read as something it is not. Categories: controls (Cc), format characters such as
# zero-width spaces and bidi overrides (Cf), private use, surrogates and unassigned (Co, Cs,
# Cn), and separators (Z*); plus letters that render blank (Hangul fillers, braille blank).
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"})
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180e")


def _unseen(char: str) -> bool:
    return unicodedata.category(char) in UNSEEN_CATEGORIES or char in BLANK_LETTERS


def clean_url(url: str) -> str:
    """A web link a board member can open and trust to go where it reads: http or https, a
    host with a domain (or localhost), no user name before the host (`gov.uk@evil.example`
    goes to evil.example), nothing invisible or direction-changing anywhere in it. The host
    comes back IDNA-normalised (lower case, A-labels), so a look-alike shows as `xn--…`."""
    url = url.strip().strip("<>")
    if "|" in url:  # Slack's <url|label> form
        url = url.split("|", 1)[0]
    if len(url) > MAX_URL:
        raise UserError(f"That link is longer than {MAX_URL} characters.", example=LINK_EXAMPLE)
    if any(_unseen(char) for char in url):
        raise UserError(
            "That link holds invisible or direction-changing characters, so it may not go "
            "where it reads. Copy it again from the address bar.",
            example=LINK_EXAMPLE,
        )
    not_a_link = UserError(f"'{url[:100]}' is not a web link.", example=LINK_EXAMPLE)
    if any(char in '\\<>"' for char in url):  # a backslash is "/" to browsers, not to Python
        raise not_a_link
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise not_a_link from None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc or not url.lower().startswith(
        f"{parts.scheme.lower()}://"
    ):
        raise not_a_link
    if "@" in parts.netloc:
        raise UserError(
            "That link names someone before its host (…@host), so it goes somewhere other "
            "than it reads. Give the address itself.",
            example=LINK_EXAMPLE,
        )
    host = _ascii_host(parts.hostname or "")
    if host is None or not ("." in host or host == "localhost"):
        raise not_a_link
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _ascii_host(host: str) -> str | None:
    """The host as IDNA writes it (UTS #46), or None if it is not a host name."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def link_host(url: str | None) -> str:
    """The host a link really goes to, as stored ("" when there is none)."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


def shown_with_host(label: str, url: str | None) -> str:
    """A link's label with its real host beside it, "GOV.UK guidance (evil.example)": a
    label may say anything; the host says where the link goes."""
    host = link_host(url)
    if not label:
        return url or ""
    if not host or label == url:
        return label
    return f"{label} ({host})"
