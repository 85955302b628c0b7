"""The real dashboard in a real browser, offline: every page renders without an exception, a sidebar filter and a
click on the map narrow the Data table, the CSV download holds exactly the filtered rows, and a copied URL
reproduces the view.

Starts ``streamlit run dashboard.py`` on a free local port and drives Debian's Chromium (never a downloaded one)
through Playwright, with the helpers of ``bench/browser.py`` (shared with the benchmarks and the load test).  Every
request that is not to 127.0.0.1/localhost is blocked and recorded; the tests fail if the app tried to reach
anything else.  Screenshots go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from bench.browser import Offline, Server, ServerError, wait_idle
from tests.browser_support import chromium, pick

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "tests" / "screenshots"
SERVER_START_S = 90
PAGE_TIMEOUT_MS = 90_000  # generous: a loaded 2-CPU CI box parses the 4.7 MB plotly bundle slowly
VIEWPORT = {"width": 1440, "height": 1800}
# The server's first request is a deep link on purpose (Map before Overview): with a pages/ folder, that is the
# case where Streamlit would run the page without the router (see app.ui._leave_pages_folder_mode).
PAGES = [("map", "Map"), ("", "Overview"), ("timeline", "Timeline"), ("sectors", "Sectors"), ("network", "Network"),
         ("data", "Data"), ("sources", "Sources and quality"), ("upload", "Upload")]
SHOT_NAMES = {"": "1_overview", "map": "2_map", "timeline": "3_timeline", "sectors": "4_sectors",
              "network": "5_network", "data": "6_data", "sources": "7_sources", "upload": "8_upload"}
# The country clicked on the map: large (easy to hit) and frequent in the synthetic data.
CLICK_ISO3, CLICK_LAT, CLICK_LON = "USA", 39.8, -98.6


@pytest.fixture(scope="module")
def dash_server(dash_dataset_path, tmp_path_factory):
    """A real Streamlit server on the small dataset; yields its base URL and stops it afterwards."""
    server = Server(dash_dataset_path, log=tmp_path_factory.mktemp("server") / "streamlit.log").start()
    try:
        try:
            server.wait_healthy(SERVER_START_S)
        except ServerError as exc:
            pytest.fail(str(exc))
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def dash_browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def dash_context(dash_browser):
    """A fresh browser context (its own Streamlit session) with the offline guard; fails on any blocked request."""
    guard = Offline()
    context = dash_browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.route("**/*", guard.handle)
    yield context, guard
    context.close()
    assert guard.blocked == [], f"the app tried to reach other hosts: {guard.blocked}"


def _open(context, base: str, path: str):
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    wait_idle(page)
    return page


def _assert_clean(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def _summary(page) -> str:
    return page.locator(".st-key-filter-summary").inner_text().strip()


def _shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _event_count(page) -> int:
    text = page.locator('[data-testid="stCaptionContainer"]', has_text=" events").first.inner_text()
    return int(text.split(" events")[0].replace(",", "").split()[-1])


def _go_to(page, title: str) -> None:
    """Switch page inside the same session (the sidebar navigation), keeping the filters."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_timeout(300)
    wait_idle(page)
    page.wait_for_selector(f'h1:has-text("{title}")')


def _expected_rows(df: pd.DataFrame, iso3: str | None = None, sector: str | None = None) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    if iso3:
        keep &= df["countries"].map(lambda c: iso3 in c) | (df["host_iso3"] == iso3).fillna(False).astype(bool)
    if sector:
        keep &= df["sectors"].map(lambda s: sector in s)
    return df[keep]


@pytest.mark.parametrize("path,title", PAGES, ids=[t for _, t in PAGES])
def test_page_renders_offline(dash_server, dash_context, path, title):
    context, _ = dash_context
    page = _open(context, dash_server, path)
    page.wait_for_selector(f'h1:has-text("{title}")')
    if path in ("", "map", "timeline", "sectors", "network", "sources"):
        page.wait_for_selector(".js-plotly-plot", state="attached")
        page.wait_for_timeout(1500)  # a map draws its countries once plotly has fetched the GeoJSON
    _assert_clean(page)
    assert page.locator(".st-key-dataset-banner").count() == 1
    assert _summary(page) == "No filters"
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Sources and quality" in nav  # the router's titles, not the pages/ folder's file names ("sources")
    _shot(page, SHOT_NAMES[path])


