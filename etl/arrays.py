"""Small array helpers shared by the table adapter, the build and validation.

They exist because a million-row table mostly repeats a few objects: looking at each distinct object
once, instead of each cell, is what keeps the 1M-row build within its budget (see ``bench/``).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import platform
import threading

import numpy as np
import pandas as pd


def distinct_objects(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, objects)``: the distinct objects (by identity) of an object array, ``cells == objects[codes]``.

    Identity, not equality: lists are unhashable, and cells built by ``_take`` share their list objects.
    """
    cells = np.ascontiguousarray(cells, dtype=object)
    codes, _ = pd.factorize(object_ids(cells), sort=False)
    return codes, cells[first_positions(codes)]


def object_ids(cells: np.ndarray) -> np.ndarray:
    """``id()`` of every cell of a contiguous object array, as int64.

    In CPython an object array's buffer *is* its cells' ids (``PyObject*``), so it is read in one copy
    instead of a million ``id()`` calls (~0.1 s per column, paid some twenty times by a 1M-row build).
    Elsewhere, the plain way.
    """
    if platform.python_implementation() != "CPython" or not len(cells):
        return np.fromiter(map(id, cells), dtype=np.int64, count=len(cells))
    pointers = (ctypes.c_ssize_t * len(cells)).from_address(cells.ctypes.data)
    return np.ctypeslib.as_array(pointers).astype(np.int64)  # a copy: ``cells`` may go away


def first_positions(codes: np.ndarray) -> np.ndarray:
    """For factorized ``codes``, the position of each code's first occurrence."""
    first = np.empty(codes.max() + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


# splitmix64's finalizer (Steele, Lea and Flood 2014): a bijection of 64-bit integers in which every input bit
# changes about half of the output bits.
_MIX = (np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27), np.uint64(0x94D049BB133111EB), np.uint64(31))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer over a uint64 array (arithmetic wraps modulo 2**64, the same on every platform)."""
    s1, m1, s2, m2, s3 = _MIX
    x = x ^ (x >> s1)
    x = x * m1
    x = x ^ (x >> s2)
    x = x * m2
    return x ^ (x >> s3)


def span_ids(digest: str, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """Stable ids of spans of one file: 16 hex digits of ``mix64(mix64(key ^ start) ^ end)``, where ``key`` is
    the first 64 bits of the file's hex ``digest``.

    One vectorized pass instead of one SHA-1 per row (3 s of a 1M-row build).  For a given file the ids of
    distinct spans collide with probability ~n**2 / 2**65 (3e-8 for a million rows).
    """
    key = np.uint64(int(digest[:16], 16))
    starts = np.asarray(starts, dtype=np.int64).astype(np.uint64)
    ends = np.asarray(ends, dtype=np.int64).astype(np.uint64)
    hashed = mix64(mix64(starts ^ key) ^ ends)
    text = hashed.astype(">u8").tobytes().hex()
    return [text[i:i + 16] for i in range(0, len(text), 16)]


def gc_paused(fn):
    """Run ``fn`` with the cyclic garbage collector paused (and resumed after, if it ran before).

    A million-row table means millions of container objects: without the pause, the lists and tuples
    made along the way trigger full collections over all of them, again and again.
    """

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


class Background(threading.Thread):
    """``fn(*args)`` run in a thread from now on; :meth:`result` waits for it (and re-raises what it raised).

    Worth it only for work that releases the GIL (Arrow kernels, Parquet encoding) next to Python work.
    """

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self._call, self._value, self._error = (fn, args), None, None
        self.start()

    def run(self) -> None:
        fn, args = self._call
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self._error = exc

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._value
