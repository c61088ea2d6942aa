"""The paper as LibreOffice lays it out and prints it: a tagged PDF (`--format pdf`) with
its language and title, the marking and "Page N of M" on every page, the table's header row
repeated on each page it runs to, the BRAG colours on the page images, and the tracker
printed one page wide. Skipped where LibreOffice is not installed (CI installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.reports.pdf import libreoffice, to_pdf
from bot.services.suite import Services
from console.clock import MovableClock
from storage.db import Database
from tests import databases

if libreoffice() is None:
    pytest.skip("LibreOffice is not installed", allow_module_level=True)

pytestmark = pytest.mark.xdist_group("libreoffice")  # one worker: LibreOffice is heavy
CABINET_DAY = date(2014, 10, 31)
TABLE_FILLS = {"green": (0xB8, 0xDD, 0xA0), "blue": (0xB4, 0xD3, 0xEE)}


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: list[str]  # each page's text
    xlsx_pages: list[str]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """The demo's paper as of 31.10.14 as a PDF, and its tracker printed: made once per
    worker (a session fixture: tests of other modules may run between these)."""
    from bot.demo import load_demo

    clock = MovableClock(datetime(2015, 3, 2, 9, 0, tzinfo=UTC))
    db = Database(databases.sqlite_url(tmp_path_factory.mktemp("pages")), clock=clock)
    load_demo(db)
    reports = Services(db, clock).reports
    pdf = reports.export("H", "pdf", CABINET_DAY).content
    xlsx = reports.export("H", "xlsx", CABINET_DAY).content
    db.dispose()
    xlsx_pdf = to_pdf(xlsx, ".xlsx")
    yield Rendered(pdf, _texts(pdf), _texts(xlsx_pdf))


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]


def test_the_pdf_is_tagged_titled_and_in_british_english(rendered: Rendered) -> None:
    reader = PdfReader(BytesIO(rendered.pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata is not None
    assert reader.metadata.title == "Child H (H): action plan: progress at 31 October 2014"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_every_page_has_the_marking_and_its_number_of_all(rendered: Rendered) -> None:
    total = len(rendered.pages)
    assert total >= 4
    for number, text in enumerate(rendered.pages, start=1):
        assert text.count("OFFICIAL") >= 2, number  # top and bottom
        assert f"Page {number} of {total}" in text
    first = rendered.pages[0]
    for words in ("Purpose", "Recommendations to the Board", "Protective marking: OFFICIAL"):
        assert words in first


def test_the_tables_header_row_repeats_on_each_page_it_runs_to(rendered: Rendered) -> None:
    table_pages = [t for t in rendered.pages if re.search(r"\bH-\d+ · lead officer", t)]
    assert len(table_pages) >= 3
    for text in table_pages:
        words = " ".join(text.split())  # a header cell wraps where the fonts make it
        assert "Status (BRAG)" in words and "Progress at 31.10.14" in words


def test_the_page_images_show_the_brag_colours(rendered: Rendered, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "paper.pdf").write_bytes(rendered.pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", str(tmp_path / "paper.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(rendered.pages)
    table_pages = [
        n for n, t in enumerate(rendered.pages) if re.search(r"\bH-\d+ · lead officer", t)
    ]
    with Image.open(images[0]) as first:
        assert first.width > first.height  # landscape
    colours: set[tuple[int, int, int]] = set()
    for n in table_pages:
        with Image.open(images[n]) as page:
            colours |= {rgb for _count, rgb in page.convert("RGB").getcolors(1 << 20) or []}
    for name, fill in TABLE_FILLS.items():
        assert any(_near(rgb, fill) for rgb in colours), name


def _near(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 6 for x, y in zip(a, b, strict=True))


def test_the_tracker_prints_its_columns_on_every_page(rendered: Rendered) -> None:
    tracker = [t for t in rendered.xlsx_pages if "Tracker" in t]
    assert len(tracker) >= 2
    for text in tracker:
        for heading in ("Ref", "Recommendation", "Owner agency", "BRAG", "Latest update"):
            assert heading in text
        assert "Original timescale" not in text.split("Not printed:")[0]
        assert "OFFICIAL" in text and re.search(r"Page \d+ of \d+", text)
