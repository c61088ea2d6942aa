"""The DOCX board paper as a chair would table it and as the accessibility regulations ask:
read from its XML. The title block, the marking and page numbers on every page, the
recommendations to the Board drafted from the state; the document's title and language,
Heading styles in reading order, marked and repeated header rows, alt text that states the
chart's numbers, and BRAG in words."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO

from docx import Document

from bot.reports.issue import produce
from bot.reports.paper import PaperOptions
from bot.reports.wording import plural
from storage.db import Database
from tests.bot.reports import readers
from tests.bot.reports.docx_xml import NS, W, body_outline, part, parts_named, text_of

MARCH = date(2015, 3, 1)
SECTIONS = [
    "Purpose",
    "Summary",
    "Recommendations to the Board",
    "Key figures",
    "BRAG rating by owner agency",
    "Recommendations and progress",
    "Annex A: overdue recommendations",
    "Annex B: moved due dates",
    "Contact officer",
]


def paper(db: Database, day: date | None, options: PaperOptions | None = None) -> bytes:
    with db.unit_of_work(write=False) as uow:
        made, _ = produce(uow.session, "H", "docx", day, uow.now, options)
    return made.content


def test_the_document_has_a_title_a_language_and_headings_in_reading_order(
    changed_plan: Database,
) -> None:
    content = paper(changed_plan, MARCH)

    core = part(content, "docProps/core.xml")
    assert (
        core.findtext("dc:title", namespaces=NS)
        == "Child H (H): action plan: progress at 1 March 2015"
    )
    assert core.findtext("dc:language", namespaces=NS) == "en-GB"
    styles = part(content, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert default is not None and default.get(W + "val") == "en-GB"
    languages = {e.get(W + "val") for e in styles.iter(W + "lang")}
    document = part(content, "word/document.xml")
    languages |= {e.get(W + "val") for e in document.iter(W + "lang")}
    assert languages == {"en-GB"}

    outline = body_outline(content)
    headings = [(style, text) for style, text in outline if style.startswith("Heading")]
    assert headings[0] == ("Heading1", "Child H (H): action plan: progress at 1 March 2015")
    assert [text for style, text in headings[1:]] == SECTIONS
    assert {style for style, _ in headings[1:]} == {"Heading2"}
    # Nothing floats: the reading order is the order on the page.
    assert document.findall(".//wp:anchor", NS) == []
    assert not document.findall(".//w:txbxContent", NS)
    with zipfile.ZipFile(BytesIO(content)) as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()  # the template's, not ours


def test_every_table_has_a_marked_repeated_header_row_and_a_caption(changed_plan: Database) -> None:
    document = part(paper(changed_plan, MARCH), "word/document.xml")
    tables = document.findall(".//w:tbl", NS)
    assert len(tables) == 3  # the main table and the two annexes
    for table in tables:
        rows = table.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        look = table.find("w:tblPr/w:tblLook", NS)
        assert look is not None and look.get(W + "firstRow") == "1"
        assert table.find("w:tblPr/w:tblCaption", NS).get(W + "val")


def test_the_chart_has_alt_text_with_its_numbers(changed_plan: Database) -> None:
    content = paper(changed_plan, MARCH)
    document = part(content, "word/document.xml")
    pictures = document.findall(".//wp:docPr", NS)
    assert len(pictures) == 1 and all(p.get("descr") for p in pictures)
    alt = pictures[0].get("descr")
    assert alt.startswith(
        "Bar chart of 36 recommendations by owner agency and BRAG rating, as at 1 March 2015: "
    )
    by_agency = readers.docx_chart_by_agency(content)
    assert sum(sum(c.values()) for c in by_agency.values()) == 36
    assert by_agency == readers.figures_of(readers.docx_main_rows(content)).by_agency


def test_brag_is_a_word_as_well_as_a_colour(changed_plan: Database) -> None:
    content = paper(changed_plan, MARCH)
    table = next(
        t for t in Document(BytesIO(content)).tables if t.rows[0].cells[2].text == "Status (BRAG)"
    )
    for row in table.rows[1:]:
        status = row.cells[2]
        assert status.paragraphs[-1].text in {"Red", "Amber", "Green", "Blue", "Closed"}
        assert status._tc.find("w:tcPr/w:shd", NS) is not None
        assert re.fullmatch(r"\d\d/\d\d/\d{4}|No due date", row.cells[3].paragraphs[0].text)
    h2 = next(r for r in table.rows[1:] if r.cells[0].paragraphs[-1].text.startswith("H-2 "))
    assert h2.cells[3].text == "31/03/2015"  # the timescale is that date: not said twice
    h1 = next(r for r in table.rows[1:] if r.cells[0].paragraphs[-1].text.startswith("H-1 "))
    assert h1.cells[3].text == "31/03/2015\nby end of March 2015"
    assert "Key: Red, past its due date" in readers.docx_text(content)


def test_every_page_has_the_marking_and_page_n_of_m(changed_plan: Database) -> None:
    content = paper(changed_plan, MARCH, PaperOptions(marking="OFFICIAL-SENSITIVE"))
    headers = parts_named(content, "word/header")
    footers = parts_named(content, "word/footer")
    assert any(text_of(h).strip() == "OFFICIAL-SENSITIVE" for h in headers)
    footer = next(f for f in footers if "Page" in text_of(f))
    instructions = [t.text.strip() for t in footer.iter(W + "instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "OFFICIAL-SENSITIVE" in text_of(footer)
    assert "Protective marking: OFFICIAL-SENSITIVE" in readers.docx_text(content)


def test_the_title_block_names_the_board_meeting_marking_and_contact(
    changed_plan: Database,
) -> None:
    options = PaperOptions(meeting_on=date(2015, 3, 17))
    text = readers.docx_text(paper(changed_plan, MARCH, options))
    assert "OXFORDSHIRE SAFEGUARDING CHILDREN BOARD" in text
    assert "Meeting: 17 March 2015" in text
    assert "Progress at: 1 March 2015 (rebuilt from the recorded history" in text
    assert "Report date: 2 March 2015" in text
    assert "Protective marking: OFFICIAL" in text
    assert "Contact officer: Sam Patel, Board business manager, sam.patel@example.org" in text
    assert "Meeting: to be confirmed" in readers.docx_text(paper(changed_plan, None))


def test_the_board_is_asked_to_sign_off_decide_and_note(changed_plan: Database) -> None:
    content = paper(changed_plan, MARCH)
    outline = body_outline(content)
    start = outline.index(("Heading2", "Recommendations to the Board"))
    asks = [text for style, text in outline[start + 1 :] if style == "ListNumber"]
    assert outline[start + 1] == ("Normal", "The Board is RECOMMENDED to:")
    assert asks[0].startswith(
        "note the progress of the action plan for the Child H serious case review"
    )
    sign_off = next(a for a in asks if a.startswith("consider the evidence"))
    rows = readers.docx_main_rows(content)
    completed = [r.ref for r in rows if r.status == "completed"]
    assert f"the {plural(len(completed), 'recommendation')} reported complete" in sign_off
    assert all(ref in sign_off for ref in completed)
    decide = next(a for a in asks if a.startswith("decide, for each of the"))
    overdue = [r.ref for r in rows if r.brag == "red"]
    assert all(f"{ref} (" in decide for ref in overdue)
    moved = next(a for a in asks if a.startswith("note the 1 due-date move"))
    assert "on 1 recommendation (Annex B): H-2" in moved
    assert asks[-1].endswith(".") and asks[-2].endswith("; and")


def test_counts_agree_with_their_nouns() -> None:
    assert plural(1, "recommendation") == "1 recommendation"
    assert plural(2, "recommendation") == "2 recommendations"
    assert plural(0, "entry", "entries") == "0 entries"
