"""The identity helpers the million-row paths rely on."""

import numpy as np

from etl.arrays import Background, distinct_objects, first_positions, object_ids


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
