"""Tables written in narrative text (etl.sources._text_tables): cutting a chunk into rows, and reading cells."""

from __future__ import annotations

import re

import pytest

from etl.sources._text_tables import row_cells, table_rows


def _lines(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n]+", text)]  # as the text adapter gives a chunk's lines


@pytest.mark.parametrize(("row", "expected"), [
    ("| 3 | 2023.05.02 | Book fair | about 40 |", ["3", "2023.05.02", "Book fair", "about 40"]),  # framed
    ("12 May | Seminar | 30", ["12 May", "Seminar", "30"]),  # unframed
    ("7-9 Oct   | Teachers' visit to | 12\n          | Tampere           |",  # a cell wrapped onto a second line
     ["7-9 Oct", "Teachers' visit to Tampere", "12"]),
    ("| 1 | Feb. |  | 25 |", ["1", "Feb.", "", "25"]),  # an empty cell keeps its place
])
def test_cells_are_read_column_by_column(row, expected):
    cells = row_cells(row)
    assert [text for _, text in cells] == expected
    assert all(row.startswith(text.split(" ")[0], at) for at, text in cells)  # each offset: the cell's first part


def test_a_chunk_is_cut_into_header_rule_and_rows():
    text = ("Date   | Activity          | Partner\n"
            "-------+-------------------+---------\n"
            "3 Mar  | Online seminar on | Forestry\n"
            "       | forest schools    | University\n"
            "Jun    | Book donation     | Gansu\n")
    pieces = table_rows(text, _lines(text))
    assert [text[s:e].split("|")[0].strip() for s, e in pieces] == ["Date", "-------+-------------------+---------",
                                                                   "3 Mar", "Jun"]
    assert text[slice(*pieces[2])].endswith("University")  # the wrapped line belongs to its row


@pytest.mark.parametrize("text", [
    "Date | Activity\nNot a rule under the header\n3 Mar | Seminar",
    "One line | only",
    "Date | Activity\n---|---\nA line without bars",
])
def test_what_is_no_table_is_left_alone(text):
    assert table_rows(text, _lines(text)) is None
