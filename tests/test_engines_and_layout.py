"""The two output layouts (one file, a year-partitioned dataset) and the two engines (local, Dask) give the same
table.  The corpus is the bundled sample: narrative text, a list page, HTML, a table and profiles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl.__main__ import main
from etl.io import atomic_dir

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def _build(out: Path, *extra: str) -> dict:
    assert main(["build", str(SAMPLE), "--out", str(out), "--quiet", *extra]) == 0
    manifest = out / "events.manifest.json" if not out.suffix else out.with_name(f"{out.stem}.manifest.json")
    return json.loads(manifest.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("single") / "events.parquet"
    return out, _build(out)


def test_a_directory_gets_one_part_per_year(single, tmp_path):
    path, manifest = single
    out = tmp_path / "atlas"
    partitioned = _build(out)
    parts = sorted((out / "events").glob("year=*/part-0.parquet"))
    events = pd.read_parquet(path)
    years = sorted(pd.to_datetime(events["start_date"]).dt.year.unique())
    assert [p.parent.name for p in parts] == [f"year={y:04d}" for y in years]
    for part in parts:
        got = pd.read_parquet(part)
        assert (pd.to_datetime(got["start_date"]).dt.year == int(part.parent.name[5:])).all()
    # The same rows, hence the same content hash; only the layout differs.
    assert partitioned["data_version"] == manifest["data_version"]
    assert (partitioned["layout"], manifest["layout"]) == ("year-partitioned", "file")
    assert (out / "events.rejects.parquet").exists() and (out / "events.organizations.parquet").exists()


def test_the_dashboard_opens_a_partitioned_build(single, tmp_path):
    from app import data

    path, _ = single
    out = tmp_path / "atlas"
    _build(out)
    whole, parts = data.open_parquet(path), data.open_parquet(out)
    assert parts.version == whole.version and parts.events == whole.events
    assert data.headline(parts) == data.headline(whole)
    assert data.by_country(parts).equals(data.by_country(whole))


def test_rebuilding_a_dataset_replaces_it_whole(tmp_path):
    out = tmp_path / "atlas"
    _build(out)
    stale = out / "events" / "year=1900"
    stale.mkdir()
    (stale / "part-0.parquet").write_bytes(b"left over")
    _build(out)
    assert not stale.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_a_failed_dataset_write_keeps_the_previous_one(tmp_path):
    target = tmp_path / "events"
    target.mkdir()
    (target / "old.parquet").write_bytes(b"previous build")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "new.parquet").write_bytes(b"half")
        raise RuntimeError("disk full")
    assert [p.name for p in target.iterdir()] == ["old.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["events"]


def test_dask_engine_gives_the_local_output(single, tmp_path):
    pytest.importorskip("distributed")
    path, manifest = single
    out = tmp_path / "dask.parquet"
    # Two worker processes on a LocalCluster: the same process_file per input, gathered in input order.  Run as
    # the command a user types, in a process of its own: the workers are spawned, and spawning re-imports the
    # parent's __main__, which inside pytest may be a script another test (AppTest) left behind.
    cmd = [sys.executable, "-m", "etl", "build", str(SAMPLE), "--out", str(out), "--quiet", "--engine", "dask",
           "--workers", "2"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    dask_manifest = json.loads(out.with_name("dask.manifest.json").read_text(encoding="utf-8"))
    assert out.read_bytes() == path.read_bytes()
    assert dask_manifest == manifest
    for side in ("rejects", "organizations"):
        assert out.with_name(f"dask.{side}.parquet").read_bytes() == path.with_name(f"events.{side}.parquet").read_bytes()
