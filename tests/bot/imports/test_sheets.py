"""Reading tables from files (bot/imports/sheets.py): encodings detected, delimiters sniffed
from whole rows, anything else refused in one line."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.imports.sheets import decode_text, delimited_rows, read_tables, sniff_delimiter

TEXT = "No,Recommendation,Agency\r\n1,Children’s Social Care should act – now,Children’s Social Care\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_every_encoding_excel_writes_reads_the_same(encoding: str) -> None:
    assert decode_text(TEXT.encode(encoding)) == TEXT


def test_a_short_windows_1252_file_is_not_read_as_a_central_european_one() -> None:
    assert decode_text("No,Recommendation\n1,Café société\n".encode("cp1252")).endswith(
        "Café société\n"
    )


@pytest.mark.parametrize(
    "data", [bytes(range(256)) * 8, b"\x00\x01\x02\x03" * 400], ids=["every-byte", "controls"]
)
def test_bytes_that_are_no_text_are_refused_in_one_line(data: bytes) -> None:
    with pytest.raises(UserError) as refused:
        read_tables(data, "plan.csv")
    assert "\n" not in str(refused.value)
    assert "plan.csv is not text" in str(refused.value)


def test_the_delimiter_is_sniffed_from_whole_rows_past_a_long_first_line() -> None:
    text = "x" * 5000 + "\n" + "No;Recommendation;Agency\n1;Act, now;TVP\n2;Act, later;CSC\n"
    assert sniff_delimiter(text) == ";"
    assert delimited_rows(text)[2].cells == ["1", "Act, now", "TVP"]


def test_excels_sep_line_names_the_delimiter_and_rows_keep_their_numbers() -> None:
    rows = delimited_rows("sep=|\nNo|Recommendation\n1|Act\n")
    assert [(r.number, r.cells) for r in rows] == [(2, ["No", "Recommendation"]), (3, ["1", "Act"])]


def test_a_quoted_cell_over_several_lines_is_one_row() -> None:
    rows = delimited_rows('No,Recommendation\n1,"Act\nnow"\n2,Later\n')
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[1].cells[1] == "Act\nnow"


def test_a_workbook_named_csv_is_read_as_a_workbook() -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["No", "Recommendation"])
    sheet.append([1, "Act"])
    buffer = io.BytesIO()
    book.save(buffer)
    tables = read_tables(buffer.getvalue(), "plan.csv")
    assert tables[0].rows[1].cells == ["1", "Act"]
