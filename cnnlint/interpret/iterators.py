"""Iterators: ``iter(items)``, ``next(it[, default])``, and iterating what is left of one.

The position lives in ``IteratorVal.state`` and is written through the
interpreter, so an unknown branch that advances the iterator joins as unknown.
Wherever the interpreter cannot say how far an iterator went (a loop that may
``break``, ``zip(it, it)``), its position becomes unknown, and so does
every later ``next``: never a guess (csatv2's ``drop_path=next(dp_iter)``).
"""

from __future__ import annotations

from cnnlint.interpret import data_pipeline
from cnnlint.interpret.values import MISSING, UNKNOWN, FuncVal, IteratorVal, ModuleObj

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def make(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    """``iter(x)``; ``iter(callable, sentinel)`` calls until the sentinel: not modelled."""
    if len(args) != 1 or kwargs:
        return UNKNOWN
    if isinstance(args[0], IteratorVal):
        return args[0]
    own = _own_method(args[0], "__iter__")
    if own is not None:  # a class of the checked code: its ``__iter__`` says what iterating it gives
        return interp.call_function(own, [args[0]], {}, None)
    if data_pipeline.loop_over(args[0]) is not None:
        return args[0]  # ``next(iter(train_loader))``: a batch
    items = interp.iterate(args[0], frame)
    return IteratorVal(items) if items is not None else UNKNOWN


def next_item(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    """``next(it[, default])``. Past the end without a default Python raises StopIteration: unknown here."""
    if len(args) == 1 and not kwargs and data_pipeline.loop_over(args[0]) is not None:
        item = data_pipeline.element(args[0])
        data_pipeline.mark_batch(interp.session, item)
        return item
    own = _own_method(args[0], "__next__") if len(args) == 1 and not kwargs else None
    if own is not None:  # an iterator class of the checked code (a latent-noise sampler): its ``__next__``
        return interp.call_function(own, [args[0]], {}, None)
    if not 1 <= len(args) <= 2 or kwargs or not isinstance(args[0], IteratorVal):
        return UNKNOWN
    it = args[0]
    taken = it.state.get("taken")
    if not isinstance(taken, int):
        return UNKNOWN
    if taken < len(it.items):
        interp.write(it.state, "taken", taken + 1)
        return it.items[taken]
    return args[1] if len(args) == 2 else UNKNOWN


def rest(interp: Any, it: IteratorVal) -> list[Any] | None:
    """The items not taken yet, for a loop or ``list(it)``; after it the position is unknown (a loop may
    stop early)."""
    taken = it.state.get("taken")
    interp.write(it.state, "taken", UNKNOWN)
    return list(it.items[taken:]) if isinstance(taken, int) else None


def lose_position(interp: Any, values: list[Any]) -> bool:
    """Whether any of ``values`` is an iterator; each one's position becomes unknown."""
    found = False
    for value in values:
        if isinstance(value, IteratorVal):
            interp.write(value.state, "taken", UNKNOWN)
            found = True
    return found


def _own_method(value: Any, name: str) -> Any:
    """``__iter__`` / ``__next__`` of an instance of a plain class of the checked code, or None."""
    if not isinstance(value, ModuleObj) or value.kind != "object" or value.cls is None:
        return None
    found, _ = value.cls.lookup(name)
    return found if isinstance(found, FuncVal) and found.kind == "function" else None


def one_pass(interp: Any, value: Any) -> Any:
    """What one pass of a loop of unknown length over ``value`` binds: a loader's batch, or the next item of an
    iterator class of the checked code (its ``__iter__``, then ``__next__``, called once); MISSING for anything
    else."""
    if data_pipeline.loop_over(value) is not None:
        item = data_pipeline.element(value)
        data_pipeline.mark_batch(interp.session, item)
        return item
    made = _own_method(value, "__iter__")
    it = interp.call_function(made, [value], {}, None) if made is not None else value
    step = _own_method(it, "__next__")
    return interp.call_function(step, [it], {}, None) if step is not None else MISSING
