"""Data-derived text never reaches the page as markup, checked without a browser (tests/test_security_browser.py
checks the rendered pages):

* no ``unsafe_allow_html``, ``st.html`` or ``components.html`` anywhere in the app, except an allow-list of fixed,
  data-free uses (empty today);
* the markdown escaper leaves no markup, no directive and no auto-linkable URL or e-mail address, and hides
  nothing (undoing the escapes gives the text back);
* the plotly figures built from hostile names show them escaped in every displayed field, while clicks still
  read the raw name.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app import charts, ui
from app.filters import WORD_JOINER, escape_markdown

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = sorted([*ROOT.glob("app/*.py"), *ROOT.glob("pages/*.py"), ROOT / "dashboard.py"])
RAW_HTML = re.compile(r"unsafe_allow_html\s*=\s*True|\bst\.html\s*\(|components\.v1\.html|\bcomponents\.html\s*\(|"
                      r"\bhtml\s*\(\s*[\"'f]")
# (file relative to the root, the exact line) for a raw-HTML call whose content is fixed in code, never data.
ALLOWED_RAW_HTML: set[tuple[str, str]] = set()

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](http://evil.example/)",
    '<a href="http://evil.example/">evil link</a>',
    "[run](javascript:alert(1))",
    "**bold** _it_ `code` ~~s~~ $x^2$ :red[red] :material/home: # head",
    "bare http://evil.example/path and https://evil.example",
    "www.evil.example and WWW.Evil.Example",
    "write to me@evil.example or mailto:you@evil.example",
    "line one\nline two\t<br>",
    "![pic](http://evil.example/x.png)",
    "<https://evil.example>",
]
# Markdown a text may still hold after escaping: an unescaped special character, or something GFM auto-links.
UNESCAPED = re.compile(r"(?<!\\)[*_`\[\]()<>$:~#!]")
AUTOLINKABLE = re.compile(r"https?://|www\.|[\w.+-]@[\w-]", re.I)


def _raw_html_uses() -> list[tuple[str, str]]:
    uses = []
    for path in APP_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if RAW_HTML.search(line):
                uses.append((str(path.relative_to(ROOT)), line.strip()))
    return uses


def test_app_files_are_found():
    names = {p.name for p in APP_FILES}
    assert {"dashboard.py", "ui.py", "charts.py", "8_upload.py"} <= names


def test_no_raw_html_outside_the_allow_list():
    assert set(_raw_html_uses()) <= ALLOWED_RAW_HTML, _raw_html_uses()


@pytest.mark.parametrize("line", [
    'st.markdown(title, unsafe_allow_html=True)',
    'st.html(f"<b>{name}</b>")',
    'components.html(page)',
    'st.components.v1.html("<p>x</p>")',
])
def test_the_raw_html_pattern_catches_each_form(line):
    """The scan above is only as good as its pattern: every way in must match."""
    assert RAW_HTML.search(line)


def _unescape(shown: str) -> str:
    return re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escape", [ui.escape_md, escape_markdown], ids=["ui.escape_md", "filters.escape_markdown"])
def test_escaped_text_holds_no_markup_and_no_link(escape, text):
    shown = escape(text)
    assert not UNESCAPED.search(shown), shown
    assert not AUTOLINKABLE.search(shown.replace("\\", "")), shown
    assert "\n" not in shown
    assert _unescape(shown) == " ".join(text.split())  # nothing dropped: the reader sees the text as written


def _displayed(trace) -> list[str]:
    """Every string of ``trace`` a reader sees: labels, categories, text, and the customdata columns its hover
    template shows (other customdata columns are ids read back by clicks)."""
    values = []
    for name in ("x", "y", "text", "labels", "name"):
        value = getattr(trace, name, None)
        values += [value] if isinstance(value, str) else list(value) if value is not None else []
    template = getattr(trace, "hovertemplate", None) or ""
    custom = getattr(trace, "customdata", None)
    if custom is not None and len(custom):
        custom = np.asarray(custom, dtype=object)
        for index in {int(i) for i in re.findall(r"%\{customdata\[(\d+)\]", template)}:
            values += list(custom[:, index])
        if "%{customdata}" in template or "%{customdata:" in template:
            values += list(custom.ravel())
    return [v for v in values if isinstance(v, str)]


def _hostile_figures() -> dict[str, tuple]:
    """Figure, and the raw names clicks must still read back, for every chart that draws free text."""
    names = HOSTILE[:4]
    orgs = pd.DataFrame({"sector": ["culture", "health", "culture", "health"], "organization": names,
                         "events": [4, 3, 2, 1]})
    nodes = pd.DataFrame({"id": [*names, "FRA"], "kind": ["organization"] * 4 + ["country"], "events": [5, 4, 3, 2, 9],
                          "name": [*names, "France"]})
    edges = pd.DataFrame({"source": names, "target": ["FRA"] * 4, "weight": [1, 2, 3, 4]})
    cities = pd.DataFrame({"host_city": names, "host_iso3": ["FRA"] * 4, "lat": [48.8, 45.7, 43.3, 44.8],
                           "lon": [2.3, 4.8, 5.4, -0.6], "events": [4, 3, 2, 1]})
    sources = pd.DataFrame({"source": [f"bulletins/{n}.txt" for n in names], "events": [1, 2, 3, 4]})
    return {
        "top_orgs_bar": (charts.top_orgs_bar(orgs), set(names)),
        "network_figure": (charts.network_figure(nodes, edges), set(names)),
        "city_bubbles": (charts.city_bubbles(cities), {"FRA"}),
        "count_bar": (charts.count_bar(sources, "source", "events", "T", "Events", "Source"), set()),
    }


@pytest.mark.parametrize("name", sorted(_hostile_figures()))
def test_charts_escape_free_text_but_clicks_read_raw_names(name):
    fig, clicked = _hostile_figures()[name]
    shown = [v for trace in fig.data for v in _displayed(trace)]
    assert shown, "the figure shows no text at all"
    assert not [v for v in shown if "<" in v or ">" in v], shown
    assert any("&lt;" in v for v in shown), shown  # the names are there, escaped, not dropped
    ids = {str(v) for trace in fig.data if trace.customdata is not None
           for v in np.asarray(trace.customdata, dtype=object).reshape(len(trace.customdata), -1)[:, 0]}
    assert clicked <= ids


@pytest.mark.parametrize("text", HOSTILE)
def test_plot_text_round_trips(text):
    """plotly decodes exactly these three entities, so the reader sees the text unchanged."""
    shown = charts.plot_text(text)
    assert "<" not in shown and ">" not in shown
    assert shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
