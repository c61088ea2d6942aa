"""Reading recommendations out of review reports: the Child H seeds and hand-made report styles."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from bot.errors import UserError
from bot.imports import ParsedRecommendation
from bot.imports.documents import extract_text
from bot.imports.report_text import ReportParse, parse_action_plan_table, parse_report
from tests.conftest import REPORTS, SEEDS

CHILD_H = SEEDS / "child-h-serious-case-review.txt"
CABINET = SEEDS / "child-h-cabinet-action-plan-report.txt"

OXFORD_HEALTH_HV = "Oxfordshire NHS Foundation Trust – Health Visiting Service"
OXFORD_HEALTH_HMS = "Oxfordshire NHS Foundation Trust – Harm Minimisation Service"

# Child H, section 7.2: who owns each recommendation, as the headings there group them.
CHILD_H_AGENCIES: list[tuple[range, str]] = [
    (range(1, 4), "Oxfordshire Safeguarding Children Board"),
    (range(4, 8), OXFORD_HEALTH_HV),
    (range(8, 12), OXFORD_HEALTH_HMS),
    (range(12, 21), "Thames Valley Police"),
    (range(21, 22), "Thames Valley Probation Service"),
    (range(22, 27), "Oxfordshire Clinical Commissioning Group"),
    (range(27, 31), "Children's Social Care"),
    (range(31, 37), "Oxford University Hospital NHS Trust"),
]


def _by_label(parse: ReportParse) -> dict[str, ParsedRecommendation]:
    return {r.label: r for r in parse.recommendations}


def _fixture(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def child_h() -> ReportParse:
    return parse_report(CHILD_H.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cabinet() -> ReportParse:
    return parse_report(CABINET.read_text(encoding="utf-8"))


def _seed_section_7_texts() -> dict[str, str]:
    """The expected texts, read from the seed by a simpler route than the parser's.

    In the seed each recommendation is one "N. text" line between the 7.2 heading and the
    glossary; all that is needed is to drop the HTML list fragments and the bullets.
    """
    seed = CHILD_H.read_text(encoding="utf-8")
    section = seed.split("7.2 RESPONSIBILITY FOR IMPLEMENTATION")[1].split("8 GLOSSARY")[0]
    texts = {}
    for line in section.splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line)
        if match:
            text = re.sub(r"<[^>]+>|•", " ", match.group(2))
            texts[match.group(1)] = " ".join(text.split())
    return texts


# --- Child H: the serious case review ------------------------------------------------------


def test_child_h_reads_exactly_the_36_recommendations_of_section_7(child_h: ReportParse) -> None:
    assert [r.label for r in child_h.recommendations] == [str(n) for n in range(1, 37)]
    assert child_h.sections == ["7 RECOMMENDATIONS"]


def test_child_h_each_recommendation_has_the_agency_section_7_lists_it_under(
    child_h: ReportParse,
) -> None:
    expected = {str(n): agency for numbers, agency in CHILD_H_AGENCIES for n in numbers}
    assert len(expected) == 36
    assert {r.label: r.agency for r in child_h.recommendations} == expected


def test_child_h_texts_are_complete(child_h: ReportParse) -> None:
    expected = _seed_section_7_texts()
    assert len(expected) == 36
    assert {r.label: r.text for r in child_h.recommendations} == expected


def test_child_h_recommendation_16_loses_the_html_list_fragments(child_h: ReportParse) -> None:
    assert _by_label(child_h)["16"].text == (
        "TVP should effectively communicate to relevant staff that it is the responsibility "
        "of an officer identifying safeguarding concerns to create a 'child protection – non "
        "crime incident' and not assume that: it will be created by someone else; or other "
        "agencies already know the information"
    )


def test_child_h_recommendation_26_after_a_blank_line_is_read(child_h: ReportParse) -> None:
    rec = _by_label(child_h)["26"]
    assert rec.text.startswith("When invited to child protection conferences, GPs should ensure")
    assert rec.text.endswith("by active agreement with others in the primary care team")
    assert rec.agency == "Oxfordshire Clinical Commissioning Group"


def test_child_h_reads_nothing_outside_section_7(child_h: ReportParse) -> None:
    lines = CHILD_H.read_text(encoding="utf-8").splitlines()
    first = lines.index("7 RECOMMENDATIONS") + 1
    last = lines.index("8 GLOSSARY OF ABBREVIATIONS") + 1
    assert all(first < (r.source_line or 0) < last for r in child_h.recommendations)
    texts = " ".join(r.text for r in child_h.recommendations)
    assert "36 recommendations for improved systems" not in texts  # 1.3.16
    assert "Of the recommendations below" not in texts  # 7.1.1
    assert "RECOMMENDATIONS" not in texts  # the contents line "7 RECOMMENDATIONS 62"


def test_child_h_says_what_it_skipped(child_h: ReportParse) -> None:
    assert any("7.1.1 Of the recommendations below" in w for w in child_h.warnings)
    assert any("no recommendations under 'RECOMMENDATIONS'" in w for w in child_h.warnings)


def test_child_h_agencies_come_with_their_heading_as_the_reason(child_h: ReportParse) -> None:
    recs = _by_label(child_h)
    assert recs["12"].reasons == [
        "agency from heading 'Thames Valley Police (TVP)'; the text names it too"
    ]
    assert recs["4"].reasons == [
        "agency from heading 'Oxfordshire NHS Foundation Trust / Health Visiting Service'"
    ]
    assert recs["8"].reasons == [
        "agency from heading 'Oxfordshire NHS Foundation Trust / Harm Minimisation Service'"
    ]
    assert child_h.agency_short_names == {"Thames Valley Police": "TVP"}


def test_child_h_board_and_probation_are_recognised_in_the_text(child_h: ReportParse) -> None:
    recs = _by_label(child_h)
    assert recs["1"].reasons[0].endswith("the text names it too")  # "… of the Board should"
    assert recs["21"].reasons[0].endswith("the text names it too")  # "The Probation Service"


def test_child_h_has_no_due_dates_without_an_accepted_date(child_h: ReportParse) -> None:
    assert all(r.due_on is None for r in child_h.recommendations)


def test_child_h_has_no_timescales_and_full_confidence(child_h: ReportParse) -> None:
    with_accepted_date = parse_report(CHILD_H.read_text(encoding="utf-8"), date(2014, 7, 1))
    for parse in (child_h, with_accepted_date):
        assert [r.label for r in parse.recommendations if r.timescale] == []
        assert all(r.confidence == 1.0 for r in parse.recommendations)


# --- Child H: the cabinet action-plan report -------------------------------------------------

CABINET_DIRECTORATES = {
    "1": "Children, Education and Families",
    "2": "Public Health",
    "3": "Public Health",
    "4": "Children, Education and Families",
    "5": "Children, Education and Families",
    "6": "Children, Education and Families",
    "7": "Children, Education and Families",
}

CABINET_PROGRESS = {
    "1": "The letter is being prepared and will travel with Child H into his/her permanent "
    "placement to be kept by the carers until the appropriate time.",
    "2": "All pharmacists have been informed of the recommendations of the report through the "
    "electronic contract management system notifications. This will now be followed up by "
    "letter to each pharmacy. The Local Pharmaceutical Committee have been informed of the "
    "recommendations of the report.",
    "3": "Independent Chair of the Safeguarding Board (OSCB) has written to Chief Executive "
    "Office (CEO) NHS England, Local Area Team and OCC Director of Public Health. Public Health "
    "held an initial meeting with the Local Area Team safeguarding lead. NHS England internal "
    "discussions regarding GP practice performance management or safeguarding have yet to take "
    "place, but agreement is in place to ensure coherence with OCC's quality assurance "
    "monitoring of drug/alcohol services and prescribing. Child Safe Lock Boxes were available "
    "at the time of the incident but it is unclear whether this was made available by Oxford "
    "Health to the mother. Child Safe boxes are now produced locally by Aspire and provided "
    "freely throughout the county.",
    "4": "Fully implemented, with agreed escalation to senior manager should any relevant case "
    "be at risk of starting later than 28 weeks.",
    "5": "Fully implemented, with agreed escalation to senior manager should any relevant case "
    "be at risk of coming to conference later than 1 month before the Estimated Date of "
    "Delivery.",
    "6": "Training in working with drug misusing parents is provided to staff by Learning & "
    "Skills. The Principal Social Worker has run parental substance misuse training sessions in "
    "all children's social care teams introducing evidence-based practice guidance. He has "
    "ensured the roles of wider family and friends are understood and encouraged by social "
    "workers undertaking assessments and plans with children.",
    "7": "The process of decisions re contacts and referrals has now changed and contacts have "
    "been replaced with an enquiry to the Multi-Agency Safeguarding Hub. When a Multi-Agency "
    "Safeguarding Hub enquiry is received the information-gathering and decision-making process "
    "takes place within 24 hours as to whether or not to share information across agencies and "
    "to progress to an assessment. The referrer is involved in the process and is also notified "
    "of the outcome.",
}


def test_cabinet_table_reads_seven_rows_with_their_directorates(cabinet: ReportParse) -> None:
    assert {r.label: r.agency for r in cabinet.recommendations} == CABINET_DIRECTORATES
    assert cabinet.sections == ["Recommendation | Directorate | Progress at 31.10.14"]
    assert cabinet.warnings == []


def test_cabinet_progress_texts_and_their_date(cabinet: ReportParse) -> None:
    assert {r.label: r.progress for r in cabinet.recommendations} == CABINET_PROGRESS
    assert {r.progress_on for r in cabinet.recommendations} == {date(2014, 10, 31)}


def test_cabinet_rows_spilling_over_lines_and_pages_are_joined(cabinet: ReportParse) -> None:
    recs = _by_label(cabinet)
    assert recs["2"].text == (
        "The Board should recommend that pharmacists in the county be reminded of the "
        "expectation that Children's Social Care or Police should be informed if they are "
        "concerned a drug-dependent person might pose a risk to their own or another child."
    )
    assert recs["5"].text == (
        "Pre-birth conferences should be held at least 1 month before the child's estimated "
        "date of delivery (EDD)."
    )
    assert "row continued over 2 lines" in recs["5"].reasons
    assert "row joined across a blank line" in recs["5"].reasons
    assert recs["5"].confidence < recs["6"].confidence == 1.0
    assert recs["1"].text.startswith("The independent chair of the Board should propose")


def test_cabinet_table_reads_the_same_through_parse_action_plan_table(
    cabinet: ReportParse,
) -> None:
    direct = parse_action_plan_table(CABINET.read_text(encoding="utf-8"))
    assert direct == cabinet


def test_cabinet_recommendation_paragraph_is_not_read_as_a_recommendation(
    cabinet: ReportParse,
) -> None:
    assert not any("The Cabinet is RECOMMENDED" in r.text for r in cabinet.recommendations)


# --- Per-agency numbering ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def per_agency() -> ReportParse:
    return parse_report(_fixture("per-agency-numbering.txt"))


def test_per_agency_numbering_prefixes_labels_with_the_agency(per_agency: ReportParse) -> None:
    labels = [r.label for r in per_agency.recommendations]
    assert labels == (
        [f"Avon and Somerset Police {n}" for n in range(1, 9)]
        + [f"Bristol City Council Children's Social Care {n}" for n in range(1, 5)]
        + ["Barnardo's 1", "Barnardo's 2"]
        + ["UHB 1", "UHB 2", "UHB 3"]  # the heading gives its abbreviation
    )
    assert len(set(labels)) == len(labels)
    recs = _by_label(per_agency)
    assert "numbering restarts in the report; label prefixed 'UHB'" in recs["UHB 1"].reasons
    assert recs["UHB 1"].agency == "University Hospitals Bristol NHS Foundation Trust"
    assert per_agency.agency_short_names == {
        "University Hospitals Bristol NHS Foundation Trust": "UHB"
    }


def test_heading_without_an_agency_word_counts_when_the_report_lists_it(
    per_agency: ReportParse,
) -> None:
    # "Barnardo's" names no kind of organisation; section 2 lists it among the agencies.
    recs = _by_label(per_agency)
    assert recs["Barnardo's 1"].agency == "Barnardo's"
    assert recs["Barnardo's 2"].text.startswith("The project should agree")


def test_text_split_by_a_page_break_and_running_header_is_joined(per_agency: ReportParse) -> None:
    rec = _by_label(per_agency)["Avon and Somerset Police 5"]
    assert rec.text == (
        "Avon and Somerset Constabulary should review the guidance given to call handlers so "
        "that, when a caller raises a concern about a baby, the record of the call states who "
        "else lives at the address and whether any of them is known to the police."
    )
    assert "text joined across a page break" in rec.reasons
    assert rec.confidence == 0.95
    assert not any("Overview Report" in r.text for r in per_agency.recommendations)


def test_per_agency_section_ends_at_the_appendix(per_agency: ReportParse) -> None:
    assert per_agency.sections == ["5 RECOMMENDATIONS"]
    assert len(per_agency.recommendations) == 17
    assert not any("review considered the period" in r.text for r in per_agency.recommendations)


# --- Parts and timescales ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def parts_and_timescales() -> ReportParse:
    return parse_report(_fixture("parts-and-timescales.txt"))


def test_parts_on_their_own_lines(parts_and_timescales: ReportParse) -> None:
    rec = _by_label(parts_and_timescales)["1"]
    assert rec.parts == [
        "a) each call is linked to earlier calls from the same address or the same victim",
        "b) a supervisor is alerted after the third call in any twelve months",
        "c) the victim is offered a referral to an independent domestic violence adviser",
    ]
    assert "so that: a) each call" in rec.text  # the text keeps its parts
    assert rec.text.endswith("Timescale for Completion: By end of March 2012")


def test_parts_inside_one_paragraph(parts_and_timescales: ReportParse) -> None:
    assert _by_label(parts_and_timescales)["3"].parts == [
        "a) recording the question and the answer in the notes",
        "b) referring the patient to the hospital IDVA when the answer is yes",
    ]


@pytest.mark.parametrize(
    ("label", "timescale", "due_on"),
    [
        ("1", "By end of March 2012", date(2012, 3, 31)),  # a "Timescale for Completion:" line
        ("2", "by September 2012", date(2012, 9, 30)),  # "To be established by September 2012."
        ("3", "31/1/2012", date(2012, 1, 31)),  # "Timescale: 31/1/2012" inside the paragraph
        ("5", "between April 2012 and April 2013", date(2013, 4, 30)),
    ],
)
def test_timescales_inside_the_text(
    parts_and_timescales: ReportParse, label: str, timescale: str, due_on: date
) -> None:
    rec = _by_label(parts_and_timescales)[label]
    assert (rec.timescale, rec.due_on) == (timescale, due_on)


def test_timescale_not_understood_is_kept_and_said(parts_and_timescales: ReportParse) -> None:
    rec = _by_label(parts_and_timescales)["4"]
    assert (rec.timescale, rec.due_on) == ("as soon as practicable", None)
    assert "timescale not understood: 'as soon as practicable'" in rec.reasons
    assert "no agency found" in rec.reasons  # "All agencies should …"
    assert rec.confidence == pytest.approx(0.4)


def test_agency_named_by_the_text_when_there_is_no_heading(
    parts_and_timescales: ReportParse,
) -> None:
    agencies = {r.label: r.agency for r in parts_and_timescales.recommendations}
    assert agencies == {
        "1": "Wiltshire Police",
        "2": "Swindon Community Safety Partnership",  # the title page names it
        "3": "Great Western Hospitals NHS Foundation Trust",
        "4": None,
        "5": "Swindon Borough Council Adult Social Care",
    }
    rec = _by_label(parts_and_timescales)["1"]
    assert rec.reasons == ["agency from the text 'Wiltshire Police'"]
    assert rec.confidence < 1.0


# --- Tab-separated rows --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tab_rows() -> ReportParse:
    return parse_report(_fixture("tab-rows.txt"))


def test_tab_rows_without_a_header(tab_rows: ReportParse) -> None:
    recs = _by_label(tab_rows)
    assert list(recs) == ["1", "2", "3", "4"]
    assert recs["1"].text == (
        "The Cafcass Head of Safeguarding should ensure that screening of private law "
        "applications includes a check of police and local authority records for every adult "
        "in the household."
    )
    assert recs["1"].agency == "Children and Family Court Advisory and Support Service"
    assert recs["4"].agency == "Somerset Partnership NHS Foundation Trust"
    assert tab_rows.agency_short_names == {
        "Children and Family Court Advisory and Support Service": "Cafcass"
    }


def test_tab_rows_date_column_is_the_timescale(tab_rows: ReportParse) -> None:
    found = {r.label: (r.timescale, r.due_on) for r in tab_rows.recommendations}
    assert found == {
        "1": ("By end of June 2013", date(2013, 6, 30)),
        "2": (None, None),
        "3": ("30.6.2013", date(2013, 6, 30)),
        "4": ("By end of March 2013", date(2013, 3, 31)),
    }
    assert not any("2013" in r.text for r in tab_rows.recommendations)


# --- SMART blocks ----------------------------------------------------------------------------------

ACCEPTED = date(2020, 10, 1)


@pytest.fixture(scope="module")
def smart() -> ReportParse:
    return parse_report(_fixture("smart-blocks.txt"), accepted_on=ACCEPTED)


def test_smart_block_belongs_to_the_recommendation_above_it(smart: ReportParse) -> None:
    recs = _by_label(smart)
    assert list(recs) == ["1", "2", "3"]
    assert recs["1"].text.startswith(
        "Gloucestershire Health and Care NHS Foundation Trust should ensure that community nurses"
    )
    assert "Measurable – An audit of 20 case records" in recs["1"].text
    assert "An audit of 20 case records" not in recs["2"].text
    assert recs["2"].text.endswith("Timeframe – within 12 weeks")
    assert recs["3"].agency == "Gloucestershire County Council Adult Social Care"


def test_smart_timeframe_counts_from_the_accepted_date(smart: ReportParse) -> None:
    found = {r.label: (r.timescale, r.due_on) for r in smart.recommendations}
    assert found == {
        "1": ("within 6 months", ACCEPTED + relativedelta(months=6)),
        "2": ("within 12 weeks", ACCEPTED + relativedelta(weeks=12)),
        "3": ("by end of March 2021", date(2021, 3, 31)),
    }


def test_relative_timescale_waits_for_the_accepted_date() -> None:
    rec = _by_label(parse_report(_fixture("smart-blocks.txt")))["1"]
    assert (rec.timescale, rec.due_on) == ("within 6 months", None)
    assert (
        "timescale 'within 6 months' counts from the accepted date, which is not set" in rec.reasons
    )


# --- Smaller cases ----------------------------------------------------------------------------------


def test_label_out_of_sequence_lowers_confidence() -> None:
    parse = parse_report(
        "Recommendations\n"
        "1. Children's Social Care should review its pre-birth assessment procedures.\n"
        "2. Children's Social Care should audit attendance at core group meetings.\n"
        "4. Children's Social Care should refresh its neglect toolkit training for all staff.\n"
    )
    rec = _by_label(parse)["4"]
    assert "label out of sequence (expected 3)" in rec.reasons
    assert rec.confidence < _by_label(parse)["2"].confidence


def test_pasted_list_without_a_heading_is_read_and_says_so() -> None:
    parse = parse_report(
        "1. Thames Valley Police should flag the children of parents subject to child "
        "protection plans.\n"
        "2. Thames Valley Police should brief neighbourhood teams on children subject to plans.\n"
    )
    assert [r.label for r in parse.recommendations] == ["1", "2"]
    assert parse.warnings == ["no recommendations section found; read the whole text"]
    assert parse.sections == []
    assert "no recommendations heading; read the whole text" in parse.recommendations[0].reasons


def test_lead_agency_line_beats_the_heading() -> None:
    parse = parse_report(
        "Recommendations\n"
        "Oxfordshire Safeguarding Children Board\n"
        "1. Pharmacists should be reminded to tell Children's Social Care about risks to a child.\n"
        "Lead agency: Public Health\n"
    )
    rec = parse.recommendations[0]
    assert rec.agency == "Public Health"
    assert rec.reasons[0] == "agency from the 'Lead agency' entry 'Public Health'"


def test_text_naming_another_agency_than_its_heading_is_flagged() -> None:
    parse = parse_report(
        "Recommendations\n"
        "Thames Valley Police (TVP)\n"
        "1. TVP should review how custody sergeants share safeguarding concerns.\n"
        "Oxford University Hospital NHS Trust\n"
        "2. TVP should agree with the hospital how missed antenatal appointments are shared.\n"
    )
    rec = _by_label(parse)["2"]
    assert rec.agency == "Oxford University Hospital NHS Trust"
    assert (
        "the text names 'Thames Valley Police' but it sits under "
        "'Oxford University Hospital NHS Trust'" in rec.reasons
    )
    assert rec.confidence == 0.8


def test_executive_summary_repeating_the_list_is_read_once() -> None:
    recommendations = (
        "Thames Valley Police\n"
        "1. Thames Valley Police should brief officers on recording unborn children.\n"
        "2. Thames Valley Police should share intelligence with Children's Social Care.\n"
    )
    parse = parse_report(
        f"1 EXECUTIVE SUMMARY\n\nRecommendations\n{recommendations}\n"
        f"2 ANALYSIS\n\n2.1 Text.\n\n7 RECOMMENDATIONS\n\n{recommendations}\n8 GLOSSARY\n"
    )
    assert [r.label for r in parse.recommendations] == ["1", "2"]
    assert parse.sections == ["7 RECOMMENDATIONS"]
    assert "skipped 'Recommendations': it repeats '7 RECOMMENDATIONS'" in parse.warnings


def test_headed_table_in_a_report_is_read_by_its_columns() -> None:
    parse = parse_report(
        "Action plan\n\n"
        "No.\tRecommendation\tLead agency\tTimescale\n"
        "1\tHealth visitors should discuss safe storage of methadone at every visit.\t"
        "Oxford Health NHS Foundation Trust\tBy end of March 2015\n"
        "2\tGP practices should respond to hospital queries about safeguarding within\t"
        "Oxfordshire CCG\t31/3/2015\n"
        "\tten working days.\t\t\n"
    )
    recs = _by_label(parse)
    assert recs["1"].agency == "Oxford Health NHS Foundation Trust"
    assert (recs["1"].timescale, recs["1"].due_on) == ("By end of March 2015", date(2015, 3, 31))
    assert recs["2"].text.endswith("within ten working days.")
    assert recs["2"].due_on == date(2015, 3, 31)


# --- Documents -----------------------------------------------------------------------------------


def _docx_report() -> bytes:
    document = docx.Document()
    document.add_heading("7 RECOMMENDATIONS", level=1)
    document.add_paragraph("Thames Valley Police (TVP)")
    for text in (
        "TVP should lead a scoping exercise into routine referrals about parents who misuse "
        "substances.",
        "TVP should run a pilot whereby neighbourhood teams are told when children in their "
        "area become subject to child protection plans.",
    ):
        document.add_paragraph(text, style="List Number")  # Word numbers these, not the text
    document.add_paragraph("Oxfordshire Clinical Commissioning Group")
    document.add_paragraph(
        "The safeguarding lead in each GP Practice needs to be supported.", style="List Number"
    )
    document.add_heading("8 GLOSSARY OF ABBREVIATIONS", level=1)
    return _saved(document)


def _docx_action_plan() -> bytes:
    document = docx.Document()
    document.add_paragraph("Child H action plan")
    table = document.add_table(rows=3, cols=3)
    rows = [
        ("Recommendation", "Directorate", "Progress at 31.10.14"),
        ("1. Pre-birth conferences should be held at least 1 month before the estimated date "
         "of delivery.", "Children, Education and Families", "Fully implemented."),
        ("2. Training on working with drug misusing parents should be developed.",
         "Children, Education and Families", "Training sessions have run in all teams."),
    ]  # fmt: skip
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    return _saved(document)


def _saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _pdf(pages: list[list[str]]) -> bytes:
    """A small text PDF: one Helvetica line per string, one page per list."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)  # pypdf has no public call for a bare object
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        shown = [f"({line}) Tj T*" for line in lines]
        content = DecodedStreamObject()
        content.set_data(
            "\n".join(["BT", "/F1 10 Tf", "14 TL", "40 800 Td", *shown, "ET"]).encode()
        )
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_docx_list_numbers_and_headings_are_read() -> None:
    parse = parse_report(extract_text(_docx_report(), "child-h.docx"))
    assert [(r.label, r.agency) for r in parse.recommendations] == [
        ("1", "Thames Valley Police"),
        ("2", "Thames Valley Police"),
        ("3", "Oxfordshire Clinical Commissioning Group"),
    ]
    assert parse.sections == ["7 RECOMMENDATIONS"]


