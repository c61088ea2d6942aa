"""Read the recommendations out of a review report's text, as exported from PDF or Word.

Reports are read by *shape*, never by a list of names: a recommendations heading opens a
section; a short title-case line naming a kind of organisation ("… Police", "… NHS Trust",
"… Service") is an agency heading; a numbered line starts a recommendation; an ``a)`` line
is a part. An action-plan table ("Recommendation<TAB>Directorate<TAB>Progress at 31.10.14")
is read row by row instead (`parse_action_plan_table`). Nothing is guessed silently: each
recommendation carries a ``confidence`` and its ``reasons``, and whatever was not understood
is a warning.

Decisions a caller relies on:

* **Labels** are the report's own numbers ("12"; "8.3" when written "Recommendation 8.3").
  When numbers repeat, because numbering restarts under each agency heading, *every* label
  in the parse is prefixed with its agency's short name: the abbreviation the heading gives
  ("UHB 2" under "University Hospitals Bristol NHS Foundation Trust (UHB)"), or else the
  heading itself ("Avon and Somerset Police 2"). Labels are unique within one parse.
* **Agencies** come from the heading a recommendation sits under, without a trailing
  abbreviation ("Thames Valley Police (TVP)" gives "Thames Valley Police"; the abbreviations
  are in `ReportParse.agency_short_names`). An organisation heading followed at once by a
  service heading ("Oxfordshire NHS Foundation Trust", then "Health Visiting Service") gives
  "Oxfordshire NHS Foundation Trust – Health Visiting Service"; a later service heading under
  the same organisation ("Harm Minimisation Service") replaces the service part. A "Lead
  agency:" line beats the heading. With no heading, the agency the text names as its
  subject ("Wiltshire Police should …") is used, with lower confidence.
* **Text** is the whole recommendation, its parts and SMART block included; ``parts``
  repeats each part with its letter ("a) …"); ``timescale`` is the phrase as written, and
  ``due_on`` is what `bot.dates` makes of it.
"""

from __future__ import annotations

from bot.imports.report_text.parse import parse_action_plan_table, parse_report
from bot.imports.report_text.result import ReportParse

__all__ = ["ReportParse", "parse_action_plan_table", "parse_report"]
