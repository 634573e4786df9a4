"""Python sets of numbers: ``len(set(block_widths))`` (RegNet's stage count) and set comprehensions.

A set is a list of its distinct items in the order CPython iterates them
(deterministic for numbers, whose hashes do not depend on the process), so
``len``, ``in``, ``sorted``, ``list`` and ``for`` read it as lists are read.
Only sets of numbers, bools and None are known; a method that changes a set
makes it uncertain (its items unknown: where ``add`` puts an item in the
iteration order depends on the set's history, not just on its items).
"""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.values import UNKNOWN, ListVal, Sym

_READERS = {"copy", "issubset", "issuperset", "isdisjoint"}


class SetItems(ListVal):
    """A set (``set`` / ``frozenset``): a ``ListVal`` of distinct items, in CPython's iteration order."""

    __slots__ = ()


def _deterministic(item: Any) -> bool:
    return item is None or (isinstance(item, (bool, int, float)) and not isinstance(item, Sym) and item == item)


def from_items(items: list[Any] | None) -> Any:
    """The set of `items`, or UNKNOWN when they are unknown or not all numbers."""
    if items is None or not all(_deterministic(i) for i in items):
        return UNKNOWN
    return SetItems(list(set(items)))


def make_set(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    """``set()`` / ``set(iterable)`` / ``frozenset(iterable)``."""
    if kwargs or len(args) > 1:
        return UNKNOWN
    return from_items(interp.iterate(args[0], frame) if args else [])


def set_method(obj: SetItems, name: str) -> Any:
    if name not in _READERS:
        obj.uncertain = True  # add, update, discard, remove, pop, clear, ...: not followed
    return UNKNOWN
