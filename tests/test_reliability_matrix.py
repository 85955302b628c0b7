"""The bad-input matrix (issue 4) run through the CLI: a clear error or a partial success, never a traceback.

The cases live in :mod:`tests.matrix_cases`; this module runs each through ``etl.__main__.main``
in-process (under ``signal.alarm``) or, for cases that need their own environment or prove the
command line, through ``python -m etl build`` in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from etl.__main__ import main
from tests.matrix_cases import BY_NAME, CASES, Case, inputs

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^(?P<file>.+): read (?P<read>\d+) rows = (?P<accepted>\d+) accepted \+ (?P<rejected>\d+) "
                     r"rejected$", re.M)
LOCATION = re.compile(r"^(?:row \d+|offset \d+|line \d+|file)$")
SOURCE_COLUMNS = ["event_id", "source", "sources"]


@dataclass
class Run:
    code: int
    stderr: str
    out: Path
    paths: list[Path]

    @property
    def rejects_path(self) -> Path:
        return self.out.with_name("events.rejects.parquet")


@contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: SIGALRM raises in the main thread after ``seconds``."""

    def on_alarm(signum, frame):
        raise TimeoutError(f"the build did not finish within {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_case(case: Case, directory: Path, capsys) -> Run:
    paths = inputs(case, directory / "in")
    out = directory / "out" / "events.parquet"
    argv = ["build", *map(str, paths), "--out", str(out), "--quiet", *case.args]
    if case.subprocess or case.env:
        env = {**os.environ, "PYTHONPATH": str(ROOT), **case.env}
        done = subprocess.run([sys.executable, "-m", "etl", *argv], capture_output=True, text=True,
                              timeout=case.timeout, cwd=ROOT, env=env)
        return Run(done.returncode, done.stderr, out, paths)
    capsys.readouterr()
    with deadline(case.timeout):
        code = main(argv)
    return Run(code, capsys.readouterr().err, out, paths)


def comparable(events: pd.DataFrame) -> pd.DataFrame:
    """The events without what depends on the file's bytes or name."""
    frame = events.drop(columns=SOURCE_COLUMNS).reset_index(drop=True)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v)
    return frame


def check_error(case: Case, run: Run) -> None:
    assert run.code in (1, 2), run.stderr
    path = str(run.paths[0])
    location = rf"(?P<location>{case.location}): " if case.location else r"(?:[^:]+: )?"
    line = re.search(rf"^error: {re.escape(path)}: {location}.*?(?:{case.reason})", run.stderr, re.M)
    assert line, f"stderr must name {path}, the location and the reason {case.reason!r}:\n{run.stderr}"
    # The build still writes its outputs: no events, and the file listed as unusable with the same words.
    assert pd.read_parquet(run.out).empty
    rejects = pd.read_parquet(run.rejects_path)
    unusable = rejects[(rejects["source"] == path) & (rejects["location"] == "file")]
    assert list(unusable["reason"]) == ["unusable file"]
    assert re.search(case.reason, unusable["detail"].iloc[0])


def check_partial(case: Case, run: Run, events: pd.DataFrame, rejects: pd.DataFrame) -> None:
    assert run.code == 0, run.stderr
    assert not re.search(r"^error:", run.stderr, re.M), run.stderr
    if case.events is not None:
        assert len(events) == case.events
    assert dict(Counter(rejects["reason"])) == case.rejects, rejects.to_string()
    for location, reason in case.reject_rows.items():
        assert list(rejects.loc[rejects["location"] == location, "reason"]) == [reason], rejects.to_string()
    sources = {str(p) for p in run.paths}
    assert rejects["source"].isin(sources).all()
    assert rejects["location"].str.match(LOCATION).all(), rejects["location"].tolist()
    assert rejects["reason"].str.len().gt(0).all()
    assert events["event_id"].is_unique
    assert events["source"].isin(sources).all()
    # read = accepted + rejected, as printed and as written (rows of side tables count as accepted).
    side = run.out.with_name("events.aggregates.parquet")
    aggregates = pd.read_parquet(side) if side.exists() else pd.DataFrame({"source": [], "source_row": []})
    read = 0
    for m in SUMMARY.finditer(run.stderr):
        n, accepted, rejected = int(m["read"]), int(m["accepted"]), int(m["rejected"])
        assert n == accepted + rejected, m.group()
        kept = aggregates.loc[aggregates["source"] == m["file"], "source_row"].nunique()
        assert accepted == int(events["sources"].map(lambda s, f=m["file"]: f in s).sum()) + kept, m.group()
        assert rejected == int((rejects["source"] == m["file"]).sum()), m.group()
        read += n
    if case.read is not None:
        assert read == case.read, run.stderr
    manifest = json.loads(run.out.with_name("events.manifest.json").read_text())
    assert (manifest["events"], manifest["rejects"]) == (len(events), len(rejects))
    if case.check is not None:
        case.check(events, rejects)


@pytest.mark.parametrize("case", [c for c in CASES if c.name != "million_rows"], ids=lambda c: c.name)
def test_matrix(case: Case, tmp_path, capsys):
    run = run_case(case, tmp_path / "case", capsys)
    assert "Traceback" not in run.stderr, run.stderr
    if case.expect == "error":
        check_error(case, run)
        return
    events, rejects = pd.read_parquet(run.out), pd.read_parquet(run.rejects_path)
    check_partial(case, run, events, rejects)
    if case.same_as:
        reference = run_case(BY_NAME[case.same_as], tmp_path / "reference", capsys)
        assert reference.code == 0, reference.stderr
        expected = pd.read_parquet(reference.out)
        pd.testing.assert_frame_equal(comparable(events), comparable(expected))


def test_million_rows(tmp_path, capsys):
    """A million rows in a subprocess: every row accounted for, within the case's timeout."""
    case = BY_NAME["million_rows"]
    run = run_case(case, tmp_path, capsys)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code == 0, run.stderr
    rejects = pd.read_parquet(run.rejects_path)
    events = pd.read_parquet(run.out, columns=["event_id", "source", "source_start"])
    assert len(events) == case.events and events["event_id"].is_unique
    assert dict(Counter(rejects["reason"])) == case.rejects
    assert set(rejects["location"]) == {f"row {b * 1000 + 501}" for b in range(1000)}
    assert f"read {case.read} rows = {case.events} accepted + {sum(case.rejects.values())} rejected" in run.stderr


def test_matrix_is_big_enough():
    assert len(CASES) >= 40
    assert {c.expect for c in CASES} == {"error", "partial"}
    assert sum(c.subprocess or bool(c.env) for c in CASES) >= 3


def test_case_files_are_generated(tmp_path):
    """Every light case writes its files without the ETL, so the upload test can reuse them."""
    for case in CASES:
        if case.heavy:
            continue
        paths = inputs(case, tmp_path / case.name)
        assert paths and all(isinstance(p, Path) for p in paths)
