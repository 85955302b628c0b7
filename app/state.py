"""Which dataset is active: the one cached loader every page goes through.

In order of precedence:

1. an upload the user made in this session (``set_upload``), alone or merged with the bundled sample;
2. the Parquet file or directory named by the environment variable ``EXCHANGE_ATLAS_DATA`` (benchmarks,
   synthetic data, a full build);
3. the bundled sample ``data/build/sample.parquet`` (``make sample``), built in-process from ``data/sample`` into a
   temporary directory when it is missing.

Nothing is ever fetched from the network.  Opened datasets are shared between sessions with
``st.cache_resource`` (keyed by path and file times, so a rebuilt file is picked up); an upload lives in its
session only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app import data

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PATH = ROOT / "data" / "build" / "sample.parquet"
SAMPLE_INPUTS = ROOT / "data" / "sample"
ENV_VAR = "EXCHANGE_ATLAS_DATA"
UPLOAD_KEY = "exchange_atlas.upload"  # (Dataset, rejects or None) of this session's upload
SAMPLE_LABEL = "Bundled sample"
# data version -> the Parquet path it was opened from, to find the rejects file written beside it.
_SOURCES: dict[str, Path] = {}


def active_dataset() -> data.Dataset:
    """The dataset the pages show (see the module docstring for the order).

    Returns
    -------
    app.data.Dataset
    """
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None:
        return upload[0]
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return _open(str(Path(configured).resolve()), _stamp(Path(configured)))
    return sample()


active = active_dataset  # the name the pages use


def sample() -> data.Dataset:
    """The bundled sample, built from ``data/sample`` on the fly when ``make sample`` has not been run."""
    if SAMPLE_PATH.exists():
        return _open(str(SAMPLE_PATH), _stamp(SAMPLE_PATH), SAMPLE_LABEL, True)
    return _built_sample(_inputs_stamp())


@st.cache_resource(show_spinner="Opening the dataset…", max_entries=8)
def _open(path: str, stamp: str, label: str | None = None, is_sample: bool = False) -> data.Dataset:
    # ``stamp`` is only part of the cache key: a rebuilt file gets a new entry instead of a stale dataset.
    ds = data.open_parquet(path, label=label, sample=is_sample)
    _SOURCES[ds.version] = Path(path)
    return ds


@st.cache_resource(show_spinner="Building the bundled sample from data/sample (nothing is downloaded)…",
                   max_entries=1)
def _built_sample(stamp: str) -> data.Dataset:
    from etl.build import build, write_all

    result = build([SAMPLE_INPUTS], progress=False)
    if result.events.empty:
        return data.from_frame(result.events, f"{SAMPLE_LABEL} (empty)", sample=True)
    out = Path(tempfile.mkdtemp(prefix="exchange-atlas-sample-")) / "sample.parquet"
    write_all(result, out)
    ds = data.open_parquet(out, label=SAMPLE_LABEL, sample=True)
    _SOURCES[ds.version] = out
    return ds


def _stamp(path: Path) -> str:
    files = [path] if path.is_file() else sorted(path.rglob("*.parquet")) if path.is_dir() else []
    return ";".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)


def _inputs_stamp() -> str:
    files = sorted(p for p in SAMPLE_INPUTS.rglob("*") if p.is_file()) if SAMPLE_INPUTS.is_dir() else []
    return ";".join(f"{p.relative_to(SAMPLE_INPUTS)}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)


def set_upload(df: pd.DataFrame, label: str, merge_with_sample: bool = False, *, rejects: pd.DataFrame | None = None,
               merge: bool | None = None) -> data.Dataset:
    """Make an uploaded event table this session's active dataset.

    Parameters
    ----------
    df : pandas.DataFrame
        Events in the schema (as the ETL builds them from the uploaded files).
    label : str
        Shown in the banner, e.g. "Upload: foo.csv".
    merge_with_sample : bool
        Add the bundled sample's events to the upload (``merge`` is accepted as another name for it).
    rejects : pandas.DataFrame, optional
        What the ETL could not use, for the Sources page.

    Returns
    -------
    app.data.Dataset
    """
    merge_with_sample = merge if merge is not None else merge_with_sample
    if merge_with_sample:
        base = sample()
        df = pd.concat([data.rows(base, None), data.arrow_to_frame(data.frame_to_arrow(df))], ignore_index=True)
        df = df.drop_duplicates("event_id", keep="first", ignore_index=True)
        label = f"{SAMPLE_LABEL} + {label}"
    ds = data.from_frame(df, label)
    st.session_state[UPLOAD_KEY] = (ds, rejects)
    return ds


def clear_upload() -> None:
    """Go back to the configured dataset (or the bundled sample)."""
    st.session_state.pop(UPLOAD_KEY, None)


def rejects(ds: data.Dataset) -> pd.DataFrame | None:
    """The rejects that belong to ``ds``: kept with an upload, or the ``*.rejects.parquet`` (or ``.csv``) beside
    the Parquet file it was opened from; None when there are none."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None and upload[0] is ds:
        return upload[1]
    path = _SOURCES.get(ds.version)
    if path is None or not path.is_file():
        return None
    for side in (path.with_name(f"{path.stem}.rejects.parquet"), path.with_name(f"{path.stem}.rejects.csv")):
        if side.is_file():
            return pd.read_parquet(side) if side.suffix == ".parquet" else pd.read_csv(side, keep_default_na=False)
    return None
