"""Comparisons of plain values, as Python decides them: ``==``, ``<``, ``is``, ``in``, chained or not.

Numbers, strings and tuples of them compare by value; classes and functions of
the checked code by identity; an approximate float only where its error bound
decides; ``x in os.environ`` and ``name in dir(torch)`` by what is known of
them. Anything else is UNKNOWN. Tensors are compared in ``tensor_operators``.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.approx import Approx
from cnnlint.interpret.enums import EnumMember
from cnnlint.interpret.enums import equal as enum_equal
from cnnlint.interpret.environ import ENVIRON
from cnnlint.interpret.environ import contains as environ_contains
from cnnlint.interpret.pyops import _CMPOPS, _comparable, _hashable, equal
from cnnlint.interpret.torch_names import TorchDir
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    Builtin,
    ClassVal,
    DictVal,
    FuncVal,
    ListVal,
    ModuleObj,
    QualName,
    Sentinel,
    Sym,
    TensorType,
    TensorVal,
    TorchLayer,
    is_plain,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_APPROX_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def compare(interp: Any, op: ast.cmpop, left: Any, right: Any) -> Any:
    """Python's ``left op right`` where the interpreter can decide it: True, False or UNKNOWN."""
    if isinstance(left, Approx) or isinstance(right, Approx):
        symbol = _APPROX_OPS.get(type(op))
        if symbol is None:
            return UNKNOWN
        if isinstance(left, Approx):
            return left.compare(symbol, right)
        return right.compare(symbol, left, swapped=True)
    if isinstance(left, EnumMember) or isinstance(right, EnumMember):
        if isinstance(op, (ast.Is, ast.IsNot)):
            same = left is right if UNKNOWN not in (left, right) else UNKNOWN
        elif isinstance(op, (ast.Eq, ast.NotEq)):
            same = enum_equal(left, right)
        else:
            same = MISSING
        if same is not MISSING:
            return same if same is UNKNOWN or isinstance(op, (ast.Is, ast.Eq)) else not same
    if isinstance(op, (ast.Eq, ast.NotEq)) and (isinstance(left, Sentinel) or isinstance(right, Sentinel)):
        other = right if isinstance(left, Sentinel) else left
        if other is UNKNOWN or not (isinstance(other, (Sentinel, tuple, EnumMember)) or is_plain(other)):
            return UNKNOWN  # another object's ``__eq__`` may say otherwise
        return (left is right) == isinstance(op, ast.Eq)
    if isinstance(left, TensorType) or isinstance(right, TensorType):
        other = right if isinstance(left, TensorType) else left
        if isinstance(other, Builtin) and isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
            return isinstance(op, (ast.IsNot, ast.NotEq))  # ``type(x) is list`` for a tensor
        return UNKNOWN
    if isinstance(op, (ast.Is, ast.IsNot)):
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(left, QualName) and isinstance(right, QualName):  # two spellings of one torch name
            same = equal(left, right)
            return same if same is UNKNOWN or isinstance(op, ast.Is) else not same
        if isinstance(left, ListVal) and left.uncertain or isinstance(right, ListVal) and right.uncertain:
            pass
        same_obj = left is right or (left is None and right is None)
        if is_plain(left) and is_plain(right) and not (left is None or right is None):
            same_obj = type(left) is type(right) and left == right
        return same_obj if isinstance(op, ast.Is) else not same_obj
    if isinstance(op, (ast.In, ast.NotIn)) and (isinstance(right, TorchDir) or right == QualName(ENVIRON)):
        found = right.contains(left) if isinstance(right, TorchDir) else environ_contains(left)
        return found if found is UNKNOWN or isinstance(op, ast.In) else not found
    if isinstance(op, (ast.In, ast.NotIn)):
        items = interp.iterate(right, None) if not isinstance(right, (DictVal, str)) else None
        if isinstance(right, DictVal):
            if right.uncertain or not _hashable(left):
                return UNKNOWN
            found = left in right.items
        elif isinstance(right, str) and isinstance(left, str):
            found = left in right
        elif items is not None and is_plain(left) and left is not UNKNOWN:
            if any(not is_plain(i) for i in items):
                if any(i is left for i in items):
                    found = True
                else:  # ``cast_dtype in (torch.float16, torch.bfloat16)`` with None: each item as ``==`` decides
                    found = _any_true([compare(interp, _EQ, left, i) for i in items])
                    if found is UNKNOWN:
                        return UNKNOWN
            else:
                found = any(
                    type(i) is type(left)
                    and i == left
                    or (
                        isinstance(i, (int, float))
                        and isinstance(left, (int, float))
                        and not isinstance(i, bool)
                        and i == left
                    )
                    for i in items
                )
        elif items is not None and any(i is left for i in items):
            found = True
        elif items is not None and left is not UNKNOWN:
            found = _any_true([equal(left, i) for i in items])
            if found is UNKNOWN:
                return UNKNOWN
        else:
            return UNKNOWN
        return found if isinstance(op, ast.In) else not found
    if isinstance(op, (ast.Eq, ast.NotEq)) and (isinstance(left, ListVal) or isinstance(right, ListVal)):
        same = _lists_equal(interp, left, right)
        return same if same is UNKNOWN or isinstance(op, ast.Eq) else not same
    fn = _CMPOPS.get(type(op))
    if fn is None:
        return UNKNOWN
    if isinstance(left, Sym) or isinstance(right, Sym):
        if isinstance(left, Sym) and isinstance(right, Sym) and isinstance(op, (ast.Eq, ast.NotEq)) and left == right:
            return isinstance(op, ast.Eq)
        return UNKNOWN
    if _comparable(left) and _comparable(right):
        try:
            return bool(fn(left, right))
        except TypeError:
            return UNKNOWN
    if isinstance(op, (ast.Eq, ast.NotEq)):
        if left is UNKNOWN or right is UNKNOWN or isinstance(left, TensorVal) or isinstance(right, TensorVal):
            return UNKNOWN
        if (isinstance(left, tuple) and _scalar(right)) or (isinstance(right, tuple) and _scalar(left)):
            return isinstance(op, ast.NotEq)  # ``name == ""`` for ``("instance", {"affine": True})``: never equal
        if (left is None) != (right is None) and (left is None or right is None):
            return isinstance(op, ast.NotEq)
        if isinstance(left, (ModuleObj, TorchLayer, ClassVal, FuncVal, QualName)) or isinstance(
            right, (ModuleObj, TorchLayer, ClassVal, FuncVal, QualName)
        ):
            eq = left is right or (isinstance(left, QualName) and left == right)
            return eq if isinstance(op, ast.Eq) else not eq
        if isinstance(left, Builtin) and isinstance(right, Builtin):  # ``type(hidden) != list``: types by identity
            eq = left is right or left.name == right.name
            return eq if isinstance(op, ast.Eq) else not eq
    return UNKNOWN


