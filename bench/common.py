"""Shared helpers of the benchmarks: timing (wall and CPU, medians), records, machine facts, subprocess timing.

A benchmark script prints its figures as it goes and, with ``--json PATH``, writes its records for
``bench/run_all.py``, which turns them into ``bench/results.md``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"  # git-ignored
PY = sys.executable
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# Set by run_all.py: past this time (epoch seconds) no benchmark starts another repetition (one run always happens).
DEADLINE = float(os.environ.get("BENCH_DEADLINE", "inf"))


def past_deadline() -> bool:
    return time.time() > DEADLINE


def should_stop(i: int, runs: int, spent: float, budget: float | None, what: str = "runs") -> bool:
    """After run ``i`` (0-based): whether to stop repeating, and say why."""
    if i + 1 >= runs:
        return False
    if budget is not None and spent > budget:
        print(f"    {what}: stopping after {i + 1} run(s): the {budget:.0f} s budget of this benchmark is spent",
              flush=True)
        return True
    if past_deadline():
        print(f"    {what}: stopping after {i + 1} run(s): run_all.py's time limit is reached", flush=True)
        return True
    return False

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Timing:
    """Wall-clock and CPU seconds of each run (CPU: this process's user+system time, or the child's)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def spread(self) -> str:
        return f"min {min(self.wall):.3f} / max {max(self.wall):.3f} s over {len(self.wall)} runs"


def time_call(fn, runs: int = RUNS, before=None, label: str | None = None, budget: float | None = None) -> Timing:
    """Run ``fn(i)`` up to ``runs`` times (``before(i)`` first, untimed); wall and process-CPU seconds per run."""
    t = Timing()
    for i in range(runs):
        if before is not None:
            before(i)
        c0, w0 = time.process_time(), time.perf_counter()
        fn(i)
        t.wall.append(time.perf_counter() - w0)
        t.cpu.append(time.process_time() - c0)
        if label:
            print(f"    {label} run {i + 1}/{runs}: {t.wall[-1]:.3f} s wall, {t.cpu[-1]:.3f} s CPU", flush=True)
        if should_stop(i, runs, sum(t.wall), budget, label or "runs"):
            break
    return t


@dataclass
class ChildRun:
    wall: float
    cpu: float           # user+system seconds of every process of the tree (sampled every 50 ms)
    peak_rss: int        # bytes, summed over the tree
    returncode: int | None
    timed_out: bool
    stderr: str


_ACTIVE: set[int] = set()  # process groups of running children, killed if this process is stopped


def _kill_children(*_args) -> None:
    for pgid in list(_ACTIVE):
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    _ACTIVE.clear()


def _on_term(signum, _frame) -> None:
    _kill_children()
    raise SystemExit(128 + signum)


atexit.register(_kill_children)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_term)


def run_child(cmd: list, env: dict | None = None, cwd: Path = ROOT, timeout: float | None = None) -> ChildRun:
    """Run a command in its own process group, polling the RSS and CPU time of its process tree; kill the
    group after ``timeout`` seconds (or when this process is stopped)."""
    w0 = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    _ACTIVE.add(proc.pid)
    watch = TreeWatch(proc.pid)
    watch.start()
    timed_out = False
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    finally:
        _ACTIVE.discard(proc.pid)
    wall = time.perf_counter() - w0
    watch.stop()
    return ChildRun(wall, watch.cpu, watch.peak, proc.returncode, timed_out, err.decode(errors="replace")[-4000:])


def time_child(cmd: list, runs: int = RUNS, env: dict | None = None, label: str | None = None,
               budget: float | None = None, timeout: float | None = None) -> tuple[Timing, list[ChildRun]]:
    """Up to ``runs`` runs of a command; stops early (after at least one run) once ``budget`` seconds are spent.

    A run that exceeds ``timeout`` is killed and recorded with its wall time (a lower bound); no more runs follow.
    """
    t, done = Timing(), []
    spent = 0.0
    for i in range(runs):
        r = run_child(cmd, env, timeout=timeout)
        if not r.timed_out and r.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stderr}")
        t.wall.append(r.wall)
        t.cpu.append(r.cpu)
        done.append(r)
        spent += r.wall
        if label:
            print(f"    {label} run {i + 1}/{runs}: {r.wall:.2f} s wall, {r.cpu:.2f} s CPU, peak RSS "
                  f"{r.peak_rss / 2**20:,.0f} MiB" + (" (TIMED OUT, killed)" if r.timed_out else ""), flush=True)
        if r.timed_out or should_stop(i, runs, spent, budget, label or "runs"):
            break
    return t, done


class TreeWatch(threading.Thread):
    """Polls a process and its descendants: peak summed RSS, and the last CPU time seen of every process."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._cpu: dict = {}
        self._stop_event = threading.Event()

    @property
    def cpu(self) -> float:
        return sum(self._cpu.values())

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop_event.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for p in procs:
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        c = p.cpu_times()
                        self._cpu[(p.pid, p.create_time())] = c.user + c.system
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


@dataclass
class Record:
    """One row of the results table."""

    benchmark: str
    figure: str
    target: str = "—"
    baseline: str = "—"
    ratio: str = "—"
    met: bool | None = None  # None: no target, or not measured
    note: str = ""


class Report:
    """Collects records, prints them as they come, and writes them as JSON for run_all.py."""

    def __init__(self, name: str) -> None:
        self.name, self.records = name, []

    def add(self, rec: Record) -> Record:
        self.records.append(rec)
        met = {True: "MET", False: "MISSED", None: "-"}[rec.met]
        print(f"==> {rec.benchmark}: {rec.figure} | target {rec.target} | baseline {rec.baseline} | "
              f"ratio {rec.ratio} | {met}" + (f" | {rec.note}" if rec.note else ""), flush=True)
        return rec

    def skip(self, benchmark: str, reason: str, target: str = "—") -> Record:
        return self.add(Record(benchmark, f"SKIPPED: {reason}", target, met=None))

    def write(self, path: str | None) -> None:
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps([asdict(r) for r in self.records], indent=2), encoding="utf-8")


def machine_facts() -> dict:
    import psutil

    packages = {}
    for name in ("pandas", "numpy", "pyarrow", "duckdb", "dask", "distributed", "streamlit", "plotly",
                 "country_converter", "pycountry", "selectolax", "playwright", "psutil"):
        try:
            from importlib.metadata import version

            packages[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001 - a fact we cannot get is left out
            pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": packages,
        "loadavg": os.getloadavg(),
    }


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(baseline: float, value: float) -> str:
    return f"{baseline / value:,.1f}×" if value > 0 else "—"


def banner(text: str) -> None:
    print(f"\n--- {text} " + "-" * max(0, 100 - len(text)), flush=True)
