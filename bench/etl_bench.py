"""ETL benchmarks: narrative throughput, the 1M-row table build, country normalization, and Dask vs local.

    python bench/etl_bench.py [--json PATH] [--runs N] [--full-corpus] [--synth-raw]

Figures (medians; wall-clock seconds, with the CPU seconds beside them because other processes may share the
machine):

1. Narrative throughput in one process (one core) over ~5 MB of generated bulletins (``bench/corpus.py``), after
   the one-time index warm-up (timed separately).  Target >= 1 MB/s.  Timed as the build reads bulletins:
   ``etl.sources.text.extract_rows`` per file, then the rows of every file in the run typed in one frame
   (``etl.schema.typed_frame``).
   Each run extracts a different slice of the corpus; when extraction is too slow for the whole corpus to fit the
   time budget, the slices are shortened (the output says how much of the corpus was read; ``--full-corpus``
   reads all of it).  Extra: seed 002 from ../shared/seeds when present.
2. The same corpus through ``python -m etl build`` in a fresh process: what a user runs (target >= 1 MB/s
   too).  Then the cold start of a one-file ``python -m etl build``, against a process that only imports the
   ETL modules.
3. ``python -m etl build raw.csv`` on 1,000,000 raw rows with ~300 distinct country spellings
   (``bench/rawtable.py``).  Target <= 15 s.
4. The country step alone: ``etl.normalize.countries.resolve_series`` over the 1M cells (value caches cleared
   before each run, indexes warm), and the list-aware ``etl.sources.table.resolve_cells`` the build uses;
   baseline: per-row ``country_converter.convert`` on a 1,000-row sample (5 runs of 200 rows), extrapolated to
   1M rows.  Target ratio >= 100x.
5. ``--engine dask`` (LocalCluster, 2 single-threaded worker processes) vs ``--engine local`` on the same table
   split into 8 files, runs interleaved; the two outputs must be byte-identical.

Repetitions stop early once a benchmark's time budget is spent (never before one complete run), so the whole
suite stays within its time limit even when the code is far from its targets; the output says so.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import logging
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    OUT,
    PY,
    ROOT,
    RUNS,
    Record,
    Report,
    banner,
    fmt_s,
    should_stop,
    time_call,
    time_child,
)

from etl import native  # noqa: E402  (common puts the project on sys.path)

CORPUS_DIR = OUT / "corpus"
TMP = OUT / "tmp"
SYNTH_1M = OUT / "synth_1m"
RAW = OUT / "raw_300.csv"
SPLIT = OUT / "raw_300_split"
SEED_002 = sorted((ROOT.parent / "shared" / "seeds").glob("002_*.txt"))

NARRATIVE_BUDGET_S = 30.0
NARRATIVE_BUILD_BUDGET_S = 45.0
BUILD_BUDGET_S = 75.0
BUILD_TIMEOUT_S = 120.0  # a run past 10x the target is killed: its figure is a lower bound
ENGINES_BUDGET_S = 100.0
ENGINES_TIMEOUT_S = 90.0  # per run; a killed run's time is a lower bound and the outputs are not compared
COCO_ROWS_PER_RUN = 200


def _mb(n_bytes: float) -> float:
    return n_bytes / 1e6


# ---------------------------------------------------------------- 1 + 2: narrative


def ensure_corpus(mb: float) -> list[Path]:
    from corpus import VERSION, corpus

    marker = CORPUS_DIR / f".mb-{mb}-v{VERSION}"
    if not marker.exists():
        shutil.rmtree(CORPUS_DIR, ignore_errors=True)
        CORPUS_DIR.mkdir(parents=True)
        for i, text in enumerate(corpus(int(mb * 1e6))):
            (CORPUS_DIR / f"bulletin_{i:04d}.txt").write_text(text, encoding="utf-8")
        marker.write_text("ok")
    return sorted(CORPUS_DIR.glob("bulletin_*.txt"))


def _throughput(files: list[Path], runs: int, full: bool) -> dict:
    """Narrative extraction rate over ``files``: medians over ``runs`` runs, each over its own slice."""
    texts = [p.read_text(encoding="utf-8") for p in files]
    sizes = [len(t.encode("utf-8")) for t in texts]
    total = sum(sizes)

    from corpus import Gen

    from etl.schema import typed_frame
    from etl.sources import text as text_adapter

    warm_text = Gen(999).bulletin(0, 1500)  # a small bulletin outside the corpus
    c0, w0 = time.process_time(), time.perf_counter()
    text_adapter.extract(warm_text, "warm-up")
    warm_wall, warm_cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"one-time index warm-up (first extract call): {warm_wall:.2f} s wall, {warm_cpu:.2f} s CPU")

    # Each run reads the next bulletins until it has read its share of the corpus or spent its share of the time
    # budget, whichever comes first (--full-corpus: the whole share).
    share, per_run_s = total / runs, NARRATIVE_BUDGET_S / runs
    cursor, slices, events = [0], [], []

    def one(run: int) -> None:
        # As the build reads bulletins: rows per file, and the rows of all of them typed in one frame (timed).
        start, size, rows = cursor[0], 0, []
        t0 = time.perf_counter()
        while cursor[0] < len(texts) and size < share and (full or time.perf_counter() - t0 < per_run_s):
            j = cursor[0]
            rows += text_adapter.extract_rows(texts[j], files[j].name)[0]
            size += sizes[j]
            cursor[0] += 1
        slices.append(range(start, cursor[0]))
        events.append(len(typed_frame(rows, text_adapter.ROW_COLUMNS)))

    t = time_call(one, runs, label="extract slice")
    done = range(len(t.wall))
    read = sum(sizes[j] for r in done for j in slices[r])
    if read < total:
        print(f"read {_mb(read):.2f} of the {_mb(total):.2f} MB corpus: each run stops after {per_run_s:.0f} s "
              "(--full-corpus reads all of it)")
    return {
        "mbps": statistics.median(_mb(sum(sizes[j] for j in slices[r])) / t.wall[r] for r in done),
        "cpu_mbps": statistics.median(_mb(sum(sizes[j] for j in slices[r])) / t.cpu[r] for r in done),
        "events_per_s": statistics.median(events[r] / t.wall[r] for r in done),
        "read": read, "total": total, "runs": len(t.wall), "warm_wall": warm_wall, "warm_cpu": warm_cpu,
    }


def _pure_throughput(runs: int, mb: float, full: bool) -> dict | str:
    """:func:`_throughput` in a child process that runs the Python sources (EXCHANGE_ATLAS_NATIVE=0); why not, when
    it failed."""
    TMP.mkdir(parents=True, exist_ok=True)
    out = TMP / "pure_throughput.json"
    out.unlink(missing_ok=True)
    cmd = [PY, __file__, "--throughput-only", str(out), "--runs", str(runs), "--corpus-mb", str(mb)]
    env = {**os.environ, native.ENV: "0"}
    done = subprocess.run(cmd + (["--full-corpus"] if full else []), env=env, cwd=ROOT, check=False)
    if done.returncode != 0 or not out.exists():
        return f"not measured (the child process exited {done.returncode})"
    return json.loads(out.read_text(encoding="utf-8"))


def narrative(report: Report, runs: int, mb: float, full: bool) -> None:
    banner("narrative throughput: etl.sources.text.extract_rows and one typed frame per run, one process")
    files = ensure_corpus(mb)
    print(f"corpus: {len(files)} bulletins, generated by bench/corpus.py; code: {native.status()}")
    got = _throughput(files, runs, full)
    mbps = got["mbps"]
    baseline, ratio = "—", f"{mbps / 1.0:.2f}× of target"
    if native.status().startswith("compiled"):
        banner("the same, on the Python sources (EXCHANGE_ATLAS_NATIVE=0), in a child process: the baseline")
        pure = _pure_throughput(runs, mb, full)
        if isinstance(pure, str):
            baseline = f"Python sources: {pure}"
        else:
            baseline = f"Python sources: {pure['mbps']:.3f} MB/s wall ({pure['cpu_mbps']:.3f} per CPU-second)"
            ratio += f"; {mbps / pure['mbps']:.2f}× the Python sources"
    report.add(Record(
        "Narrative throughput (text.extract_rows + typed_frame, 1 core)",
        f"{mbps:.3f} MB/s wall ({got['cpu_mbps']:.3f} MB/s per CPU-second); {got['events_per_s']:,.0f} events/s; "
        f"{_mb(got['read']):.2f} of {_mb(got['total']):.2f} MB read in {got['runs']} runs",
        "≥ 1 MB/s", baseline, ratio, mbps >= 1.0,
        note=f"code: {native.status()}; index warm-up excluded: {got['warm_wall']:.1f} s wall / "
             f"{got['warm_cpu']:.1f} s CPU"))
    total = got["total"]

    from etl.sources import text as text_adapter

    if SEED_002:
        from etl.io import read_text

        seed = SEED_002[0]
        page = text_adapter.page_text(read_text(seed), seed)
        n_bytes = len(page.encode("utf-8"))
        st = time_call(lambda i: text_adapter.extract(page, seed.name), runs, label="seed 002")
        report.add(Record("Narrative throughput, seed 002 (../shared)",
                          f"{_mb(n_bytes) / st.median:.3f} MB/s wall ({_mb(n_bytes) / st.cpu_median:.3f} MB/s per "
                          f"CPU-second) on {n_bytes / 1e3:.0f} kB",
                          "≥ 1 MB/s", "—", f"{_mb(n_bytes) / st.median:.2f}× of target",
                          _mb(n_bytes) / st.median >= 1.0))
    else:
        print("seed 002 not found beside the project (../shared/seeds): skipped")

    banner("narrative build, end to end: `python -m etl build` of the whole corpus directory")
    # What a user gets: decoding, sniffing, extraction, ids, conforming, merging, validation and the Parquet
    # write, in a fresh process (its imports included, ~1.3 s).
    TMP.mkdir(parents=True, exist_ok=True)
    whole = [PY, "-m", "etl", "build", CORPUS_DIR, "--out", TMP / "corpus.parquet", "--quiet"]
    bt, _ = time_child(whole, min(runs, 3), label="corpus build", budget=NARRATIVE_BUILD_BUDGET_S)
    report.add(Record("Narrative build end to end (python -m etl build, 1 process)",
                      f"{_mb(total) / bt.median:.3f} MB/s wall: {bt.median:.1f} s ({bt.cpu_median:.1f} s CPU) for "
                      f"{len(files)} bulletins, {_mb(total):.2f} MB; median of {len(bt.wall)}",
                      "≥ 1 MB/s", "—", f"{_mb(total) / bt.median:.2f}× of target", _mb(total) / bt.median >= 1.0))

    banner("cold start: one-file `python -m etl build` in a fresh process")
    TMP.mkdir(parents=True, exist_ok=True)
    one_file = [PY, "-m", "etl", "build", files[0], "--out", TMP / "one.parquet", "--quiet"]
    imports = [PY, "-c", "import etl.__main__, etl.build, etl.sources.text, etl.sources.table"]
    base, _ = time_child(imports, runs, label="import only")
    cold, _ = time_child(one_file, runs, label="one-file build")
    report.add(Record("Cold start, one-file `python -m etl build`",
                      f"{cold.median:.2f} s wall ({cold.cpu_median:.2f} s CPU), bulletin of {_mb(files[0].stat().st_size) * 1e3:.0f} kB",
                      "—", f"imports only: {base.median:.2f} s", f"{cold.median / base.median:.1f}× the import time",
                      None, note=f"{cold.spread()}"))


# ---------------------------------------------------------------- 3 + 4: 1M-row table


def ensure_raw() -> Path:
    from rawtable import write_raw

    if not RAW.exists():
        if not (SYNTH_1M / "events").exists():
            print("generating 1M synthetic events (python -m etl.synth) ...", flush=True)
            import subprocess

            subprocess.run([PY, "-m", "etl.synth", "--events", "1000000", "--out", SYNTH_1M], cwd=ROOT, check=True)
        print("writing bench/out/raw_300.csv ...", flush=True)
        print(write_raw(SYNTH_1M / "events", RAW))
    return RAW


def table_build(report: Report, runs: int, synth_raw: bool) -> None:
    banner("1M-row raw table: python -m etl build raw.csv --out x.parquet")
    raw = ensure_raw()
    out = TMP / "raw_1m.parquet"
    t, done = time_child([PY, "-m", "etl", "build", raw, "--out", out, "--quiet"], runs, label="build 1M",
                         budget=BUILD_BUDGET_S, timeout=BUILD_TIMEOUT_S)
    timed_out = done[-1].timed_out
    figure = (f"> {t.wall[-1]:.0f} s (killed at the {BUILD_TIMEOUT_S:.0f} s timeout)" if timed_out else
              f"{t.median:.1f} s wall ({t.cpu_median:.1f} s CPU), peak RSS {max(r.peak_rss for r in done) / 2**30:.2f} GiB")
    report.add(Record("Build of a 1M-row raw table (~300 country spellings)", figure + f"; median of {len(t.wall)} run(s)",
                      "≤ 15 s", "—", f"{15 / t.median:.2f}× of target" if not timed_out else "—",
                      (not timed_out) and t.median <= 15))
    if synth_raw:
        src = SYNTH_1M / "raw.csv"
        t2, done2 = time_child([PY, "-m", "etl", "build", src, "--out", TMP / "synth_raw.parquet", "--quiet"], runs,
                               label="build etl.synth raw.csv", budget=BUILD_BUDGET_S, timeout=BUILD_TIMEOUT_S)
        to = done2[-1].timed_out
        report.add(Record("Build of etl.synth's raw.csv (1M rows, 856 spellings, 181k distinct cells)",
                          (f"> {t2.wall[-1]:.0f} s (killed)" if to else f"{t2.median:.1f} s wall ({t2.cpu_median:.1f} s CPU)")
                          + f"; {len(t2.wall)} run(s)", "≤ 15 s", "—", "—", (not to) and t2.median <= 15))


def normalization(report: Report, runs: int) -> None:
    banner("country normalization alone: resolve_series vs per-row country_converter")
    import pandas as pd

    from etl.normalize import countries
    from etl.sources import table as table_adapter

    cells = pd.read_csv(ensure_raw(), usecols=["country"], dtype=str, keep_default_na=False)["country"]
    print(f"{len(cells):,} cells, {cells.nunique():,} distinct, {cells.str.contains('[;|,]').mean():.0%} hold lists")
    w0 = time.perf_counter()
    countries.resolve("Kenya")
    print(f"index warm-up: {time.perf_counter() - w0:.2f} s (excluded)")

    def clear(_i: int) -> None:
        countries.resolve.cache_clear()
        countries._key.cache_clear()

    t = time_call(lambda i: countries.resolve_series(cells), runs, before=clear, label="resolve_series")
    tc = time_call(lambda i: table_adapter.resolve_cells(cells), runs, before=clear, label="table.resolve_cells")
    resolved = countries.resolve_series(cells)

    logging.disable(logging.WARNING)  # coco logs every name it cannot find
    cc = countries.coco_converter()
    cc.convert(names=["Kenya"], to="ISO3", not_found=None)
    rng = random.Random(7)
    sample = [cells.iloc[rng.randrange(len(cells))] for _ in range(COCO_ROWS_PER_RUN * runs)]
    split = re.compile(r"[|;]")

    def coco_run(i: int) -> None:
        for cell in sample[i * COCO_ROWS_PER_RUN:(i + 1) * COCO_ROWS_PER_RUN]:
            cc.convert(names=[p.strip() for p in split.split(cell) if p.strip()], to="ISO3", not_found=None)

    b = time_call(coco_run, runs, label=f"coco per-row ({COCO_ROWS_PER_RUN} rows)")
    logging.disable(logging.NOTSET)
    per_row, per_row_cpu = b.median / COCO_ROWS_PER_RUN, b.cpu_median / COCO_ROWS_PER_RUN
    extrapolated, extrapolated_cpu = per_row * len(cells), per_row_cpu * len(cells)
    r, r_cpu = extrapolated / t.median, extrapolated_cpu / t.cpu_median
    report.add(Record(
        "Country normalization of 1M cells (resolve_series)",
        f"{fmt_s(t.median)} wall ({fmt_s(t.cpu_median)} CPU); {resolved.isna().mean():.1%} cells unresolved "
        f"(list cells: resolve_series takes one country per cell)",
        "ratio ≥ 100×",
        f"coco per row: {per_row * 1e3:.2f} ms/row × 1M = {extrapolated:,.0f} s (extrapolated from "
        f"{COCO_ROWS_PER_RUN * runs:,} rows)",
        f"{r:,.0f}× (CPU: {r_cpu:,.0f}×)", r >= 100))
    rc = extrapolated / tc.median
    report.add(Record(
        "Country normalization, list-aware (table.resolve_cells, used by the build)",
        f"{fmt_s(tc.median)} wall ({fmt_s(tc.cpu_median)} CPU)", "ratio ≥ 100×",
        "same coco baseline", f"{rc:,.0f}×", rc >= 100))


# ---------------------------------------------------------------- 5: dask vs local


def engines(report: Report, runs: int) -> None:
    banner("--engine dask (LocalCluster, 2 workers) vs --engine local, same table in 8 files")
    from rawtable import split_csv

    raw = ensure_raw()
    if not (SPLIT / ".ok").exists() or (SPLIT / ".ok").stat().st_mtime < raw.stat().st_mtime:
        shutil.rmtree(SPLIT, ignore_errors=True)
        split_csv(raw, SPLIT, 8)
        (SPLIT / ".ok").write_text("ok")
    files = sorted(SPLIT.glob("part_*.csv"))
    print(f"{len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.0f} MB")
    outs = {"local": TMP / "split_local.parquet", "dask": TMP / "split_dask.parquet"}
    timings, spent = {}, 0.0
    from common import Timing, run_child

    for name in outs:
        timings[name] = Timing()
    peaks = {"local": 0, "dask": 0}
    killed = {"local": False, "dask": False}
    timed_out = False
    for i in range(runs):
        for name, out in outs.items():
            r = run_child([PY, "-m", "etl", "build", *files, "--out", out, "--quiet", "--engine", name],
                          timeout=ENGINES_TIMEOUT_S)
            if not r.timed_out and r.returncode not in (0, 1):
                raise RuntimeError(f"--engine {name} failed ({r.returncode}):\n{r.stderr}")
            timings[name].wall.append(r.wall)
            timings[name].cpu.append(r.cpu)
            peaks[name] = max(peaks[name], r.peak_rss)
            spent += r.wall
            timed_out |= r.timed_out
            killed[name] |= r.timed_out
            print(f"    {name} run {i + 1}: {r.wall:.2f} s wall, {r.cpu:.2f} s CPU (all processes), peak RSS "
                  f"{r.peak_rss / 2**30:.2f} GiB" + (" (TIMED OUT)" if r.timed_out else ""), flush=True)
        if timed_out or should_stop(i, runs, spent, ENGINES_BUDGET_S, "local/dask pairs"):
            break
    identical = None if timed_out else all(
        filecmp.cmp(a, b, shallow=False)
        for a, b in [(outs["local"], outs["dask"]),
                     (outs["local"].with_name("split_local.rejects.parquet"),
                      outs["dask"].with_name("split_dask.rejects.parquet")),
                     (outs["local"].with_name("split_local.manifest.json"),
                      outs["dask"].with_name("split_dask.manifest.json"))])
    loc, dsk = timings["local"], timings["dask"]
    verdict = {True: "byte-identical", False: "DIFFERENT", None: "not compared (a run was killed)"}[identical]
    if timed_out:
        print(f"    a run exceeded {ENGINES_TIMEOUT_S:.0f} s and was killed: its time is a lower bound")
    def show(name: str, t) -> str:
        if killed[name]:
            return f"> {t.wall[-1]:.0f} s wall (killed; {t.cpu[-1]:.0f} s CPU used by then)"
        return f"{t.median:.1f} s wall ({t.cpu_median:.1f} s CPU)"

    report.add(Record(
        "Build of the 1M table in 8 files, --engine dask (2 workers)",
        f"{show('dask', dsk)}, peak RSS {peaks['dask'] / 2**30:.2f} GiB; outputs vs local: {verdict}; "
        f"{len(dsk.wall)} run(s)",
        "identical output", f"--engine local: {show('local', loc)}",
        "—" if timed_out else f"{loc.median / dsk.median:.2f}× speed-up", identical))


def main() -> int:
    p = argparse.ArgumentParser(description="ETL benchmarks")
    p.add_argument("--json", help="write the records here (for run_all.py)")
    p.add_argument("--runs", type=int, default=RUNS)
    p.add_argument("--corpus-mb", type=float, default=5.0)
    p.add_argument("--full-corpus", action="store_true", help="read all of the corpus, whatever the time")
    p.add_argument("--synth-raw", action="store_true", help="also build etl.synth's raw.csv (slow)")
    p.add_argument("--only", nargs="*", choices=("narrative", "build", "normalize", "engines"))
    p.add_argument("--throughput-only", metavar="JSON", help=argparse.SUPPRESS)  # the baseline's child process
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds after which a build run is killed (defaults: BUILD_TIMEOUT_S, ENGINES_TIMEOUT_S)")
    args = p.parse_args()
    if args.timeout:
        globals()["BUILD_TIMEOUT_S"] = globals()["ENGINES_TIMEOUT_S"] = args.timeout
    if args.throughput_only:
        got = _throughput(ensure_corpus(args.corpus_mb), args.runs, args.full_corpus)
        Path(args.throughput_only).write_text(json.dumps(got), encoding="utf-8")
        return 0
    report = Report("etl")
    only = set(args.only or ("narrative", "build", "normalize", "engines"))
    t0 = time.perf_counter()
    if "narrative" in only:
        narrative(report, args.runs, args.corpus_mb, args.full_corpus)
    if "build" in only:
        table_build(report, args.runs, args.synth_raw)
    if "normalize" in only:
        normalization(report, args.runs)
    if "engines" in only:
        engines(report, args.runs)
    report.write(args.json)
    print(f"\netl_bench done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
