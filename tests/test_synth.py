"""The synthetic event generator: valid, deterministic, realistic-looking and fast."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from etl import synth
from etl.schema import arrow_schema
from etl.validate import validate

N = 6_000


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synth.generate(N, 11)


def test_passes_the_schema(events):
    validate(events)
    assert len(events) == N and events["event_id"].is_unique


def test_deterministic_in_the_seed():
    a, b = synth.generate(500, 7), synth.generate(500, 7)
    pd.testing.assert_frame_equal(a, b)
    assert not a["event_id"].equals(synth.generate(500, 8)["event_id"])
    assert not a["countries"].equals(synth.generate(500, 8)["countries"])


def test_zero_and_tiny_tables():
    assert synth.generate(0, 1).empty
    validate(synth.generate(1, 1))


def test_table_has_the_parquet_schema_and_list_arrays():
    table = synth.generate_table(300, 2)
    assert table.schema.equals(arrow_schema())
    assert pa.types.is_list(table.schema.field("countries").type)


def test_says_it_is_synthetic(events):
    assert events["title"].str.startswith("Synthetic: ").all()
    assert (events["source_kind"] == "synthetic").all() and (events["method"] == "synthetic").all()
    assert events["snippet"].str.startswith("SYNTHETIC").all()
    assert (events["home_iso3"] == "CHN").all()


def test_date_precision_mix_and_spans(events):
    share = events["date_precision"].value_counts(normalize=True)
    assert abs(share["day"] - 0.7) < 0.03 and abs(share["month"] - 0.2) < 0.03 and abs(share["year"] - 0.1) < 0.03
    month = events[events["date_precision"] == "month"]
    assert (month["start_date"].dt.day == 1).all()
    assert (month["end_date"] == month["start_date"] + pd.offsets.MonthEnd(0)).all()
    year = events[events["date_precision"] == "year"]
    assert ((year["start_date"].dt.strftime("%m-%d") == "01-01") & (year["end_date"].dt.strftime("%m-%d") == "12-31")
            & (year["start_date"].dt.year == year["end_date"].dt.year)).all()


def test_seasonal_months(events):
    day = events[events["date_precision"] == "day"]
    per_month = day["start_date"].dt.month.value_counts()
    typical = per_month.drop([1, 2, 8]).mean()
    assert all(per_month[m] < 0.8 * typical for m in (1, 2, 8))


def test_long_tail_of_countries(events):
    counts = events["countries"].explode().value_counts()
    assert counts.index[0] == "USA"
    assert len(counts) > 120, "a long tail"
    assert counts.iloc[0] > 10 * counts.iloc[len(counts) // 2], "heavy head"
    assert "CHN" not in counts.index, "home is never a counterpart"
    assert set(events["countries"].map(len)) == {1, 2, 3}
    assert events["countries"].map(lambda c: len(set(c)) == len(c)).all()


def test_host_is_the_first_counterpart_or_home(events):
    host = events["host_iso3"]
    foreign = host.notna() & (host != "CHN")
    assert (events.loc[foreign, "countries"].str[0] == host[foreign]).all()
    assert 0.3 < (host == "CHN").mean() < 0.5
    assert events.loc[host.isna(), "lat"].isna().all()
    assert events.loc[host.notna(), "lat"].notna().all()


def test_participants_log_normal_with_missing_values(events):
    p = events["participants"]
    assert abs(p.isna().mean() - 0.4) < 0.03
    values = p.dropna().astype(float)
    assert (values >= 1).all() and values.median() < values.mean(), "right-skewed"
    assert (events["participants_qualifier"].isna() == p.isna()).all()


def test_sector_mix_depends_on_region_and_types_follow_sectors(events):
    first = events["countries"].str[0]
    africa = first.isin(set(synth.world().iso3[synth.world().continent == synth.world().continents.index("Africa")]))
    health_share = lambda rows: (rows["sector"] == "health").mean()  # noqa: E731
    assert health_share(events[africa]) > 1.5 * health_share(events[~africa])
    culture = events[events["sector"] == "culture"]["event_type"].value_counts(normalize=True)
    assert culture.index[0] == "exhibition"
    assert (events["sectors"].str[0] == events["sector"]).all()
    assert events["sectors"].map(lambda s: len(set(s)) == len(s)).all()


def test_organization_pool(events):
    assert 1_900 <= len(synth.world().orgs) <= 2_100
    orgs = events["organizations"].explode().dropna()
    assert orgs.nunique() > 500
    assert events["organizations"].map(lambda o: len(set(o)) == len(o)).all()


def test_titles_name_sector_type_and_place(events):
    row = events.iloc[0]
    assert row["title"].startswith(f"Synthetic: {row['sector'].replace('_', ' ')} {row['event_type']} in ")


def test_one_million_rows():
    # Its speed is measured in bench/, not here.
    assert synth.generate_table(1_000_000, 1).num_rows == 1_000_000


# ====================================================================== the command line


def test_cli_writes_events_raw_csv_and_manifest(tmp_path):
    assert synth.main(["--events", "800", "--out", str(tmp_path), "--seed", "3"]) == 0
    events = pd.read_parquet(tmp_path / "events.parquet")
    assert len(events) == 800
    manifest = json.loads((tmp_path / "events.manifest.json").read_text())
    assert manifest["events"] == 800 and manifest["synthetic"] is True and manifest["data_version"]
    assert manifest == synth.write(800, tmp_path / "again", seed=3)
    pd.testing.assert_frame_equal(events, pd.read_parquet(tmp_path / "again" / "events.parquet"))


def test_partitioned_by_year_above_the_threshold(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "PARTITION_ABOVE", 200)
    synth.write(600, tmp_path, seed=2, raw_rows=50)
    parts = sorted(tmp_path.glob("events/year=*/part-0.parquet"))
    assert len(parts) > 10
    for part in parts:
        year = int(part.parent.name.split("=")[1])
        assert (pd.to_datetime(pd.read_parquet(part)["start_date"]).dt.year == year).all()
    together = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    expected = synth.generate(600, 2)
    assert sorted(together["event_id"]) == sorted(expected["event_id"])


def test_raw_csv_spells_countries_many_ways(tmp_path):
    synth.write(4_000, tmp_path, seed=9)
    raw = pd.read_csv(tmp_path / "raw.csv", dtype=str, keep_default_na=False)
    assert list(raw.columns) == ["date", "title", "country", "city", "sector", "participants", "organization",
                                 "description"]
    assert len(raw) == 4_000
    names = raw["country"].str.split("; ").explode()
    spellings = set(names)
    assert {"South Korea", "Korea, Republic of", "KOR"} & spellings
    korea = {n for n in spellings if n in {"South Korea", "Korea, Republic of", "KOR", "Republic of Korea", "Korea"}}
    assert len(korea) >= 2, "one country, several spellings"
    assert raw["date"].str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    assert set(raw["date"].str.len()) == {4, 7, 10}


def test_raw_rows_can_be_capped(tmp_path):
    manifest = synth.write(300, tmp_path, seed=1, raw_rows=25)
    assert manifest["raw_rows"] == 25
    assert len(pd.read_csv(tmp_path / "raw.csv")) == 25


def test_year_counts_grow_and_dip():
    counts = synth.year_counts(1_000_000, 0)
    assert sum(counts.values()) == 1_000_000
    assert counts[2025] > counts[2010] > counts[2000]
    assert counts[2020] < counts[2019]
    assert np.all(np.array(list(counts.values())) > 0)
