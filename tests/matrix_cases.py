"""The bad-input matrix: every kind of broken, odd or hostile input a researcher may hand the ETL.

Each :class:`Case` writes its input file(s) into a directory with ``make(directory)`` and says how
``python -m etl build`` must end:

``expect="error"``
    exit code 1 or 2, and stderr names the file, the row/line/offset (``location``) and the
    reason (``reason``), both regular expressions;
``expect="partial"``
    the build succeeds: the output holds ``events`` rows, the rejects file exactly the ``rejects``
    reasons (reason -> count; ``reject_rows`` pins locations), tables satisfy
    ``read = accepted + rejected``, and ``same_as`` names a case whose events must come out the same
    (the same content in another encoding or line-ending style).

Never a traceback, never a hang, never a lost valid row.  The module only generates files and
holds expectations, so the dashboard's upload test can reuse it: ``for case in CASES:
paths = inputs(case, tmp_path)``.  ``heavy`` cases (a million rows, a 10 MB line) are for the
CLI matrix; an upload test may skip them.
"""

from __future__ import annotations

import codecs
import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# ---------------------------------------------------------------- shared content

HEADER = "date,country,city,title,type,sector,participants"
VALID_ROWS = [
    "2018-06-13,Kenya,Nairobi,Teachers delegation visits Nairobi schools,visit,education,12",
    "2019-03-05,Peru,Lima,Rural tourism forum in Lima,conference,tourism,40",
    "2020-11-20,Viet Nam,Hanoi,Youth exchange camp in Hanoi,visit,youth,25",
]
# Text that every legacy encoding in the matrix can hold (Latin-1 is the narrowest).
ACCENTED_ROWS = [
    "2018-06-13,Côte d'Ivoire,Abidjan,Café culturel à Abidjan,exhibition,culture,30",
    "2019-03-05,Brazil,São Paulo,Exposição de artesanato em São Paulo,exhibition,culture,45",
    "2020-11-20,Germany,München,Jugendaustausch in München: Sommerlager,visit,youth,18",
]
CJK_ROWS = [
    "2018-06-13,Kenya,Nairobi,中肯教师交流访问团,visit,education,12",
    "2019-03-05,Peru,Lima,乡村旅游论坛在利马举行，中秘双方代表出席,conference,tourism,40",
    "2020-11-20,Viet Nam,Hanoi,中越青年交流营,visit,youth,25",
]
BULLETIN = """News of the Hillside Friendship Society (2020.1-2020.6)

On February 3, a six-member delegation of the Hillside Friendship Society visited Accra, Ghana, and met teachers.

From March 9 to 12, more than 40 guests from Chile and Peru attended a forum on rural tourism held in Kunming.
"""
# Same bulletin, with characters outside ASCII so that the encodings really differ.
BULLETIN_ACCENTS = BULLETIN.replace("met teachers", "met teachers at the Café Société").replace(
    "rural tourism", "rural tourism « agro-écologie »")
BULLETIN_CJK = BULLETIN.replace("met teachers", "met teachers (中加教师交流)").replace(
    "rural tourism", "rural tourism（乡村旅游）")
PARAGRAPHS = [
    "On 12 June 2019, a delegation of the Hillside Friendship Society visited Nairobi, Kenya, and met "
    "teachers from twelve schools to plan a summer exchange.",
    "On 20 July 2019, more than 30 students from Peru attended a youth culture festival held in Kunming, "
    "with performances and calligraphy workshops.",
]


