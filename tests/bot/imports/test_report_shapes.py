"""Report shapes the import had never seen (issue 15), one hand-made fixture each: what each
shape must read, and what the parse says about itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.imports import ParsedRecommendation
from bot.imports.report_text import ReportParse, parse_report
from bot.rules.text import MAX_TEXT

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPORTS = FIXTURES / "reports"
CHILD_Q = FIXTURES / "reviews" / "child-q-oxfordshire-scr.txt"


def _parse(name: str, accepted_on: date | None = None) -> ReportParse:
    return parse_report((REPORTS / name).read_text(encoding="utf-8"), accepted_on)


def _by_label(parse: ReportParse) -> dict[str, ParsedRecommendation]:
    return {r.label: r for r in parse.recommendations}


# --- 1. Dotted numbering under a numbered section, with a lead-in addressee ---------------------

KINGSMERE = "Kingsmere Safeguarding Adults Board"


def test_dotted_items_under_an_n_0_section_are_recommendations() -> None:
    parse = _parse("dotted-numbering.txt")
    assert [r.label for r in parse.recommendations] == [f"7.{n}" for n in range(1, 11)]
    assert parse.sections == ["7.0 Recommendations"]
    assert not any("no recommendations under" in w for w in parse.warnings)
    assert _by_label(parse)["7.10"].text.endswith("people who use services.")


def test_the_lead_in_addressee_is_the_agency_and_counts_as_read() -> None:
    parse = _parse("dotted-numbering.txt")
    assert {r.agency for r in parse.recommendations} == {KINGSMERE}
    rec = _by_label(parse)["7.3"]  # "A multi-agency risk management meeting process should …"
    assert (
        rec.reasons[0] == f"agency from the lead-in: the recommendations are made to '{KINGSMERE}'"
    )
    assert all(r.confidence == 1.0 for r in parse.recommendations)


def test_a_numbered_lead_in_is_skipped_and_said() -> None:
    parse = _parse("numbered-narrative.txt")
    assert [r.label for r in parse.recommendations] == [f"6.{n}" for n in range(2, 8)]
    assert any("6.1 The recommendations below" in w and "lead-in" in w for w in parse.warnings)
    assert not any("emergency department should have made" in r.text for r in parse.recommendations)
    assert _by_label(parse)["6.4"].agency == "Hollinsford Primary Care Trust"


# --- 2. Agency headings without an organisation word ------------------------------------------


def test_headings_the_report_lists_as_plain_lines_are_agencies() -> None:
    parse = _parse("unlisted-agency-headings.txt")
    recs = _by_label(parse)
    assert recs["Agency B 2"].agency == "Agency B"
    assert recs["General Practitioners 1"].agency == "General Practitioners"
    assert recs["Open Door 2"].agency == "Open Door"
    assert recs["Open Door 2"].reasons[0] == "agency from heading 'Open Door'"
    assert recs["Open Door 2"].confidence == 1.0
    assert recs["Brackenfield Police 2"].agency == "Brackenfield Police"


def test_an_unlisted_heading_where_the_numbering_restarts_is_an_agency_in_doubt() -> None:
    parse = parse_report(
        "Recommendations\n\n"
        "Thames Valley Police\n"
        "1. Officers should record the name of every child present at an incident.\n"
        "2. Supervisors should review repeat incidents at the same address.\n\n"
        "Sunrise Project\n"
        "1. Keyworkers should share threats made against partners with the police.\n"
    )
    rec = _by_label(parse)["Sunrise Project 1"]
    assert rec.agency == "Sunrise Project"
    assert any("numbering restarts under it" in reason for reason in rec.reasons)
    assert rec.confidence < 1.0
    assert _by_label(parse)["Thames Valley Police 2"].agency == "Thames Valley Police"


# --- 3. A recommendation whose first line looks like a heading ----------------------------------


def test_first_lines_that_look_like_headings_start_the_recommendation() -> None:
    parse = _parse("heading-like-first-lines.txt")
    recs = _by_label(parse)
    assert list(recs) == ["1", "2", "3", "4", "5", "6"]
    assert recs["2"].text.startswith("Early Help and Family Support Services should offer")
    assert recs["2"].agency == "Early Help and Family Support Services"
    assert recs["5"].text.startswith("FATHERS AND PARTNERS living with a child")
    assert recs["6"].text.startswith("Voice of the Child Practitioners in all agencies")
    assert parse.sections == ["RECOMMENDATIONS"]


# --- 4. A gap in the numbering ------------------------------------------------------------------


def test_a_gap_in_tab_row_numbering_does_not_swallow_the_rows_after_it() -> None:
    parse = _parse("numbering-gap-tab-rows.txt")
    recs = _by_label(parse)
    assert list(recs) == [str(n) for n in [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]]
    assert recs["8"].text.endswith("cited in the procedures of each partner agency.")
    assert "<p>" not in recs["8"].text
    assert "label out of sequence (expected 9)" in recs["10"].reasons
    assert max(len(r.text) for r in parse.recommendations) < 400
    assert "the numbering skips 9" in parse.summary
    assert any(w.startswith("the numbering skips 9") for w in parse.warnings)


def test_a_restart_and_a_gap_are_told_apart() -> None:
    parse = parse_report(
        "Recommendations\n"
        "1\tThe Board should publish this review.\n"
        "2\tThe Board should audit closed concerns.\n"
        "4\tThe Board should review its escalation policy.\n"
        "1\tThe Board should write to the Home Office.\n"
    )
    labels = [r.label for r in parse.recommendations]
    assert len(set(labels)) == len(labels) == 4
    assert labels[-1].endswith("1 (2)")  # a second "1": flagged, never merged into "4"
    assert parse.summary.endswith("the numbering skips 3")


# --- 5. One doubtful item never sinks the file ------------------------------------------------------


def test_an_over_long_recommendation_is_cut_at_the_likely_boundary_and_flagged() -> None:
    parse = _parse("over-long-item.txt")
    rec = _by_label(parse)["3.4"]
    assert len(rec.text) <= MAX_TEXT
    assert rec.text.endswith("within the next six months.")
    assert rec.confidence <= 0.5
    doubt = next(reason for reason in rec.reasons if "characters" in reason)
    assert "the next number (3.5) may have been at line" in doubt
    assert "The author of this report" in doubt
    assert any("not imported" in w and "3.4" in w for w in parse.warnings)
    assert [r.label for r in parse.recommendations] == ["3.1", "3.2", "3.3", "3.4"]


def test_a_file_with_an_over_long_item_imports_every_recommendation(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    path = REPORTS / "over-long-item.txt"
    assert main(["import", str(path), "--review", "T", "--title", "Mr T"]) == 0
    out = capsys.readouterr().out
    assert "4 added" in out
    assert "found 4 recommendations under 3 agencies" in out


def test_every_item_fits_what_storage_takes() -> None:
    long_label = "Recommendation 1\n" + "The Board should " + "review the policy " * 400 + "\n"
    for text in (long_label, "Recommendations\n3.\n\n4.\n"):
        for rec in parse_report(text).recommendations:
            assert 0 < len(rec.text) <= MAX_TEXT
            assert len(rec.label) <= 100
            assert rec.timescale is None or len(rec.timescale) <= 200


# --- Other shapes from the field -------------------------------------------------------------------


def test_recommendation_headings_with_roman_sub_points() -> None:
    recs = _by_label(_parse("sar-roman-subpoints.txt"))
    assert list(recs) == ["1", "2", "3", "4"]
    assert recs["2"].parts == [
        "i) a check of the adult's weight and eating and drinking plan",
        "ii) the views of the adult and of the staff who support them day to day",
        "iii) the date of the adult's last annual health check",
        "iv) any concerns raised by the provider since the last review",
        "v) who will act on each concern, and by when",
    ]
    assert len(recs["1"].parts) == 4
    assert recs["3"].agency == "Thornbury Safeguarding Adults Board"  # "The SAB should …"


def test_dhr_action_plan_rows_wrapped_cell_by_cell() -> None:
    parse = _parse("dhr-action-plan-table.txt")
    recs = _by_label(parse)
    assert list(recs) == [
        "Overview 1", "Overview 2", "Police 1", "Police 2", "Health 1", "Housing 1"
    ]  # fmt: skip
    assert recs["Overview 1"].text == (
        "The Partnership should make sure that all frontline staff in partner agencies have "
        "had training on coercive control and on the increased risk at the point of separation."
    )
    assert recs["Overview 1"].agency == "Fernley Community Safety Partnership"
    assert (recs["Police 1"].timescale, recs["Police 1"].due_on) == (
        "30 September 2022",
        date(2022, 9, 30),
    )


def test_unnumbered_bullets_under_recommendations_for_headings() -> None:
    parse = _parse("partnership-bullets.txt")
    recs = _by_label(parse)
    assert list(recs) == ["1", "2", "3", "4", "5", "6"]
    assert recs["1"].agency == "Linbury Safeguarding Children Partnership"
    assert recs["4"].agency == "Linbury Council Children's Services"
    assert recs["4"].parts == [
        "the reasons for each earlier closure",
        "the views of the children at each assessment",
    ]
    assert "no number in the report; numbered in order" in recs["1"].reasons
    assert recs["1"].confidence < 1.0
    assert not any("action plan in response" in r.text for r in parse.recommendations)


def test_single_agency_sections_under_plain_line_headings() -> None:
    parse = _parse("single-agency-sections.txt")
    agencies = {r.label: r.agency for r in parse.recommendations}
    assert agencies == {
        "1": "Marlow Vale Safeguarding Adults Board",
        "2": "Marlow Vale Safeguarding Adults Board",
        "3": "Marlow Vale Mental Health NHS Trust",
        "4": "Marlow Vale Mental Health NHS Trust",
        "5": "Marlow Vale Fire and Rescue Service",
        "6": "Riverside Housing",
        "7": "Riverside Housing",
        "8": "Marlow Vale Council Adult Social Care",
    }


def test_page_furniture_footnotes_and_hyphenation_from_pdf_export() -> None:
    parse = _parse("pdf-export-furniture.txt")
    recs = _by_label(parse)
    assert list(recs) == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert recs["4.3"].text.endswith(
        "whether the pathway is embedded in safeguarding practice across the partnership."
    )
    assert "understand the self-neglect and carer strain pathway" in recs["4.3"].text
    assert "text joined across a page break" in recs["4.3"].reasons
    assert recs["4.5"].text.endswith("Learning and Development Subgroup.")
    texts = " ".join(r.text for r in parse.recommendations)
    assert "Page" not in texts and "Final Report" not in texts and "confidence" not in texts
    assert recs["4.4"].agency == "Heathside Surgery"


# --- Child Q: findings, each with areas for the Board, written three times -----------------------

OSCB = "Oxfordshire Safeguarding Children Board"


@pytest.fixture(scope="module")
def child_q() -> ReportParse:
    return parse_report(CHILD_Q.read_text(encoding="utf-8"))


def test_child_q_reads_each_finding_once(child_q: ReportParse) -> None:
    assert [r.label for r in child_q.recommendations] == [f"Finding {n}" for n in range(1, 8)]
    assert {r.agency for r in child_q.recommendations} == {OSCB}


def test_child_q_areas_for_the_board_are_the_parts(child_q: ReportParse) -> None:
    first = _by_label(child_q)["Finding 1"]
    assert first.text.startswith("CP Plans for Neglect do not consistently spell out")
    assert len(first.parts) == 8
    assert first.parts[0].startswith("The outcomes from the Neglect Pilot in North Oxfordshire")
    assert first.parts[-1].startswith("The role of supervision and training in relation to Neglect")
    assert "the Board may wish to consider" in first.text
    second = _by_label(child_q)["Finding 2"]
    assert "The use of Strategy Meetings/Discussions, including for children on CP Plans" in (
        " ".join(second.parts)
    )


def test_child_q_finding_text_skips_the_footnote_in_its_middle(child_q: ReportParse) -> None:
    sixth = _by_label(child_q)["Finding 6"]
    assert "Brandon" not in sixth.text and "Turney" not in _by_label(child_q)["Finding 2"].text
    assert "CP Conferences, and distribution of minutes" in sixth.text


# --- The parse as a whole ----------------------------------------------------------------------------


def test_the_summary_counts_recommendations_agencies_and_doubts() -> None:
    child_h = parse_report((FIXTURES / "seeds" / "child-h-serious-case-review.txt").read_text())
    assert child_h.summary == (
        "found 36 recommendations under 8 agencies; all read with full confidence"
    )
    gap = _parse("numbering-gap-tab-rows.txt")
    doubtful = sum(1 for r in gap.recommendations if r.confidence < 1)
    agencies = len({r.agency for r in gap.recommendations})
    assert gap.summary == (
        f"found 13 recommendations under {agencies} agencies; {doubtful} doubtful; "
        "the numbering skips 9"
    )


# --- Smaller structures --------------------------------------------------------------------------


def test_items_numbered_under_numbered_subsections() -> None:
    parse = parse_report(
        "Anyshire Safeguarding Children Partnership\n\n"
        "8 RECOMMENDATIONS\n\n"
        "8.1 Recommendations for the Partnership\n\n"
        "8.1.1 The Partnership should review its neglect strategy.\n"
        "8.1.2 The Partnership should audit the use of the escalation policy.\n\n"
        "8.2 Recommendations for Anyshire Police\n\n"
        "8.2.1 The force should make sure that notifications reach schools by the next day.\n\n"
        "9 APPENDIX\n"
    )
    assert {r.label: r.agency for r in parse.recommendations} == {
        "8.1.1": "Anyshire Safeguarding Children Partnership",
        "8.1.2": "Anyshire Safeguarding Children Partnership",
        "8.2.1": "Anyshire Police",
    }


def test_a_footer_carrying_its_page_number_is_furniture_without_form_feeds() -> None:
    footer = "Anyshire SAB – Safeguarding Adults Review Mr X – Final Report {}"
    pages = [
        "\n".join(f"4.{page}{n} Narrative line {n} of page {page}." for n in range(30))
        for page in range(1, 4)
    ]
    text = (
        "4 Narrative\n\n"
        + "\n".join(f"{body}\n{footer.format(page)}" for page, body in enumerate(pages, 1))
        + "\n5 Recommendations\n\n5.1 The Board should ask agencies to review the\n"
        + footer.format(4)
        + "\nself-neglect policy together.\n\n6 Glossary\n"
    )
    rec = _by_label(parse_report(text))["5.1"]
    assert rec.text == "The Board should ask agencies to review the self-neglect policy together."


def test_a_footnote_in_plain_digits_at_the_foot_of_a_page_is_furniture() -> None:
    parse = parse_report(
        "Recommendations\n\n"
        "1. The Board should review how the escalation policy is used, following the national "
        "guidance.12 It\nshould report back to partners.\n\n"
        "12 Working Together to Safeguard Children, 2018, p.74.\nPage 7 of 9\n"
        "\f2. Anyshire Police should review its bail procedure.\n"
    )
    rec = _by_label(parse)["1"]
    assert rec.text.endswith("following the national guidance. It should report back to partners.")
    assert not any("Working Together" in w for w in parse.warnings)


def test_an_unlisted_capitals_heading_where_numbering_restarts_does_not_end_the_section() -> None:
    parse = parse_report(
        "RECOMMENDATIONS\n\nANYSHIRE POLICE\n1. Officers should record the voice of the child.\n"
        "2. Supervisors should review repeat calls.\n\nSUNRISE PROJECT\n"
        "1. Keyworkers should share threats with the police.\n\nAPPENDIX 1\n"
    )
    assert [r.agency for r in parse.recommendations] == [
        "ANYSHIRE POLICE", "ANYSHIRE POLICE", "SUNRISE PROJECT"
    ]  # fmt: skip


def test_a_title_on_the_label_line_is_kept_but_not_taken_for_the_subject() -> None:
    parse = parse_report(
        "Anyshire Safeguarding Adults Board\n\nRecommendations\n\n"
        "Recommendation 1 – Self-neglect\nThe Board should publish a self-neglect protocol.\n"
    )
    rec = parse.recommendations[0]
    assert rec.text == "Self-neglect The Board should publish a self-neglect protocol."
    assert rec.agency == "Anyshire Safeguarding Adults Board"


def test_a_table_row_with_no_text_is_skipped_and_said() -> None:
    parse = parse_report(
        "Recommendation\tScope\tLead agency\n"
        "1. The Council should audit step-down decisions.\tLocal\tAnyshire Council\n"
        "2\tThe Council should\n"
    )
    assert [r.label for r in parse.recommendations] == ["1"]
    assert "line 3: skipped a row with no text" in parse.warnings
