"""Many users at once: the real dashboard under concurrent browser sessions (``make load``).

    python bench/load_test.py [--contexts 20] [--changes 10] [--timeout-s 600] [--think-s 1.0] [--data PATH]

Starts ``streamlit run dashboard.py`` on a free 127.0.0.1 port (dataset: ``--data``, by default the bundled sample
``data/build/sample.parquet``, built when missing) and drives headless Debian Chromium through Playwright's async
API: one browser, one context per user (each its own Streamlit session), all driven from one event loop.

1. Warm-up: one context visits every page once (not timed); then the server's RSS is sampled.
2. Every context loads the Overview (a first visit: the Plotly chunk, the country shapes, a first map; one first
   load per core at a time, timed apart) and goes to its start page (a different one per context); then all of
   them start together and make ``--changes`` changes each, with a think time of 0.5-1.5 x ``--think-s`` between
   them: a sidebar filter (sector, event type, country, region, search text, territory policy, clear) or a
   switch to the next page through the sidebar (the filters are kept, as in the URL).
3. A change is timed in the page: from the timestamp of the input event that commits it (the option click, the
   Enter key, the link click) to the moment the page is idle (script finished, title and filter summary updated)
   and every Plotly chart is drawn (tile maps included, nothing of the previous run left) and stays so for
   600 ms (that wait is not counted).  The time to "script finished" alone is printed beside it.
4. Errors: a Streamlit exception on the page, an uncaught page error, a change that timed out, a request to
   any other host than 127.0.0.1/localhost (blocked), and every change the time bound cut off.

Prints contexts, changes, errors, p50/p95/max of the change times, the server's RSS after the warm-up and after
the run, and the wall time, and writes them to ``bench/out/load.json``.  Targets (2-core machine): no errors,
p95 <= 2 s, RSS after within 10 % of after-warm-up.  tests/test_load.py runs the same code with 5 x 5.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make the ``bench`` package importable
    sys.path.insert(0, str(ROOT))

from bench import browser  # noqa: E402

SAMPLE = ROOT / "data" / "build" / "sample.parquet"
OUT = ROOT / "bench" / "out"
PAGES = (("", "Overview"), ("map", "Map"), ("timeline", "Timeline"), ("sectors", "Sectors"), ("network", "Network"),
         ("data", "Data"), ("sources", "Sources and quality"))
NO_CHARTS = {"Data"}  # a table, no Plotly chart
# One user's changes: filters alternate with page switches, so every kind of filter is changed on several pages.
STEPS = ("sector", "page", "type", "page", "country", "page", "text", "page", "region", "page", "territory", "page",
         "clear", "page")
WORDS = ("friendship", "forum", "youth", "exchange", "visit", "culture", "China", "training")
PICK_AMONG = 6            # a multiselect option is picked among the first ones shown (the list is virtualized)
VIEWPORT = {"width": 1280, "height": 900}
# A change is timed from its input event's timestamp (when the browser created the event, as interaction-latency
# measures do), not from when Playwright was asked to click: its actionability checks are no part of what a user
# waits for.
INPUT_MARK = "__exchangeAtlasInput"
INPUT_JS = (f"for (const t of ['pointerdown', 'keydown']) addEventListener(t, (e) => {{ window.{INPUT_MARK} = "
            "e.timeStamp; }, {capture: true});")
OPEN_TIMEOUT_S = 180.0
CHANGE_TIMEOUT_S = 60.0
DROPDOWN_TRIES, DROPDOWN_WAIT_S = 3, 10.0
RSS_SETTLE_S = 2.0        # after the contexts close, before RSS is read: let the sessions' last runs end
TARGET_P95_S = 2.0
TARGET_RSS_GROWTH = 0.10


@dataclass
class LoadResult:
    contexts: int
    changes_per_context: int
    think_s: float
    data: str
    events: int | None
    timeout_s: float
    times: list[float] = field(default_factory=list)         # seconds from a change to its charts drawn
    idle_times: list[float] = field(default_factory=list)    # ... to the script finished (page updated)
    kinds: dict[str, list[float]] = field(default_factory=dict)
    open_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attempted: int = 0                                       # changes made or failed
    not_made: int = 0                                        # changes cut off by the bound or a failed first load
    timed_out: bool = False
    rss_warm: int = 0
    rss_after: int = 0
    rss_peak: int = 0
    cpu_s: dict[str, float] = field(default_factory=dict)  # by role, while the users make their changes
    run_s: float = 0.0
    wall_s: float = 0.0
    loadavg_before: tuple = ()
    loadavg_after: tuple = ()

    @property
    def planned(self) -> int:
        return self.contexts * self.changes_per_context

    @property
    def error_count(self) -> int:
        """Every error seen, plus one per change that was never made."""
        return len(self.errors) + self.not_made

    @property
    def rss_change(self) -> float | None:
        return (self.rss_after - self.rss_warm) / self.rss_warm if self.rss_warm else None

    def figures(self) -> dict:
        """The printed figures, as JSON-ready values (seconds, MiB)."""
        mib = 2**20
        return {
            "contexts": self.contexts, "changes_per_context": self.changes_per_context, "think_s": self.think_s,
            "data": self.data, "events": self.events, "changes_planned": self.planned,
            "changes_timed": len(self.times), "errors": self.error_count, "changes_not_made": self.not_made,
            "error_list": self.errors[:50],
            "p50_s": _pct(self.times, 50), "p95_s": _pct(self.times, 95),
            "max_s": max(self.times) if self.times else None,
            "idle_p50_s": _pct(self.idle_times, 50), "idle_p95_s": _pct(self.idle_times, 95),
            "by_kind": {k: {"n": len(v), "p50_s": _pct(v, 50), "p95_s": _pct(v, 95)}
                        for k, v in sorted(self.kinds.items())},
            "first_load_p50_s": _pct(self.open_times, 50),
            "first_load_max_s": max(self.open_times) if self.open_times else None,
            "rss_after_warmup_mib": round(self.rss_warm / mib, 1), "rss_after_mib": round(self.rss_after / mib, 1),
            "rss_change_pct": None if self.rss_change is None else round(100 * self.rss_change, 1),
            "rss_peak_mib": round(self.rss_peak / mib, 1),
            "cpu_s": {k: round(v, 1) for k, v in self.cpu_s.items()},
            "run_s": round(self.run_s, 1), "wall_s": round(self.wall_s, 1), "timeout_s": self.timeout_s,
            "timed_out": self.timed_out, "cores": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in self.loadavg_before],
            "loadavg_after": [round(x, 2) for x in self.loadavg_after],
        }


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


# ====================================================================== resource use


class Usage:
    """Polls the server's process tree (RSS, CPU) and the other descendants of this process (Playwright's driver
    and Chromium: CPU by role).  CPU is kept per process at its last sample, so a renderer that exits between two
    samples still counts up to then."""

    ROLES = ("server", "renderers", "gpu process", "browser, driver")

    def __init__(self, server_pid: int) -> None:
        import psutil

        self.server = psutil.Process(server_pid)
        self.me = psutil.Process()
        self.peak = 0
        self._cpu: dict[tuple, tuple[str, float]] = {}
        self._base: dict[tuple, float] = {}
        self._roles: dict[tuple, str] = {}

    def _role(self, p, key: tuple, server: set[int]) -> str:
        if key not in self._roles:
            args = " ".join(p.cmdline())
            self._roles[key] = ("server" if p.pid in server else "renderers" if "--type=renderer" in args
                                else "gpu process" if "--type=gpu-process" in args else "browser, driver")
        return self._roles[key]

    def sample(self) -> None:
        import psutil

        try:
            server = {p.pid for p in (self.server, *self.server.children(recursive=True))}
            procs = self.me.children(recursive=True)
        except psutil.Error:
            return
        rss = 0
        for p in procs:
            try:
                with p.oneshot():
                    key = (p.pid, p.create_time())
                    role = self._role(p, key, server)
                    c = p.cpu_times()
                    self._cpu[key] = (role, c.user + c.system)
                    if role == "server":
                        rss += p.memory_info().rss
            except psutil.Error:
                pass
        self.peak = max(self.peak, rss)

    def mark(self) -> None:
        """From now on, :meth:`cpu` counts only what is used after this call."""
        self.sample()
        self._base = {key: seconds for key, (_, seconds) in self._cpu.items()}

    def cpu(self) -> dict[str, float]:
        """CPU seconds by role since :meth:`mark`."""
        out = dict.fromkeys(self.ROLES, 0.0)
        for key, (role, seconds) in self._cpu.items():
            out[role] += seconds - self._base.get(key, 0.0)
        return out

    async def poll(self, interval: float = 0.5) -> None:
        while True:
            self.sample()
            await asyncio.sleep(interval)


# ====================================================================== one user


class User:
    """One browser context (one Streamlit session) and what it has seen go wrong."""

    def __init__(self, index: int, base_url: str, result: LoadResult, think_s: float) -> None:
        self.index, self.base_url, self.result, self.think_s = index, base_url, result, think_s
        self.rng = random.Random(index)
        self.page_index = index % len(PAGES)
        self.step = (3 * index) % len(STEPS)  # users start at different steps, so the kinds interleave
        self.guard = browser.Offline()
        self.context = self.page = None
        self.page_errors: list[str] = []

    @property
    def title(self) -> str:
        return PAGES[self.page_index][1]

    def page_error(self, exc) -> None:
        # Where it was thrown (the bundle's file name names the Streamlit element) and on which page.
        frames = [line.strip() for line in (getattr(exc, "stack", "") or "").splitlines()[1:3]]
        where = " < ".join(f.rsplit("/", 1)[-1][:80] for f in frames)
        self.page_errors.append(f"on {self.title}: {getattr(exc, 'message', str(exc))[:200]}"
                                + (f" (at {where})" if where else ""))

    def error(self, what: str) -> None:
        self.result.errors.append(f"context {self.index}: {what}")

    async def open(self, browser_, timeout_s: float) -> None:
        self.context = await browser_.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(timeout_s * 1000)
        await self.context.add_init_script(INPUT_JS)
        await self.context.route("**/*", self.guard.handle)
        self.page = await self.context.new_page()
        self.page.on("pageerror", self.page_error)
        # The first load is the Overview, whatever the start page: it brings in what every later page reuses (the
        # lazily loaded Plotly chunk, the country shapes, a first map), which is a first-visit cost, not a
        # change's.  Then the sidebar leads to the user's start page.
        start, self.page_index = self.page_index, 0
        t0 = time.perf_counter()
        await self.page.goto(f"{self.base_url}/", wait_until="domcontentloaded")
        await self.settled(timeout_s)
        self.result.open_times.append(time.perf_counter() - t0)
        if start:
            self.page_index = start - 1
            await self.switch_page()
            await self.settled(timeout_s)
        self.context.set_default_timeout(CHANGE_TIMEOUT_S * 1000)  # every click and wait of a change

    async def settled(self, timeout_s: float, summary_not: str | None = None) -> dict:
        handle = await browser.wait_idle(self.page, title=self.title, summary_not=summary_not, charts=True,
                                         min_charts=0 if self.title in NO_CHARTS else 1, timeout_ms=timeout_s * 1000)
        state = await handle.json_value()
        failure = self.page.locator(browser.EXCEPTION)
        if await failure.count():
            self.error(f"exception on {self.title}: {(await failure.first.inner_text())[:300]}")
        return state

    async def summary(self) -> str:
        # textContent, as the in-page wait reads it (innerText would force a layout on every poll)
        box = self.page.locator(".st-key-filter-summary")
        return (await box.text_content() or "").strip() if await box.count() else ""

    async def arm(self) -> float:
        """Forget the last input event (the next one is the commit); the page time now, as a fallback start."""
        return await self.page.evaluate(f"() => {{ window.{INPUT_MARK} = null; return performance.now(); }}")

    async def committed_at(self, fallback: float) -> float:
        t = await self.page.evaluate(f"window.{INPUT_MARK}")
        return fallback if t is None else t

    # ------------------------------------------------------------ the changes: each arms the input mark just before
    # the click or key press that commits it (what makes the app rerun), and returns the fallback start

    async def open_dropdown(self, key: str):
        """The options of a sidebar multiselect, its dropdown open.  A click can be swallowed (a dropdown left
        open, the sidebar redrawn under the pointer): then close whatever is open and click again."""
        options = self.page.locator('[role="option"]').filter(has_not_text="Select all")
        for attempt in range(DROPDOWN_TRIES):
            await self.page.keyboard.press("Escape")
            await self.page.locator(f".st-key-flt_{key} input").click()
            try:
                await options.first.wait_for(timeout=DROPDOWN_WAIT_S * 1000)
                return options
            except Exception:  # noqa: BLE001 - retried; the last failure is the change's error
                if attempt == DROPDOWN_TRIES - 1:
                    raise
        return options

    async def pick(self, key: str) -> float:
        options = await self.open_dropdown(key)
        n = min(await options.count(), PICK_AMONG)
        t0 = await self.arm()
        await options.nth(self.rng.randrange(n)).click()
        return t0

    async def search(self) -> float:
        box = self.page.locator(".st-key-flt_text input")
        current = await box.input_value()
        await box.fill(self.rng.choice([w for w in WORDS if w != current]))
        t0 = await self.arm()
        await box.press("Enter")
        return t0

    async def territory(self) -> float:
        other = self.page.locator(".st-key-flt_territory [role='radiogroup'] label:has(input:not(:checked))")
        t0 = await self.arm()
        await other.first.click()
        return t0

    async def clear(self) -> float:
        t0 = await self.arm()
        await self.page.locator(".st-key-flt_clear button").click()
        return t0

    async def switch_page(self) -> float:
        self.page_index = (self.page_index + 1) % len(PAGES)
        link = self.page.locator('[data-testid="stSidebarNav"] a').filter(has_text=self.title)
        t0 = await self.arm()
        await link.first.click()
        return t0

    async def change(self, kind: str, timeout_s: float) -> None:
        before = await self.summary()
        if kind == "clear" and before.startswith("No filters"):
            kind = "sector"  # nothing to clear
        actions = {"sector": lambda: self.pick("sectors"), "type": lambda: self.pick("types"),
                   "country": lambda: self.pick("countries"), "region": lambda: self.pick("regions"),
                   "text": self.search, "territory": self.territory, "clear": self.clear, "page": self.switch_page}
        fallback = await actions[kind]()
        state = await self.settled(timeout_s, summary_not=None if kind == "page" else before)
        t0 = await self.committed_at(fallback)
        seconds = (state["since"] - t0) / 1000
        self.result.times.append(seconds)
        self.result.idle_times.append((state["idle"] - t0) / 1000)
        self.result.kinds.setdefault("page switch" if kind == "page" else kind, []).append(seconds)

    async def run(self, changes: int, deadline: float) -> None:
        for i in range(changes):
            if i:
                await asyncio.sleep(self.think_s * self.rng.uniform(0.5, 1.5))
            kind = STEPS[(self.step + i) % len(STEPS)]
            try:
                await self.change(kind, max(1.0, min(CHANGE_TIMEOUT_S, deadline - time.monotonic())))
            except Exception as exc:  # noqa: BLE001 - a failed change is counted and the user goes on
                self.error(f"{kind} on {self.title}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                           f" [{await self.state()}]")
                await self.recover()
            self.result.attempted += 1

    async def state(self) -> str:
        try:
            return await asyncio.wait_for(browser.page_state(self.page), 10)
        except Exception as exc:  # noqa: BLE001 - a page too busy to answer says so
            return f"page state unknown: {type(exc).__name__}"

    async def recover(self) -> None:
        # A change that timed out may leave a dropdown open or a page half drawn: start the page afresh (untimed).
        try:
            await self.page.goto(f"{self.base_url}/{PAGES[self.page_index][0]}", wait_until="domcontentloaded")
            await self.settled(CHANGE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - the next change will fail and be counted if the page is really gone
            pass

    async def close(self) -> None:
        for url in self.guard.blocked:
            self.error(f"blocked request to another host: {url[:200]}")
        for text in self.page_errors:
            self.error(f"page error: {text}")
        if self.context is not None:
            with contextlib.suppress(Exception):  # a context of a closed browser is gone anyway
                await self.context.close()


# ====================================================================== the run


async def warm_up(browser_, base_url: str, result: LoadResult) -> None:
    """One context visits every page once (first runs, lazy imports, caches); its errors count like any other."""
    user = User(-1, base_url, result, think_s=0)
    user.page_index = 0
    try:
        await user.open(browser_, OPEN_TIMEOUT_S)
        result.open_times.clear()  # the warm-up's load is not one of the users' first loads
        for _ in PAGES[1:]:
            await user.switch_page()
            await user.settled(CHANGE_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001
        user.error(f"warm-up on {user.title}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await user.close()


async def _open_all(users: list[User], browser_) -> list[User]:
    # First loads (the 4.7 MB Plotly bundle parsed by each new renderer) are not what is measured: one per core at a
    # time, so that none of them times out behind the others.
    gate = asyncio.Semaphore(os.cpu_count() or 1)

    async def one(user: User) -> bool:
        try:
            async with gate:
                await user.open(browser_, OPEN_TIMEOUT_S)
            return True
        except Exception as exc:  # noqa: BLE001
            user.error(f"first load of {user.title}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            return False

    ok = await asyncio.gather(*(one(u) for u in users))
    return [u for u, good in zip(users, ok, strict=True) if good]


async def drive(server: browser.Server, result: LoadResult, deadline: float) -> None:
    from playwright.async_api import async_playwright

    usage = Usage(server.pid)
    poller = None
    async with async_playwright() as pw:
        browser_ = await browser.launch_chromium(pw)
        try:
            await asyncio.wait_for(warm_up(browser_, server.url, result), max(1.0, deadline - time.monotonic()))
            await asyncio.sleep(RSS_SETTLE_S)
            result.rss_warm = browser.process_tree_rss(server.pid)
            poller = asyncio.create_task(usage.poll())
            users = [User(i, server.url, result, result.think_s) for i in range(result.contexts)]
            try:
                await asyncio.wait_for(_run_users(users, browser_, result, usage, deadline),
                                       max(1.0, deadline - time.monotonic()))
            except TimeoutError:
                result.timed_out = True
            usage.sample()
            result.cpu_s = usage.cpu()
            for user in users:
                await user.close()
        except TimeoutError:
            result.timed_out = True
        finally:
            if poller is not None:
                poller.cancel()
            await browser_.close()
    await asyncio.sleep(RSS_SETTLE_S)
    result.rss_after = browser.process_tree_rss(server.pid)
    result.rss_peak = max(usage.peak, result.rss_after, result.rss_warm)


async def _run_users(users: list[User], browser_, result: LoadResult, usage: Usage, deadline: float) -> None:
    opened = await _open_all(users, browser_)
    # Every user starts changing at once, after every first load: the figures are about concurrent changes.
    usage.mark()
    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(u.run(result.changes_per_context, deadline) for u in opened))
    finally:
        result.run_s = time.perf_counter() - t0


def run(data: Path | str | None = None, contexts: int = 20, changes: int = 10, timeout_s: float = 600.0,
        think_s: float = 1.0, log: Path | None = None) -> LoadResult:
    """Start the server on ``data`` (default: the bundled sample), run the load, stop the server; never raises for
    what goes wrong in the browser (it is in ``errors``), only when the server cannot start."""
    t0 = time.monotonic()
    deadline = t0 + timeout_s
    data = Path(data) if data else ensure_sample()
    result = LoadResult(contexts, changes, think_s, str(data), count_events(data), timeout_s)
    result.loadavg_before = os.getloadavg()
    with browser.Server(data, log=log or OUT / "load-streamlit.log") as server:
        try:
            asyncio.run(drive(server, result, deadline))
        finally:
            result.wall_s = time.monotonic() - t0
            result.loadavg_after = os.getloadavg()
    result.not_made = result.planned - result.attempted
    return result


def ensure_sample() -> Path:
    if not SAMPLE.exists():
        print(f"building the bundled sample into {SAMPLE.relative_to(ROOT)} ...", flush=True)
        subprocess.run([sys.executable, "-m", "etl", "build", "data/sample", "--out", str(SAMPLE), "--quiet"],
                       cwd=ROOT, check=True)
    return SAMPLE


def count_events(data: Path) -> int | None:
    try:
        import pyarrow.dataset as pds

        return pds.dataset(str(data)).count_rows()
    except Exception:  # noqa: BLE001 - only shown in the header
        return None


# ====================================================================== output


def table(result: LoadResult) -> str:
    f = result.figures()

    def s(x) -> str:
        return "—" if x is None else f"{x:.2f} s"

    met = ("met" if f["p95_s"] is not None and f["p95_s"] <= TARGET_P95_S and not f["errors"] else "MISSED")
    growth = result.rss_change
    rss_met = "met" if growth is not None and abs(growth) <= TARGET_RSS_GROWTH else "MISSED"
    rows = [
        ("contexts x changes", f"{result.contexts} x {result.changes_per_context} = {result.planned} "
                               f"(think time {0.5 * result.think_s:.2f}-{1.5 * result.think_s:.2f} s)"),
        ("dataset", f"{f['data']} ({f['events']:,} events)" if f["events"] is not None else f["data"]),
        ("changes timed", f"{f['changes_timed']}"),
        ("errors", f"{f['errors']}" + ("" if not f["errors"] else "  <-- must be 0")
                   + (f" ({result.not_made} changes not made: cut off by the {result.timeout_s:.0f} s bound or after "
                      "a failed first load)" if result.not_made else "")),
        ("change -> charts drawn p50", s(f["p50_s"])),
        ("change -> charts drawn p95", f"{s(f['p95_s'])}  (target <= {TARGET_P95_S:.0f} s: {met})"),
        ("change -> charts drawn max", s(f["max_s"])),
        ("change -> script done p50 / p95", f"{s(f['idle_p50_s'])} / {s(f['idle_p95_s'])}"),
        ("first load per context p50 / max", f"{s(f['first_load_p50_s'])} / {s(f['first_load_max_s'])}"),
        ("server RSS after warm-up", f"{f['rss_after_warmup_mib']:.0f} MiB"),
        ("server RSS after the run", f"{f['rss_after_mib']:.0f} MiB ("
                                     + ("—" if growth is None else f"{100 * growth:+.1f} %")
                                     + f"; target within {100 * TARGET_RSS_GROWTH:.0f} %: {rss_met})"),
        ("server RSS peak", f"{f['rss_peak_mib']:.0f} MiB"),
        ("CPU during the changes", ", ".join(f"{k} {v:.0f} s" for k, v in f["cpu_s"].items())
                                   + f" in {f['run_s']:.0f} s on {f['cores']} cores"),
        ("wall time", f"{f['wall_s']:.0f} s (bound {f['timeout_s']:.0f} s"
                      + (", CUT OFF)" if f["timed_out"] else ")")),
        ("load average before / after", " / ".join(" ".join(f"{x:.1f}" for x in la)
                                                   for la in (result.loadavg_before, result.loadavg_after))),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines.append("by kind (n, p50, p95): " + "; ".join(
        f"{k} {v['n']}, {s(v['p50_s'])}, {s(v['p95_s'])}" for k, v in f["by_kind"].items()))
    lines += [f"  error: {e}" for e in result.errors[:20]]
    if len(result.errors) > 20:
        lines.append(f"  ... and {len(result.errors) - 20} more (all in the JSON)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="concurrent browser sessions against the real dashboard")
    p.add_argument("--contexts", type=int, default=20, help="browser contexts (users) at once")
    p.add_argument("--changes", type=int, default=10, help="filter changes / page switches per context")
    p.add_argument("--timeout-s", type=float, default=600.0, help="bound on the whole run, server start included")
    p.add_argument("--think-s", type=float, default=1.0, help="mean pause between two changes of one user")
    p.add_argument("--data", type=Path, help="Parquet file or directory (default: the bundled sample)")
    p.add_argument("--json", type=Path, default=OUT / "load.json", help="where to write the figures")
    args = p.parse_args(argv)
    why = browser.missing_browser()
    if why:
        print(f"load test not run: {why}", file=sys.stderr)
        return 2
    if args.data is not None and not args.data.exists():
        print(f"--data {args.data} does not exist", file=sys.stderr)
        return 2
    print(f"load test: {args.contexts} contexts x {args.changes} changes against streamlit run dashboard.py "
          f"(bound {args.timeout_s:.0f} s) ...", flush=True)
    result = run(args.data, args.contexts, args.changes, args.timeout_s, args.think_s)
    print(table(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result.figures(), indent=2), encoding="utf-8")
    print(f"figures written to {args.json}")
    return 0 if not result.error_count else 1


if __name__ == "__main__":
    sys.exit(main())
