"""Recommendation refs: `<review code>-<n>`, any case, any dash a person might type; and the
report's own labels, compared as one within a review."""

from __future__ import annotations

import re

from bot.errors import UserError

# Word processors turn "-" into en or em dashes; people paste from them.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH_CLASS = "\\-" + DASHES
REF_PATTERN = rf"[A-Za-z][A-Za-z0-9]*(?:[{_DASH_CLASS}][A-Za-z0-9]+)*?[{_DASH_CLASS}]\d{{1,6}}"
REF_RE = re.compile(rf"^{REF_PATTERN}$")
REF_IN_TEXT_RE = re.compile(rf"(?<![\w/.{_DASH_CLASS}])({REF_PATTERN})(?![\w{_DASH_CLASS}])")


def normalise_ref(text: str) -> str:
    text = text.strip().strip("*_`.,;:()[]")
    for dash in DASHES:
        text = text.replace(dash, "-")
    if not REF_RE.match(text):
        raise UserError(f"'{text[:40]}' is not a recommendation ref.", example="/recs show H-12")
    return text.upper()


def label_key(label: str) -> str:
    """A label as compared within a review (labels are unique there, and an import matches
    recommendations by them): "27", "27." and " 27 " are one label; case does not count."""
    return " ".join(label.casefold().rstrip(".").split())


def looks_like_ref(text: str) -> bool:
    return bool(REF_RE.match(text.strip()))


def refs_in(text: str) -> list[str]:
    """Every ref named in a message, normalised, in order, without repeats."""
    found: list[str] = []
    for match in REF_IN_TEXT_RE.finditer(text):
        ref = normalise_ref(match.group(1))
        if ref not in found:
            found.append(ref)
    return found
