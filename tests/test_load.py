"""The load test (``make load``, bench/load_test.py) in its short CI form: 5 browser contexts x 5 changes.

Only correctness is asserted: no errors (no exception, page error, timeout or request to another host) and every
change timed.  Speed and memory are judged by ``make load`` on the full 20 x 10 run, not here.
"""

from __future__ import annotations

import time

import pytest

from bench import load_test
from bench.browser import missing_browser

pytestmark = pytest.mark.browser

CONTEXTS, CHANGES = 5, 5
BOUND_S = 480  # the run's own time bound (server start included); past it the changes left count as errors


def test_concurrent_contexts_change_filters_without_errors(dash_dataset_path, tmp_path):
    why = missing_browser()
    if why:
        pytest.skip(why)
    t0 = time.monotonic()
    result = load_test.run(dash_dataset_path, contexts=CONTEXTS, changes=CHANGES, timeout_s=BOUND_S,
                           log=tmp_path / "streamlit.log")
    elapsed = time.monotonic() - t0
    print("\n" + load_test.table(result))

    assert result.errors == []
    assert result.error_count == 0 and not result.timed_out
    assert len(result.times) == len(result.idle_times) == CONTEXTS * CHANGES
    figures = result.figures()
    assert 0 < figures["p50_s"] <= figures["p95_s"] <= figures["max_s"]
    assert all(0 < t < load_test.CHANGE_TIMEOUT_S for t in result.times)
    # Every kind of change was made at least once (the users start at different steps of the rotation).
    assert set(result.kinds) >= {"page switch", "sector", "type", "country", "text", "region", "territory"}
    assert result.rss_warm > 0 and result.rss_after > 0 and result.rss_peak >= result.rss_after
    assert len(result.open_times) == CONTEXTS
    # The bound holds (a little slack for stopping the server and the browser after it).
    assert elapsed < BOUND_S + 60
