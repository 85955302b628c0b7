"""Dashboard benchmarks (issues 3 + 5): query layer vs plain pandas, app cold start, memory, map figure size.

    python bench/app_bench.py [--json PATH] [--runs N] [--sizes 100k 1m 10m] [--no-browser]

1. Chart data of one filter change.  Synthetic events at 100k, 1M and 10M rows (``python -m etl.synth``, written
   once to ``bench/out/synth_*`` and reused) are opened with ``app.data.open_parquet``.  A run applies one filter
   change - a sector plus a region, a different pair each run, with ``app.data.clear_cache()`` before it, so
   neither the result cache nor the engine's filtered selection can answer it - and computes every chart's data
   of the pages: headline, by_country, by_city, flows, timeline (month x sector), precision_mix,
   country_periods (year), sector_type, sector_region, top_organizations, network and rows(limit=1000).
   Baseline: the same aggregates in plain pandas over the same rows held in memory (pandas 3 with Arrow-backed
   columns - the fastest plain-pandas layout; list cells as ``ArrowDtype`` lists), the same filters, checked to
   give the same answers.  Targets: <= 250 ms at 1M, <= 1 s and >= 5x the baseline at 10M.  From 200k rows the
   app keeps integer-coded copies of the filter and chart columns in memory (``app.hot``), built in the
   background on the first costly filter; the bench builds them before the timed runs and reports their one-off
   build time and size (like the baseline's load time, not counted).
2. Cold start of the app process at 10M: ``streamlit run dashboard.py`` with ``EXCHANGE_ATLAS_DATA`` set, on a
   free port bound to 127.0.0.1, fetched by headless Debian Chromium (Playwright) until the Overview's first
   chart is drawn.  Target <= 5 s.  Peak RSS of the app process (psutil, polled every 50 ms) over the cold starts
   and one visit of every page: target <= 3 GB.
3. Cold load in Chromium with the bundled data (no ``EXCHANGE_ATLAS_DATA``): a fresh browser context (empty
   cache, new session) until the Overview's first chart is drawn, server already up.  Target <= 3 s.
4. The map figure's JSON size (``app.charts``) at 10M, no filters: the Map page's combined map, the Overview's
   choropleth and the animated map.  Target <= 1.5 MB.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts the project root on sys.path)
from common import OUT, PY, ROOT, RUNS, Record, Report, TreeWatch, banner, fmt_s, should_stop  # noqa: E402

from bench.browser import CHART, CHROMIUM, Offline, launch_chromium  # noqa: E402
from bench.browser import Server as BaseServer  # noqa: E402

SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
TARGET_S = {"1m": 0.25, "10m": 1.0}
TARGET_RATIO_10M = 5.0
# One filter change per run: a sector plus a region, a different pair each time (cold caches by construction).
FILTER_PAIRS = [("health", "continent:Africa"), ("education", "continent:Asia"), ("culture", "continent:Europe"),
                ("economy", "continent:South America"), ("science", "continent:North America"),
                ("environment", "continent:Oceania"), ("youth", "continent:Asia"), ("women", "continent:Africa")]
WARMUP_PAIR = ("tourism", "continent:Europe")
# Seconds of app.data + pandas runs per size after which no further run starts (at least one always runs).
QUERY_BUDGET_S = {"100k": 20.0, "1m": 45.0, "10m": 90.0}
FIRST_CHART = CHART
COLD_START_BUDGET_S = 120.0
BUNDLED_BUDGET_S = 40.0
PAGES = ("", "map", "timeline", "sectors", "network", "data", "sources", "upload")


# ====================================================================== data


def dataset_dir(size: str) -> Path:
    """``bench/out/synth_<size>``, generated once with ``python -m etl.synth``."""
    out = OUT / f"synth_{size}"
    if not (out / "events.manifest.json").exists():
        raw = "1000000" if size == "1m" else "0"  # the 1M set also gives the ETL benchmark its raw.csv
        print(f"generating {SIZES[size]:,} synthetic events into {out} (once) ...", flush=True)
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "etl.synth", "--events", str(SIZES[size]), "--out", str(out), "--raw-rows", raw],
                       cwd=ROOT, check=True)
        print(f"  generated in {time.perf_counter() - t0:.0f} s")
    return out


def filters_for(pair):
    from app.filters import Filters

    return Filters(sectors=(pair[0],), regions=(pair[1],))


# ====================================================================== the query layer


def app_charts(ds, f) -> dict:
    """Every chart's data of the pages for one filter state, through app.data (what the pages call)."""
    from app import data

    out, times = {}, {}
    calls = {
        "headline": lambda: data.headline(ds, f),
        "by_country": lambda: data.by_country(ds, f),
        "by_city": lambda: data.by_city(ds, f),
        "flows": lambda: data.flows(ds, f),
        "timeline": lambda: data.timeline(ds, f, freq="month", stack="sector"),
        "precision_mix": lambda: data.precision_mix(ds, f),
        "country_periods": lambda: data.country_periods(ds, f, freq="year"),
        "sector_type": lambda: data.sector_type(ds, f),
        "sector_region": lambda: data.sector_region(ds, f),
        "top_organizations": lambda: data.top_organizations(ds, f, n=10),
        "network": lambda: data.network(ds, f, max_nodes=60),
        "rows": lambda: data.rows(ds, f, limit=1000),
    }
    for name, call in calls.items():
        t0 = time.perf_counter()
        out[name] = call()
        times[name] = time.perf_counter() - t0
    return out, times


