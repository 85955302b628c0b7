"""Frozen dataclasses that cost no more to build than plain ones.

The text adapter builds several small frozen records per paragraph (mentions, date spans, blocks).  The
``__init__`` that ``dataclass(frozen=True)`` writes sets each field through ``object.__setattr__``
(plain assignment is what a frozen class forbids), which makes one about twice as dear to build as an
ordinary object.  :func:`frozen` writes the fields into the new instance's ``__dict__`` instead: the
signature, equality, hashing, ``repr`` and the ``FrozenInstanceError`` on later assignment are the
dataclass's own.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import dataclass_transform


@dataclass_transform(frozen_default=True)
def frozen(cls):
    """``@dataclass(frozen=True)`` with a cheaper ``__init__``; every field must be a plain, required one.

    >>> @frozen
    ... class Span:
    ...     start: int
    ...     end: int
    >>> Span(1, end=3), Span(1, 3) == Span(1, 3)
    (Span(start=1, end=3), True)
    """
    cls = dataclass(frozen=True)(cls)
    names = [f.name for f in fields(cls)]
    if any(not f.init or f.default is not MISSING or f.default_factory is not MISSING for f in fields(cls)):
        raise TypeError(f"{cls.__name__}: frozen() takes only required fields")
    if {"self", "_fields_"} & set(names):
        raise TypeError(f"{cls.__name__}: a field's name clashes with frozen()'s own")
    # Generated as dataclasses generates its own __init__, so that the signature stays the field list.
    source = (f"def __init__(self, {', '.join(names)}):\n"
              f"    _fields_ = self.__dict__\n" + "".join(f"    _fields_[{n!r}] = {n}\n" for n in names))
    namespace: dict = {}
    exec(source, namespace)  # noqa: S102 - source built above from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