def test_docx_table_cells_become_tab_rows(tmp_path: Path) -> None:
    path = tmp_path / "action-plan.docx"
    path.write_bytes(_docx_action_plan())
    text = extract_text(path, path.name)
    assert "Recommendation\tDirectorate\tProgress at 31.10.14" in text
    parse = parse_report(text)
    assert [(r.label, r.agency, r.progress) for r in parse.recommendations] == [
        ("1", "Children, Education and Families", "Fully implemented."),
        ("2", "Children, Education and Families", "Training sessions have run in all teams."),
    ]
    assert parse.recommendations[0].progress_on == date(2014, 10, 31)


def test_pdf_pages_are_joined_and_the_break_is_noted() -> None:
    pdf = _pdf(
        [
            ["7 RECOMMENDATIONS", "Thames Valley Police (TVP)",
             "12. TVP should lead a scoping exercise into the viability of making routine",
             "Page 40 of 62"],
            ["referrals to the Safeguarding Hub about parents presenting with substance misuse",
             "13. TVP should run a pilot in Oxfordshire for neighbourhood policing teams.",
             "8 GLOSSARY OF ABBREVIATIONS"],
        ]
    )  # fmt: skip
    parse = parse_report(extract_text(pdf, "child-h.pdf"))
    rec = _by_label(parse)["12"]
    assert rec.text == (
        "TVP should lead a scoping exercise into the viability of making routine referrals to "
        "the Safeguarding Hub about parents presenting with substance misuse"
    )
    assert "text joined across a page break" in rec.reasons
    assert [r.label for r in parse.recommendations] == ["12", "13"]