# ====================================================================== the pandas baseline


def load_pandas(source: Path):
    """The event table in memory: pandas with Arrow-backed columns (``ArrowDtype``), dates as datetime64[s].

    The rows are read from the Parquet set once and cached beside it as an uncompressed Arrow IPC file
    (``pandas.arrow``), which later runs map into memory in a second instead of decompressing Parquet again.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.dataset as pads

    from etl.schema import COLUMN_NAMES

    cache = source / "pandas.arrow"
    manifest = source / "events.manifest.json"
    if not cache.exists() or cache.stat().st_mtime < manifest.stat().st_mtime:
        path = source / "events.parquet" if (source / "events.parquet").exists() else source / "events"
        table = pads.dataset(str(path), format="parquet", partitioning="hive").to_table(columns=list(COLUMN_NAMES))
        for col in ("start_date", "end_date"):
            table = table.set_column(table.schema.get_field_index(col), col, table[col].cast(pa.timestamp("s")))
        tmp = cache.with_suffix(".tmp")
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=1_000_000)
        tmp.replace(cache)
    with pa.memory_map(str(cache), "r") as source_file:
        table = pa.ipc.open_file(source_file).read_all()
    df = table.to_pandas(types_mapper=lambda t: None if pa.types.is_timestamp(t) else pd.ArrowDtype(t))
    # Touch every column once so that the timed runs read memory, not the disk.
    df.memory_usage(deep=True)
    return df


def _list_any(s, values):
    """Rows whose list cell holds any of ``values``: explode, ``isin``, then any per row (by exploded position)."""
    import numpy as np

    ex = s.explode()
    hit = ex.isin(list(values)).fillna(False).to_numpy(dtype=bool)
    return np.bincount(ex.index.to_numpy()[hit], minlength=len(s)) > 0


def pandas_filter(df, f):
    import numpy as np

    from app import regions

    mask = np.ones(len(df), dtype=bool)
    if f.sectors:
        mask &= _list_any(df["sectors"], f.sectors)
    if f.regions:
        codes, groups = regions.expand(f.regions)
        region = _list_any(df["countries"], codes) | df["host_iso3"].isin(list(codes)).fillna(False).to_numpy(bool)
        if groups:
            region |= _list_any(df["groups"], groups)
        mask &= region
    return df[mask]


def pandas_charts(df, f, continent: dict, names: dict) -> tuple[dict, dict]:
    """The same chart data as :func:`app_charts`, in plain pandas."""
    import numpy as np
    import pandas as pd

    from app import data

    times, out = {}, {}
    t0 = time.perf_counter()
    sub = pandas_filter(df, f).reset_index(drop=True)
    times["filter"] = time.perf_counter() - t0

    def timed(name, fn):
        t = time.perf_counter()
        out[name] = fn()
        times[name] = time.perf_counter() - t

    def headline():
        return {"events": len(sub), "countries": int(sub["countries"].explode().nunique()),
                "organizations": int(sub["organizations"].explode().nunique()),
                "first": sub["start_date"].min(), "last": sub["end_date"].max(),
                "participants": int(sub["participants"].sum())}

    def by_country():
        pairs = sub[["countries", "sector"]].explode("countries").dropna(subset=["countries"])
        g = pairs.groupby(["countries", "sector"], observed=True).size().reset_index(name="n")
        value = g.groupby("countries", observed=True)["n"].sum()
        top = (g.sort_values(["countries", "n", "sector"], ascending=[True, False, True])
               .groupby("countries", observed=True).head(3)
               .groupby("countries", observed=True, sort=False)["sector"].agg(", ".join))
        res = pd.DataFrame({"iso3": value.index.astype(object), "value": value.to_numpy()})
        res["name"] = res["iso3"].map(names).fillna(res["iso3"])
        res["top_sectors"] = res["iso3"].map(top)
        return res.sort_values(["value", "iso3"], ascending=[False, True]).reset_index(drop=True)

    def by_city():
        ok = sub["host_city"].notna() & sub["lat"].notna() & sub["lon"].notna()
        g = sub[ok].groupby(["host_city", "host_iso3"], observed=True).agg(
            lat=("lat", "mean"), lon=("lon", "mean"), events=("lat", "size")).reset_index()
        g[["lat", "lon"]] = g[["lat", "lon"]].round(6)
        return g.sort_values(["events", "host_city", "host_iso3"], ascending=[False, True, True]).reset_index(drop=True)

    def flows():
        pairs = sub[["home_iso3", "countries"]].explode("countries")
        pairs = pairs[pairs["countries"].notna() & (pairs["countries"] != pairs["home_iso3"]).fillna(False)]
        g = pairs.groupby(["home_iso3", "countries"], observed=True).size().reset_index(name="events")
        return g.sort_values(["events", "home_iso3", "countries"], ascending=[False, True, True]).reset_index(drop=True)

    def timeline():
        period = sub["start_date"].dt.to_period("M").dt.to_timestamp()
        g = sub.assign(period=period).groupby(["period", "sector"], observed=True).size().reset_index(name="events")
        return g.sort_values(["period", "sector"]).reset_index(drop=True)

    def precision_mix():
        vc = sub["date_precision"].value_counts()
        return [(k, int(vc[k])) for k in ("day", "month", "year") if k in vc.index]

    def country_periods():
        pairs = sub[["start_date", "countries"]].explode("countries").dropna(subset=["countries"])
        pairs["period"] = pairs["start_date"].dt.to_period("Y").dt.to_timestamp()
        g = pairs.groupby(["period", "countries"], observed=True).size().reset_index(name="events")
        return g.sort_values(["period", "countries"]).reset_index(drop=True)

    def sector_type():
        g = sub.groupby(["sector", "event_type"], observed=True).size().reset_index(name="events")
        return g.sort_values(["events", "sector", "event_type"], ascending=[False, True, True]).reset_index(drop=True)

    def sector_region():
        host_c = sub["host_iso3"].map(continent)
        first_c = sub["countries"].list[0].map(continent) if len(sub) else host_c
        region = host_c.fillna(first_c).fillna(data.UNKNOWN_REGION).astype(object)
        home = (sub["host_iso3"] == sub["home_iso3"]).fillna(False).to_numpy(bool)
        region = np.where(home, data.HOME_REGION, region)
        g = sub.assign(region=region).groupby(["sector", "region"], observed=True).size().reset_index(name="events")
        return g.sort_values(["events", "sector", "region"], ascending=[False, True, True]).reset_index(drop=True)

    def top_organizations(n=10):
        pairs = sub[["organizations", "sector"]].explode("organizations").dropna(subset=["organizations"])
        per = pairs.groupby(["organizations", "sector"], observed=True).size().reset_index(name="events")
        totals = per.groupby("organizations", observed=True)["events"].sum().reset_index(name="total")
        totals = totals.sort_values(["total", "organizations"], ascending=[False, True]).head(n)
        res = per.merge(totals, on="organizations")
        return res.sort_values(["total", "organizations", "events", "sector"],
                               ascending=[False, True, False, True]).reset_index(drop=True)

    def network(max_nodes=60):
        n_orgs, n_countries = (max_nodes + 1) // 2, max_nodes // 2
        orgs = sub["organizations"].explode().dropna().value_counts().reset_index()
        orgs.columns = ["id", "events"]
        orgs = orgs.sort_values(["events", "id"], ascending=[False, True]).head(n_orgs)
        ctry = sub["countries"].explode().dropna().value_counts().reset_index()
        ctry.columns = ["id", "events"]
        ctry = ctry.sort_values(["events", "id"], ascending=[False, True]).head(n_countries)
        o = sub[["organizations", "countries"]].explode("organizations")
        o = o[o["organizations"].isin(list(orgs["id"])).fillna(False)]
        e = o.explode("countries")
        e = e[e["countries"].isin(list(ctry["id"])).fillna(False)]
        edges = e.groupby(["organizations", "countries"], observed=True).size().reset_index(name="weight")
        edges = edges.sort_values(["weight", "organizations", "countries"], ascending=[False, True, True])
        return orgs, ctry, edges.reset_index(drop=True)

    def rows(limit=1000):
        return sub.sort_values(["start_date", "event_id"]).head(limit)

    for name, fn in (("headline", headline), ("by_country", by_country), ("by_city", by_city), ("flows", flows),
                     ("timeline", timeline), ("precision_mix", precision_mix), ("country_periods", country_periods),
                     ("sector_type", sector_type), ("sector_region", sector_region),
                     ("top_organizations", top_organizations), ("network", network), ("rows", rows)):
        timed(name, fn)
    return out, times


def compare(app_out: dict, pd_out: dict) -> list[str]:
    """Names of the aggregates where the pandas baseline and app.data disagree."""
    bad = []

    def same(name, a, b):
        if a != b:
            bad.append(name)

    h, ph = app_out["headline"], pd_out["headline"]
    same("headline", (h["events"], h["countries"], h["organizations"], h["participants"], str(h["first"])[:10],
                      str(h["last"])[:10]),
         (ph["events"], ph["countries"], ph["organizations"], ph["participants"], str(ph["first"])[:10],
          str(ph["last"])[:10]))

    def rows_of(df, cols):
        return [tuple(str(v) for v in r) for r in df[cols].itertuples(index=False)]

    a, b = app_out["by_country"], pd_out["by_country"]
    same("by_country", rows_of(a, ["iso3", "value", "top_sectors"]), rows_of(b, ["iso3", "value", "top_sectors"]))
    a, b = app_out["by_city"], pd_out["by_city"]
    same("by_city", rows_of(a, ["host_city", "host_iso3", "events"]), rows_of(b, ["host_city", "host_iso3", "events"]))
    a, b = app_out["flows"], pd_out["flows"].rename(columns={"countries": "iso3"})
    same("flows", rows_of(a, ["home_iso3", "iso3", "events"]), rows_of(b, ["home_iso3", "iso3", "events"]))
    a, b = app_out["timeline"], pd_out["timeline"].rename(columns={"sector": "key"})
    same("timeline", rows_of(a, ["period", "key", "events"]), rows_of(b, ["period", "key", "events"]))
    same("precision_mix", [tuple(r) for r in app_out["precision_mix"].itertuples(index=False)],
         pd_out["precision_mix"])
    a, b = app_out["country_periods"], pd_out["country_periods"].rename(columns={"countries": "iso3"})
    same("country_periods", rows_of(a, ["period", "iso3", "events"]), rows_of(b, ["period", "iso3", "events"]))
    same("sector_type", rows_of(app_out["sector_type"], ["sector", "event_type", "events"]),
         rows_of(pd_out["sector_type"], ["sector", "event_type", "events"]))
    same("sector_region", rows_of(app_out["sector_region"], ["sector", "region", "events"]),
         rows_of(pd_out["sector_region"], ["sector", "region", "events"]))
    a, b = app_out["top_organizations"], pd_out["top_organizations"].rename(columns={"organizations": "organization"})
    same("top_organizations", rows_of(a, ["sector", "organization", "events"]),
         rows_of(b, ["sector", "organization", "events"]))
    nodes, edges = app_out["network"]
    orgs, ctry, pedges = pd_out["network"]
    same("network", (rows_of(nodes, ["id", "events"]), rows_of(edges, ["source", "target", "weight"])),
         (rows_of(orgs, ["id", "events"]) + rows_of(ctry, ["id", "events"]),
          rows_of(pedges, ["organizations", "countries", "weight"])))
    same("rows", app_out["rows"]["event_id"].astype(str).tolist(), pd_out["rows"]["event_id"].astype(str).tolist())
    return bad


def queries(report: Report, runs: int, sizes: list[str]) -> dict:
    from app import data, regions

    table = regions.region_table()
    continent = {k: v for k, v in zip(table["iso3"], table["continent"], strict=True) if v != regions.UNKNOWN}
    names = regions.country_names()
    opened = {}
    for size in sizes:
        banner(f"chart data of one filter change at {size}: app.data (DuckDB) vs plain pandas")
        src = dataset_dir(size)
        t0 = time.perf_counter()
        ds = data.open_parquet(src)
        t_open = time.perf_counter() - t0
        opened[size] = (src, ds)
        print(f"open_parquet: {fmt_s(t_open)} ({ds.events:,} events)")
        hot_note = _wait_hot(ds)
        data.clear_cache()
        t0 = time.perf_counter()
        app_charts(ds, filters_for(WARMUP_PAIR))
        print(f"first filter after open (warm-up, not counted): {fmt_s(time.perf_counter() - t0)}")
        t0 = time.perf_counter()
        df = load_pandas(src)
        t_load = time.perf_counter() - t0
        print(f"pandas baseline: loaded {len(df):,} rows into memory in {t_load:.1f} s "
              f"({df.memory_usage(deep=True).sum() / 2**30:.2f} GiB; not counted)", flush=True)

        # Runs alternate app.data and pandas on the same filter, so a change in the machine's load hits both.
        walls, cpus, per_fn, pwalls, pd_fn, mismatches, spent = [], [], {}, [], {}, set(), 0.0
        budget = QUERY_BUDGET_S[size]
        for i, pair in enumerate((FILTER_PAIRS * 2)[:runs]):
            f = filters_for(pair)
            data.clear_cache()
            c0, w0 = time.process_time(), time.perf_counter()
            out, times = app_charts(ds, f)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
            for k, v in times.items():
                per_fn.setdefault(k, []).append(v)
            w0 = time.perf_counter()
            pout, ptimes = pandas_charts(df, f, continent, names)
            pwalls.append(time.perf_counter() - w0)
            for k, v in ptimes.items():
                pd_fn.setdefault(k, []).append(v)
            mismatches |= set(compare(out, pout))
            print(f"    run {i + 1}/{runs} {pair}: app.data {fmt_s(walls[-1])} wall ({fmt_s(cpus[-1])} CPU), pandas "
                  f"{fmt_s(pwalls[-1])}; {out['headline']['events']:,} events match", flush=True)
            spent += walls[-1] + pwalls[-1]
            if should_stop(i, runs, spent, budget, f"{size} runs"):
                break
        del df
        app_med, pd_med = statistics.median(walls), statistics.median(pwalls)
        slowest = sorted(((statistics.median(v), k) for k, v in per_fn.items()), reverse=True)[:4]
        print("    app.data slowest queries (median): " + ", ".join(f"{k} {fmt_s(v)}" for v, k in slowest))
        slowest = sorted(((statistics.median(v), k) for k, v in pd_fn.items()), reverse=True)[:4]
        print("    pandas slowest steps (median): " + ", ".join(f"{k} {fmt_s(v)}" for v, k in slowest))
        agree = "same answers on all 12 aggregates" if not mismatches else f"DIFFERENT answers: {sorted(mismatches)}"
        print(f"    baseline check: {agree}")
        ratio = pd_med / app_med
        target_txt = {"1m": "≤ 250 ms", "10m": f"≤ 1 s and ≥ {TARGET_RATIO_10M:.0f}× baseline"}.get(size, "—")
        met = None
        if size == "1m":
            met = app_med <= TARGET_S["1m"]
        elif size == "10m":
            met = app_med <= TARGET_S["10m"] and ratio >= TARGET_RATIO_10M
        first = sorted(((statistics.median(v), k) for k, v in per_fn.items()), reverse=True)[0]
        report.add(Record(
            f"Chart data of one filter change, {size} events (12 queries, cold cache)",
            f"{fmt_s(app_med)} wall (median of {len(walls)}; CPU {fmt_s(statistics.median(cpus))}, DuckDB threads "
            f"summed; slowest: {first[1]} {fmt_s(first[0])})",
            target_txt, f"plain pandas (in memory): {fmt_s(pd_med)}", f"{ratio:,.1f}×", met,
            note=f"{agree}; open_parquet {fmt_s(t_open)}; {hot_note}; pandas load {t_load:.1f} s not counted"))
    return opened


def _wait_hot(ds) -> str:
    """Build the dataset's in-memory coded columns (app.hot) before the timed runs, as a running app has them
    after its first costly filter; their one-off cost is reported, like the pandas baseline's load."""
    t0 = time.perf_counter()
    coded = ds.engine.wait_hot()
    if coded is None:
        why = ds.engine.hot_error or "below app.data.HOT_MIN_ROWS or above the memory cap"
        print(f"coded columns: none ({why})")
        return f"no coded columns ({why})"
    note = f"coded columns built once in {time.perf_counter() - t0:.1f} s ({coded.nbytes / 2**20:,.0f} MiB)"
    print(note)
    return note + ", not counted"


