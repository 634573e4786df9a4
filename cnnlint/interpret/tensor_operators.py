"""Operators and indexing on abstract tensors: ``a + b`` and the other arithmetic with torch's
broadcasting, comparisons (bool masks), ``@``/``matmul``/``bmm``, and ``t[...]``.

A result keeps what the interpreter knows of its elements' kind: indices stay
indices through integer arithmetic, a comparison is a mask, and a mask used
as an index selects a number of elements only the data decides (never a gather);
a tensor index gathers only when it is known to hold integers (a bool one made by
``torch.zeros(n, dtype=torch.bool)`` or ``(m > 0).any(-1)`` selects, a uint8 one too).
Methods whose other operands broadcast with the tensor (``x.pow(t)``, ``x.clamp(lo, hi)``,
``x.masked_fill(mask, v)``, ``x.addcmul(a, b)``) and torch's ``axis=``/``keepdims=`` spellings live here too.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import tensor_value_calls, tensor_values
from cnnlint.interpret.approx import Approx
from cnnlint.interpret.values import UNKNOWN, ListVal, QualName, Sym, TensorVal
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _ops() -> Any:
    try:
        from cnnlint.shapes import ops
    except ImportError:  # the engine's tensor ops are not available: every such op is unknown
        return None
    return ops


def unknown_tensor(tainted: bool = False) -> TensorVal:
    """A tensor of unknown shape; ``tainted`` where an operand was (downstream of an error: silent, SPEC §3)."""
    return TensorVal(Shape.unknown(), tainted=tainted)


# Out of place, these keep the tensor's shape only when their other operands are numbers: a tensor
# exponent, bound or mask broadcasts with it (``x[:, :1].masked_fill(mask, 0)`` has the mask's rows).
BROADCASTS_WITH = {"pow": ("exponent",), "clamp": ("min", "max"), "clip": ("min", "max"), "masked_fill": ("mask",)}
BROADCASTS_WITH.update({"clamp_min": ("min",), "clamp_max": ("max",)})
# Methods written in Python (torch/_tensor.py, torch/functional.py): torch's ``axis=``/``keepdims=``
# aliases for ``dim``/``keepdim`` belong to its native ops, so these raise a TypeError for them.
_NO_NUMPY_ALIASES = frozenset({"norm", "split", "unique", "unique_consecutive", "unflatten"})


def _operands_named(session: Any, interp: Any, err: ShapeError, node: Any) -> ShapeError:
    """``cannot add x (2, 257, 128) and self.pos (1, 65, 128)``: each shape with the operand written there,
    when both are short (``out += self.shortcut(x)``, ``x + self.pos``)."""
    if isinstance(node, ast.BinOp):
        operands = (node.left, node.right)
    elif isinstance(node, ast.AugAssign):
        operands = (node.target, node.value)
    else:
        return err
    texts = [session.text_of(interp, o) for o in operands]
    message = err.finding.message
    head, sep, rest = message.partition(": ")
    words = head.split(" ")  # "cannot add (2, 3) and (4, 3)"
    if not sep or any(len(t) > 40 or "\n" in t for t in texts) or " and (" not in head or len(words) < 4:
        return err
    verb_end = head.index(" (")
    first, second = head[verb_end + 1 :].split(" and ", 1)
    named = f"{head[:verb_end]} {texts[0]} {first} and {texts[1]} {second}{sep}{rest}"
    return ShapeError(err.finding.code, named, recovered=err.recovered)


def binop(session: Any, interp: Any, op: str, left: Any, right: Any, node: Any) -> Any:
    if op == "@":
        return matmul(session, interp, left, right, node, "matmul")
    known = tensor_value_calls.binop(op, left, right)
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
                session.forward.op_error(interp, _operands_named(session, interp, err, node), node, op)
            return unknown_tensor(tainted)
        except (TypeError, ValueError):
            return unknown_tensor()
        integer = left.integer and right.integer and op in _INTEGER_OPS
        mask = op in _BOOL_OPS or (op in _LOGICAL_OPS and left.mask and right.mask)
        return TensorVal(shape, integer, tainted=tainted, mask=mask)
    tensor = left if lt else right
    other = right if lt else left
    if isinstance(other, Approx) and op in _FLOAT_OPS:  # a Python float (``float(b) / p * x``, ``mask < keep``)
        return TensorVal(tensor.shape, tainted=tensor.tainted, mask=op in _BOOL_OPS)
    if other is None or isinstance(other, (bool, int, float)) and not isinstance(other, Sym):
        integer = tensor.integer and op in _INTEGER_OPS and type(other) is int
        mask = op in _BOOL_OPS or (op in _LOGICAL_OPS and tensor.mask and type(other) is bool)
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
# With a Python float on one side: elementwise, the tensor's shape.
_FLOAT_OPS = frozenset({"+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!="})
_LOGICAL_OPS = frozenset({"&", "|", "^"})  # a bool tensor again when both sides are
_BOOL_OPS = _MASK_OPS | {"logical_and", "logical_or", "logical_xor", "isclose"}  # a bool tensor whatever the sides


def compare(session: Any, interp: Any, op: ast.cmpop, left: Any, right: Any, node: Any) -> Any:
    """``a < b`` with a tensor on a side: a bool tensor of the broadcast shape (a mask, never indices);
    NotImplemented where Python's own comparison applies (``x is None``, ``t in seq``)."""
    symbol = _COMPARISONS.get(type(op))
    if symbol is None:
        return NotImplemented
    for other in (left, right):
        if not isinstance(other, (TensorVal, Approx)) and (
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
        return unknown_tensor(tainted)
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
    if isinstance(t, tensor_values.KnownTensor) and t.known:
        known = tensor_value_calls.index(t, key)  # ``torch.tensor(x.shape)[2:]``: the values follow
        if known is not NotImplemented:
            return known
    tensor_values.forget(t)  # the result may be a view of it
    if getattr(t, "numpy", False):  # a NumPy array (``np.arange(n)``): torch's indexing rules are not its own
        return unknown_tensor()
    ops = _ops()
    if ops is None:
        return unknown_tensor()
    items = _as_tuple(key)
    if items is None:
        return unknown_tensor()
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
            if not item.integer:  # a float index raises, a bool one selects: which, cnnlint does not know
                session.forward.stop(
                    interp,
                    node,
                    "shape following stops here: indexing with a tensor not known to hold indices "
                    "(integers gather, a bool mask selects what the data decides)",
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
        return unknown_tensor(t.tainted)
    except (TypeError, ValueError, IndexError, AttributeError):
        return unknown_tensor()


# uint8 is not among them: as an index torch reads a uint8 tensor as a mask.
_INTEGER_DTYPES = frozenset({"long", "int64", "int", "int32", "int16", "short", "int8"})


def dtype_flags(dtype: Any) -> tuple[bool, bool] | None:
    """(integer, mask) of a tensor of ``dtype`` (``torch.long``, ``torch.bool``); None when ``dtype`` is not
    a torch dtype cnnlint can read."""
    name = dtype.name if isinstance(dtype, QualName) else ""
    if not name.startswith("torch.") or name.count(".") != 1:
        return None
    short = name[len("torch.") :]
    if short in _INTEGER_DTYPES or short == "bool":
        return short != "bool", short == "bool"
    return (False, False) if short.startswith(("float", "bfloat", "half", "double", "complex")) else None


def _as_tuple(key: Any) -> tuple | None:
    """The index items of ``t[key]``. Like NumPy, torch reads a short list holding a sequence, a slice,
    a tensor, ``...`` or None as a tuple (``x[[[0, 1]]]`` is ``x[[0, 1]]``); None when that is not known."""
    if isinstance(key, tuple):
        return key
    if type(key) is not ListVal or len(key.items) >= 32:
        return (key,)
    if key.uncertain or any(item is UNKNOWN for item in key.items):
        return None
    sequence_like = (TensorVal, ListVal, tuple, str, slice)
    if any(isinstance(item, sequence_like) or item is None or item is Ellipsis for item in key.items):
        return tuple(key.items)
    return (key,)


def known_args(*values: Any) -> bool:
    return all(
        (isinstance(v, int) and not isinstance(v, Sym)) or (isinstance(v, tuple) and known_args(*v)) for v in values
    )


def numpy_aliases(name: str, kwargs: dict) -> dict | None:
    """``x.sum(axis=1, keepdims=True)``: torch's own spellings of ``dim``/``keepdim`` for its native ops;
    None where torch raises (both spellings given, or a method written in Python that has neither)."""
    renamed = dict(kwargs)
    for alias, name_ in (("axis", "dim"), ("keepdims", "keepdim")):
        if alias in renamed:
            if name_ in renamed or name in _NO_NUMPY_ALIASES:
                return None
            renamed[name_] = renamed.pop(alias)
    return renamed


def broadcast_operands(session: Any, interp: Any, name: str, t: TensorVal, others: list, node: Any) -> Any:
    """``x.pow(t)`` / ``x.clamp(lo, hi)`` / ``x.masked_fill(mask, v)`` with tensor operands: the tensor
    operands broadcast with ``x`` (an operand not known could be a tensor of any shape: unknown)."""
    out: Any = t
    for other in others:
        if other is UNKNOWN:
            return unknown_tensor()
        if isinstance(other, TensorVal):
            out = binop(session, interp, name, out, other, node)
            if not isinstance(out, TensorVal) or out.shape.is_unknown:
                return out
    integer = t.integer and (name == "masked_fill" or all(o.integer for o in others if isinstance(o, TensorVal)))
    return TensorVal(out.shape, integer, tainted=out.tainted, mask=t.mask and name == "masked_fill")


def ternary(session: Any, interp: Any, name: str, t: TensorVal, others: list, node: Any) -> Any:
    """``addcmul(t, a, b)`` / ``addcdiv`` / ``lerp(t, end, weight)``: the three operands broadcast together."""
    out: Any = t
    for other in others:
        number = isinstance(other, (int, float)) and not isinstance(other, (bool, Sym))
        if not isinstance(other, TensorVal) and not (name == "lerp" and number):
            return unknown_tensor()
        out = binop(session, interp, name, out, other, node)
        if not isinstance(out, TensorVal):
            return out
    return out


def tensor_sum(interp: Any, args: list[Any], kwargs: dict, node: Any, frame: Any) -> Any:
    """``sum(splits)`` of tensors (ResNeSt's split attention): ``0 + a + b + ...`` with broadcasting, each
    ``+`` checked where ``sum`` is written. NotImplemented when no item is a tensor."""
    items = interp.iterate(args[0], frame)
    if not items or not any(isinstance(i, TensorVal) for i in items):
        return NotImplemented
    total = args[1] if len(args) > 1 else kwargs.get("start", 0)
    for item in items:
        total = interp.binop(ast.Add, total, item, node, frame)
    return total
