"""The `python -m etl build` command end to end: outputs, rejects, exit codes, repeatability."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl.__main__ import main

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is absent")

BULLETIN = """News of the Hillside Friendship Society (2020.1-2020.6)

On February 3, a six-member delegation of the Hillside Friendship Society visited Accra, Ghana, and met teachers.

From March 9 to 12, more than 40 guests from Chile and Peru attended a forum on rural tourism held in Kunming.
"""


@pytest.fixture()
def corpus(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "bulletin.txt").write_text(BULLETIN, encoding="utf-8")
    (src / "table.csv").write_text(
        "date,country,title,participants\n2020-05-04,Kenya,Teachers visit Nairobi,12\n2020-13-40,Peru,Bad date,3\n",
        encoding="utf-8",
    )
    (src / ".hidden.txt").write_text("On May 1, nothing here should be read at all by the build.", encoding="utf-8")
    return src


def test_build_writes_events_rejects_and_manifest(corpus, tmp_path, capsys):
    out = tmp_path / "out" / "events.parquet"
    assert main(["build", str(corpus), "--out", str(out), "--quiet"]) == 0
    events = pd.read_parquet(out)
    rejects = pd.read_parquet(out.with_name("events.rejects.parquet"))
    manifest = json.loads(out.with_name("events.manifest.json").read_text())
    assert len(events) == 3
    assert len(rejects) == 1 and rejects.iloc[0]["location"].startswith("row")
    assert manifest["events"] == 3 and manifest["rejects"] == 1
    assert not events["source"].str.contains("hidden").any()
    err = capsys.readouterr().err
    assert "read 2 rows = 1 accepted + 1 rejected" in err
    assert "top reject reasons" in err


def test_same_input_gives_byte_identical_output(corpus, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    main(["build", str(corpus), "--out", str(a), "--quiet"])
    main(["build", str(corpus), "--out", str(b), "--quiet"])
    assert a.read_bytes() == b.read_bytes()


def test_csv_output_joins_lists(corpus, tmp_path):
    out = tmp_path / "events.csv"
    main(["build", str(corpus), "--out", str(out), "--quiet"])
    frame = pd.read_csv(out)
    assert frame["countries"].fillna("").str.contains(";").any()
    assert "CHL;PER" in set(frame["countries"]) or "PER;CHL" in set(frame["countries"])


def test_unusable_file_is_named_and_the_rest_is_written(corpus, tmp_path, capsys):
    (corpus / "broken.csv").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "events.parquet"
    assert main(["build", str(corpus), "--out", str(out), "--quiet"]) == 1
    assert "broken.csv" in capsys.readouterr().err
    assert len(pd.read_parquet(out)) == 3


def test_nothing_usable_exits_2(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    assert main(["build", str(bad), "--out", str(tmp_path / "e.parquet"), "--quiet"]) == 2
    assert "empty.txt" in capsys.readouterr().err


def test_unsupported_extension_is_reported(tmp_path, capsys):
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    assert main(["build", str(odd), "--out", str(tmp_path / "e.parquet"), "--quiet"]) == 2
    assert "unsupported file type" in capsys.readouterr().err


def test_home_option(corpus, tmp_path):
    out = tmp_path / "e.parquet"
    main(["build", str(corpus / "bulletin.txt"), "--out", str(out), "--home", "Ghana", "--quiet"])
    events = pd.read_parquet(out)
    assert set(events["home_iso3"]) == {"GHA"}
    assert "GHA" not in set(events.iloc[0]["countries"])


def test_module_runs_as_a_command(corpus, tmp_path):
    out = tmp_path / "e.parquet"
    done = subprocess.run([sys.executable, "-m", "etl", "build", str(corpus), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "events: 3" in done.stderr


@needs_shared
def test_all_seeds_build(tmp_path):
    out = tmp_path / "seeds.parquet"
    assert main(["build", str(SHARED / "seeds"), "--out", str(out), "--quiet"]) == 0
    events = pd.read_parquet(out)
    orgs = pd.read_parquet(out.with_name("seeds.organizations.parquet"))
    from_001 = events[events["source"].str.contains("001_")]
    assert len(from_001) >= 2 and set(from_001["date_precision"]) == {"year"}
    for seed in ("000_", "003_", "004_"):
        assert orgs["source"].str.contains(seed).any(), seed
    assert orgs["partners"].map(len).sum() >= 3


@needs_shared
def test_dev_split_score(tmp_path):
    out = tmp_path / "e002.parquet"
    seed = next((SHARED / "seeds").glob("002_*.txt"))
    assert main(["build", str(seed), "--out", str(out), "--quiet"]) == 0
    minimums = "recall=0.95 precision=0.95 date=0.95 host=0.90 countries_f1=0.90 participants=0.90 sector=0.80 type=0.80"
    args = [str(out), str(SHARED / "eval" / "gold_dev_002.tsv")]
    for m in minimums.split():
        args += ["--min", m]
    done = subprocess.run([sys.executable, str(SHARED / "eval" / "score_extraction.py"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout


def test_identical_copies_are_read_once(corpus, tmp_path, capsys):
    (corpus / "copy.txt").write_bytes((corpus / "bulletin.txt").read_bytes())
    out = tmp_path / "e.parquet"
    assert main(["build", str(corpus), str(corpus / "bulletin.txt"), "--out", str(out), "--quiet"]) == 0
    assert len(pd.read_parquet(out)) == 3
    assert "same content as" in capsys.readouterr().err


def test_link_tables_count_as_accepted(tmp_path, capsys):
    links = tmp_path / "twins.csv"
    links.write_text("city1,country1,city2,country2\nLyon,France,Beijing,China\nKobe,Japan,,\n", encoding="utf-8")
    main(["build", str(links), "--out", str(tmp_path / "e.parquet"), "--quiet"])
    assert "read 2 rows = 1 accepted + 1 rejected" in capsys.readouterr().err


def _reference_data_version(df):
    """data_version as first written: a hash of the CSV frame, list cells joined and dates formatted row by row."""
    import hashlib

    from etl.schema import LIST_COLUMNS

    out = df.copy()
    for col in LIST_COLUMNS:
        out[col] = out[col].map(lambda v: ";".join(v))
    for col in ("start_date", "end_date"):
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    return hashlib.sha256(pd.util.hash_pandas_object(out, index=False).values.tobytes()).hexdigest()[:16]


def test_data_version_is_the_hash_of_the_csv_frame():
    from etl.build import data_version, to_csv_frame
    from etl.schema import conform

    shared = ["CHN", "PAK"]
    rows = [dict(event_id=f"id{i}", title=["Forum", "Café ü", None, ""][i % 4],
                 start_date=["2018-03-01", None, "1999-12-31", "0999-01-01"][i % 4], end_date="2018-03-31",
                 sectors=[["health"], [], ["a;b"], ["a", "b"]][i % 4], countries=shared if i % 2 else ["PAK"],
                 organizations=["X", "Y"] if i % 3 else [], sources=["a.txt"], participants=[None, 5][i % 2],
                 lat=[None, 1.5][i % 2], source_start=i, source_end=i, host_iso3=[None, "PAK"][i % 2],
                 snippet=[None, "x", "ü"][i % 3]) for i in range(40)]
    df = conform(pd.DataFrame(rows))
    full = df.assign(snippet=df["snippet"].fillna("s"), method="m")
    for frame in (df, full, df.head(1), df.head(0), full.astype({"title": object, "snippet": object})):
        assert data_version(frame) == _reference_data_version(frame)
    assert to_csv_frame(full).equals(full.assign(
        **{c: full[c].map(lambda v: ";".join(v)) for c in ("sectors", "countries", "groups", "organizations", "sources")},
        start_date=full["start_date"].dt.strftime("%Y-%m-%d"), end_date=full["end_date"].dt.strftime("%Y-%m-%d")))


def test_rows_in_order_are_not_sorted_and_others_are():
    import numpy as np

    from etl.build import _ORDER, _in_order

    rng = np.random.default_rng(0)
    for _ in range(30):
        n = int(rng.integers(0, 8))
        df = pd.DataFrame({
            "source": pd.array(rng.choice(["a", "b", "é"], n), dtype="string"),
            "source_start": pd.array(rng.integers(0, 3, n), dtype="Int64"),
            "source_end": pd.array(rng.integers(0, 3, n), dtype="Int64"),
            "event_id": pd.array(rng.choice(["x", "y"], n), dtype="string"),
        })
        for frame in (df, df.sort_values(list(_ORDER), kind="stable")):
            stable = frame.sort_values(list(_ORDER), kind="stable")
            if _in_order(frame, _ORDER):
                assert list(stable.index) == list(frame.index)
        assert _in_order(df.sort_values(list(_ORDER), kind="stable"), _ORDER)


@pytest.mark.parametrize("n", [3, 5000])
def test_arrow_table_is_the_plain_conversion(n):
    """_arrow converts each distinct list object once (above a few thousand rows): the table must be the one
    pyarrow gives converting every cell, for shared, equal-but-distinct, empty and odd list cells alike."""
    import pyarrow as pa

    from etl.build import _FEW_LIST_CELLS, _arrow
    from etl.schema import COLUMN_NAMES, arrow_schema, conform

    assert 3 < _FEW_LIST_CELLS < 5000  # both paths are taken
    shared, empty = ["CHN", "KEN"], []
    rows = [dict(event_id=f"id{i}", title=f"t{i % 7}", start_date="2020-01-02", end_date="2020-01-03",
                 sectors=[shared, ["health"], empty, ["a;b", "é"], ["health"]][i % 5], countries=shared if i % 2 else [],
                 groups=empty, organizations=[f"org {i % 11}"], sources=["a.txt"], participants=[None, i][i % 2],
                 source_start=i, source_end=i + 1, snippet="x" * (i % 3), date_precision="day", event_type="visit",
                 sector="health", home_iso3="CHN", source="a.txt", source_kind="text", confidence=0.5,
                 method="m") for i in range(n)]
    df = conform(pd.DataFrame(rows))
    plain = pa.Table.from_pandas(df[list(COLUMN_NAMES)], schema=arrow_schema(), preserve_index=False)
    got = _arrow(df)
    assert got.schema == arrow_schema() and got.schema.metadata is None
    assert got.equals(plain.replace_schema_metadata(None))