# ====================================================================== map figure size


def map_sizes(report: Report, opened: dict) -> None:
    banner("map figure JSON size (app.charts) at the largest size, no filters")
    from app import charts, data
    from app.filters import Filters

    size = "10m" if "10m" in opened else sorted(opened, key=lambda s: SIZES[s])[-1]
    _, ds = opened[size]
    f = Filters()
    by_country = data.by_country(ds, f)
    figs = {
        "Map page (combined_map: countries, cities, flows)": charts.combined_map(by_country, data.by_city(ds, f),
                                                                                 data.flows(ds, f)),
        "Overview choropleth": charts.choropleth(by_country, measure="events"),
        "Animated map (country_periods, year)": charts.animated_map(data.country_periods(ds, f, freq="year")),
    }
    for name, fig in figs.items():
        n = len(fig.to_json().encode("utf-8"))
        print(f"{name}: {n / 1e6:.3f} MB")
        report.add(Record(f"Map figure JSON, {name}, {size}", f"{n / 1e6:.3f} MB", "≤ 1.5 MB", "—", "—", n <= 1.5e6))


# ====================================================================== the app in a browser


class Server(BaseServer):
    """``bench.browser.Server``, started at once, whose process tree is watched (peak RSS, CPU) and killed if
    this benchmark is stopped."""

    def __init__(self, data_path: Path | None) -> None:
        super().__init__(data_path)
        self.log = OUT / f"streamlit-{self.port}.log"
        self.start()
        common._ACTIVE.add(self.proc.pid)  # killed if this benchmark is stopped
        self.watch = TreeWatch(self.proc.pid)
        self.watch.start()

    def stop(self) -> None:
        self.watch.stop()
        common._ACTIVE.discard(self.proc.pid)
        super().stop()
        self.log.unlink(missing_ok=True)


