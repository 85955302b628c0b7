"""Validation of the event table, generated from :mod:`etl.schema`."""

from __future__ import annotations

from functools import cache
from itertools import chain

import numpy as np
import pandas as pd
import pandera.pandas as pa

from etl.arrays import distinct_objects
from etl.schema import EVENT_COLUMNS, Column, vocabularies

_PANDAS_DTYPES = {"string": "string", "date": "datetime64[s]", "Int64": "Int64", "float64": "float64", "list": object}


def _checks(col: Column, lists_known: bool = False) -> list[pa.Check]:
    """The column's checks.  ``lists_known``: every list cell is known to be a list of str (so none is null),
    and the list checks skip what that settles (their verdicts are the same)."""
    allowed = vocabularies()[col.codes] if col.codes else None
    if col.dtype == "list":
        # ignore_na=False spares pandera a null scan of a million objects per check; there are none.
        na = {"ignore_na": False} if lists_known else {}
        # Lambdas, as the checks always were: pandera names a check after its function in error reports.
        checks = [pa.Check(lambda s: _all_true(s) if lists_known else _are_lists(s), error="cell is not a list", **na)]
        if allowed:
            ok = frozenset(allowed)
            checks.append(pa.Check(lambda s, ok=ok: _each_element(s, ok.__contains__, lambda v: set(v) <= ok,
                                                                  lists_known),
                                   error=f"codes outside {col.codes}", **na))
        if col.name == "countries":
            checks.append(pa.Check(lambda s: _each_element(s, _iso3, lambda v: all(_iso3(c) for c in v), lists_known),
                                   error="not ISO3", **na))
        return checks
    if allowed:
        return [pa.Check.isin(allowed)]
    if col.name in ("host_iso3", "home_iso3"):
        return [pa.Check.str_matches(r"^[A-Z]{3}$")]
    if col.name == "lat":
        return [pa.Check.in_range(-90, 90)]
    if col.name == "lon":
        return [pa.Check.in_range(-180, 180)]
    if col.name == "confidence":
        return [pa.Check.in_range(0, 1)]
    if col.name == "participants":
        return [pa.Check.ge(0)]
    return []


def _iso3(code: str) -> bool:
    return len(code) == 3 and code.isupper()


def _are_lists(s: pd.Series) -> pd.Series:
    cells = s.to_numpy(dtype=object)
    if set(map(type, cells)) <= {list}:
        return _all_true(s)
    return pd.Series([isinstance(v, list) for v in cells], index=s.index, dtype=bool)


def _all_true(s: pd.Series) -> pd.Series:
    return pd.Series(True, index=s.index, dtype=bool)


def _str_lists(s: pd.Series) -> bool:
    """Whether every cell is a list (exactly) of str (exactly): what :func:`etl.schema.conform` makes."""
    if s.dtype != object:
        return False
    cells = distinct_objects(s.to_numpy())[1]  # cells often share a list: look at each object once
    return set(map(type, cells)) <= {list} and set(map(type, chain.from_iterable(cells))) <= {str}


def _each_element(s: pd.Series, element_ok, cell_ok, lists_known: bool = False) -> pd.Series:
    """``s.map(cell_ok)``, where ``cell_ok(v) == all(element_ok(x) for x in v)``, in one pass over distinct elements.

    A million cells would cost a Python call each; their lists are often shared and their elements
    (codes) few.  Cells that are not lists of str (which validation reports anyway) are checked one by one
    with ``cell_ok``, as before.
    """
    if not len(s) or not (lists_known or _str_lists(s)):
        return s.map(cell_ok)
    # Cells sharing a list object share the verdict: check each object once.
    which, lists = distinct_objects(s.to_numpy(dtype=object))
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat, sort=False)
    bad = ~np.fromiter(map(element_ok, uniques), dtype=bool, count=len(uniques))
    owner = np.repeat(np.arange(len(lists)), lengths)
    failed = np.bincount(owner[bad[codes]], minlength=len(lists)) > 0
    return pd.Series(~failed[which], index=s.index, dtype=bool)


@cache
def event_schema() -> pa.DataFrameSchema:
    """The pandera schema of the event table: dtypes, codes, ranges, unique ``event_id``."""
    return _schema(lists_known=False)


@cache
def _schema(lists_known: bool) -> pa.DataFrameSchema:
    columns = {
        c.name: pa.Column(_PANDAS_DTYPES[c.dtype], checks=_checks(c, lists_known),
                          # A list is never null: with every cell a list, the null check has nothing to find.
                          nullable=c.nullable or (lists_known and c.dtype == "list"), unique=c.name == "event_id")
        for c in EVENT_COLUMNS
    }
    return pa.DataFrameSchema(
        columns,
        strict=True,
        ordered=True,
        checks=[
            pa.Check(lambda df: df["end_date"] >= df["start_date"], error="end_date before start_date"),
            pa.Check(lambda df: df["source_end"] >= df["source_start"], error="source_end before source_start"),
        ],
    )


def validate(df: pd.DataFrame, lists_known: bool = False) -> pd.DataFrame:
    """Raise ``pandera.errors.SchemaErrors`` listing every failing check; return ``df`` when valid.

    ``lists_known``: the caller knows every list cell to be a list of str (it comes from
    :func:`etl.schema.conform`), which spares checking that again.
    """
    # When every list cell is a list of str, a schema that knows it gives the same verdicts without
    # scanning a million objects for nulls once per check.
    known = lists_known or all(c.name in df and _str_lists(df[c.name]) for c in EVENT_COLUMNS if c.dtype == "list")
    return _schema(lists_known=known).validate(df, lazy=True)
