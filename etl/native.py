"""The narrative extractor's hot modules, compiled with mypyc when a matching build exists.

Extraction runs a few hundred small Python functions per paragraph; compiled, their bodies and the calls between
them skip the interpreter, and a paragraph takes about three quarters of the time (``make bench`` measures both).
``scripts/build_native.py`` (run by ``make``) compiles :data:`MODULES` with mypyc, as black and charset-normalizer
compile theirs, into ``build/native/``.  Importing :mod:`etl` puts a finder
first on ``sys.meta_path`` that loads those modules from the build, and only from a build of these very
sources: the build's stamp holds a hash of every ``etl`` source file and the Python it was made for, so an edit,
a checkout or another interpreter falls back to the Python sources rather than run stale code.  The sources stay
the definition; the compiled modules must give the same rows (``tests/test_native.py``).

What compiled code does differently, and how the sources keep the answers the same:
* identity: a tuple may be a new object each time it is passed, so no code asks ``a is b`` of tuples;
* a function's annotations are checked when it is called: a wrong one raises TypeError (the tests find them);
* calls inside a compiled module are bound when compiled: patching a module's function does not reach its callers;
* ``str.lower`` lowers a word-final "Σ" to "σ", not Python's "ς" (``sectors.fold`` asks Python's own method when
  the text holds one; the vocabularies hold no Greek, so matching is the same).

``EXCHANGE_ATLAS_NATIVE=0`` turns the build off (tracebacks then show source lines).  :func:`status` says which
is in use; the benchmarks print it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "native"
STAMP = BUILD / "stamp.json"
# Where the text extractor spends its time, and what its functions call per paragraph.
MODULES = (
    "etl.normalize._chunks",
    "etl.normalize.countries",
    "etl.normalize.dates",
    "etl.normalize.groups",
    "etl.normalize.orgs",
    "etl.normalize.participants",
    "etl.normalize.sectors",
    "etl.sources.text",
)
GROUP = "etl_native"  # mypyc's shared library: build/native/etl_native__mypyc<suffix>
ENV = "EXCHANGE_ATLAS_NATIVE"


def source_hash() -> str:
    """A hash of every Python file of :mod:`etl` (compiled or not: compiled code is checked against the types of
    what it imports) and of the interpreter's version and ABI."""
    digest = hashlib.sha256(f"{sys.version}|{sys.implementation.cache_tag}|{EXTENSION_SUFFIXES[0]}".encode())
    for path in sorted((ROOT / "etl").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _module_path(name: str) -> Path:
    return BUILD.joinpath(*name.split(".")).with_name(name.rsplit(".", 1)[-1] + EXTENSION_SUFFIXES[0])


class _Finder:
    """Finds :data:`MODULES` and mypyc's shared library in the build; every other name is left to the next finder."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = paths

    def find_spec(self, name: str, path=None, target=None) -> ModuleSpec | None:
        where = self.paths.get(name)
        return None if where is None else importlib.util.spec_from_file_location(name, where)


_state = {"status": "not checked"}


def install() -> str:
    """Put the build's finder first on ``sys.meta_path`` when the build matches the sources; return :func:`status`."""
    if any(isinstance(f, _Finder) for f in sys.meta_path) or _state["status"] != "not checked":
        return _state["status"]
    _state["status"] = _check()
    if _state["status"].startswith("compiled"):
        paths = {name: _module_path(name) for name in MODULES}
        paths[f"{GROUP}__mypyc"] = BUILD / f"{GROUP}__mypyc{EXTENSION_SUFFIXES[0]}"
        sys.meta_path.insert(0, _Finder(paths))
    return _state["status"]


def _check() -> str:
    return f"pure Python ({ENV}=0)" if os.environ.get(ENV, "1") == "0" else build_status()


def build_status() -> str:
    """Whether ``build/native`` is a complete build of these sources: "compiled (...)", else "pure Python (why)"."""
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "pure Python (no compiled build: run `make native`)"
    if stamp.get("sources") != source_hash():
        return "pure Python (the compiled build is of other sources or another Python: run `make native`)"
    missing = [name for name in MODULES if not _module_path(name).is_file()]
    if missing or stamp.get("modules") != list(MODULES):
        return "pure Python (the compiled build is incomplete: run `make native`)"
    return f"compiled (mypyc {stamp.get('mypy', '?')}, {len(MODULES)} modules)"


def status() -> str:
    """Which code extracts narrative text: "compiled (...)" or "pure Python (why)"."""
    return _state["status"]


def loaded() -> dict[str, bool]:
    """For each of :data:`MODULES` already imported, whether it came from the build."""
    return {name: not sys.modules[name].__file__.endswith(".py") for name in MODULES if name in sys.modules}