_EQ = ast.Eq()


def _any_true(outcomes: list[Any]) -> Any:
    """``x in items`` from each ``x == item``: True if one is, False if none can be, else UNKNOWN."""
    if any(o is True for o in outcomes):
        return True
    return False if all(o is False for o in outcomes) else UNKNOWN


def _scalar(value: Any) -> bool:
    """A str, number, bool or None: never equal to a tuple, whatever the tuple holds."""
    return is_plain(value) and not isinstance(value, (tuple, Sym))


def _lists_equal(interp: Any, left: Any, right: Any) -> Any:
    """``[2, 4, 8] == [2 ** (i + 1) for i in range(3)]`` (smp's encoder reductions): item by item."""
    if not (isinstance(left, ListVal) and isinstance(right, ListVal)):
        other = right if isinstance(left, ListVal) else left
        if other is None or (isinstance(other, (tuple, str, int, float)) and not isinstance(other, Sym)):
            return False  # a list never equals a tuple, string or number
        return UNKNOWN
    if left is right:
        return True
    if left.uncertain or right.uncertain:
        return UNKNOWN
    if len(left.items) != len(right.items):
        return False
    same: Any = True
    for a, b in zip(left.items, right.items):
        outcome = compare(interp, _EQ, a, b)
        if outcome is False:
            return False
        if outcome is not True:
            same = UNKNOWN
    return same
