"""Hostile text in the data never runs and is shown as written: a real server on events whose titles, snippets,
organizations, host cities, source files, rejects and even the dataset's file name hold ``<script>``, ``<img
onerror>``, HTML and markdown links, and markdown/LaTeX/Streamlit-directive markup.

Every page is opened in headless Chromium (offline: other hosts are blocked).  A page passes when no dialog
opened (every payload calls ``alert``), no element carries a payload's link, image source or handler, no
exception was drawn, and the hostile strings appear literally where the page shows that field.  Tables are
drawn on a canvas; their cell text is read from the grid's accessible table, which mirrors what is painted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from app.filters import WORD_JOINER
from tests.browser_support import (
    chromium,
    dashboard_server,
    exceptions,
    offline_context,
    open_page,
    pick,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[click me](http://evil.example/)"
A_TAG = '<a href="http://evil.example/">evil link</a>'
JS_LINK = "[run](javascript:alert(1))"
MARKUP = "**bold** $x^2$ :red[red] <b>b</b><br>"
HOSTILE = (SCRIPT, IMG, MD_LINK, A_TAG, JS_LINK, MARKUP)
DATASET_NAME = f"events {IMG}.parquet"  # the banner shows the file name of the dataset
ROWS, SEED = 60, 5

# Elements a payload would create if it were interpreted, found by the attribute values it would carry.
INJECTED_JS = r"""() => {
  const bad = [];
  const link = /evil\.example|^\s*javascript:/i;
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') && /alert/.test(a.value)) bad.push(`${el.tagName} ${name}=${a.value}`);
      if (['href', 'xlink:href', 'src', 'action', 'formaction'].includes(name) && link.test(a.value))
        bad.push(`${el.tagName} ${name}=${a.value}`);
    }
    if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') bad.push('IMG src=x');
    if (el.tagName === 'SCRIPT' && /alert\(1\)/.test(el.textContent)) bad.push('SCRIPT alert(1)');
  }
  return bad;
}"""


def hostile_frame() -> pd.DataFrame:
    """Synthetic events (so every chart has something to draw) with a hostile organization on every row and six
    newest rows whose title, snippet, host city and source are the payloads themselves."""
    from etl import synth

    df = synth.generate(ROWS, seed=SEED)
    df["organizations"] = [[HOSTILE[i % len(HOSTILE)], *list(orgs)[:1]] for i, orgs in enumerate(df["organizations"])]
    newest = df["end_date"].max()
    for j, text in enumerate(HOSTILE):
        i = len(df) - 1 - j
        source = f"bulletins/{text}.txt"
        df.loc[i, ["title", "snippet", "host_city", "source"]] = [text, f"Snippet: {text}", text, source]
        df.at[i, "sources"] = [source]
        df.loc[i, ["start_date", "end_date"]] = [newest, newest]
    return df


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    from etl.build import side_path, write_events, write_frame
    from etl.sources.base import reject_rows

    df = hostile_frame()
    out = tmp_path_factory.mktemp("hostile") / DATASET_NAME
    write_events(df, out)
    rejects = [(f"bulletins/{text}.txt", "row 1", "unknown country", text) for text in HOSTILE]
    write_frame(reject_rows([*rejects, ("table.csv", "row 2", A_TAG, SCRIPT)]), side_path(out, "rejects"))
    side_path(out, "manifest").with_suffix(".json").write_text(json.dumps({"synthetic": False}), encoding="utf-8")
    return out, df


@pytest.fixture(scope="module")
def server(hostile_dataset, tmp_path_factory):
    with dashboard_server(hostile_dataset[0], tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser):
    with offline_context(browser) as (ctx, offline, dialogs):
        yield ctx, dialogs
        assert offline.blocked == [], f"the app tried to reach other hosts: {offline.blocked}"


def assert_inert(page) -> None:
    """Nothing ran and nothing was turned into markup on this page."""
    assert exceptions(page) == []
    assert page.evaluate(INJECTED_JS) == []


def chart_texts(page) -> list[str]:
    """Every text plotly drew: tick labels, node labels, legends, titles."""
    return page.locator(".js-plotly-plot svg text").all_text_contents()


def grid_texts(page) -> list[str]:
    """The cells the data grids show (their accessible tables mirror the painted canvas)."""
    return page.locator('[data-testid="stDataFrame"] td').all_text_contents()


def wait_for_texts(page, read, expected: set[str], timeout_ms: int = 30_000) -> set[str]:
    """Poll ``read(page)`` until every expected string is among its values (charts draw after the script
    ends); returns the ones still missing."""
    missing = set(expected)
    for _ in range(timeout_ms // 500):
        missing = expected - set(read(page))
        if not missing:
            break
        page.wait_for_timeout(500)
    return missing


SOURCES = {f"bulletins/{text}.txt" for text in HOSTILE}
# path, title, (reader, strings that reader must return literally)
PAGES = [
    ("", "Overview", grid_texts, set(HOSTILE)),  # the latest events: the six payload rows are the newest
    ("map", "Map", None, set()),
    ("timeline", "Timeline", None, set()),
    ("sectors", "Sectors", chart_texts, set(HOSTILE)),  # most active organizations, as axis labels
    ("network", "Network", chart_texts, set(HOSTILE)),  # the busiest organizations are labelled nodes
    ("data", "Data", None, set()),
    ("sources", "Sources and quality", chart_texts, SOURCES),  # events per source file
    ("upload", "Upload", None, set()),
]


@pytest.mark.parametrize("path,title,read,expected", PAGES, ids=[p[1] for p in PAGES])
def test_page_shows_payloads_literally_and_runs_none(server, context, path, title, read, expected):
    ctx, dialogs = context
    page = open_page(ctx, server, path, title)
    if path not in ("data", "upload"):
        page.wait_for_selector(".js-plotly-plot svg text", state="attached")
    if read is not None:
        assert wait_for_texts(page, read, expected) == set(), read(page)
    banner = page.locator(".st-key-dataset-banner").inner_text()
    assert DATASET_NAME in banner, banner
    page.wait_for_timeout(1000)  # a late handler (an image's onerror) would fire by now
    assert_inert(page)
    assert dialogs.opened == []
    screenshot(page, f"security_{path or 'overview'}")


def _event_count(page) -> int:
    text = page.locator('[data-testid="stCaptionContainer"]', has_text=" events").first.inner_text()
    return int(text.split(" events")[0].replace(",", "").split()[-1])


def _summary(page) -> str:
    """The filter summary as read: without the invisible word joiners that keep URLs in it from being linked."""
    return page.locator(".st-key-filter-summary").inner_text().strip().replace(WORD_JOINER, "")


def _matches(df: pd.DataFrame, text: str) -> int:
    """What the search box keeps: title or snippet contains the text, case-insensitively, literally."""
    needle = text.lower()
    return int((df["title"].str.lower().str.contains(needle, regex=False)
                | df["snippet"].str.lower().str.contains(needle, regex=False)).sum())


def test_data_table_filtered_to_payload_rows(server, context, hostile_dataset):
    """Typing a payload into the search box and picking a payload organization: both are echoed literally in
    the filter summary, the table keeps exactly the matching rows, and nothing runs."""
    ctx, dialogs = context
    df = hostile_dataset[1]
    page = open_page(ctx, server, "data", "Data")

    box = page.locator(".st-key-flt_text input")
    box.fill(IMG)
    box.press("Enter")
    wait_idle(page)
    page.wait_for_selector('.st-key-filter-summary:has-text("text contains")')
    assert _summary(page) == f'Filtered: text contains "{IMG}"'
    assert _event_count(page) == _matches(df, IMG) == 1
    assert wait_for_texts(page, grid_texts, {IMG}) == set()  # the title (the grid draws only visible columns)
    assert_inert(page)

    page.locator(".st-key-flt_clear button").click()
    wait_idle(page)
    pick(page, "flt_organizations", "click me")
    page.wait_for_selector('.st-key-filter-summary:has-text("organization")')
    assert _summary(page) == f"Filtered: organization = {MD_LINK}"
    chips = page.locator('.st-key-flt_organizations [data-tag]').all_inner_texts()
    assert [c.strip() for c in chips] == [MD_LINK]
    assert _event_count(page) == int(df["organizations"].map(lambda orgs: MD_LINK in orgs).sum())
    page.wait_for_timeout(1000)
    assert_inert(page)
    assert dialogs.opened == []
    screenshot(page, "security_data_filtered")
