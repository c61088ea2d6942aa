"""Every review fixture scored against its ground truth (bench/import_fidelity.py): the table of
found / right per review is printed, and each review must read at least 95% right, with nothing
invented and nothing counted twice."""

from __future__ import annotations

import pytest

from bench import import_fidelity
from bench.import_fidelity import GroundTruth

TRUTHS = import_fidelity.ground_truths()


def test_every_review_fixture_has_a_ground_truth_and_its_table_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    names = {truth.name for truth in TRUTHS}
    assert {"child-h", "child-q", "dotted-numbering", "numbering-gap-tab-rows"} <= names
    table = import_fidelity.table(import_fidelity.scores(TRUTHS))
    with capsys.disabled():
        print("\n" + table)
    assert table.splitlines()[0].split()[:3] == ["review", "expected", "found"]


@pytest.mark.parametrize("truth", TRUTHS, ids=[truth.name for truth in TRUTHS])
def test_review_reads_right_with_nothing_invented_or_counted_twice(truth: GroundTruth) -> None:
    score = import_fidelity.score(truth, import_fidelity.parse(truth))
    assert score.right >= 0.95 * score.expected, score.misses
    assert score.invented == 0, score.misses
    assert score.twice == 0, score.misses
