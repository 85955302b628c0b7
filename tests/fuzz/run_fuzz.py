"""Coverage-guided fuzzing (atheris / libFuzzer) of the two readers that take arbitrary researcher files.

Usage
-----
    make fuzz                                  # installs atheris, then runs both targets for 60 s each
    .venv/bin/python tests/fuzz/run_fuzz.py    # the same, once atheris is installed

Environment:

``ATLAS_FUZZ_SECONDS``   seconds per target (default 60; passed as ``-max_total_time``)
``ATLAS_FUZZ_TARGETS``   comma-separated targets (default ``text,table``)
``ATLAS_FUZZ_WORKDIR``   where corpora and crash artifacts go (default ``data/build/fuzz``)
``ATLAS_FUZZ_ARGS``      extra libFuzzer flags, e.g. ``-max_len=8192 -seed=1``

Targets:

``text``   bytes -> :func:`etl.io.decode` -> :func:`etl.sources.text.extract`; checks that offsets stay
           inside the text and that an unshortened snippet is exactly ``text[source_start:source_end]``.
``table``  bytes -> a temporary ``.csv`` -> :func:`etl.sources.table.read`; checks
           ``rows_read == accepted + rejected``.

Only :class:`etl.errors.InputError` is an allowed failure; any other exception, a failed check, a
per-input timeout (``-timeout=20``) or an out-of-memory (``-rss_limit_mb=4096``) is a crash: libFuzzer
writes the input to ``ATLAS_FUZZ_WORKDIR/<target>/crash-*`` and this script exits 1.  Reproduce one
with ``.venv/bin/python tests/fuzz/run_fuzz.py --target table path/to/crash-file``.

atheris 3.1.0 ships wheels for CPython 3.12-3.14 only (no sdist); on Python 3.11 ``pip install
atheris==3.0.0`` installs a cp311 wheel with the same API.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("text", "table")


def _seeds() -> dict[str, list[bytes]]:
    """Starting inputs: well-formed bulletins and tables, so mutation starts from the interesting paths."""
    sys.path.insert(0, str(ROOT))
    from tests.matrix_cases import ACCENTED_ROWS, BULLETIN, BULLETIN_CJK, CJK_ROWS, PARAGRAPHS, VALID_ROWS, csv_text

    text = [BULLETIN.encode(), BULLETIN_CJK.encode("gb18030"), BULLETIN.encode("utf-16"),
            "\n\n".join(PARAGRAPHS).encode(), b"Home | Log in\n\nCopyright 2020",
            ("<html><body>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</body></html>").encode()]
    table = [csv_text(VALID_ROWS).encode(), csv_text(ACCENTED_ROWS).encode("latin-1"),
             csv_text(CJK_ROWS).encode("utf-16"), csv_text(VALID_ROWS).replace(",", ";").encode(),
             b'date,country,title\n2019-01-01,"Korea, Republic of",Visit\n03/04/2018,Kenya|Atlantis,"open',
             b"year,country,visits\n2018,Kenya,3\n2019,Peru,1,200\n"]
    return {"text": text, "table": table}


# ---------------------------------------------------------------- the targets (run inside atheris)


def _text_target():
    from etl.errors import InputError
    from etl.io import decode
    from etl.sources import text

    def one_input(data: bytes) -> None:
        try:
            page = decode(data, "fuzz.txt")
            result = text.extract(page, "fuzz.txt")
        except InputError:
            return
        for row in result.events.itertuples():
            assert 0 <= row.source_start <= row.source_end <= len(page), (row.source_start, row.source_end)
            if not row.snippet.endswith("…"):
                assert row.snippet == page[row.source_start:row.source_end]
            assert row.start_date <= row.end_date

    return one_input


def _table_target():
    from etl.errors import InputError
    from etl.sources import table
    from etl.sources.base import Options

    # libFuzzer ends the process with _exit: write where leftovers do no harm (the git-ignored workdir).
    scratch = os.environ.get("ATLAS_FUZZ_SCRATCH")
    path = Path(scratch) if scratch else Path(tempfile.mkdtemp(prefix="atlas-fuzz-")) / "fuzz.csv"

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            result = table.read(path, Options())
        except InputError:
            return
        side = result.aggregates
        aggregated = side["source_row"].nunique() if side is not None and "source_row" in side else 0
        assert result.rows_read == len(result.events) + aggregated + len(result.rejects), result.rows_read

    return one_input


def run_target(name: str, libfuzzer_args: list[str]) -> None:
    """Run one target in this process (never returns: libFuzzer exits)."""
    import atheris

    sys.path.insert(0, str(ROOT))
    with atheris.instrument_imports(include=["etl"]):
        import etl.io  # noqa: F401
        import etl.sources.table  # noqa: F401
        import etl.sources.text  # noqa: F401
    logging.disable(logging.WARNING)  # duplicate-column warnings and the like would drown the fuzzer's output
    one_input = {"text": _text_target, "table": _table_target}[name]()
    atheris.Setup([sys.argv[0], *libfuzzer_args], one_input)
    atheris.Fuzz()


def main() -> int:
    if "--target" in sys.argv:
        at = sys.argv.index("--target")
        run_target(sys.argv[at + 1], sys.argv[1:at] + sys.argv[at + 2:])
        return 0
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: run `make fuzz` (or pip install atheris)", file=sys.stderr)
        return 2
    seconds = int(os.environ.get("ATLAS_FUZZ_SECONDS", "60"))
    targets = [t.strip() for t in os.environ.get("ATLAS_FUZZ_TARGETS", ",".join(TARGETS)).split(",") if t.strip()]
    workdir = Path(os.environ.get("ATLAS_FUZZ_WORKDIR", ROOT / "data" / "build" / "fuzz"))
    extra = os.environ.get("ATLAS_FUZZ_ARGS", "").split()
    seeds = _seeds()
    failed = []
    for name in targets:
        if name not in TARGETS:
            print(f"unknown target {name!r} (choose from {', '.join(TARGETS)})", file=sys.stderr)
            return 2
        corpus, artifacts = workdir / name / "corpus", workdir / name
        corpus.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(seeds[name]):
            (corpus / f"seed-{i}").write_bytes(seed)
        args = [sys.executable, __file__, "--target", name, f"-max_total_time={seconds}", "-timeout=20",
                "-rss_limit_mb=4096", "-max_len=4096", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
                *extra, str(corpus)]
        print(f"fuzzing {name} for {seconds} s ...", file=sys.stderr, flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_FUZZ_SCRATCH": str(artifacts / "scratch.csv")}
        done = subprocess.run(args, cwd=ROOT, env=env)
        crashes = sorted(p.name for p in artifacts.glob("*-*") if p.is_file() and p.parent.name != "corpus")
        status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode}; artifacts: {crashes})"
        print(f"{name}: {status}", file=sys.stderr, flush=True)
        if done.returncode != 0:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
