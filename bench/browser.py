"""The real dashboard in Debian's Chromium, offline: what the browser tests, the app benchmark and the load test share.

- :class:`Server` runs ``streamlit run dashboard.py`` on a free 127.0.0.1 port (optionally on a dataset named by
  ``EXCHANGE_ATLAS_DATA``) and stops it; a context manager.
- :func:`launch_chromium` starts ``/usr/bin/chromium`` through Playwright (never a downloaded browser).
- :class:`Offline` blocks and records every request that is not to this machine.
- :func:`wait_idle` waits until the app's script has finished and stayed finished.

The Playwright helpers work with the sync and the async API alike: they return what Playwright returns, so with
the async API the caller awaits it.  Nothing here imports Playwright, so importing this module never needs it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DATA_ENV = "EXCHANGE_ATLAS_DATA"
SERVER_START_S = 120.0
IDLE_SETTLE_MS = 600
POLL_MS = 100  # how often wait_idle looks: the resolution of a timed change
# Plotly charts as Streamlit draws them; an element of the previous run is marked stale until the run replaces it.
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
EXCEPTION = '[data-testid="stException"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def missing_browser() -> str | None:
    """Why the browser cannot run here (for a skip message), or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (make chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (requirements-dev.txt)"
    return None


class ServerError(RuntimeError):
    pass


class Server:
    """``streamlit run dashboard.py`` on a free 127.0.0.1 port.

    ``data_path`` becomes ``EXCHANGE_ATLAS_DATA``; None removes that variable, so the app shows the bundled sample.
    The server runs in its own process group (a Ctrl-C meant for the caller must not kill it before the caller's
    clean-up runs); :meth:`stop` terminates it, and kills that whole group if it has not ended within 15 s.  Its
    output goes to ``log`` (kept after the stop).
    """

    def __init__(self, data_path: Path | str | None, log: Path | None = None) -> None:
        self.data_path = data_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log) if log else Path(tempfile.gettempdir()) / f"exchange-atlas-streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.t0 = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(self.port),
                "--server.headless", "true", "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "full"]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != DATA_ENV}
        if self.data_path is not None:
            env[DATA_ENV] = str(self.data_path)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.t0 = time.perf_counter()
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=self.env(), stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_healthy(self, timeout: float = SERVER_START_S) -> float:
        """Seconds from the launch until the server answers its health check; raises ServerError if it dies or
        does not answer within ``timeout`` seconds."""
        deadline = time.perf_counter() + timeout
        while not healthy(self.url, timeout=1.0):
            if self.proc.poll() is not None or time.perf_counter() > deadline:
                raise ServerError(f"streamlit did not start (exit {self.proc.poll()}):\n{self.log_tail()}")
            time.sleep(0.05)
        return time.perf_counter() - self.t0

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def __enter__(self) -> Server:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def process_tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 when it is gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def launch_chromium(playwright, **kwargs):
    """Headless Debian Chromium from a started Playwright (``sync_playwright()`` or ``async_playwright()``)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **kwargs)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob") or parsed.hostname in LOCAL_HOSTS


class Offline:
    """Blocks and records every request to another host than this machine: ``context.route("**/*", guard.handle)``.
    """

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def handle(self, route):
        url = route.request.url
        if is_local(url):
            return route.continue_()
        self.blocked.append(url)
        return route.abort()


# Polled in the page.  "Idle": the script has finished, the title is ``title`` and the filter summary is not
# ``summaryNot``; "drawn" adds that no element of the previous run is left and at least ``minCharts`` Plotly charts
# are there, all drawn (map countries included).  It returns once the wanted state has held for ``settle`` ms (a
# rerun may follow the first one), with the page times at which the idle and the wanted stretches began, so a
# caller can time a change without counting the settling wait.  A Streamlit exception ends the wait too.  It reads
# textContent, never innerText, which would force a layout on every poll of a page that is busy drawing.
_IDLE_JS = """(a) => {
  const all = window.__exchangeAtlasIdle = window.__exchangeAtlasIdle || {};
  const w = all[a.token] = all[a.token] || {};
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('h1');
  let idle = !!(app && h1) && app.getAttribute('data-test-script-state') === 'notRunning';
  if (idle && a.title !== null) idle = h1.textContent.trim() === a.title;
  if (idle && a.summaryNot !== null) {
    const s = document.querySelector('.st-key-filter-summary');
    idle = !!s && s.textContent.trim() !== a.summaryNot;
  }
  const drawn = () => {
    if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return false;
    const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return boxes.length >= a.minCharts && boxes.every((box) => {
      const gd = box.querySelector('.js-plotly-plot');
      if (!gd || !gd._fullLayout) return false;
      // A map draws its countries only once plotly has fetched the GeoJSON, after the figure is attached.
      return !gd._fullData.some((t) => t.type === 'choropleth' && t.visible === true)
        || !!gd.querySelector('.choroplethlocation');
    });
  };
  const failed = !!document.querySelector('[data-testid="stException"]');
  const ok = failed || (idle && (!a.charts || drawn()));
  const now = performance.now();
  if (!idle) delete w.idle; else if (w.idle === undefined) w.idle = now;
  if (!ok) { delete w.since; return false; }
  if (w.since === undefined) w.since = now;
  if (now - w.since < a.settle) return false;
  delete all[a.token];
  return {since: w.since, idle: w.idle === undefined ? w.since : w.idle};
}"""
_tokens = itertools.count()
# What the page looks like when a wait gave up: which of wait_idle's conditions did not hold.
_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const gds = boxes.map((box) => box.querySelector('.js-plotly-plot'));
  const maps = gds.filter((gd) => gd && gd._fullData && gd._fullData.some((t) => t.type === 'choropleth'));
  const h1 = document.querySelector('h1');
  return `script ${app ? app.getAttribute('data-test-script-state') : 'no app'}, `
    + `title ${h1 ? JSON.stringify(h1.textContent.trim()) : 'none'}, `
    + `stale elements ${document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]').length}, `
    + `charts drawn ${gds.filter((gd) => gd && gd._fullLayout).length}/${gds.length}, `
    + `maps drawn ${maps.filter((gd) => gd.querySelector('.choroplethlocation')).length}/${maps.length}, `
    + `exceptions ${document.querySelectorAll('[data-testid="stException"]').length}`;
}"""


def wait_idle(page, settle_ms: int = IDLE_SETTLE_MS, *, title: str | None = None, summary_not: str | None = None,
              charts: bool = False, min_charts: int = 0, timeout_ms: float | None = None):
    """Wait until the script has finished running and stayed finished for ``settle_ms`` (a rerun may follow).

    Optionally also until the page's title (h1) is ``title`` and the filter summary differs from ``summary_not``;
    with ``charts``, until no element of the previous run is left and at least ``min_charts`` Plotly charts are
    there, all drawn, map countries included.  A Streamlit exception ends the wait too (the caller checks for it).
    Returns Playwright's handle to ``{"idle": ms, "since": ms}``, the page times (``performance.now()``) at which
    the script was seen finished and the charts drawn; with the async API, await it.
    """
    arg = {"token": next(_tokens), "settle": settle_ms, "title": title, "summaryNot": summary_not, "charts": charts,
           "minCharts": min_charts}
    return page.wait_for_function(_IDLE_JS, arg=arg, polling=POLL_MS, timeout=timeout_ms)


def page_state(page):
    """One line on what :func:`wait_idle` waits for, as the page is now (for the message of a wait that gave up);
    with the async API, await it."""
    return page.evaluate(_STATE_JS)
