"""Tables written in narrative text, for the text adapter (:mod:`etl.sources.text`).

A report may give its activities as a table: in Markdown ("| Date | Activity | Venue |" over "|---|---|---|"), or
as a PDF's text gives one (no frame, a rule of dashes and pluses under the header, cells wrapped onto further lines
whose first cell is empty).  :func:`table_rows` cuts such a chunk into its header, its rule and one piece per row;
:func:`table_columns` names what each row's cells hold from the header, with the table adapter's vocabulary of
header names; the ``row_*`` functions read the date, the head-count and the venue from their cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.normalize.dates import DateSpan, leading_date, month_heading, shift_span
from etl.normalize.participants import HeadCount, count_cell
from etl.sources.table import header_field


def table_rows(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """A table drawn in text, as PDF extraction gives one ("Date | Activity | Partner" over a rule of dashes, rows
    whose cells wrap onto lines with an empty first cell): its header, its rule and one piece per row; else None."""
    if len(lines) < 3 or text.count("|", *lines[0]) < 2 or not TABLE_RULE.fullmatch(text, *lines[1]):
        return None
    rows = lines[:2]
    framed = text[slice(*lines[0])].lstrip().startswith("|")  # "| a | b |" rather than "a | b"
    for s, e in lines[2:]:
        # The first cell: up to the first bar, or between the first two in a framed table.
        cell = text.find("|", s, e) + 1 if framed else s
        bar = text.find("|", cell, e)
        if bar < 0:
            return None
        if text[cell:bar].strip() or rows[-1] is lines[1]:
            rows.append((s, e))
        else:  # an empty first cell: the row above goes on
            rows[-1] = (rows[-1][0], e)
    return rows


TABLE_RULE = re.compile(r"[ \t]*[|+]?[ \t]*[-=:]{3,}[-=:+| \t]*")


def is_row(text: str) -> bool:
    """Whether a block is a row of a table drawn with bars: two of them on its first line."""
    return text.count("|", 0, text.find("\n") % (len(text) + 1)) >= 2


def table_columns(blocks: Sequence) -> dict[int, tuple[str | None, ...]]:
    """Block start -> the field each cell holds (the table adapter's names: "start", "participants", "city", ...;
    None for a column it does not know), for every row of a table written with bars under a header row that names
    a date column ("| No. | Date | Activity | Partner country | Venue | Participants |")."""
    out, header = {}, None
    for block in blocks:
        if TABLE_RULE.fullmatch(block.text):
            continue  # the rule under the header
        if not is_row(block.text):
            header = None
            continue
        cells = row_cells(block.text)
        fields = tuple(header_field(c) for _, c in cells)
        if "start" in fields and sum(f is not None for f in fields) >= 2:
            header = fields
        elif header is not None and len(fields) == len(header):
            out[block.start] = header
    return out


def row_cells(row: str) -> list[tuple[int, str]]:
    """(offset, text) of each cell of a row written with bars, stripped; a cell wrapped over several lines is its
    parts joined, at the offset of its first."""
    cells: list[tuple[int, str]] = []
    at, framed = 0, row.lstrip().startswith("|")  # "| a | b |" rather than "a | b"
    for line in row.split("\n"):
        parts, pos = line.split("|"), at
        if framed:
            pos += len(parts[0]) + 1
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]  # after a closing bar
        for k, raw in enumerate(parts):
            cell = (pos + len(raw) - len(raw.lstrip()), raw.strip())
            if k == len(cells):
                cells.append(cell)
            elif cell[1]:
                cells[k] = (cells[k][0], f"{cells[k][1]} {cell[1]}".strip()) if cells[k][1] else cell
            pos += len(raw) + 1
        at += len(line) + 1
    return cells


def _cell_of(row: str, fields: tuple[str | None, ...], name: str) -> tuple[int, str] | None:
    return row_cells(row)[fields.index(name)] if name in fields else None


def row_date(row: str, fields: tuple[str | None, ...], default_year: int | None) -> DateSpan | None:
    """The date a row's date cell gives: a day or a range ("2024.03.05", "March 12-15"), or a month alone ("Feb.");
    without a year, in ``default_year``."""
    at, cell = _cell_of(row, fields, "start")
    span = leading_date(cell, default_year, within=4) or month_heading(cell, default_year)
    return None if span is None else shift_span(span, at)


def row_count(row: str, fields: tuple[str | None, ...]) -> HeadCount | None:
    """The head-count a row's participants cell gives ("about 60", "120+", "70 (opening)"), else None."""
    found = _cell_of(row, fields, "participants")
    if found is None:
        return None
    at, cell = found
    try:
        count = count_cell(_NOTE.sub("", cell))
    except ValueError:
        return None
    return None if count is None else HeadCount(count[0], count[1], at, at + len(cell))


_NOTE = re.compile(r"\s*\([^)]*\)\s*$")  # "70 (opening)": a note on the figure


def row_place(row: str, fields: tuple[str | None, ...], mentions):
    """The place a row's venue cell names, else None."""
    found = _cell_of(row, fields, "city")
    if found is None:
        return None
    at, cell = found
    return next((m for m in mentions if at <= m.start < at + len(cell) and m.kind in ("city", "name")), None)
