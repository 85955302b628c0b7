"""The identity helpers the million-row paths rely on."""

import numpy as np

from etl.arrays import Background, distinct_objects, first_positions, object_ids, span_ids


def test_distinct_objects_groups_by_identity_not_equality():
    shared, twin = ["KEN"], ["KEN"]
    cells = np.array([shared, twin, shared, None], dtype=object)
    codes, objects = distinct_objects(cells)
    assert codes.tolist() == [0, 1, 0, 2]
    assert objects[0] is shared and objects[1] is twin and objects[2] is None
    assert all(objects[c] is cell for c, cell in zip(codes, cells, strict=True))


def test_first_positions_points_at_each_codes_first_row():
    assert first_positions(np.array([2, 0, 2, 1, 0])).tolist() == [1, 3, 0]
    assert first_positions(np.array([], dtype=np.int64)).tolist() == []


def test_background_returns_the_value_or_raises_the_error():
    assert Background(sum, [1, 2, 3]).result() == 6
    failing = Background(int, "not a number")
    try:
        failing.result()
    except ValueError as exc:
        assert "not a number" in str(exc)
    else:
        raise AssertionError("the thread's error was swallowed")


def test_object_ids_are_the_cells_ids():
    cells = np.array(["a", ["KEN"], None, 3.5, "a"], dtype=object)
    assert object_ids(cells).tolist() == [id(c) for c in cells]
    assert object_ids(cells[::2].copy()).tolist() == [id(c) for c in cells[::2]]
    assert object_ids(np.array([], dtype=object)).tolist() == []


def _mix64_reference(x: int) -> int:
    # splitmix64's finalizer as published, in plain Python integers.
    mask = (1 << 64) - 1
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & mask
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & mask
    return x ^ (x >> 31)


def test_span_ids_follow_the_documented_formula():
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"
    key = int(digest[:16], 16)
    spans = [(0, 0), (0, 1), (1, 0), (12, 345), (2**40, 2**40 + 7)]
    got = span_ids(digest, np.array([s for s, _ in spans]), np.array([e for _, e in spans]))
    want = [f"{_mix64_reference(_mix64_reference(s ^ key) ^ e):016x}" for s, e in spans]
    assert got == want
    assert all(len(i) == 16 and set(i) <= set("0123456789abcdef") for i in got)


def test_span_ids_are_distinct_and_depend_on_the_file():
    starts = np.arange(200_000)
    ids = span_ids("ab" * 20, starts, starts + 5)
    assert len(set(ids)) == len(ids)
    assert span_ids("cd" * 20, starts[:10], starts[:10] + 5) != ids[:10]
    assert span_ids("ab" * 20, np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == []
