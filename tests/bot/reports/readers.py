"""Reads the figures back out of each output as a person would see them: the DOCX board
paper (its key figures, its chart's alt text and its table), the XLSX and CSV trackers, and
the Slack summary's blocks. The agreement tests compare what these return."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from docx import Document
from openpyxl import load_workbook

from bot.rules.lifecycle import status_words
from storage.models import Status

WORD_STATUS = {status_words(s): s.value for s in Status}
BRAG_WORDS = {"red": "red", "amber": "amber", "green": "green", "blue": "blue", "closed": "grey"}
EMOJI_BRAG = {
    ":red_circle:": "red",
    ":large_orange_circle:": "amber",
    ":large_green_circle:": "green",
    ":large_blue_circle:": "blue",
}


@dataclass
class Figures:
    """Counts as one output shows them (zeros left out, so outputs that omit a zero agree)."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_brag: dict[str, int] = field(default_factory=dict)
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)

    def trimmed(self) -> Figures:
        return Figures(
            self.total,
            {k: v for k, v in self.by_status.items() if v},
            {k: v for k, v in self.by_brag.items() if v},
            {a: {k: v for k, v in c.items() if v} for a, c in self.by_agency.items()},
        )


@dataclass(frozen=True)
class Row:
    """One recommendation as a table shows it."""

    ref: str
    agency: str
    status: str
    brag: str
    due: str  # dd/mm/yyyy or ""


def figures_of(rows: list[Row]) -> Figures:
    by_agency: dict[str, dict[str, int]] = {}
    for row in rows:
        cell = by_agency.setdefault(row.agency or "No agency", {})
        cell[row.brag] = cell.get(row.brag, 0) + 1
    return Figures(
        len(rows),
        dict(Counter(r.status for r in rows)),
        dict(Counter(r.brag for r in rows)),
        by_agency,
    ).trimmed()


def status_of(words: str) -> str:
    words = words.strip().lower().removesuffix(" (at risk)")
    return WORD_STATUS[words]


# --- DOCX -----------------------------------------------------------------------------------


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_main_rows(content: bytes) -> list[Row]:
    """The table "Recommendation | Owner agency | Status (BRAG) | Due | Progress at …"."""
    document = Document(BytesIO(content))
    for table in document.tables:
        headings = [c.text for c in table.rows[0].cells]
        if headings[:4] == ["Recommendation", "Owner agency", "Status (BRAG)", "Due"]:
            break
    else:
        raise AssertionError("no main table")
    rows = []
    for tr in table.rows[1:]:
        cells = tr.cells
        ref = re.match(r"([A-Z0-9-]+-\d+)", cells[0].paragraphs[-1].text)
        assert ref, cells[0].text
        status, brag = (line.strip() for line in cells[2].text.split("\n")[:2])
        due = cells[3].text.split("\n")[0].strip()
        rows.append(
            Row(
                ref.group(1),
                cells[1].text.strip(),
                status_of(status),
                BRAG_WORDS[brag.lower()],
                due if re.fullmatch(r"\d\d/\d\d/\d{4}", due) else "",
            )
        )
    return rows


def docx_key_figures(content: bytes) -> Figures:
    text = docx_text(content)
    total = re.search(r"^(\d+) recommendations?\b", text, re.M)
    brag = re.search(
        r"BRAG: (\d+) red, (\d+) amber, (\d+) green, (\d+) blue(?:, (\d+) closed)?", text
    )
    by_status = re.search(r"By status: (.*?)\.$", text, re.M)
    assert total and brag and by_status, text[:2000]
    statuses = {
        WORD_STATUS[w]: int(n) for n, w in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", by_status[1])
    }
    colours = dict(zip(("red", "amber", "green", "blue", "grey"), brag.groups(), strict=True))
    return Figures(
        int(total[1]),
        statuses,
        {k: int(v) for k, v in colours.items() if v is not None},
        docx_chart_by_agency(content),
    ).trimmed()


