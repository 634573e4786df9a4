"""Generator functions: ``def blocks(widths): ... yield nn.Conv2d(...)``, then ``nn.Sequential(*blocks(...))``.

A call of a generator function runs its body at once, collecting what it yields; the generator is then an
iterator over those items (``iterators.py``: ``next``, loops, ``list(...)``, ``*gen``, each consuming it).
That is Python's answer whenever the body does not depend on when it is resumed, as builders of layers and
configurations do not. Anything uncertain makes the whole generator unknown: a ``yield`` in a branch that may
not run or in a loop of unknown length, a loop cut short, a ``yield from`` of something unknown, a body that
raises or gives up. What a ``yield`` expression evaluates to (None, or what ``send`` passes) is unknown.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import data_pipeline, limits
from cnnlint.interpret.values import UNKNOWN, IteratorVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class Yields:
    """What a running generator has yielded so far."""

    __slots__ = ("items", "logs_at", "uncertain", "maybe", "batches_only")

    def __init__(self, logs_at: int) -> None:
        self.items: list[Any] = []
        self.logs_at = logs_at  # branch logs open when the generator started: yields under a newer one may not run
        self.uncertain = False
        self.maybe: list[Any] = []  # what was yielded where it may or may not run, or run again and again
        self.batches_only = True  # ... each of it a batch a loop over a loader bound (``data_pipeline``)


def is_generator(node: Any) -> bool:
    """A ``def`` whose own body (not a nested function's or class's) holds ``yield`` / ``yield from``."""
    known = getattr(node, "_cnnlint_generator", None)
    if known is None:
        known = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(node.body)
        )
        node._cnnlint_generator = known
    return known


def _own_nodes(body: list[ast.stmt]) -> Any:
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _NESTED))


def finished(yields: Yields, signal: Any, may_have_returned: bool) -> Any:
    """The generator a call returns: an iterator over what the body yielded, or unknown (also when a
    ``return`` in a branch may have ended it before later yields). A generator that yields nothing but a
    loader's batches, all alike, however many (``while True: for x, _ in loader: yield x``), is a stream of
    such batches."""
    if yields.uncertain and not yields.items and yields.maybe and yields.batches_only:
        first = yields.maybe[0]
        if all(_alike(first, other) for other in yields.maybe[1:]) and (signal is None or signal.kind != "raise"):
            return data_pipeline.BatchStream(first)
    ended = signal is None or signal.kind == "return"
    if yields.uncertain or not ended or may_have_returned:
        return UNKNOWN
    return IteratorVal(list(yields.items))


def _alike(a: Any, b: Any) -> bool:
    """Two batches of the same shapes."""
    parts_a, parts_b = data_pipeline.batch_parts(a), data_pipeline.batch_parts(b)
    if parts_a is None or parts_b is None or len(parts_a) != len(parts_b) or type(a) is not type(b):
        return False
    return all(x.shape == y.shape and x.integer == y.integer for x, y in zip(parts_a, parts_b))


class Generators:
    """``yield`` and ``yield from`` (a mixin of ``Interpreter``: it uses eval, iterate and the branch logs)."""

    def _e_Yield(self, node: ast.Yield, frame: Any) -> Any:
        value = self.eval(node.value, frame) if node.value is not None else None  # type: ignore[attr-defined]
        yields = getattr(frame, "yields", None)
        if yields is not None and self._yields_surely(yields):
            yields.items.append(value)
        elif yields is not None:
            self._yields_maybe(yields, value)
        return UNKNOWN

    def _yields_maybe(self, yields: Yields, value: Any) -> None:
        parts = data_pipeline.batch_parts(value)
        batches = self.session.batch_tensors  # type: ignore[attr-defined]
        if parts is None or not parts or any(batches.get(id(t)) is not t for t in parts) or len(yields.maybe) > 8:
            yields.batches_only = False
        else:
            yields.maybe.append(value)

    def _e_YieldFrom(self, node: ast.YieldFrom, frame: Any) -> Any:
        items = self.iterate(self.eval(node.value, frame), frame)  # type: ignore[attr-defined]
        yields = getattr(frame, "yields", None)
        if yields is not None and self._yields_surely(yields):
            if items is None:
                yields.uncertain = True
            else:
                yields.items.extend(items)
        if yields is not None and yields.uncertain:
            yields.batches_only = False
        return UNKNOWN

    def _yields_surely(self, yields: Yields) -> bool:
        """A yield here certainly runs: no branch that may not run opened since the generator started, and
        not too many (an endless generator is cut short by its loop's bound, and unknown)."""
        logs = self.logs  # type: ignore[attr-defined]
        if any(log.branch for log in logs[yields.logs_at :]) or len(yields.items) >= limits.MAX_LOOP_ITERATIONS:
            yields.uncertain = True
        return not yields.uncertain
