"""Operators and indexing on abstract tensors: ``a + b`` and the other arithmetic with torch's
broadcasting, comparisons (bool masks), ``@``/``matmul``/``bmm``, and ``t[...]``.

A result keeps what the interpreter knows of its elements' kind: indices stay
indices through integer arithmetic, a comparison is a mask, and a mask used
as an index selects a number of elements only the data decides (never a gather).
"""

from __future__ import annotations

import ast
from typing import Any

from cnnlint.interpret import tensor_values
from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError


def _ops() -> Any:
    try:
        from cnnlint.shapes import ops
    except ImportError:  # the engine's tensor ops are not available: every such op is unknown
        return None
    return ops


def unknown_tensor() -> TensorVal:
    return TensorVal(Shape.unknown())


def binop(session: Any, interp: Any, op: str, left: Any, right: Any, node: Any) -> Any:
    if op == "@":
        return matmul(session, interp, left, right, node, "matmul")
    known = tensor_values.binop(op, left, right)
    if known is not NotImplemented:
        return known
    lt, rt = isinstance(left, TensorVal), isinstance(right, TensorVal)
    if lt and rt:
        tainted = left.tainted or right.tainted
        ops = _ops()
        if ops is None:
            return unknown_tensor()
        try:
            shape = ops.broadcast(left.shape, right.shape, op)
        except ShapeError as err:
            if not tainted:
                session.forward.op_error(interp, err, node, op)
            return unknown_tensor()
        except (TypeError, ValueError):
            return unknown_tensor()
        integer = left.integer and right.integer and op in _INTEGER_OPS
        mask = op in _MASK_OPS or (op in _LOGICAL_OPS and left.mask and right.mask)
        return TensorVal(shape, integer, tainted=tainted, mask=mask)
    tensor = left if lt else right
    other = right if lt else left
    if other is None or isinstance(other, (bool, int, float)) and not isinstance(other, Sym):
        integer = tensor.integer and op in _INTEGER_OPS and type(other) is int
        mask = op in _MASK_OPS or (op in _LOGICAL_OPS and tensor.mask and type(other) is bool)
        return TensorVal(tensor.shape, integer, tainted=tensor.tainted, mask=mask)
    rec = session.forward.recording
    if other is UNKNOWN and not tensor.tainted and not (rec is not None and rec.stops):
        # a tensor of any shape, or a number: the result is unknown (said once: after an earlier stop,
        # an unknown operand is most likely what that stop left unknown)
        session.forward.stop(interp, node, f"shape following stops here: the other operand of {op} is not known")
    return unknown_tensor()


# Operators that keep integer tensors integer: indices computed from indices (``coords[:, None] - coords``).
_INTEGER_OPS = frozenset({"+", "-", "*", "//", "%"})
_COMPARISONS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_MASK_OPS = frozenset(_COMPARISONS.values())  # their result is a bool tensor
_LOGICAL_OPS = frozenset({"&", "|", "^"})  # a bool tensor again when both sides are


def compare(session: Any, interp: Any, op: ast.cmpop, left: Any, right: Any, node: Any) -> Any:
    """``a < b`` with a tensor on a side: a bool tensor of the broadcast shape (a mask, never indices);
    NotImplemented where Python's own comparison applies (``x is None``, ``t in seq``)."""
    symbol = _COMPARISONS.get(type(op))
    if symbol is None:
        return NotImplemented
    for other in (left, right):
        if not isinstance(other, TensorVal) and (
            other is None or not isinstance(other, (bool, int, float)) or isinstance(other, Sym)
        ):
            return NotImplemented  # ``t == None`` is Python's False; anything else is left unknown
    return binop(session, interp, symbol, left, right, node)


def matmul(session: Any, interp: Any, left: Any, right: Any, node: Any, name: str) -> Any:
    if not (isinstance(left, TensorVal) and isinstance(right, TensorVal)):
        return unknown_tensor()
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    tainted = left.tainted or right.tainted
    try:
        fn = getattr(ops, name if name in ("mm", "bmm") else "matmul")
        out = fn(left.shape, right.shape)
    except ShapeError as err:
        if not tainted:
            session.forward.op_error(interp, err, node, name)
        return unknown_tensor()
    except (TypeError, ValueError):
        return unknown_tensor()
    session.forward.record_matmul(interp, left.shape, right.shape, out, node)
    return TensorVal(out, tainted=tainted)


def _int_list_dims(value: Any) -> tuple[int, ...] | None:
    """The dims of a non-empty, rectangular nested list of plain ints (``[0, 1, 8, ...]``); None otherwise
    (bools are a mask, slices the legacy tuple form, an empty list a float tensor: all left unknown)."""
    if isinstance(value, ListVal):
        if value.uncertain or not value.items or type(value) is not ListVal:
            return None
        inner = [_int_list_dims(v) for v in value.items]
        if inner[0] is None or any(i != inner[0] for i in inner):
            return None
        return (len(value.items), *inner[0])
    if isinstance(value, int) and not isinstance(value, (bool, Sym)):
        return ()
    return None


def tensor_index(session: Any, interp: Any, t: TensorVal, key: Any, node: Any) -> Any:
    tensor_values.forget(t)  # the result may be a view of it
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    items = key if isinstance(key, tuple) else (key,)
    converted = []
    for item in items:
        if isinstance(item, TensorVal):
            if item.mask:  # a bool mask selects a number of elements only the data decides
                session.forward.stop(
                    interp,
                    node,
                    "shape following stops here: indexing with a bool mask selects a number of elements "
                    "only the data decides",
                )
                return unknown_tensor()
            converted.append(item.shape)
        elif item is None or item is Ellipsis or isinstance(item, slice):
            if isinstance(item, slice) and not all(
                p is None or (isinstance(p, int) and not isinstance(p, Sym)) for p in (item.start, item.stop, item.step)
            ):
                converted.append(slice(UNKNOWN, UNKNOWN, UNKNOWN))
                continue
            converted.append(item)
        elif isinstance(item, int) and not isinstance(item, (bool, Sym)):
            converted.append(item)
        elif isinstance(item, ListVal) and _int_list_dims(item) is not None:
            converted.append(Shape(*_int_list_dims(item)))  # torch reads a list of ints as an index tensor
        else:
            return unknown_tensor()
    try:  # the elements of ``t``: its dtype, whatever the index
        return TensorVal(ops.index(t.shape, converted), t.integer, tainted=t.tainted, mask=t.mask)
    except ShapeError as err:
        if not t.tainted:
            session.forward.op_error(interp, err, node, "[]")
        return unknown_tensor()
    except (TypeError, ValueError, IndexError, AttributeError):
        return unknown_tensor()


def known_args(*values: Any) -> bool:
    return all(
        (isinstance(v, int) and not isinstance(v, Sym)) or (isinstance(v, tuple) and known_args(*v)) for v in values
    )
