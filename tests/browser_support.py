"""A real dashboard server and Debian's Chromium for the browser tests of the security and upload suites.

The start-up lines are those of tests/test_browser.py (a free local port, a health check, every request to
another host blocked and recorded).  They are kept here, not imported from that module, because it is being
moved into a shared bench/browser.py; once that module exists these helpers can become thin wrappers of it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVER_START_S = 90
PAGE_TIMEOUT_MS = 90_000  # a loaded 2-CPU box parses the plotly bundle slowly
VIEWPORT = {"width": 1440, "height": 1800}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def dashboard_server(data_path: Path, log: Path) -> Iterator[str]:
    """``streamlit run dashboard.py`` on ``data_path`` at a free local port; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "EXCHANGE_ATLAS_DATA": str(data_path), "PYTHONUNBUFFERED": "1"}
    # showErrorDetails=full: if a page does raise, the test's failure message carries the real traceback.
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "full"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start (exit {proc.poll()}):\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium through Playwright (never a downloaded browser); skips when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make chromium) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (requirements-dev.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Offline:
    """Blocks and records every request to another host than this machine."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def handle(self, route) -> None:
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


class Dialogs:
    """Records (and dismisses) every alert/confirm/prompt a page opens: any entry means script ran."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def handle(self, dialog) -> None:
        self.opened.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@contextlib.contextmanager
def offline_context(browser) -> Iterator[tuple]:
    """A fresh context (its own Streamlit session) with the offline guard and the dialog recorder on every page;
    yields ``(context, offline, dialogs)``.  The caller asserts on both records."""
    offline, dialogs = Offline(), Dialogs()
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route("**/*", offline.handle)
    context.on("page", lambda page: page.on("dialog", dialogs.handle))
    try:
        yield context, offline, dialogs
    finally:
        context.close()


def wait_idle(page, settle_ms: int = 600) -> None:
    """Until the script has finished running and stayed finished for ``settle_ms`` (a rerun may follow)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector("h1")
    for _ in range(3):
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(settle_ms)
        if page.locator(IDLE).count():
            break


def open_page(context, base: str, path: str, title: str):
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector(f'h1:has-text("{title}")')
    return page


def exceptions(page) -> list[str]:
    """Texts of every exception box Streamlit drew (a traceback in the UI)."""
    boxes = page.locator('[data-testid="stException"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
