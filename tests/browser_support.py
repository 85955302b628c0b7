"""Browser-test helpers of the security and upload suites, on top of :mod:`bench.browser` (the server, Chromium
and the offline guard that the browser tests, the app benchmark and the load test share)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import ROOT, Offline, Server, ServerError, launch_chromium, missing_browser
from bench.browser import wait_idle as _wait_script

SCREENSHOTS = ROOT / "tests" / "screenshots"
PAGE_TIMEOUT_MS = 90_000  # a loaded 2-CPU box parses the plotly bundle slowly
VIEWPORT = {"width": 1440, "height": 1800}


@contextlib.contextmanager
def dashboard_server(data_path: Path, log: Path) -> Iterator[str]:
    """``streamlit run dashboard.py`` on ``data_path`` at a free local port; yields the base URL."""
    server = Server(data_path, log)
    try:
        with server:
            yield server.url
    except ServerError as exc:
        pytest.fail(str(exc))


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium through Playwright (never a downloaded browser); skips when either is missing."""
    why = missing_browser()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


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
    _wait_script(page, settle_ms, timeout_ms=PAGE_TIMEOUT_MS)


def open_page(context, base: str, path: str, title: str):
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector(f'h1:has-text("{title}")')
    return page


def pick(page, key: str, text: str) -> None:
    """Type ``text`` into the sidebar multiselect ``key`` (e.g. ``flt_sectors``), take the first match, close it,
    and wait for the rerun."""
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)


def exceptions(page) -> list[str]:
    """Texts of every exception box Streamlit drew (a traceback in the UI)."""
    boxes = page.locator('[data-testid="stException"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
