"""Validation of the event table, generated from :mod:`etl.schema`."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from etl.schema import EVENT_COLUMNS, Column, vocabularies

_PANDAS_DTYPES = {"string": "string", "date": "datetime64[s]", "Int64": "Int64", "float64": "float64", "list": object}


def _checks(col: Column) -> list[pa.Check]:
    allowed = vocabularies()[col.codes] if col.codes else None
    if col.dtype == "list":
        checks = [pa.Check(lambda s: s.map(lambda v: isinstance(v, list)), error="cell is not a list")]
        if allowed:
            ok = set(allowed)
            checks.append(pa.Check(lambda s, ok=ok: s.map(lambda v: set(v) <= ok), error=f"codes outside {col.codes}"))
        if col.name == "countries":
            checks.append(pa.Check(lambda s: s.map(lambda v: all(len(c) == 3 and c.isupper() for c in v)),
                                   error="not ISO3"))
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


@cache
def event_schema() -> pa.DataFrameSchema:
    """The pandera schema of the event table: dtypes, codes, ranges, unique ``event_id``."""
    columns = {
        c.name: pa.Column(_PANDAS_DTYPES[c.dtype], checks=_checks(c), nullable=c.nullable, unique=c.name == "event_id")
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


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Raise ``pandera.errors.SchemaErrors`` listing every failing check; return ``df`` when valid."""
    return event_schema().validate(df, lazy=True)
