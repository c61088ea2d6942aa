"""How faithfully the report-text import reads each review fixture against its ground truth.

    python -m bench --only fidelity

Every ``*-expected.json`` under tests/fixtures/reviews/ and tests/fixtures/reports/ names what a
careful reader takes as that review's recommendations (label, owner agency, first words,
timescale as written). Its review text is the ``source`` the file names, or else the .txt beside
it whose name starts with the JSON's stem ("child-q-expected.json" → "child-q-….txt").

A recommendation is *found* when one read from the text starts with its words; it is *right*
when that one also has the expected label and agency. Read items that start like no expected
recommendation are *invented*; an expected one matched by two read items is *counted twice*.
Nothing here measures time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.imports import ParsedRecommendation
from bot.imports.report_text import ReportParse, parse_report

REPO = Path(__file__).resolve().parent.parent
FIXTURE_FOLDERS = (
    REPO / "tests" / "fixtures" / "reviews",
    REPO / "tests" / "fixtures" / "reports",
)
HEADERS = [
    "review",
    "expected",
    "found",
    "label",
    "text",
    "agency",
    "timescale",
    "right",
    "invented",
    "twice",
    "doubtful",
]


@dataclass(frozen=True)
class GroundTruth:
    name: str  # the JSON's stem
    source: Path
    expected: list[dict[str, Any]]


@dataclass
class Score:
    """One review's figures; `misses` says, per expected label, what was wrong."""

    name: str
    expected: int = 0
    found: int = 0
    label: int = 0
    text: int = 0
    agency: int = 0
    timescale: int = 0
    right: int = 0
    invented: int = 0
    twice: int = 0
    doubtful: int = 0
    misses: list[str] = field(default_factory=list)

    def row(self) -> list[object]:
        return [
            self.name, self.expected, self.found, self.label, self.text, self.agency,
            self.timescale, self.right, self.invented, self.twice, self.doubtful,
        ]  # fmt: skip

    @property
    def right_share(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def _normal(text: str | None) -> str:
    """Compared without case, quote style, hyphenation at a line end or spacing."""
    text = (text or "").translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return " ".join(text.casefold().split())


def ground_truths(folders: Iterable[Path] = FIXTURE_FOLDERS) -> list[GroundTruth]:
    found: list[GroundTruth] = []
    for folder in folders:
        for path in sorted(folder.glob("*-expected.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            stem = path.name.removesuffix("-expected.json")
            if "source" in data:
                source = (folder / data["source"]).resolve()
            else:
                matches = sorted(p for p in folder.glob(f"{stem}*.txt"))
                if len(matches) != 1:
                    raise FileNotFoundError(f"{path.name}: no single {stem}*.txt beside it")
                source = matches[0]
            found.append(GroundTruth(stem, source, data["expected"]))
    return found


def parse(truth: GroundTruth) -> ReportParse:
    return parse_report(truth.source.read_text(encoding="utf-8"))


def score(truth: GroundTruth, parsed: ReportParse) -> Score:
    result = Score(truth.name, expected=len(truth.expected))
    matched: set[int] = set()
    for item in truth.expected:
        words = _normal(item["words"])
        candidates = [
            (i, r)
            for i, r in enumerate(parsed.recommendations)
            if _normal(r.text).startswith(words)
        ]
        matched.update(i for i, _ in candidates)
        if not candidates:
            result.misses.append(f"{item['label']}: not found ('{item['words'][:40]}')")
            continue
        result.found += 1
        result.twice += len(candidates) > 1
        _score_one(result, item, [r for _, r in candidates])
    result.text = result.found
    result.invented = len(parsed.recommendations) - len(matched)
    result.misses += [
        f"invented: {r.label} '{r.text[:50]}'"
        for i, r in enumerate(parsed.recommendations)
        if i not in matched
    ]
    result.doubtful = sum(1 for r in parsed.recommendations if r.confidence < 1)
    return result


def _score_one(result: Score, item: dict[str, Any], candidates: list[ParsedRecommendation]) -> None:
    rec = candidates[0]
    label_right = _normal(rec.label) == _normal(item["label"])
    agency_right = _normal(rec.agency) == _normal(item["agency"])
    timescale_right = _normal(rec.timescale) == _normal(item.get("timescale"))
    result.label += label_right
    result.agency += agency_right
    result.timescale += timescale_right
    result.right += label_right and agency_right
    wrong = [
        f"label '{rec.label}'" if not label_right else "",
        f"agency '{rec.agency}'" if not agency_right else "",
        f"timescale '{rec.timescale}'" if not timescale_right else "",
    ]
    if any(wrong):
        result.misses.append(f"{item['label']}: " + ", ".join(w for w in wrong if w))


def scores(truths: Sequence[GroundTruth] | None = None) -> list[Score]:
    return [score(truth, parse(truth)) for truth in truths or ground_truths()]


def totals(all_scores: Sequence[Score]) -> Score:
    total = Score("all")
    for s in all_scores:
        for name in HEADERS[1:]:
            setattr(total, name, getattr(total, name) + getattr(s, name))
    return total


def table(all_scores: Sequence[Score]) -> str:
    from bench.common import table as text_table

    rows = [s.row() for s in all_scores] + [totals(all_scores).row()]
    return text_table(HEADERS, rows)


def run() -> dict[str, Any]:
    """For `python -m bench`: prints the table and returns the figures."""
    all_scores = scores()
    print("\nReport-text import fidelity (found / right per review fixture)")
    print(table(all_scores))
    for s in all_scores:
        for miss in s.misses:
            print(f"  {s.name}: {miss}")
    return {s.name: dict(zip(HEADERS[1:], s.row()[1:], strict=True)) for s in all_scores}


def main() -> int:
    run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
