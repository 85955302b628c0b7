"""An integer-coded in-memory copy of the columns that filters and charts read, for big datasets.

Why: a filter change at a million events spent most of its time decoding Parquet - the list columns the filters
test and the dozen columns the charts aggregate, for every row, although only a few percent of them match.
:class:`HotColumns` decodes them once, into Arrow arrays whose strings are dictionary codes (a list cell is a
slice of small integers).  A filter state then becomes a boolean mask in numpy - "any of this row's countries is
in the region" is one ``isin`` over the flat codes and one prefix sum - and the selection the charts share is an
Arrow ``take`` of the matching rows, which DuckDB reads as ordinary ``VARCHAR`` and ``VARCHAR[]`` columns.  Every
chart keeps its SQL; only where the filtered rows come from changes, so both paths give the same answers (tested).

Free-text search is not answered here (titles and snippets stay on disk): such filter states keep the SQL path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from app import regions
from app.filters import FOLD_INTO, FOLDED_TERRITORIES, Filters

# What the filters test, beside the columns the charts read.
FILTER_COLUMNS = ("sectors", "groups")
# The coded columns filters look values up in (each gets an inverted index).
INDEXED = ("countries", "host_iso3", "groups", "sectors", "organizations", "event_type")
BATCH_ROWS = 250_000  # rows read at a time: the strings of one batch are the build's transient memory
_EPOCH = datetime.date(1970, 1, 1)


@dataclass(frozen=True)
class _Coded:
    """A string column (or the values of a list column) as codes into ``dictionary``; -1 is null."""

    codes: np.ndarray
    dictionary: pa.Array
    offsets: np.ndarray | None = None  # list columns: cell i is codes[offsets[i]:offsets[i + 1]]

    def lookup(self, values: Iterable[str]) -> np.ndarray:
        """The codes of ``values`` that occur in the column (absent values match nothing)."""
        index = pc.index_in(pa.array(list(values), pa.string()), value_set=self.dictionary)
        return index.drop_null().to_numpy(zero_copy_only=False)

    def arrow(self) -> pa.Array:
        nulls = self.codes < 0
        indices = pa.array(self.codes, mask=nulls) if nulls.any() else pa.array(self.codes)
        values = pa.DictionaryArray.from_arrays(indices, self.dictionary)
        if self.offsets is None:
            return values
        return pa.ListArray.from_arrays(pa.array(self.offsets), values)

    def postings(self) -> _Postings:
        rows = np.arange(len(self.codes), dtype=np.int32)
        if self.offsets is not None:
            rows = np.repeat(np.arange(len(self.offsets) - 1, dtype=np.int32), np.diff(self.offsets))
        counts = np.bincount(self.codes.astype(np.int64) + 1, minlength=len(self.dictionary) + 1)
        starts = np.concatenate(([0], np.cumsum(counts)))
        return _Postings(self, rows[np.argsort(self.codes, kind="stable")], starts)


@dataclass(frozen=True)
class _Postings:
    """An inverted index of a coded column: the rows holding code ``c`` are ``rows[starts[c + 1]:starts[c + 2]]``
    (slot 0 is the null code), so a filter costs as much as the rows it finds, not as much as the table."""

    coded: _Coded
    rows: np.ndarray
    starts: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.starts.nbytes

    def any_in(self, values: Iterable[str], n: int) -> np.ndarray:
        """Per row (of ``n``): does the cell (a value, or any value of a list) hold one of ``values``?"""
        out = np.zeros(n, dtype=bool)
        for code in self.coded.lookup(values).tolist():
            out[self.rows[self.starts[code + 1]:self.starts[code + 2]]] = True
        return out


class _Encoder:
    """Codes for a column read in batches: one growing dictionary, so codes agree across batches."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._parts: list[np.ndarray] = []
        self._lengths: list[np.ndarray] = []  # list columns: the cells' lengths, batch by batch
        self.is_list = False

    def add(self, column: pa.ChunkedArray | pa.Array) -> None:
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
            self.is_list = True
            self._lengths.append(pc.list_value_length(array).fill_null(0).to_numpy(zero_copy_only=False))
            array = pc.list_flatten(array)
        local = pc.dictionary_encode(array)
        # Map this batch's small dictionary onto the global one, then every code with one numpy gather.
        remap = np.fromiter((self._index.setdefault(v, len(self._index)) for v in local.dictionary.to_pylist()),
                            dtype=np.int64, count=len(local.dictionary))
        indices = local.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        codes = np.where(indices < 0, -1, remap[np.maximum(indices, 0)]) if len(remap) else indices
        self._parts.append(codes.astype(np.int32))

    def finish(self) -> _Coded:
        size = len(self._index)
        dtype = np.int8 if size < 2**7 else np.int16 if size < 2**15 else np.int32
        # Straight into the narrow type: a full-length int32 copy first would double the peak memory.
        codes = np.concatenate(self._parts, dtype=dtype, casting="unsafe") if self._parts else np.empty(0, dtype)
        self._parts.clear()
        offsets = None
        if self.is_list:
            offsets = np.zeros(sum(len(p) for p in self._lengths) + 1, dtype=np.int32)  # Arrow's list offsets
            np.cumsum(np.concatenate(self._lengths) if self._lengths else [], dtype=np.int32, out=offsets[1:])
            self._lengths.clear()
        return _Coded(codes, pa.array(list(self._index), pa.string()), offsets)


