"""Durability: a killed build leaves the previous output intact; builds are byte-identical; event_id is unique."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from etl.__main__ import main
from etl.build import build, discover
from etl.io import atomic_path
from etl.validate import validate
from tests.matrix_cases import BULLETIN, VALID_ROWS, csv_text, gdelt_row, million_rows

ROOT = Path(__file__).resolve().parents[1]
BIG_ROWS = 150_000  # enough for the Parquet write to take a good fraction of a second, even on a fast machine
MID_WRITE = 4096  # bytes in the temporary file: past the Parquet header, into the data pages
OUTPUTS = ("events.parquet", "events.rejects.parquet", "events.manifest.json")


def _digests(directory: Path) -> dict[str, str]:
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in OUTPUTS}


def _temps(directory: Path) -> list[Path]:
    return sorted(directory.glob(".events.parquet.*.tmp"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # renamed over the output meanwhile
        return 0


def _kill_while_writing(big: Path, out: Path, timeout: float = 400) -> bool:
    """Start a build, SIGKILL it once its temporary events file holds data pages; False if it finished first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "etl", "build", str(big), "--out", str(out), "--quiet"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if any(_size(p) > MID_WRITE for p in _temps(out.parent)):
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.002)
        raise AssertionError(f"the build neither wrote nor ended within {timeout} s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stderr.close()


def test_killed_build_leaves_previous_output_intact(tmp_path):
    out_dir = tmp_path / "out"
    out = out_dir / "events.parquet"
    small = tmp_path / "small.csv"
    small.write_text(csv_text(VALID_ROWS), encoding="utf-8")
    assert main(["build", str(small), "--out", str(out), "--quiet"]) == 0
    before = _digests(out_dir)
    previous = pd.read_parquet(out)
    big = million_rows(tmp_path, BIG_ROWS)
    for _attempt in range(3):
        if _kill_while_writing(big, out):
            break
        # The build won the race and finished: start again from the previous output.
        assert main(["build", str(small), "--out", str(out), "--quiet"]) == 0
    else:
        pytest.fail("could not catch the build while it was writing")
    # The kill may land between seeing the temporary file and the rename; then the new output is complete.
    replaced = _digests(out_dir)["events.parquet"] != before["events.parquet"]
    if replaced:
        assert len(pd.read_parquet(out)) == BIG_ROWS - BIG_ROWS // 1000
    else:
        assert _digests(out_dir) == before
        pd.testing.assert_frame_equal(pd.read_parquet(out), previous)
        assert any(_size(p) > MID_WRITE for p in _temps(out_dir)), "the kill should land in the middle of the write"
    leftovers = _temps(out_dir)
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in out_dir.iterdir() if p.name not in OUTPUTS)
    # A leftover temporary file is hidden: never taken for an input or an output.
    assert not set(discover([out_dir])) & set(leftovers)
    assert sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".")) == sorted(OUTPUTS)


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "events.parquet"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a file")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_outputs_have_ordinary_permissions(tmp_path):
    """mkstemp makes 0600 files; outputs must be readable like any file the user writes (umask applies)."""
    out = tmp_path / "events.parquet"
    small = tmp_path / "small.csv"
    small.write_text(csv_text(VALID_ROWS), encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert main(["build", str(small), "--out", str(out), "--quiet"]) == 0
    finally:
        os.umask(old)
    for name in OUTPUTS:
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode & 0o044 == 0o044, f"{name} is {oct(mode)}"


@pytest.fixture()
def corpus(tmp_path) -> Path:
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "bulletin.txt").write_text(BULLETIN, encoding="utf-8")
    (src / "table.csv").write_text(csv_text([*VALID_ROWS, "2018-02-30,Peru,Lima,Bad,visit,youth,3"]), encoding="utf-8")
    (src / "20190315.export.CSV").write_text(
        "\n".join(gdelt_row(w, GLOBALEVENTID=str(w)) for w in (57, 58, 61)) + "\n", encoding="utf-8")
    (src / "copy.csv").write_bytes((src / "table.csv").read_bytes())
    return src


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_same_inputs_give_byte_identical_outputs(corpus, tmp_path, suffix):
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run / f"events{suffix}"
        assert main(["build", str(corpus), "--out", str(out), "--quiet"]) == 0
        outs.append(out)
    for name in (f"events{suffix}", f"events.rejects{suffix}", "events.manifest.json"):
        assert (outs[0].parent / name).read_bytes() == (outs[1].parent / name).read_bytes(), name


def test_event_ids_are_stable_and_follow_content_not_path(corpus, tmp_path):
    first = build([corpus], progress=False).events
    second = build([corpus], progress=False).events
    assert first["event_id"].is_unique
    assert list(first["event_id"]) == list(second["event_id"])
    moved = tmp_path / "elsewhere"
    corpus.rename(moved)
    third = build([moved], progress=False).events
    assert sorted(third["event_id"]) == sorted(first["event_id"])


def test_validation_catches_a_duplicate_event_id(corpus):
    events = build([corpus], progress=False).events
    doubled = pd.concat([events, events.iloc[[0]]], ignore_index=True)
    with pytest.raises(pandera.errors.SchemaErrors, match="event_id"):
        validate(doubled)


def test_copies_of_one_file_do_not_duplicate_event_ids(corpus):
    events = build([corpus], progress=False).events
    assert events["event_id"].is_unique
    from_tables = events[events["source"].str.endswith(("table.csv", "copy.csv"))]
    assert len(from_tables) == len(VALID_ROWS)