def docx_chart_alt_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    shapes = document.inline_shapes
    assert len(shapes) == 1
    return str(shapes[0]._inline.docPr.get("descr"))


def docx_chart_by_agency(content: bytes) -> dict[str, dict[str, int]]:
    """The alt text lists each agency as "Name — 2 red, 1 green", separated by "; "."""
    alt = docx_chart_alt_text(content)
    body = alt.split(": ", 1)[1].rstrip(".")
    by_agency: dict[str, dict[str, int]] = {}
    for entry in body.split("; "):
        name, counts = entry.rsplit(" — ", 1)
        by_agency[name] = {
            BRAG_WORDS[w]: int(n)
            for n, w in re.findall(r"(\d+) (red|amber|green|blue|closed)", counts)
        }
    return by_agency


def docx_changes(content: bytes) -> tuple[int, int] | None:
    found = re.search(r"Since .+?: (\d+) updates?, (\d+) evidence items?", docx_text(content))
    return (int(found[1]), int(found[2])) if found else None


# --- XLSX and CSV ---------------------------------------------------------------------------


def _tracker_rows(headings: list[Any], values: list[list[Any]]) -> list[Row]:
    at = {h: i for i, h in enumerate(headings)}
    rows = []
    for v in values:
        due = v[at["Due"]]
        if hasattr(due, "strftime"):
            due = due.strftime("%d/%m/%Y")
        elif due:
            due = "/".join(reversed(str(due)[:10].split("-")))
        rows.append(
            Row(
                str(v[at["Ref"]]),
                str(v[at["Owner agency"]] or ""),
                status_of(str(v[at["Status"]])),
                BRAG_WORDS[str(v[at["BRAG"]]).lower()],
                str(due or ""),
            )
        )
    return rows


def xlsx_rows(content: bytes) -> list[Row]:
    sheet = load_workbook(BytesIO(content))["Tracker"]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    return _tracker_rows(table[0], [r for r in table[1:] if r[0]])


def csv_rows(content: bytes) -> list[Row]:
    table = list(csv.reader(content.decode("utf-8-sig").splitlines()))
    return _tracker_rows(table[0], table[1:])


# --- the Slack summary ----------------------------------------------------------------------


def _texts(blocks: list[dict[str, Any]]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in {"mrkdwn", "plain_text"}:
                parts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(parts)


def _brag_line(line: str) -> dict[str, int]:
    return {
        EMOJI_BRAG[e]: int(n) for e, n in re.findall(r"(:[a-z_]+:) (\d+)", line) if e in EMOJI_BRAG
    }


def summary_figures(blocks: list[dict[str, Any]]) -> Figures:
    text = _texts(blocks)
    total = re.search(r"\*Recommendations\*\n(\d+)", text)
    brag = re.search(r"\*BRAG\*\n(.*)", text)
    statuses = re.search(r"By status: (.*)", text)
    closed = re.search(r"\((\d+) closed\)", text)
    assert total and brag and statuses, text
    by_status = {
        WORD_STATUS[w]: int(n)
        for w, n in re.findall(r"([a-z ]+?) (\d+)(?: · |$)", statuses[1].strip())
    }
    by_brag = _brag_line(brag[1])
    if closed:
        by_brag["grey"] = int(closed[1])
    by_agency: dict[str, dict[str, int]] = {}
    agencies = text.split("*By agency*", 1)[1].split("\n")[1:]
    for line in agencies:
        found = re.match(r"((?::[a-z_]+: \d+\s+){4})(.+)$", line)
        if not found:
            break
        by_agency[found[2].replace("&amp;", "&")] = _brag_line(found[1])
    return Figures(int(total[1]), by_status, by_brag, by_agency).trimmed()


def summary_changes(blocks: list[dict[str, Any]]) -> tuple[int, int] | None:
    found = re.search(r"(\d+) updates?, (\d+) evidence items?", _texts(blocks))
    return (int(found[1]), int(found[2])) if found else None
