"""The tracker as CSV, for everything else: the same columns as the XLSX tracker."""

from __future__ import annotations

import csv
from io import StringIO

from bot.reports.paper import BoardPaper
from bot.reports.xlsx import TRACKER_COLUMNS


def tracker_csv(paper: BoardPaper) -> bytes:
    out = StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _width, _wrap in TRACKER_COLUMNS])
    for row in paper.rows:
        writer.writerow(
            [
                row.ref,
                row.label,
                row.text,
                row.agency,
                row.lead_officer,
                row.due_on.isoformat() if row.due_on else "",
                row.timescale,
                row.original_timescale,
                row.status_words,
                row.brag.upper(),
                row.latest_update,
                row.latest_update_at.date().isoformat() if row.latest_update_at else "",
                " ; ".join(e.url for e in row.evidence),
                row.due_moves,
            ]
        )
    # A byte-order mark, so Excel opens the file as UTF-8 (names with accents, en dashes).
    return out.getvalue().encode("utf-8-sig")