class HotColumns:
    """The coded columns of one dataset: answers "which rows match?" and "those rows' chart columns".

    Parameters
    ----------
    batches : iterable of pyarrow.RecordBatch
        The dataset's rows, in any order, with the chart columns and :data:`FILTER_COLUMNS`.
    columns : sequence of str
        The chart columns, in the order selections return them.
    """

    def __init__(self, batches: Iterable[pa.RecordBatch], columns: tuple[str, ...]) -> None:
        self.columns = tuple(columns)
        encoders: dict[str, _Encoder] = {}
        plain: dict[str, list[pa.Array]] = {}
        seen = False
        for batch in batches:
            seen = True
            for name in (*self.columns, *FILTER_COLUMNS):
                column = batch.column(name)
                if _is_text(column.type):
                    encoders.setdefault(name, _Encoder()).add(column)
                else:
                    # A copy: a column imported from DuckDB shares one allocation with its whole batch, strings
                    # included, and keeping it would keep every batch alive (2 GiB more at 10M rows).
                    plain.setdefault(name, []).append(pa.concat_arrays([column]))
        if not seen:
            raise ValueError("no rows to index")
        give_back_memory()
        coded = {name: encoder.finish() for name, encoder in encoders.items()}
        # One column at a time, dropping its pieces as it goes, so the build never holds two copies of the table.
        arrays = {name: pa.concat_arrays(plain.pop(name)) for name in list(plain)}
        arrays.update({name: c.arrow() for name, c in coded.items() if name in self.columns})
        self.table = pa.table({name: arrays[name] for name in self.columns})
        self.rows = self.table.num_rows
        self._index = {name: coded[name].postings() for name in INDEXED}
        self._start = _days(arrays["start_date"])
        self._end = _days(arrays["end_date"])

    @property
    def nbytes(self) -> int:
        index = sum(p.nbytes for p in self._index.values())
        return self.table.nbytes + index + self._start.nbytes + self._end.nbytes

    @staticmethod
    def answers(f: Filters) -> bool:
        """Whether :meth:`mask` can evaluate ``f`` (free text is searched on disk)."""
        return not f.text

    def mask(self, f: Filters) -> np.ndarray:
        """Rows kept by ``f``, evaluated as :func:`app.data.where` does over the territory policy's view."""
        if not self.answers(f):
            raise ValueError("free-text filters are not answered by the in-memory columns")
        keep = np.ones(self.rows, dtype=bool)
        if f.start is not None:
            keep &= self._end >= (f.start - _EPOCH).days
        if f.end is not None:
            keep &= self._start <= (f.end - _EPOCH).days
        fold = f.territory == "fold"
        if f.regions:
            codes, groups = regions.expand(f.regions)
            keep &= self._place_any(codes, fold) | self._any("groups", groups)
        if f.countries:
            keep &= self._place_any(f.countries, fold)
        for name, values in (("sectors", f.sectors), ("organizations", f.organizations), ("event_type", f.types)):
            if values:
                keep &= self._any(name, values)
        return keep

    def select(self, keep: np.ndarray) -> pa.Table:
        """The chart columns of the kept rows, in dataset order."""
        table = self.table.take(pa.array(np.flatnonzero(keep)))
        # Lists leave as plain strings: DuckDB cannot read a batch whose lists are all empty over a dictionary.
        for i, field in enumerate(table.schema):
            if pa.types.is_list(field.type):
                table = table.set_column(i, field.name, table.column(i).cast(pa.list_(pa.string())))
        return table

    def _any(self, name: str, values) -> np.ndarray:
        return self._index[name].any_in(values, self.rows)

    def _place_any(self, codes, fold: bool) -> np.ndarray:
        # Folding shows HKG, MAC and TWN as CHN: a folded view matches CHN where they stand and never matches them.
        wanted = set(codes)
        if fold:
            wanted -= set(FOLDED_TERRITORIES)
            if FOLD_INTO in wanted:
                wanted |= set(FOLDED_TERRITORIES)
        return self._any("countries", wanted) | self._any("host_iso3", wanted)


def build(read: Callable[[tuple[str, ...]], Iterable[pa.RecordBatch]], columns: tuple[str, ...]) -> HotColumns:
    """Index a dataset: ``read(names)`` yields its rows' batches with those columns."""
    coded = HotColumns(read((*columns, *FILTER_COLUMNS)), columns)
    give_back_memory()
    return coded


def give_back_memory() -> None:
    """Return freed memory to the system.

    Why: the build allocates and frees thousands of per-batch arrays; glibc keeps the freed heap (and Arrow's
    allocator its pages) for later use, so at 10M rows the process would go on holding ~2 GiB it no longer uses.
    """
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None  # glibc only (not musl, not macOS)
    except OSError:
        return None


_LIBC = _libc()


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t)


def _days(array: pa.Array) -> np.ndarray:
    # date32 is days since the epoch in an int32 buffer: a view, not a copy (the dates are never null).
    return array.view(pa.int32()).to_numpy(zero_copy_only=False)