def test_txt_from_windows_tools_is_decoded() -> None:
    text = "7 RECOMMENDATIONS\n1. Children’s Social Care should review.\n".encode("cp1252")
    assert "Children’s Social Care" in extract_text(text, "report.txt")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Recommendation,Agency\n", "plan.csv", "I can't read '.csv' files"),
        (b"not a zip", "report.docx", "not a Word document"),
        (b"not a pdf", "report.pdf", "not a PDF"),
    ],
)
def test_files_that_cannot_be_read_get_a_user_error(
    content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        extract_text(content, filename)


def test_pdf_without_text_is_refused_as_a_likely_scan() -> None:
    with pytest.raises(UserError, match="may be a scan"):
        extract_text(_pdf([[]]), "scan.pdf")


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="can't open"):
        extract_text(tmp_path / "gone.txt", "gone.txt")


# --- Arbitrary text --------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        "7 RECOMMENDATIONS", "Recommendations", "Recommendations for Thames Valley Police",
        "8 GLOSSARY", "Appendix A", "Thames Valley Police (TVP)", "Health Visiting Service",
        "Oxfordshire NHS Foundation Trust", "1. TVP should review", "12. The Board should",
        "Recommendation 3", "a) each call", "(b) the victim", "Timeframe – within 6 months",
        "Timescale: 31/1/2012", "Lead agency: Public Health", "Specific – audit",
        "Recommendation\tDirectorate\tProgress at 31.10.14", "1\tThe Cafcass Head\tBy June 2013",
        "\t\t<p>progress</p>", "<ul style='x'> • it", "Page 3 of 9", "\f", "", "- 7.1.1 Of",
        "3", "1.", "(TVP)", "a)", "\t", "between April 2012 and", "by end of", "99.",
    ]
)  # fmt: skip


def _check_parse(parse: ReportParse) -> None:
    assert isinstance(parse, ReportParse)
    labels = [r.label for r in parse.recommendations]
    assert len(set(labels)) == len(labels)
    assert all(0.0 <= r.confidence <= 1.0 for r in parse.recommendations)
    assert all(r.reasons for r in parse.recommendations)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_parse(parse_report(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=40),
    st.sampled_from([None, date(2012, 3, 1)]),
)
def test_report_shaped_text_never_raises(lines: list[str], accepted_on: date | None) -> None:
    _check_parse(parse_report("\n".join(lines), accepted_on=accepted_on))