def csv_text(rows: list[str], header: str = HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def _write(name: str, data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path

    return make


def _encoded(name: str, text: str, codec: str, bom: bytes = b"") -> Callable[[Path], Path]:
    return _write(name, bom + text.encode(codec))


# ---------------------------------------------------------------- generators


def gzipped(name: str, data: bytes, truncate: bool = False) -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        path = directory / name
        path.write_bytes(packed[: len(packed) // 2] if truncate else packed)
        return path

    return make


def zip_bomb(directory: Path, expands_to: int = 16 * 1024 * 1024) -> Path:
    """A .csv.gz of a few tens of KB that expands to ``expands_to`` bytes of one repeated row."""
    path = directory / "bomb.csv.gz"
    row = (VALID_ROWS[0] + "\n").encode()
    chunk = row * (1 << 20 // len(row) + 1)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write((HEADER + "\n").encode())
        written = 0
        while written < expands_to:
            fh.write(chunk)
            written += len(chunk)
    return path


def million_rows(directory: Path, n: int = 1_000_000) -> Path:
    """``n`` valid rows and one bad row in twenty thousand, written in well under a second."""
    block = [f"2019-03-{d % 28 + 1:02d},Kenya,Nairobi,Teachers visit Nairobi school {d % 7},visit,education,{d % 50 + 1}"
             for d in range(1000)]
    block[500] = "2019-02-30,Kenya,Nairobi,Impossible day,visit,education,3"  # one bad row per block of 1000
    body = "\n".join(block) + "\n"
    path = directory / "million.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        for _ in range(n // 1000):
            fh.write(body)
    return path


def ten_mb_line(directory: Path) -> Path:
    words = ("exchange culture teachers visit forum ") * (10 * 1024 * 1024 // 38 + 1)
    path = directory / "long_line.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("date,country,title,description\n")
        fh.write(f'2019-05-01,Kenya,A very long note,"{words}"\n')
        fh.write("2019-05-02,Peru,A short note,Short description\n")
    return path


def binary_png(directory: Path) -> Path:
    path = directory / "picture.csv"
    rng = random.Random(7)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4000)))
    return path


def random_bytes_no_nul(directory: Path) -> Path:
    path = directory / "noise.csv"
    rng = random.Random(11)
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(6000)))
    return path


def html_page(body: str, head: str = "<title>Exchange news</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def deeply_nested(directory: Path, depth: int = 3000) -> Path:
    inner = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    path = directory / "nested.html"
    path.write_text(html_page("<div><span>" * depth + inner + "</span></div>" * depth), encoding="utf-8")
    return path


GDELT_DEFAULTS = {
    "GLOBALEVENTID": "1000", "SQLDATE": "20190315", "MonthYear": "201903", "Year": "2019",
    "FractionDate": "2019.2055", "Actor1Code": "CHN", "Actor1Name": "CHINA", "Actor1CountryCode": "CHN",
    "Actor2Code": "KEN", "Actor2Name": "KENYA", "Actor2CountryCode": "KEN", "IsRootEvent": "1",
    "EventCode": "042", "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1",
    "ActionGeo_Type": "4", "ActionGeo_FullName": "Nairobi, Nairobi Area, Kenya", "ActionGeo_CountryCode": "KE",
    "ActionGeo_Lat": "-1.28333", "ActionGeo_Long": "36.8167", "DATEADDED": "20190316",
    "SOURCEURL": "https://news.example.org/story",
}


def gdelt_row(width: int = 58, **values: str) -> str:
    from etl.sources.gdelt import LAYOUTS

    fields = {**GDELT_DEFAULTS, **values}
    return "\t".join(fields.get(name, "") for name in LAYOUTS[width])


def gdelt_file(name: str, lines: list[str]) -> Callable[[Path], Path]:
    return _write(name, "\n".join(lines) + "\n")


def xlsx(name: str, build: Callable) -> Callable[[Path], Path]:
    """A workbook written with xlsxwriter (which, unlike openpyxl, stores formula results)."""

    def make(directory: Path) -> Path:
        import xlsxwriter

        path = directory / name
        book = xlsxwriter.Workbook(str(path))
        build(book)
        book.close()
        return path

    return make


def _rows(sheet, rows: list[list], start: int = 0) -> None:
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)


XLSX_HEADER = ["date", "country", "city", "title", "type", "sector", "participants"]
XLSX_ROWS = [row.split(",") for row in VALID_ROWS]


def _xlsx_formulas(book) -> None:
    sheet = book.add_worksheet("Events")
    _rows(sheet, [XLSX_HEADER, *XLSX_ROWS])
    sheet.write_formula(1, 6, "=10+2", None, 12)
    sheet.write_formula(2, 3, '=CONCATENATE("Rural tourism ","forum in Lima")', None, "Rural tourism forum in Lima")


def _xlsx_merged(book) -> None:
    sheet = book.add_worksheet("Events")
    _rows(sheet, [XLSX_HEADER])
    for r, row in enumerate(XLSX_ROWS, start=1):
        _rows(sheet, [[row[0], None, *row[2:]]], start=r)
    sheet.merge_range(1, 1, 3, 1, "Kenya")  # one country cell spanning the three rows


def _xlsx_several(book) -> None:
    notes = book.add_worksheet("Notes")
    _rows(notes, [["These sheets list our exchanges."], ["Compiled by the secretariat."]])
    data = book.add_worksheet("Events")
    _rows(data, [XLSX_HEADER, *XLSX_ROWS])
    codes = book.add_worksheet("Codes")
    _rows(codes, [["code", "meaning"], ["visit", "a delegation travels"], ["conference", "a forum"]])


def _xlsx_sheet_per_year(book) -> None:
    _rows(book.add_worksheet("Cover"), [["Exchanges by year"], ["One sheet per year"]])
    for year, rows in (("2018", XLSX_ROWS[:1]), ("2019", XLSX_ROWS[1:2]), ("2020", XLSX_ROWS[2:])):
        _rows(book.add_worksheet(year), [XLSX_HEADER, *rows])


def _xlsx_stray_far_cell(book) -> None:
    sheet = book.add_worksheet("Events")
    _rows(sheet, [XLSX_HEADER, *XLSX_ROWS])
    sheet.write(1048575, 16383, "stray")  # XFD1048576: the sheet's last cell


def _xlsx_cover_first(book) -> None:
    cover = book.add_worksheet("Cover")
    _rows(cover, [["Exchange report 2018-2020"], [], ["Prepared for the board"]])
    data = book.add_worksheet("Data")
    _rows(data, [["Annual exchanges (title row above the header)"], [], XLSX_HEADER, *XLSX_ROWS])


def _xlsx_empty_data(book) -> None:
    cover = book.add_worksheet("Cover")
    _rows(cover, [["Exchange report 2018-2020"], ["Prepared for the board"]])
    book.add_worksheet("Data")


# ---------------------------------------------------------------- checks on the output


def _participants(expected: dict[str, int | None]) -> Callable:
    def check(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
        got = dict(zip(events["title"], events["participants"], strict=True))
        for title, value in expected.items():
            assert title in got, f"row {title!r} lost"
            assert (pd.isna(got[title]) if value is None else got[title] == value), (title, got[title], value)

    return check


def _countries(expected: dict[str, list[str]]) -> Callable:
    def check(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
        got = dict(zip(events["title"], events["countries"], strict=True))
        for title, value in expected.items():
            assert list(got[title]) == value, (title, got[title], value)

    return check


def _no_script(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    assert not events["snippet"].str.contains("var |function|window\\.", regex=True).any()


def _long_line(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    long = events[events["title"] == "A very long note"].iloc[0]
    assert long["snippet"].endswith("…") and len(long["snippet"]) <= 600


def _long_snippet(events: pd.DataFrame) -> None:
    assert events["snippet"].str.endswith("…").all() and events["snippet"].str.len().le(600).all()


def _regional(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    for countries in events["countries"]:
        assert not set(countries) & {"AFR", "EUR", "ASA"}, countries
    assert "Africa" in set(events.iloc[0]["groups"])


def _fips_unknown(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    assert events["host_iso3"].isna().all()
    assert events["countries"].map(lambda c: "KEN" in c).all()


def _copy_skipped(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    """A second copy of the same bytes adds no event: it is listed as a duplicate file instead."""
    assert events["event_id"].is_unique
    assert not events["source"].str.contains("copy_of_").any()
    copy = rejects[rejects["reason"] == "duplicate file"]
    assert len(copy) == 1 and copy["source"].iloc[0].endswith(tuple(Path(s).name for s in events["source"]))
    assert copy["location"].iloc[0] == "file"


def _one_source(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    assert events["event_id"].is_unique and events["sources"].map(len).eq(1).all()


STRAY_ROW = b"2021-01-09,Chile,Santiago,Caf\xe9 chileno \x81,visit,culture,9\n"  # Latin-1 bytes in a UTF-8 file


def _intact(rows: list[str]) -> Callable:
    """The valid rows' text survives a stray invalid byte elsewhere in the file (no mojibake)."""

    def check(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
        titles = set(events["title"])
        for row in rows:
            assert row.split(",")[3] in titles, (row, titles)
        assert any(t.startswith("Café chileno") for t in titles), titles

    return check


def _unresolved(events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    mixed = events[events["title"] == "Mixed countries"].iloc[0]
    assert list(mixed["countries"]) == ["KEN"] and "unresolved=Atlantis" in mixed["method"]


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    """One input and how the build must end (see the module docstring)."""

    name: str
    make: Callable[[Path], Path | list[Path]]
    expect: str  # "error" | "partial"
    reason: str | None = None
    location: str | None = None
    events: int | None = None
    rejects: dict[str, int] = field(default_factory=dict)
    reject_rows: dict[str, str] = field(default_factory=dict)
    read: int | None = None
    same_as: str | None = None
    check: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    subprocess: bool = False
    heavy: bool = False
    timeout: int = 60


def inputs(case: Case, directory: Path) -> list[Path]:
    """Generate the case's files in ``directory``; the paths to give the build, in order."""
    directory.mkdir(parents=True, exist_ok=True)
    made = case.make(directory)
    return list(made) if isinstance(made, list | tuple) else [made]


def _twice(make: Callable[[Path], Path]) -> Callable[[Path], list[Path]]:
    def both(directory: Path) -> list[Path]:
        path = make(directory)
        return [path, path]

    return both


def _copies(make: Callable[[Path], Path]) -> Callable[[Path], list[Path]]:
    def both(directory: Path) -> list[Path]:
        first = make(directory)
        second = first.with_name("copy_of_" + first.name)
        second.write_bytes(first.read_bytes())
        return [first, second]

    return both


def _missing(directory: Path) -> Path:
    return directory / "no_such_file.csv"


_UTF8 = csv_text(VALID_ROWS)
_ACCENTS = csv_text(ACCENTED_ROWS)
_CJK = csv_text(CJK_ROWS)
_LIMIT = str(4 * 1024 * 1024)

CASES: list[Case] = [
    # -- references the encoding cases compare with
    Case("utf8_reference", _write("plain.csv", _UTF8), "partial", events=3, read=3),
    Case("accents_utf8_reference", _write("accents.csv", _ACCENTS), "partial", events=3, read=3),
    Case("cjk_utf8_reference", _write("cjk.csv", _CJK), "partial", events=3, read=3),
    Case("bulletin_utf8_reference", _write("bulletin.txt", BULLETIN_ACCENTS), "partial", events=2),
    Case("bulletin_cjk_utf8_reference", _write("bulletin_cjk.txt", BULLETIN_CJK), "partial", events=2),
    # -- nothing to read
    Case("empty_file", _write("empty.csv", b""), "error", reason="file is empty"),
    Case("whitespace_only", _write("blank.txt", " \n\t\r\n  \n"), "error", reason="only whitespace"),
    Case("binary_renamed_csv", binary_png, "error", reason=r"binary data.*NUL", location="offset 8",
         subprocess=True),
    Case("random_bytes_renamed_csv", random_bytes_no_nul, "error", reason="binary data or unknown encoding",
         location=r"offset \d+"),
    Case("truncated_gzip", gzipped("cut.csv.gz", _UTF8.encode() * 50, truncate=True), "error",
         reason="truncated or corrupt gzip", location=r"offset \d+"),
    Case("zip_bomb", zip_bomb, "error", reason=r"decompresses past the 4,194,304-byte limit",
         location=r"offset \d+", env={"EXCHANGE_ATLAS_MAX_BYTES": _LIMIT}, subprocess=True),
    Case("oversized_plain_file", lambda d: _write("big.csv", _UTF8 + ("\n" * (5 * 1024 * 1024)))(d), "error",
         reason=r"over the 4,194,304-byte limit", env={"EXCHANGE_ATLAS_MAX_BYTES": _LIMIT}, subprocess=True),
    Case("unsupported_extension", _write("notes.docx", b"PK\x03\x04 not really a document"), "error",
         reason="unsupported file type '.docx'"),
    Case("missing_file", _missing, "error", reason="cannot open|no such file"),
    # -- encodings and bytes: the same events as the UTF-8 version
    Case("utf8_bom", _encoded("bom.csv", _ACCENTS, "utf-8", codecs.BOM_UTF8), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("utf16_le_bom", _encoded("utf16le.csv", _ACCENTS, "utf-16-le", codecs.BOM_UTF16_LE), "partial", events=3,
         same_as="accents_utf8_reference", subprocess=True),
    Case("utf16_be_bom", _encoded("utf16be.csv", _ACCENTS, "utf-16-be", codecs.BOM_UTF16_BE), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("utf16_le_no_bom", _encoded("utf16le_nobom.csv", _ACCENTS, "utf-16-le"), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("utf16_be_no_bom", _encoded("utf16be_nobom.csv", _ACCENTS, "utf-16-be"), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("gb18030", _encoded("gb.csv", _CJK, "gb18030"), "partial", events=3, same_as="cjk_utf8_reference"),
    Case("latin1", _encoded("latin1.csv", _ACCENTS, "latin-1"), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("cp1252", _encoded("cp1252.csv", _ACCENTS, "cp1252"), "partial", events=3,
         same_as="accents_utf8_reference"),
    Case("bulletin_utf16_le", _encoded("bulletin16.txt", BULLETIN_ACCENTS, "utf-16-le", codecs.BOM_UTF16_LE),
         "partial", events=2, same_as="bulletin_utf8_reference"),
    Case("bulletin_utf16_be", _encoded("bulletin16be.txt", BULLETIN_ACCENTS, "utf-16-be", codecs.BOM_UTF16_BE),
         "partial", events=2, same_as="bulletin_utf8_reference"),
    Case("bulletin_gb18030", _encoded("bulletin_gb.txt", BULLETIN_CJK, "gb18030"), "partial", events=2,
         same_as="bulletin_cjk_utf8_reference"),
    Case("bulletin_latin1", _encoded("bulletin_latin1.txt", BULLETIN_ACCENTS, "latin-1"), "partial", events=2,
         same_as="bulletin_utf8_reference"),
    Case("bulletin_crlf", _write("bulletin_crlf.txt", BULLETIN_ACCENTS.replace("\n", "\r\n")), "partial", events=2,
         same_as="bulletin_utf8_reference"),
    Case("mixed_line_endings", _write("mixed.csv", HEADER + "\r\n" + VALID_ROWS[0] + "\r" + VALID_ROWS[1] + "\n"
                                      + VALID_ROWS[2] + "\r\n"), "partial", events=3, read=3,
         same_as="utf8_reference"),
    Case("nul_bytes", _write("nul.csv", _UTF8.replace("Teachers", "Tea\x00chers").replace("Rural", "Ru\x00\x00ral")),
         "partial", events=3, read=3, same_as="utf8_reference"),
    Case("invalid_utf8", _write("bad_utf8.csv", _UTF8.encode() + b"2021-01-09,Chile,Santiago,Caf"
                                + b"\xe9 \xff\xfe chileno,visit,culture,9\n"),
         "partial", events=4, read=4),
    Case("invalid_utf8_among_accents", _write("bad_utf8_accents.csv", _ACCENTS.encode() + STRAY_ROW), "partial",
         events=4, read=4, check=_intact(ACCENTED_ROWS)),
    Case("invalid_utf8_among_cjk", _write("bad_utf8_cjk.csv", _CJK.encode() + STRAY_ROW), "partial",
         events=4, read=4, check=_intact(CJK_ROWS)),
    Case("csv_gz_valid", gzipped("plain.csv.gz", _UTF8.encode()), "partial", events=3, read=3,
         same_as="utf8_reference"),
    # -- delimited text
    Case("unterminated_quote", _write("quote.csv", csv_text([VALID_ROWS[0], '2019-03-05,Peru,Lima,"Rural tourism forum',
                                                             VALID_ROWS[2]])), "error",
         reason="unterminated quote", location="line 3"),
    Case("ragged_rows", _write("ragged.csv", csv_text([VALID_ROWS[0], "2019-03-05,Peru,Lima",
                                                       VALID_ROWS[1] + ",extra,fields", VALID_ROWS[2] + ",,"])),
         "partial", events=2, read=4, rejects={"ragged row": 2}, reject_rows={"row 2": "ragged row",
                                                                               "row 3": "ragged row"}),
    Case("header_only", _write("header.csv", HEADER + "\n"), "partial", events=0, read=0),
    Case("duplicate_column_names", _write("dup.csv", csv_text(
        ["2018-06-13,Kenya,Teachers visit,Atlantis,1999-99-99", "2019-03-05,Peru,Tourism forum,Mars,garbage"],
        header="date,country,title,country,date")), "partial", events=2, read=2,
         check=_countries({"Teachers visit": ["KEN"], "Tourism forum": ["PER"]})),
    Case("ten_mb_single_line", ten_mb_line, "partial", events=2, read=2, check=_long_line, heavy=True, timeout=120),
    Case("million_rows", million_rows, "partial", events=999_000, read=1_000_000,
         rejects={"impossible date": 1000}, subprocess=True, heavy=True, timeout=400),
    Case("json_invalid", _write("broken.json", '[{"date": "2018-06-13", "country": "Kenya",}]'), "error",
         reason="invalid JSON", location=r"line 1 column \d+"),
    Case("jsonl_bad_line", _write("events.jsonl", '{"date": "2018-06-13", "country": "Kenya", "title": "Visit"}\n'
                                  '{"date": "2019-03-05", "country": "Peru"\n'
                                  '[1, 2]\n'
                                  '{"date": "2020-11-20", "country": "Chile", "title": "Camp"}\n'),
         "partial", events=2, read=4, rejects={"invalid JSON": 2}, reject_rows={"row 2": "invalid JSON",
                                                                                 "row 3": "invalid JSON"}),
    Case("json_deeply_nested", _write("deep.json", "[" * 100_000 + "]" * 100_000), "error",
         reason="nested too deeply"),
    Case("jsonl_deeply_nested_line", _write("deep.jsonl", '{"date": "2018-06-13", "country": "Kenya", "title": "Visit"}\n'
                                            + "[" * 100_000 + "]" * 100_000 + "\n"),
         "partial", events=1, read=2, rejects={"invalid JSON": 1}, reject_rows={"row 2": "invalid JSON"}),
    Case("no_date_column", _write("nodate.csv", "country,title\nKenya,Visit\nPeru,Forum\n"), "error",
         reason="no date column"),
    # -- bad values
    Case("date_in_future", _write("future.csv", csv_text([VALID_ROWS[0], "2999-01-01,Peru,Lima,Far future,visit,"
                                                          "youth,3", VALID_ROWS[1]])),
         "partial", events=2, read=3, rejects={"date out of range": 1}, reject_rows={"row 2": "date out of range"}),
    Case("date_before_1900", _write("old.csv", csv_text(["1850-06-01,Peru,Lima,Old times,visit,youth,3",
                                                         *VALID_ROWS])),
         "partial", events=3, read=4, rejects={"date out of range": 1}, reject_rows={"row 1": "date out of range"}),
    Case("date_impossible", _write("feb30.csv", csv_text([*VALID_ROWS, "2018-02-30,Peru,Lima,No such day,visit,"
                                                          "youth,3", "30/02/2018,Peru,Lima,No such day either,visit,"
                                                          "youth,3"])),
         "partial", events=3, read=5, rejects={"impossible date": 2},
         reject_rows={"row 4": "impossible date", "row 5": "impossible date"}),
    Case("date_ambiguous", _write("ambiguous.csv", csv_text([VALID_ROWS[0], "03/04/2018,Peru,Lima,Which month,visit,"
                                                             "youth,3", VALID_ROWS[1]])),
         "partial", events=2, read=3, rejects={"ambiguous date": 1}, reject_rows={"row 2": "ambiguous date"}),
    Case("date_end_before_start", _write("backwards.csv", "date,end_date,country,title\n2019-05-04,2019-05-01,Kenya,"
                                         "Backwards\n2019-05-04,2019-05-06,Peru,Forwards\n"),
         "partial", events=1, read=2, rejects={"end before start": 1}, reject_rows={"row 1": "end before start"}),
    Case("unknown_countries", _write("countries.csv", csv_text([
        *VALID_ROWS, "2019-04-01,Atlantis,,Lost city,visit,youth,3", "2019-04-02,xx#@!,,Garbage,visit,youth,3",
        "2019-04-03,12345,,Digits,visit,youth,3", "2019-04-04,Kenya|Atlantis,,Mixed countries,visit,youth,3"])),
         "partial", events=4, read=7, rejects={"unknown country": 3}, check=_unresolved),
    Case("missing_values", _write("missing.csv", csv_text([
        "2018-06-13,Kenya,Nairobi,Count N/A,visit,education,N/A", "2018-06-14,Kenya,Nairobi,Count -99,visit,education,-99",
        "2018-06-15,Kenya,Nairobi,Count empty,visit,education,", "N/A,Kenya,Nairobi,Date N/A,visit,education,3",
        ",Kenya,Nairobi,Date empty,visit,education,3", "2018-06-16,,,Country empty,visit,education,3"])),
         "partial", events=3, read=6, rejects={"missing date": 2, "missing country": 1},
         check=_participants({"Count N/A": None, "Count -99": None, "Count empty": None})),
    Case("participants_bad", _write("counts.csv", csv_text([
        "2018-06-13,Kenya,Nairobi,Negative,visit,education,-5", "2018-06-14,Kenya,Nairobi,Absurd,visit,education,"
        "99999999999", "2018-06-15,Kenya,Nairobi,Words,visit,education,a busload", *VALID_ROWS])),
         "partial", events=3, read=6,
         rejects={"negative participants": 1, "implausible participants": 1, "unparseable participants": 1}),
    Case("thousands_separators", _write("thousands.csv", "date,country,title,participants\n"
                                        '2018-06-13,Kenya,Comma,"1,200"\n2018-06-14,Kenya,Space,1 200\n'
                                        "2018-06-15,Kenya,Dot,1.200\n2018-06-16,Kenya,About,\"about 3,000\"\n"),
         "partial", events=4, read=4,
         check=_participants({"Comma": 1200, "Space": 1200, "Dot": 1200, "About": 3000})),
    Case("country_year_table", _write("counts.csv", 'year,country,visits,conferences\n2018,Kenya,3,1\n'
                                      '2019,Peru,"1,200",\n2019,Atlantis,4,2\n1850,Chile,1,1\n2019,Chile,,\n'),
         "partial", events=0, read=5, rejects={"unknown country": 1, "date out of range": 1, "no counts": 1}),
    Case("links_table", _write("twins.csv", "city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"
                                            "Kunming,China,25.04,102.71,Lima,Peru,-12.04,-77.03\n"
                                            "Hanoi,Vietnam,21.02,105.84,Atlantis,Atlantis,0,0\n"
                                            "Nairobi,Kenya,-1.28,36.81,Accra,,5.6,-0.19\n"),
         "partial", events=0, read=3, rejects={"unknown country": 1, "missing country": 1}),
    # -- workbooks
    Case("xlsx_formulas", xlsx("formulas.xlsx", _xlsx_formulas), "partial", events=3, read=3,
         check=_participants({"Teachers delegation visits Nairobi schools": 12, "Rural tourism forum in Lima": 40})),
    Case("xlsx_merged_cells", xlsx("merged.xlsx", _xlsx_merged), "partial", events=3, read=3,
         check=lambda e, r: _countries({t: ["KEN"] for t in e["title"]})(e, r)),
    Case("xlsx_several_sheets", xlsx("several.xlsx", _xlsx_several), "partial", events=3, read=3),
    Case("xlsx_sheet_per_year", xlsx("per_year.xlsx", _xlsx_sheet_per_year), "partial", events=3, read=3,
         check=lambda e, r: _countries({t: [c] for t, c in zip(e["title"], ["KEN", "PER", "VNM"], strict=True)})(e, r)),
    Case("xlsx_cover_sheet_first", xlsx("cover.xlsx", _xlsx_cover_first), "partial", events=3, read=3),
    Case("xlsx_stray_value_in_last_cell", xlsx("stray.xlsx", _xlsx_stray_far_cell), "partial", events=3, read=4,
         rejects={"missing date": 1}, reject_rows={"row 4": "missing date"}, timeout=120),
    Case("xlsx_empty_data_sheet", xlsx("empty_data.xlsx", _xlsx_empty_data), "error", reason="no data sheet"),
    Case("xlsx_corrupt", _write("corrupt.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100), "error",
         reason="not a readable .xlsx workbook"),
    # -- HTML and text
    Case("html_script", _write("script.html", html_page(
        "<script>var s = 'On 3 May 2020, a delegation of the Society visited Accra, Ghana, for a long talk.';"
        "function f() { window.location = '/'; }</script>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS))),
         "partial", events=2, check=_no_script),
    Case("html_deeply_nested", deeply_nested, "partial", events=2),
    Case("html_no_body_text", _write("nobody.html", html_page("  <div> </div><img src='x.png'>")), "error",
         reason="no readable text"),
    Case("html_only_chrome", _write("chrome.html", html_page(
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><p>Log in</p><p>Sign up</p>"
        "<p>Font size: big middle small</p><p>Share to: WeChat Weibo</p><p>Copyright © 2020 Hillside Society. All "
        "rights reserved.</p><footer>Contact us</footer>")), "error", reason="no readable text"),
    Case("text_one_megabyte_line", _write("one_line.txt", PARAGRAPHS[0] * (1024 * 1024 // len(PARAGRAPHS[0]))),
         "partial", events=1, check=lambda e, r: _long_snippet(e), heavy=True, timeout=180),
    Case("text_quote_after_number", _write("quotes.txt", "\n\n".join(p.replace("30 students", "30 ’ students")
                                                                   .replace("twelve", "12 '") for p in PARAGRAPHS)),
         "partial", events=2),
    Case("text_dates_without_year", _write("noyear.txt", "Friendship notes\n\n" + "\n\n".join([
        "On May 3, a delegation of the Hillside Friendship Society visited Accra, Ghana, and met teachers there.",
        "On June 9, more than 40 guests from Chile and Peru attended a forum on rural tourism held in Kunming."])),
         "partial", events=0, rejects={"date without a year": 2}, reject_rows={"offset 18": "date without a year"}),
    # -- GDELT
    Case("gdelt_57_columns", gdelt_file("20190315.export.CSV", [gdelt_row(57, GLOBALEVENTID=str(i)) for i in (1, 2)]),
         "partial", events=2, read=2),
    Case("gdelt_58_columns", gdelt_file("20190316.export.CSV", [gdelt_row(58, GLOBALEVENTID=str(i)) for i in (1, 2)]),
         "partial", events=2, read=2),
    Case("gdelt_61_columns", gdelt_file("20190317.export.CSV", [gdelt_row(61, GLOBALEVENTID=str(i)) for i in (1, 2)]),
         "partial", events=2, read=2),
    Case("gdelt_mixed_and_wrong_widths", gdelt_file("20190318.export.CSV", [
        gdelt_row(58, GLOBALEVENTID="1"), gdelt_row(57, GLOBALEVENTID="2"), "\t".join(["9"] * 40),
        gdelt_row(61, GLOBALEVENTID="3"), gdelt_row(58, GLOBALEVENTID="4", EventCode="190"),
        gdelt_row(58, GLOBALEVENTID="5", SQLDATE="20190230")]),
         "partial", events=3, read=6,
         rejects={"wrong column count": 1, "filtered: CAMEO code not kept": 1, "unparseable date": 1},
         reject_rows={"row 3": "wrong column count", "row 5": "filtered: CAMEO code not kept",
                      "row 6": "unparseable date"}),
    Case("gdelt_widths_in_layout_order", gdelt_file("20190322.export.CSV", [
        gdelt_row(57, GLOBALEVENTID="1"), gdelt_row(58, GLOBALEVENTID="2"), gdelt_row(61, GLOBALEVENTID="3")]),
         "partial", events=3, read=3),
    Case("gdelt_control_characters", gdelt_file("20190323.export.CSV", [
        gdelt_row(58, GLOBALEVENTID="1", Actor1Name="CHI\x1fNA", Actor2Name="KEN\x1eYA\x00"),
        gdelt_row(58, GLOBALEVENTID="2", ActionGeo_FullName="Nai\x1frobi, Kenya"),
        gdelt_row(58, GLOBALEVENTID="3", ActionGeo_CountryCode="K\x1fE")]),
         "partial", events=3, read=3),
    Case("gdelt_cameo_regional_codes", gdelt_file("20190319.export.CSV", [
        gdelt_row(58, GLOBALEVENTID="1", Actor2Code="AFR", Actor2Name="AFRICA", Actor2CountryCode="AFR"),
        gdelt_row(58, GLOBALEVENTID="2", Actor2Code="EUR", Actor2Name="EUROPE", Actor2CountryCode="EUR"),
        gdelt_row(58, GLOBALEVENTID="3", Actor2Code="ASA", Actor2Name="ASIA", Actor2CountryCode="ASA")]),
         "partial", events=3, read=3, check=_regional),
    Case("gdelt_fips_without_iso", gdelt_file("20190320.export.CSV", [
        gdelt_row(58, GLOBALEVENTID="1", ActionGeo_CountryCode="OS", ActionGeo_Type="1", ActionGeo_FullName="Oceans"),
        gdelt_row(58, GLOBALEVENTID="2", ActionGeo_CountryCode="PG", ActionGeo_Type="1",
                  ActionGeo_FullName="Spratly Islands"),
        gdelt_row(58, GLOBALEVENTID="3", ActionGeo_CountryCode="ZZ", ActionGeo_Type="1", ActionGeo_FullName="Nowhere")]),
         "partial", events=3, read=3, check=_fips_unknown),
    # -- the same content twice: one event each, never a duplicate event_id
    Case("same_file_twice", _twice(_write("twice.csv", _UTF8)), "partial", events=3, check=_one_source),
    Case("identical_copies", _copies(_write("original.csv", _UTF8)), "partial", events=3,
         rejects={"duplicate file": 1}, check=_copy_skipped),
    Case("identical_copies_cjk_titles", _copies(_write("original_cjk.csv", _CJK)), "partial", events=3,
         rejects={"duplicate file": 1}, check=_copy_skipped),
    Case("identical_bulletin_copies", _copies(_write("original.txt", BULLETIN)), "partial", events=2,
         rejects={"duplicate file": 1}, check=_copy_skipped),
    Case("identical_gdelt_copies", _copies(gdelt_file("20190321.export.CSV", [gdelt_row(58, GLOBALEVENTID="1",
                                                                                          Actor2Name="")])),
         "partial", events=1, rejects={"duplicate file": 1}, check=_copy_skipped),
]

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"


def describe() -> str:
    """The matrix as a plain list (name, outcome), for reports."""
    return "\n".join(f"{c.name}: {c.expect}" for c in CASES)


if __name__ == "__main__":  # `python -m tests.matrix_cases` lists the cases
    print(describe())
    print(f"{len(CASES)} cases", "(heavy: " + ", ".join(c.name for c in CASES if c.heavy) + ")", sep="\n")