class AppError(RuntimeError):
    pass


def first_chart(browser, url: str, timeout_s: float = 120.0) -> float:
    """Open ``url`` in a fresh context; seconds until the first Plotly chart of the page is drawn."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(timeout_s * 1000)
    context.route("**/*", Offline().handle)  # offline: nothing but this machine is reachable
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        chart = page.locator(f'{FIRST_CHART}, [data-testid="stException"]').first
        chart.wait_for(state="visible")
        elapsed = time.perf_counter() - t0
        if page.locator('[data-testid="stException"]').count():
            raise AppError(page.locator('[data-testid="stException"]').first.inner_text()[:500])
        return elapsed
    finally:
        context.close()


def visit_pages(browser, url: str, timeout_s: float = 120.0) -> dict:
    """Open every page once (fresh context each), until its script has finished; seconds per page."""
    out = {}
    for path in PAGES:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        context.set_default_timeout(timeout_s * 1000)
        context.route("**/*", Offline().handle)
        page = context.new_page()
        try:
            t0 = time.perf_counter()
            page.goto(f"{url}/{path}", wait_until="commit")
            page.wait_for_selector('[data-testid="stApp"]')
            page.wait_for_selector("h1")
            page.wait_for_timeout(300)
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
            out[path or "overview"] = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - a page that fails is reported, the tour goes on
            out[path or "overview"] = f"failed: {type(exc).__name__}"
        finally:
            context.close()
    return out


def browser_benchmarks(report: Report, runs: int) -> None:
    banner("the app in Chromium: cold start at 10M, peak memory, cold load with the bundled data")
    why = None
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is missing (make chromium)"
    elif not (ROOT / "dashboard.py").exists() or not (ROOT / "app" / "state.py").exists():
        why = "the dashboard is not ready (dashboard.py or app/state.py missing)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = why or "the playwright package is not installed"
    if why:
        for name, target in (("App cold start to first chart, 10M", "≤ 5 s"), ("App peak RSS, 10M", "≤ 3 GB"),
                             ("Cold load in Chromium, bundled data", "≤ 3 s")):
            report.skip(name, why, target)
        return
    ten = dataset_dir("10m")
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            _cold_start(report, chromium, ten, runs)
            _bundled(report, chromium, runs)
        finally:
            chromium.close()


def _cold_start(report: Report, browser, ten: Path, runs: int) -> None:
    starts, healthy, peaks, spent, tour, tour_peak = [], [], [], 0.0, None, 0
    try:
        for i in range(runs):
            server = Server(ten)
            try:
                up = server.wait_healthy()
                elapsed = first_chart(browser, server.url)
                total = time.perf_counter() - server.t0
                starts.append(total)
                healthy.append(up)
                peaks.append(server.watch.peak)
                print(f"    cold start run {i + 1}/{runs}: first chart {total:.2f} s after launch (server healthy at "
                      f"{up:.2f} s, page {elapsed:.2f} s), RSS so far {server.watch.peak / 2**30:.2f} GiB", flush=True)
                if i == 0:
                    tour = visit_pages(browser, server.url)
                    tour_peak = server.watch.peak
                    print("    every page once: " + ", ".join(
                        f"{k} {v:.1f} s" if isinstance(v, float) else f"{k} {v}" for k, v in tour.items()))
                    print(f"    peak RSS after visiting every page: {tour_peak / 2**30:.2f} GiB")
            finally:
                server.stop()
            spent += starts[-1]
            if should_stop(i, runs, spent, COLD_START_BUDGET_S, "cold starts"):
                break
    except AppError as exc:
        report.skip("App cold start to first chart, 10M", f"the app shows an exception: {exc}", "≤ 5 s")
        return
    med = statistics.median(starts)
    report.add(Record("App cold start to first chart (Overview), 10M events",
                      f"{med:.2f} s (median of {len(starts)}; server healthy after {statistics.median(healthy):.2f} s)",
                      "≤ 5 s", "—", f"{5 / med:.2f}× of target", med <= 5.0))
    peak = max([tour_peak, *peaks])
    failed = [k for k, v in (tour or {}).items() if not isinstance(v, float)]
    report.add(Record("App process peak RSS, 10M events",
                      f"{peak / 2**30:.2f} GiB (cold start: {statistics.median(peaks) / 2**30:.2f} GiB; "
                      f"after every page once: {tour_peak / 2**30:.2f} GiB)",
                      "≤ 3 GB", "—", "—", peak <= 3e9,
                      note=("pages failed: " + ", ".join(failed)) if failed else "every page rendered"))


def _bundled(report: Report, browser, runs: int) -> None:
    built = (ROOT / "data" / "build" / "sample.parquet").exists()
    server = Server(None)
    try:
        up = server.wait_healthy()
        first = first_chart(browser, server.url)
        loads = []
        for i in range(runs):
            loads.append(first_chart(browser, server.url))
            print(f"    bundled data, fresh context {i + 1}/{runs}: first chart after {loads[-1]:.2f} s", flush=True)
            if should_stop(i, runs, sum(loads), BUNDLED_BUDGET_S, "bundled loads"):
                break
    except AppError as exc:
        report.skip("Cold load in Chromium, bundled data", f"the app shows an exception: {exc}", "≤ 3 s")
        return
    finally:
        server.stop()
    med = statistics.median(loads)
    how = "data/build/sample.parquet" if built else "sample built in-process from data/sample (no data/build)"
    report.add(Record("Cold load in Chromium, bundled data (fresh context to first chart)",
                      f"{med:.2f} s (median of {len(loads)}); first session after server start: {first:.2f} s",
                      "≤ 3 s", "—", f"{3 / med:.2f}× of target", med <= 3.0,
                      note=f"{how}; server healthy {up:.1f} s after launch"))


def main() -> int:
    p = argparse.ArgumentParser(description="dashboard benchmarks")
    p.add_argument("--json")
    p.add_argument("--runs", type=int, default=RUNS)
    p.add_argument("--sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("--only", nargs="*", choices=("queries", "maps", "browser"))
    args = p.parse_args()
    only = set(args.only or ("queries", "maps", "browser"))
    report = Report("app")
    t0 = time.perf_counter()
    opened = queries(report, args.runs, args.sizes) if "queries" in only else {}
    if "maps" in only:
        if not opened:
            from app import data

            size = max(args.sizes, key=SIZES.get)
            opened[size] = (dataset_dir(size), data.open_parquet(dataset_dir(size)))
        map_sizes(report, opened)
    opened.clear()
    from app import data

    data.clear_cache()
    if "browser" not in only:
        pass
    elif args.no_browser:
        for name in ("App cold start to first chart, 10M", "App peak RSS, 10M", "Cold load in Chromium, bundled data"):
            report.skip(name, "--no-browser")
    else:
        browser_benchmarks(report, args.runs)
    report.write(args.json)
    print(f"\napp_bench done in {time.perf_counter() - t0:.0f} s ({datetime.datetime.now():%H:%M})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
