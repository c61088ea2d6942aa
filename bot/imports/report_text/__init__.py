"""Read the recommendations out of a review report's text, as exported from PDF or Word.

Reports are read by *shape*, never by a list of names: a recommendations heading opens a
section; a short title-case line naming a kind of organisation ("… Police", "… NHS Trust",
"… Service"), or one the report lists among the agencies involved, is an agency heading; a
numbered line (or one in the section's own numbering, "7.4") starts a recommendation; an
``a)`` or ``(ii)`` line is a part; bullets are the recommendations where a block has no
numbers. A report with no recommendations heading is read for its labelled items ("Finding
2", "Recommendation 3"), each once however often it is written. An action-plan table
("Recommendation<TAB>Directorate<TAB>Progress at 31.10.14") is read row by row instead
(`parse_action_plan_table`). Nothing is guessed silently: each recommendation carries a
``confidence`` and its ``reasons`` (1.0: label, boundaries and agency each read from the
text), whatever was not understood is a warning, and ``ReportParse.summary`` says what was
read as a whole. Nothing doubtful refuses the file: every item fits what storage takes.

Decisions a caller relies on:

* **Labels** are the report's own numbers ("12"; "8.3" when written "Recommendation 8.3").
  When numbers repeat, because numbering restarts under each agency heading, *every* label
  in the parse is prefixed with its agency's short name: the abbreviation the heading gives
  ("UHB 2" under "University Hospitals Bristol NHS Foundation Trust (UHB)"), or else the
  heading itself ("Avon and Somerset Police 2"). Labels are unique within one parse.
* **Labels** of bullets, which the report does not number, are "1", "2", … in order.
* **Agencies** come from the heading a recommendation sits under, without a trailing
  abbreviation ("Thames Valley Police (TVP)" gives "Thames Valley Police"; the abbreviations
  are in `ReportParse.agency_short_names`). An organisation heading followed at once by a
  service heading ("Oxfordshire NHS Foundation Trust", then "Health Visiting Service") gives
  "Oxfordshire NHS Foundation Trust – Health Visiting Service"; a later service heading under
  the same organisation ("Harm Minimisation Service") replaces the service part. A "Lead
  agency:" line beats the heading. With no heading, the agency the text names as its
  subject ("Wiltshire Police should …") is used, with lower confidence unless the report
  lists it; "the Board" and "the Partnership" are the body the title page names; else the
  one a lead-in makes the recommendations to.
* **Text** is the whole recommendation, its parts and SMART block included; ``parts``
  repeats each part with its letter ("a) …"); ``timescale`` is the phrase as written, and
  ``due_on`` is what `bot.dates` makes of it.
"""

from __future__ import annotations

from bot.imports.report_text.parse import parse_action_plan_table, parse_report
from bot.imports.report_text.result import ReportParse

__all__ = ["ReportParse", "parse_action_plan_table", "parse_report"]
