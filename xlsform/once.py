"""`once`: functools.cached_property without the lock Python 3.11 takes on every first read.

A layout's places, a spec's fields and a check's context each have values worked out on their first read and
then kept: a checking process reads about a thousand of them first when it meets a layout (the read plan of
its 355 places), and the lock cost each of those reads more than the value itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, overload

S = TypeVar("S")
T = TypeVar("T")


class once(Generic[S, T]):   # lower case: a decorator, as functools.cached_property is
    """functools.cached_property without the lock Python 3.11 takes on every first read (a context's four views
    are each read once a return): the value is computed on the first read and then found in the instance."""

    def __init__(self, fn: Callable[[S], T]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> once[S, T]: ...
    @overload
    def __get__(self, obj: S, owner: type) -> T: ...
    def __get__(self, obj: S | None, owner: type) -> once[S, T] | T:
        if obj is None:
            return self
        value = self.fn(obj)
        # set as any attribute is (object's own setattr: a frozen dataclass's refuses): written into
        # obj.__dict__, it made the instance's dict a table of its own, and every other attribute of the
        # instance ~3x slower to read (a check's context: hundreds of reads a return)
        object.__setattr__(obj, self.name, value)
        return value
