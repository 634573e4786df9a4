"""Tensor methods that choose elements along a dim or cut a tensor into pieces: ``sort``,
``topk``, ``gather``, ``index_select``, ``narrow``, ``select``, ``tril``/``triu``, ``diagonal``
(``cnnlint.shapes.ops_select``), ``outer``, and ``chunk``/``split``/``unbind``/``tensor_split``; the (values, indices)
tuples torch returns, with their field names.
"""

from __future__ import annotations

from cnnlint.interpret.namedtuples import NamedTupleType, NamedTupleVal
from cnnlint.interpret.tensor_operators import known_args, unknown_tensor
from cnnlint.interpret.tensor_products import outer
from cnnlint.interpret.values import UNKNOWN, ListVal, TensorVal
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MIN_MAX = NamedTupleType("torch.return_types", ("min", "max"))


# ``torch.return_types``: what ``max(dim)``, ``sort``, ``topk``, ... return, a tuple with field names.
_VALUES_INDICES = NamedTupleType("torch.return_types", ("values", "indices"))


def values_indices(shape: Shape) -> NamedTupleVal:
    return NamedTupleVal([TensorVal(shape), TensorVal(shape, integer=True)], _VALUES_INDICES)


def select(name: str, t: TensorVal, args: list, kwargs: dict) -> Any:
    """Elements chosen along a dim (``cnnlint.shapes.ops_select``); NotImplemented for any other name."""
    from cnnlint.shapes import ops_select

    shape = t.shape

    def arg(i: int, key: str, default: Any) -> Any:
        return args[i] if len(args) > i else kwargs.get(key, default)

    if name in ("sort", "argsort", "msort"):
        dim = arg(0, "dim", -1) if name != "msort" else 0
        if not known_args(dim) or isinstance(dim, bool):
            return unknown_tensor()
        out = ops_select.along(shape, dim)
        if name == "msort":  # a tensor, the values alone
            return TensorVal(out, t.integer, tainted=t.tainted, mask=t.mask)
        return TensorVal(out, integer=True) if name == "argsort" else values_indices(out)
    if name in ("cummax", "cummin") and (args or "dim" in kwargs):
        dim = arg(0, "dim", None)
        return values_indices(ops_select.along(shape, dim)) if known_args(dim) else UNKNOWN
    if name == "topk":
        k, dim = arg(0, "k", None), arg(1, "dim", -1)
        return values_indices(ops_select.topk(shape, k, dim)) if known_args(k, dim) else UNKNOWN
    if name in ("index_select", "gather"):
        dim, index = arg(0, "dim", None), arg(1, "index", None)
        if not known_args(dim) or not isinstance(index, TensorVal):
            return unknown_tensor()
        out = getattr(ops_select, name)(shape, dim, index.shape)
        return TensorVal(out, t.integer, tainted=t.tainted or index.tainted, mask=t.mask)
    if name in ("tril", "triu"):
        return TensorVal(ops_select.triangle(shape, name), t.integer, tainted=t.tainted, mask=t.mask)
    if name == "narrow":
        dim, start, length = arg(0, "dim", None), arg(1, "start", None), arg(2, "length", None)
        if not known_args(dim, start, length):
            return unknown_tensor()
        return TensorVal(ops_select.narrow(shape, dim, start, length), t.integer, tainted=t.tainted, mask=t.mask)
    if name == "select":
        dim, index = arg(0, "dim", None), arg(1, "index", None)
        if not known_args(dim, index):
            return unknown_tensor()
        return TensorVal(ops_select.select(shape, dim, index), t.integer, tainted=t.tainted, mask=t.mask)
    if name == "diagonal":
        offset, dim1, dim2 = arg(0, "offset", 0), arg(1, "dim1", 0), arg(2, "dim2", 1)
        if not known_args(offset, dim1, dim2):
            return unknown_tensor()
        return TensorVal(ops_select.diagonal(shape, offset, dim1, dim2), t.integer, tainted=t.tainted, mask=t.mask)
    if name in ("outer", "ger") and len(args) + len(kwargs) == 1:
        return outer(t, arg(0, "vec2", None))
    return NotImplemented


def pieces(ops: Any, interp: Any, name: str, shape: Shape, args: list, kwargs: dict) -> Any:
    dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
    if name == "unbind":
        dim = args[0] if args else kwargs.get("dim", 0)
        parts = ops.unbind(shape, dim) if known_args(dim) else None
        return tuple(TensorVal(p) for p in parts) if parts is not None else UNKNOWN
    keys = ("split_size_or_sections", "chunks", "split_size", "sections", "indices", "indices_or_sections")
    first = args[0] if args else next((kwargs[k] for k in keys if k in kwargs), None)
    if isinstance(first, (tuple, ListVal)):
        first = interp.iterate(first, None)
        if first is None:
            return UNKNOWN
        first = tuple(first)
    if not known_args(dim) or not known_args(*(first if isinstance(first, tuple) else (first,))):
        return UNKNOWN
    if name == "chunk":
        parts = ops.chunk(shape, first, dim)
    elif name == "split":
        parts = ops.split(shape, first, dim)
    elif name == "tensor_split":
        parts = ops.tensor_split(shape, first, dim)
    else:
        return UNKNOWN
    return tuple(TensorVal(p) for p in parts) if parts is not None else UNKNOWN
