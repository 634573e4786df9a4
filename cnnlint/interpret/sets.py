"""Sets: ``{BatchNormAct2d, GroupNormAct}``, ``set(...)``, ``{m for n, m in MAP.items()}`` and their methods.

Python compares set members by ``==``: plain values by value, classes and
functions by identity. A member whose equality the interpreter cannot decide
makes the set uncertain (its contents unknown), never a guess.
"""

from __future__ import annotations

from cnnlint.interpret import limits
from cnnlint.interpret.pyops import equal
from cnnlint.interpret.values import UNKNOWN, SetVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def make_set(items: list[Any] | None) -> SetVal:
    result = SetVal()
    if items is None:
        result.uncertain = True
        return result
    for item in items:
        _add(result, item)
    if all(_number(i) for i in result.items):
        result.items = list(set(result.items))  # CPython's iteration order (numbers hash by value)
    return result


def _number(item: Any) -> bool:
    from cnnlint.interpret.values import Sym

    return item is None or (isinstance(item, (bool, int, float)) and not isinstance(item, Sym) and item == item)


_EXACT = (str, int)  # types whose ``==`` with each other is Python's, decided at C speed


def _add(target: SetVal, item: Any) -> None:
    items = target.items
    if type(item) in _EXACT:  # a registry's set of names: no linear ``equal`` per member
        if item in items and any(x == item and type(x) is type(item) for x in items if type(x) in _EXACT):
            return
        others = [x for x in items if type(x) not in _EXACT]
        outcomes = [equal(item, x) for x in others]
    else:
        outcomes = [equal(item, x) for x in items]
    if any(o is True for o in outcomes):
        return
    if any(o is UNKNOWN for o in outcomes) or len(target.items) >= limits.MAX_ELEMENTS:
        target.uncertain = True
        return
    target.items.append(item)


def set_method(interp: Any, obj: SetVal, name: str, args: list[Any]) -> Any:
    """A set's methods; one the interpreter does not model leaves the set unknown."""
    if name == "add" and len(args) == 1:
        if interp.branching:
            obj.uncertain = True
        _add(obj, args[0])
        return None
    if name == "update" and args:
        for arg in args:
            items = interp.iterate(arg, None)
            if items is None or interp.branching:
                obj.uncertain = True
            for item in items or ():
                _add(obj, item)
        return None
    if name in ("remove", "discard") and len(args) == 1 and not obj.uncertain and not interp.branching:
        outcomes = [equal(args[0], x) for x in obj.items]
        if any(o is UNKNOWN for o in outcomes):
            obj.uncertain = True
            return None
        if True in outcomes:
            del obj.items[outcomes.index(True)]
            return None
        if name == "remove":  # Python raises KeyError: what follows is not known
            obj.uncertain = True
            return UNKNOWN
        return None
    if name in ("union", "copy") and not obj.uncertain:
        merged = make_set(list(obj.items))
        for arg in args:
            items = interp.iterate(arg, None)
            if items is None:
                merged.uncertain = True
                break
            for item in items:
                _add(merged, item)
        return merged
    obj.uncertain = True
    return UNKNOWN
