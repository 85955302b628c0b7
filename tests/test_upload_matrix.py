"""The bad-input matrix (tests/matrix_cases.py) through the Upload page: never an exception, never a hang, never a
lost valid row, read = accepted + rejected for every file, and every problem shown as an error naming the file,
the place and the reason.

Each light case is uploaded with Streamlit's AppTest into pages/8_upload.py and read with its "Read the files"
button; the test then checks what the page shows (the files table, the error boxes, the progress notes) and what
it kept (the session's upload store) against the same expectations as the CLI matrix in
tests/test_reliability_matrix.py.  Where the page must differ from the CLI, it is on purpose:

* a file whose extension the uploader does not accept (``.docx``, ``.csv.gz``) never reaches the server: the
  browser refuses it (the browser test below shows the message).  For those cases the test checks that the
  uploader declares the refusal and that the reader still ends cleanly if one got through;
* the page recognises a second upload of the same bytes before reading it ("already read"), so the copy is a
  note, not a "duplicate file" reject;
* a missing file cannot be uploaded; the heavy cases are left to the CLI matrix.

The browser test drives Debian's Chromium through the real uploader for what AppTest cannot see: the size limit
from .streamlit/config.toml, an unsupported extension, the same file twice, an error, a partial file and a file
whose name is an HTML/markdown payload.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import ui
from app.filters import WORD_JOINER
from tests.matrix_cases import BY_NAME, CASES, Case, inputs
from tests.test_reliability_matrix import LOCATION, comparable, deadline

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard.py"
UPLOAD_PAGE = "pages/8_upload.py"
MAX_UPLOAD_MB = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
TMP_MARK = "exchange-atlas-upload-"  # the private directory's prefix: it must never reach the user
NOT_UPLOADABLE = {"missing_file": "a file that does not exist cannot be uploaded"}
LIGHT = [c for c in CASES if not c.heavy and c.name not in NOT_UPLOADABLE]


def accepted_by_uploader(name: str) -> bool:
    """What ``st.file_uploader(type=ui.UPLOAD_TYPES)`` lets through: the last extension decides."""
    return "." in name and name.rsplit(".", 1)[1].lower() in ui.UPLOAD_TYPES


def limit_bytes(case: Case, monkeypatch) -> None:
    """Apply the case's environment as a fresh process would see it.

    ``etl.io`` reads ``EXCHANGE_ATLAS_MAX_BYTES`` once, at import, into its readers' default limit (the CLI
    matrix sets it for a subprocess); the page runs in this process, so the same limit goes into those defaults.
    """
    from etl import io

    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    if "EXCHANGE_ATLAS_MAX_BYTES" in case.env:
        limit = int(case.env["EXCHANGE_ATLAS_MAX_BYTES"])
        # Fail loudly, not silently unpatched, if the readers stop taking the limit as their one default.
        assert io.read_bytes.__defaults__ == io.read_text.__defaults__ == (io.MAX_BYTES,)
        monkeypatch.setattr(io.read_bytes, "__defaults__", (limit,))
        monkeypatch.setattr(io.read_text, "__defaults__", (limit,))


def uploads(case: Case, directory: Path) -> list[tuple[str, bytes, str]]:
    """The case's files as the uploader hands them over: (name, bytes, MIME type)."""
    return [(p.name, p.read_bytes(), "application/octet-stream") for p in inputs(case, directory)]


