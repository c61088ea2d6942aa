"""The tracker as CSV, for everything else: the same columns and words as the XLSX tracker."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO

from bot.reports.paper import BoardPaper
from bot.reports.xlsx import TRACKER_COLUMNS, tracker_values


def tracker_csv(paper: BoardPaper) -> bytes:
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.title for column in TRACKER_COLUMNS])
    for row in paper.rows:
        values = tracker_values(row)
        # Evidence: every link, not the first one's description (CSV has no other sheet).
        values[[c.title for c in TRACKER_COLUMNS].index("Evidence")] = " ; ".join(
            e.url for e in row.evidence
        )
        writer.writerow([_cell(v) for v in values])
    # A byte-order mark, so Excel opens the file as UTF-8 (names with accents, en dashes).
    return out.getvalue().encode("utf-8-sig")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
