"""etl.records.frozen: a frozen dataclass in every respect but the cost of building one."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass

import pytest

from etl.records import frozen


@frozen
class Quick:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Plain:
    start: int
    end: int
    text: str


BUILDS = [
    ((1, 2, "x"), {}),
    ((1,), {"end": 2, "text": "x"}),
    ((), {"text": "x", "start": 1, "end": 2}),
]


@pytest.mark.parametrize(("args", "kwargs"), BUILDS)
def test_built_like_a_dataclass(args, kwargs):
    quick, plain = Quick(*args, **kwargs), Plain(*args, **kwargs)
    assert dataclasses.astuple(quick) == dataclasses.astuple(plain)
    assert repr(quick) == repr(plain).replace("Plain", "Quick")
    assert quick == Quick(1, 2, "x") and hash(quick) == hash(Quick(1, 2, "x")) and quick != Quick(1, 3, "x")
    assert pickle.loads(pickle.dumps(quick)) == quick


@pytest.mark.parametrize(("args", "kwargs"), [((1, 2), {}), ((1, 2, "x", 4), {}), ((1, 2), {"texts": "x"})])
def test_wrong_arguments_raise_as_a_dataclass(args, kwargs):
    with pytest.raises(TypeError):
        Quick(*args, **kwargs)
    with pytest.raises(TypeError):
        Plain(*args, **kwargs)


def test_still_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quick(1, 2, "x").start = 3


def test_signature_is_the_field_list():
    assert inspect.signature(Quick) == inspect.signature(Plain)


def test_only_required_fields():
    with pytest.raises(TypeError):

        @frozen
        class WithDefault:
            start: int = 0