def test_sidebar_filter_narrows_the_table(dash_server, dash_context, dash_frame):
    context, _ = dash_context
    page = _open(context, dash_server, "data")
    assert _event_count(page) == len(dash_frame)
    pick(page, "flt_sectors", "health")
    page.wait_for_selector('.st-key-filter-summary:has-text("sector = health")')
    assert _event_count(page) == len(_expected_rows(dash_frame, sector="health"))
    assert "sector=health" in page.url
    _assert_clean(page)


def _click_country(page, lat: float, lon: float) -> None:
    chart = page.locator(".st-key-map .js-plotly-plot")
    chart.wait_for()
    # The countries are drawn once plotly has fetched the GeoJSON the server publishes.
    page.wait_for_function("el => el.querySelectorAll('.choroplethlocation').length > 0",
                           arg=chart.element_handle(), timeout=PAGE_TIMEOUT_MS)
    x, y = chart.evaluate(
        """(el, [lon, lat]) => { const [x, y] = el._fullLayout.geo._subplot.projection([lon, lat]);
             const r = el.querySelector('.main-svg').getBoundingClientRect();
             return [r.left + x, r.top + y]; }""", [lon, lat])
    page.mouse.move(x, y)
    page.wait_for_timeout(400)  # plotly finds what is under the pointer on hover; the click reuses it
    page.mouse.click(x, y)


def test_map_click_filters_data_and_download_and_url(dash_server, dash_context, dash_frame, tmp_path):
    context, _ = dash_context
    page = _open(context, dash_server, "map")
    _click_country(page, CLICK_LAT, CLICK_LON)
    page.wait_for_selector(f'.st-key-filter-summary:has-text("country = {CLICK_ISO3}")', timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    _assert_clean(page)
    _shot(page, "9_map_after_click")

    _go_to(page, "Data")
    expected = _expected_rows(dash_frame, iso3=CLICK_ISO3)
    assert 0 < len(expected) < len(dash_frame)
    assert _event_count(page) == len(expected)
    _shot(page, "10_data_filtered")

    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as info:
        page.locator(".st-key-download_csv button").click()
    download = info.value
    assert CLICK_ISO3 in download.suggested_filename and download.suggested_filename.endswith(".csv")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    csv = pd.read_csv(io.BytesIO(saved.read_bytes()), keep_default_na=False)
    assert len(csv) == len(expected)
    assert sorted(csv["event_id"]) == sorted(expected["event_id"])
    assert all(CLICK_ISO3 in c.split(";") or h == CLICK_ISO3 for c, h in zip(csv["countries"], csv["host_iso3"],
                                                                               strict=True))

    url, summary = page.url, _summary(page)
    assert f"country={CLICK_ISO3}" in url
    copy = context.browser.new_context(viewport=VIEWPORT)
    with contextlib.closing(copy):
        guard = Offline()
        copy.route("**/*", guard.handle)
        again = copy.new_page()
        again.goto(url, wait_until="domcontentloaded")
        wait_idle(again)
        again.wait_for_selector('h1:has-text("Data")')
        assert _summary(again) == summary
        assert _event_count(again) == len(expected)
        assert guard.blocked == []


def test_treemap_and_network_clicks_add_filters(dash_server, dash_context):
    context, _ = dash_context
    page = _open(context, dash_server, "sectors")
    cells = page.locator(".st-key-treemap g.slice")
    cells.nth(1).wait_for()
    page.wait_for_timeout(1000)
    sector = cells.nth(1).text_content().split()[0]
    box = cells.nth(1).bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 8)  # the cell's header: the sector itself, not one of its types
    page.wait_for_selector(f'.st-key-filter-summary:has-text("sector = {sector.replace(" ", "_")}")')
    wait_idle(page)
    _assert_clean(page)

    _go_to(page, "Network")
    node = page.locator(".st-key-network g.points path.point").first
    node.wait_for()
    page.wait_for_timeout(1000)
    box = node.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    page.mouse.click(x, y)
    page.wait_for_function(
        "() => /countr|organization/.test(document.querySelector('.st-key-filter-summary').innerText)")
    wait_idle(page)
    _assert_clean(page)
    assert f"sector = {sector.replace(' ', '_')}" in _summary(page)
