"""The compiled text extractor (etl/native.py, scripts/build_native.py): used only when it is a build of these
sources, and giving the rows the Python sources give."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from etl import native

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

# Rows of every narrative file given, pickled to stdout, by whichever code EXCHANGE_ATLAS_NATIVE selects.
_EXTRACT = """
import pickle, sys
from etl import native
from etl.io import read_text
from etl.sources import text
out = {"status": native.status(), "loaded": native.loaded(), "rows": {}}
for path in sys.argv[1:]:
    try:
        out["rows"][path] = text.extract_rows(read_text(path), path)
    except Exception as exc:  # the same error either way is the same answer
        out["rows"][path] = f"{type(exc).__name__}: {exc}"
sys.stdout.buffer.write(pickle.dumps(out))
"""


def _extract(paths: list[str], native_on: bool) -> dict:
    env = {**os.environ, native.ENV: "1" if native_on else "0"}
    done = subprocess.run([sys.executable, "-c", _EXTRACT, *paths], env=env, cwd=ROOT, capture_output=True,
                          check=True, timeout=600)
    return pickle.loads(done.stdout)


def _narrative_files() -> list[str]:
    found = [p for d in (ROOT / "data" / "sample", ROOT / "tests" / "data", SEEDS) if d.is_dir()
             for p in sorted(d.rglob("*")) if p.suffix in (".txt", ".md", ".html")]
    return [str(p) for p in found]


def _can_compile() -> bool:
    return shutil.which("cc") is not None and (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file()


def test_a_machine_that_can_compile_has_a_current_build():
    """`make` compiles the modules; a build that failed where a compiler is at hand must not pass unnoticed."""
    status = native.status()
    if os.environ.get(native.ENV) == "0" or not _can_compile():
        pytest.skip(f"no build expected here: {status}")
    if "other sources" in status:
        pytest.skip("sources edited since the last `make native`")
    assert status.startswith("compiled"), status


def test_compiled_modules_give_the_rows_the_sources_give():
    if not native.status().startswith("compiled"):
        pytest.skip(native.status())
    paths = _narrative_files()
    assert len(paths) >= 10
    compiled, pure = _extract(paths, True), _extract(paths, False)
    assert compiled["status"].startswith("compiled") and all(compiled["loaded"].values())
    assert pure["status"].startswith("pure Python") and not any(pure["loaded"].values())
    assert sum(isinstance(rows, tuple) and len(rows[0]) > 0 for rows in pure["rows"].values()) >= 5
    for path in paths:
        assert compiled["rows"][path] == pure["rows"][path], path


@pytest.fixture
def fresh_state(monkeypatch, tmp_path):
    """native's checks against a stamp in ``tmp_path``, as if nothing had been checked yet."""
    monkeypatch.setattr(native, "_state", {"status": "not checked"})
    monkeypatch.setattr(native, "STAMP", tmp_path / "stamp.json")
    monkeypatch.delenv(native.ENV, raising=False)
    return tmp_path / "stamp.json"


def _stamp(path: Path, **fields) -> None:
    path.write_text(json.dumps({"sources": native.source_hash(), "modules": list(native.MODULES), **fields}))


@pytest.mark.parametrize(
    ("write", "reason"),
    [
        (None, "no compiled build"),
        (lambda p: p.write_text("{not json"), "no compiled build"),
        (lambda p: _stamp(p, sources="0" * 64), "other sources"),
        (lambda p: _stamp(p, modules=["etl.sources.text"]), "incomplete"),
    ],
    ids=["missing", "unreadable", "stale", "other-modules"],
)
def test_a_build_that_does_not_match_leaves_the_sources_in_use(fresh_state, write, reason):
    if write is not None:
        write(fresh_state)
    status = native._check()
    assert status.startswith("pure Python") and reason in status


def test_a_matching_stamp_needs_every_module_built(fresh_state, monkeypatch, tmp_path):
    _stamp(fresh_state, mypy="x")
    monkeypatch.setattr(native, "BUILD", tmp_path / "native")  # no extension there
    assert "incomplete" in native._check()
    for name in native.MODULES:
        where = native._module_path(name)
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_bytes(b"")
    assert native._check() == f"compiled (mypyc x, {len(native.MODULES)} modules)"


def test_the_switch_turns_the_build_off(fresh_state, monkeypatch):
    _stamp(fresh_state)
    monkeypatch.setenv(native.ENV, "0")
    assert native._check() == f"pure Python ({native.ENV}=0)"


def test_the_stamp_follows_every_etl_source_file(monkeypatch, tmp_path):
    (tmp_path / "etl" / "sub").mkdir(parents=True)
    (tmp_path / "etl" / "a.py").write_text("A = 1\n")
    (tmp_path / "etl" / "sub" / "b.py").write_text("B = 1\n")
    monkeypatch.setattr(native, "ROOT", tmp_path)
    first = native.source_hash()
    (tmp_path / "etl" / "sub" / "b.py").write_text("B = 2\n")
    second = native.source_hash()
    (tmp_path / "etl" / "sub" / "c.py").write_text("")
    assert len({first, second, native.source_hash()}) == 3


def test_the_finder_answers_only_for_its_modules(tmp_path):
    where = tmp_path / "text.so"
    finder = native._Finder({"etl.sources.text": where})
    assert finder.find_spec("etl.sources.table") is None
    spec = finder.find_spec("etl.sources.text")
    assert spec.name == "etl.sources.text" and spec.origin == str(where)
