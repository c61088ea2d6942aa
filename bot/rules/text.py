"""What a person's text and links must be to be stored: lengths, emptiness, web links."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bot.errors import UserError

MAX_TEXT = 3000  # a recommendation's text
MAX_NOTE = 3000  # a note, a reason, a description
MAX_URL = 2000

URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


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


def clean_url(url: str) -> str:
    url = url.strip().strip("<>")
    if "|" in url:  # Slack's <url|label> form
        url = url.split("|", 1)[0]
    example = "/recs evidence H-12 https://example.org/audit.pdf Audit report"
    if len(url) > MAX_URL:
        raise UserError(f"That link is longer than {MAX_URL} characters.", example=example)
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        host = ""
    # A link a board member can open: http(s), and a host with a domain (or localhost).
    if not URL_RE.match(url) or not ("." in host or host == "localhost"):
        raise UserError(f"'{url[:100]}' is not a web link.", example=example)
    return url
