"""Word documents keep list levels out of the text: a sub-bullet must still read as a sub-point
of the bullet above it, not as a recommendation of its own."""

from __future__ import annotations

import io

import docx

from bot.imports.documents import extract_text
from bot.imports.report_text import parse_report


def _bulleted_report() -> bytes:
    document = docx.Document()
    document.add_paragraph("Linbury Safeguarding Children Partnership")
    document.add_heading("Recommendations for the Partnership", level=1)
    document.add_paragraph(
        "The Partnership should review its escalation procedure, including:", style="List Bullet"
    )
    document.add_paragraph("who a practitioner contacts; and", style="List Bullet 2")
    document.add_paragraph("by when they can expect an answer.", style="List Bullet 2")
    document.add_paragraph(
        "The Partnership should publish a briefing on cumulative harm.", style="List Bullet"
    )
    document.add_heading("Appendix A: Terms of reference", level=1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_sub_bullets_are_parts_of_the_bullet_above() -> None:
    parse = parse_report(extract_text(_bulleted_report(), "review.docx"))
    assert [r.label for r in parse.recommendations] == ["1", "2"]
    first = parse.recommendations[0]
    assert first.parts == ["who a practitioner contacts", "by when they can expect an answer"]
    assert first.agency == "Linbury Safeguarding Children Partnership"
