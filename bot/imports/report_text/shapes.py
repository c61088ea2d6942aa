"""The shapes a line can take: a label, a part, a field, a numbered heading, and the words
that mark an agency, an organisation or a sentence."""

from __future__ import annotations

import re

_BULLET = r"(?:[-–•·▪*]\s+)?"
_LABEL_NUMBERED = re.compile(
    rf"^{_BULLET}\(?(?P<num>\d{{1,3}})(?P<punct>[.):]?)(?P<gap>\t+| +)(?P<rest>\S.*)$"
)
_LABEL_ALONE = re.compile(r"^\(?(?P<num>\d{1,3})[.):]$")
_LABEL_WORDED = re.compile(
    rf"^{_BULLET}(?P<word>(?i:recommendation|finding|rec\.))\s*(?i:no\.?\s*)?"
    r"(?P<num>\d{1,3}(?:\.\d{1,2})?)"
    r"(?P<punct>\s*[.:)\-–—])?\s*(?P<rest>.*)$"
)
_PART = re.compile(
    rf"^{_BULLET}(?:\(?(?P<letter>[a-l]|ii|iii|iv|v|vi|vii|viii|ix|x)\)|(?P<dotted>[a-l])\.)\s+"
    r"(?P<rest>\S.*)$"
)
_NUMBERED_PARAGRAPH = re.compile(rf"^{_BULLET}\d{{1,2}}\.\d{{1,2}}(?:\.\d{{1,3}})*\.?\s+\S")
# A numbered heading has a title in capitals ("8 GLOSSARY OF ABBREVIATIONS"); a numbered
# line in sentence case is a recommendation or a paragraph.
_NUMBERED_HEADING = re.compile(
    r"^(?:[Ss]ection\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[^a-z]{3,80})$"
)

_TIME_FIELD = (
    r"time[- ]?frames?|time[- ]?bound|time[- ]?scales?(?: for completion)?|timed|timely|"
    r"target(?: date)?|completion date|deadline|by when|due(?: date)?"
)
_AGENCY_FIELD = r"lead agency|lead organi[sz]ation|responsible agency|agency|owner"
_SMART_FIELD = r"specific|measurable|achievable|achieveable|attainable|agreed|realistic|relevant"
_FIELD_SEPARATOR = r"\s*(?:[:–—]|\s-)\s*"
_FIELD = re.compile(
    rf"^{_BULLET}(?P<name>{_TIME_FIELD}|{_AGENCY_FIELD}|{_SMART_FIELD}){_FIELD_SEPARATOR}"
    r"(?P<value>.*)$",
    re.IGNORECASE,
)
_AGENCY_FIELD_NAME = re.compile(rf"^(?:{_AGENCY_FIELD})$", re.IGNORECASE)
_INLINE_TIME_FIELD = re.compile(
    rf"\b(?:{_TIME_FIELD}){_FIELD_SEPARATOR}(?P<value>.+?)(?=\.\s|\.$|;|$)", re.IGNORECASE
)

# Words that make a short title-case line an agency heading: kinds of organisation or team.
_AGENCY_WORD = re.compile(
    r"\b(?:police|constabulary|nhs|trusts?|council|services?|boards?|ccg|icb|probation|"
    r"housing|pharmac(?:y|ies)|care|health|hospitals?|group|partnership|cafcass|directorate|"
    r"team|unit|department|authority|practices?|ambulance|schools?|academy|college|prisons?|"
    r"commissioning|surgery|midwifery|clinic|centre|center|education|crc|government|office)\b",
    re.IGNORECASE,
)
# Words that mark a whole organisation rather than one of its services.
_ORG_WORD = re.compile(
    r"\b(?:police|constabulary|nhs|trust|council|board|partnership|ccg|icb|commissioning|group|"
    r"probation|cafcass|hospitals?|authority|foundation|borough|county|city|government|"
    r"ambulance|prisons?|academy|college|crc)\b",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\b(?:should|must|shall|will|would|is|are|was|were|has|have|had|been|be|needs?|made|"
    r"about|provided|ensure)\b",
    re.IGNORECASE,
)
# Small words a heading may hold in lower case ("Avon and Somerset Police").
_STOPWORDS = frozenset(
    {"and", "of", "the", "for", "&", "in", "on", "to", "or", "with", "by", "at", "a", "an",
     "–", "-", "from"}
)  # fmt: skip
_ABBREVIATION = re.compile(r"\s*\((?P<short>[A-Z][A-Za-z&]{1,11})\)$")