def shown(markdown: str) -> str:
    """Markdown source as the reader sees it: escapes undone, the invisible word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


# ---------------------------------------------------------------- the page, through AppTest


def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(str(e.value) for e in at.exception)


def upload_page(timeout: int) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=timeout).run()
    at.switch_page(UPLOAD_PAGE).run()
    no_exception(at)
    return at


def read_on_page(files: list[tuple[str, bytes, str]], timeout: int) -> AppTest:
    """Upload ``files`` and press "Read the files"; every run is bounded by ``timeout``."""
    at = upload_page(timeout)
    at.file_uploader(key="upload_files").set_value(files).run()
    no_exception(at)
    at.button(key="upload_read").click().run()
    no_exception(at)
    return at


def files_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "accepted" in d.value.columns)


def progress_notes(at: AppTest) -> list[str]:
    return [shown(p.proto.text) for p in at.get("progress")]


# ---------------------------------------------------------------- expectations shared with the CLI matrix


def check_error(case: Case, results: list[ui.UploadResult]) -> None:
    """One unusable file: no events, and a message giving the location and the reason (the page puts the file's
    name in front: see ``check_page``)."""
    assert len(results) == 1
    result = results[0]
    location = rf"(?:{case.location}): " if case.location else ""
    assert result.error and re.match(rf"{location}.*?(?:{case.reason})", result.error), result.error
    assert result.accepted == 0 and (result.events is None or result.events.empty)
    assert TMP_MARK not in result.error


def check_partial(case: Case, results: list[ui.UploadResult], names: set[str]) -> pd.DataFrame:
    """Exactly the expected events and rejects, each file balanced; returns the events."""
    assert all(r.error is None for r in results), [r.error for r in results]
    events = pd.concat([r.events for r in results], ignore_index=True)
    rejects = pd.concat([r.rejects for r in results], ignore_index=True)
    if case.events is not None:
        assert len(events) == case.events
    # The page skips a repeated upload before reading it, so a copy is never a "duplicate file" reject here.
    expected = {reason: n for reason, n in case.rejects.items() if reason != "duplicate file"}
    assert dict(Counter(rejects["reason"])) == expected, rejects.to_string()
    for location, reason in case.reject_rows.items():
        assert list(rejects.loc[rejects["location"] == location, "reason"]) == [reason], rejects.to_string()
    assert rejects["location"].str.match(LOCATION).all(), rejects["location"].tolist()
    # Sources are the names the user gave, never the private temporary path.
    assert set(events["source"]) <= names and set(rejects["source"]) <= names
    assert all(list(s) == [src] for s, src in zip(events["sources"], events["source"], strict=True))
    assert not rejects["detail"].fillna("").str.contains(TMP_MARK).any()
    assert events["event_id"].is_unique
    for r in results:
        if r.rows_read is not None:
            assert r.rows_read == r.accepted + r.rejected, (r.name, r.rows_read, r.accepted, r.rejected)
    if case.read is not None:
        assert sum(r.rows_read or 0 for r in results) == case.read
    if case.check is not None and "duplicate file" not in case.rejects:
        case.check(events, rejects)
    if case.same_as:
        reference = read_directly(BY_NAME[case.same_as])
        expected_events = pd.concat([r.events for r in reference], ignore_index=True)
        pd.testing.assert_frame_equal(comparable(events), comparable(expected_events))
    return events


def read_directly(case: Case) -> list[ui.UploadResult]:
    """The case read file by file as the page reads it (``ui.read_upload``), repeated bytes read once."""
    import tempfile

    results: dict[str, ui.UploadResult] = {}
    with tempfile.TemporaryDirectory(prefix=TMP_MARK) as tmp:
        for name, payload, _ in uploads(case, Path(tmp) / "in"):
            digest = ui.content_hash(payload)
            if digest not in results:
                results[digest] = ui.read_upload(name, payload, "CHN", Path(tmp))
    return list(results.values())


# ---------------------------------------------------------------- the matrix


def check_page(case: Case, at: AppTest, files: list[tuple[str, bytes, str]]) -> None:
    results = list(at.session_state[ui.UPLOAD_STORE].values())  # what the page kept, in upload order
    names = [name for name, _, _ in files]
    table = files_table(at)
    # read = accepted + rejected on every line the user sees, and one line per distinct content.
    assert (table["read"] == table["accepted"] + table["rejected"]).all(), table.to_string()
    assert list(table["file"]) == [r.name for r in results]
    distinct = len({ui.content_hash(payload) for _, payload, _ in files})
    assert len(results) == distinct
    assert sum("already read" in note for note in progress_notes(at)) == len(files) - distinct
    errors = [shown(e.value) for e in at.error]
    if case.expect == "error":
        check_error(case, results)
        assert errors == [f"{names[0]}: {results[0].error}"]  # the file, then where and why, once each
        return
    assert errors == []
    check_partial(case, results, set(names))


@pytest.mark.parametrize("case", LIGHT, ids=lambda c: c.name)
def test_upload_matrix(case: Case, tmp_path, monkeypatch, dash_env):
    limit_bytes(case, monkeypatch)
    files = uploads(case, tmp_path)
    refused = [name for name, _, _ in files if not accepted_by_uploader(name)]
    with deadline(3 * case.timeout):
        if refused:
            # The uploader declares its types to the browser, which refuses these files before any upload; if
            # one got through anyway, the reader still ends with the case's clear outcome.
            at = upload_page(case.timeout)
            allowed = at.file_uploader(key="upload_files").allowed_type
            assert not any(name.lower().endswith(tuple(allowed)) for name in refused), allowed
            results = read_directly(case)
            if case.expect == "error":
                check_error(case, results)
            else:
                check_partial(case, results, {name for name, _, _ in files})
            return
        at = read_on_page(files, case.timeout)
        check_page(case, at, files)


def test_every_light_case_reaches_the_page_or_is_refused_with_a_reason():
    """At least 40 cases run through the upload path; the rest are named with why they cannot be uploaded."""
    assert len(LIGHT) >= 40
    assert {c.name for c in CASES} - {c.name for c in LIGHT} == {c.name for c in CASES if c.heavy} | set(NOT_UPLOADABLE)


def test_size_limit_from_config_is_shown(dash_env):
    at = upload_page(90)
    text = " ".join(m.value for m in at.markdown)
    assert f"Up to {MAX_UPLOAD_MB} MB per file" in text
    assert at.file_uploader(key="upload_files").label == f"Files (up to {MAX_UPLOAD_MB} MB each)"


# ---------------------------------------------------------------- the real uploader, in Chromium

HOSTILE_NAME = "<img src=x onerror=alert(1)> [x](http://evil.example).json"


def _case_files(name: str) -> Callable[[Path], list]:
    return lambda directory: inputs(BY_NAME[name], directory)


def _hostile_named(directory: Path) -> list[dict]:
    payload = inputs(BY_NAME["json_invalid"], directory)[0].read_bytes()
    return [{"name": HOSTILE_NAME, "mimeType": "application/json", "buffer": payload}]


def _over_the_limit(directory: Path) -> list[Path]:
    path = directory / "too_big.csv"
    with open(path, "wb") as fh:
        fh.truncate(MAX_UPLOAD_MB * 1024 * 1024 + 1)  # sparse: one byte over, written instantly
    return [path]


def _files_row(page, name: str) -> list[str]:
    """The cells of ``name``'s line in the "Files read" table, read from the grid's accessible table (filled a
    moment after the canvas is drawn)."""
    row = page.locator('[data-testid="stDataFrame"] tr', has=page.locator("td", has_text=name)).first
    row.wait_for(state="attached")
    return [t.strip() for t in row.locator("td").all_text_contents()]


def _balanced(name: str, read: int, accepted: int, rejected: int) -> Callable:
    def check(page) -> None:
        cells = _files_row(page, name)
        assert cells[:4] == [name, str(read), str(accepted), str(rejected)], cells
        assert read == accepted + rejected

    return check


@dataclass(frozen=True)
class Scenario:
    """Files handed to the real uploader, and what the page must say afterwards."""

    name: str
    files: Callable[[Path], list]  # what set_input_files gets: paths, or name/mimeType/buffer dicts
    press_read: bool  # False when the uploader itself refuses every file (the button stays disabled)
    expect: tuple[str, ...]  # regular expressions the page's text must match
    check: Callable | None = None


SCENARIOS = [
    Scenario("error", _case_files("json_invalid"), True, (r"broken\.json: line 1 column \d+: invalid JSON",)),
    Scenario("partial", _case_files("ragged_rows"), True, (r"Files read",), _balanced("ragged.csv", 4, 2, 2)),
    Scenario("unsupported_extension", _case_files("unsupported_extension"), False, (r"notes\.docx", r"not allowed")),
    Scenario("over_the_limit", _over_the_limit, False,
             (r"too_big\.csv", rf"File must be {MAX_UPLOAD_MB}(?:\.0)? ?MB or smaller")),
    Scenario("same_file_twice", _case_files("same_file_twice"), True,
             (r"twice\.csv: done", r"twice\.csv: already read \(same content as twice\.csv\)"),
             _balanced("twice.csv", 3, 3, 0)),
    Scenario("hostile_file_name", _hostile_named, True, (re.escape(f"{HOSTILE_NAME}: line 1 column"),)),
]


@pytest.fixture(scope="module")
def upload_server(dash_dataset_path, tmp_path_factory):
    from tests.browser_support import dashboard_server

    with dashboard_server(dash_dataset_path, tmp_path_factory.mktemp("upload-server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from tests.browser_support import chromium

    with chromium() as b:
        yield b


def _main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text().replace(WORD_JOINER, "")


def _wait_for_text(page, patterns: tuple[str, ...], timeout_ms: int = 30_000) -> str:
    """The main area's text once every pattern matches it (or the timeout passed): messages appear after the
    upload and the rerun it triggers."""
    for _ in range(timeout_ms // 500):
        text = _main_text(page)
        if all(re.search(p, text) for p in patterns):
            break
        page.wait_for_timeout(500)
    return text


@pytest.mark.browser
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_uploads_in_the_browser(upload_server, browser, scenario, tmp_path):
    from tests.browser_support import exceptions, offline_context, open_page, screenshot, wait_idle

    with offline_context(browser) as (context, offline, dialogs):
        page = open_page(context, upload_server, "upload", "Upload")
        assert f"Up to {MAX_UPLOAD_MB} MB per file" in _main_text(page)  # the limit is stated before any upload
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(scenario.files(tmp_path))
        read = page.locator(".st-key-upload_read button")
        if scenario.press_read:
            page.wait_for_selector(".st-key-upload_read button:not([disabled])")  # every file is on the server
            read.click()
            wait_idle(page)
            page.wait_for_selector('h3:has-text("Files read")')
        text = _wait_for_text(page, scenario.expect)
        if not scenario.press_read:
            assert read.is_disabled()  # nothing reached the server, so there is nothing to read
        for pattern in scenario.expect:
            assert re.search(pattern, text), f"{pattern!r} not shown:\n{text}"
        if scenario.check is not None:
            scenario.check(page)
        assert exceptions(page) == [] and "Traceback" not in text
        assert dialogs.opened == [] and offline.blocked == []
        screenshot(page, f"upload_{scenario.name}")
