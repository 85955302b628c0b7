"""Shared pytest fixtures.  Dashboard fixtures are prefixed ``dash_`` (other test modules add their own)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

DASH_ROWS = 300
DASH_SEED = 1


@pytest.fixture(scope="session")
def dash_frame() -> pd.DataFrame:
    """A small synthetic event table: every column, every list shape, some HKG/MAC/TWN, some low confidence."""
    from etl import synth

    return synth.generate(DASH_ROWS, seed=DASH_SEED)


@pytest.fixture(scope="session")
def dash_dataset_path(dash_frame, tmp_path_factory) -> Path:
    """``dash_frame`` written as the ETL writes a build: events Parquet, a rejects file and a manifest (flagging
    the rows synthetic, so the app shows its SYNTHETIC banner) beside it."""
    from etl.build import side_path, write_events, write_frame
    from etl.sources.base import reject_rows

    out = tmp_path_factory.mktemp("dash") / "events.parquet"
    write_events(dash_frame, out)
    rejects = reject_rows([("synthetic/bulletin-2001-01.txt", "offset 120", "no date", "sometime soon"),
                           ("synthetic/table.csv", "row 7", "unknown country", "Atlantis"),
                           ("synthetic/table.csv", "row 9", "unknown country", "Lemuria")])
    write_frame(rejects, side_path(out, "rejects"))
    manifest = {"synthetic": True, "data_version": f"dash-synth-{DASH_ROWS}-{DASH_SEED}", "events": len(dash_frame)}
    side_path(out, "manifest").with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.fixture
def dash_env(dash_dataset_path, monkeypatch) -> Path:
    """Point the dashboard at the small dataset (the app reads ``EXCHANGE_ATLAS_DATA``)."""
    monkeypatch.setenv("EXCHANGE_ATLAS_DATA", str(dash_dataset_path))
    return dash_dataset_path
