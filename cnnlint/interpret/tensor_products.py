"""``torch.tensordot``, ``torch.outer`` and ``F.embedding`` over abstract tensors, through the engine's
pure functions (``cnnlint.shapes.ops_contract``, ``cnnlint.shapes.ops_select``).

tensordot's MACs are those of the ``mm`` torch lowers it to: every output
element times the contracted size (pairs where either side is 1 are summed
away first and do not count). An argument that is not plain (a dims tensor,
an unknown list) gives an unknown tensor, never an error.
"""

from __future__ import annotations

import math

from cnnlint.interpret.tensor_operators import known_args, unknown_tensor
from cnnlint.interpret.values import UNKNOWN, ListVal, TensorVal
from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _bound(args: list, kwargs: dict, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    bound = dict(defaults)
    bound.update(zip(names, args))
    bound.update({k: v for k, v in kwargs.items() if k in names})
    return bound


def _failed(session: Any, interp: Any, err: ShapeError, node: Any, name: str, tainted: bool) -> TensorVal:
    if not tainted:
        session.forward.op_error(interp, err, node, name)
    return unknown_tensor(tainted)


def outer(a: TensorVal, other: Any) -> Any:
    """``a.outer(b)`` / ``torch.outer(a, b)``; raises the engine's ShapeError for the caller to report."""
    from cnnlint.shapes import ops_contract

    if not isinstance(other, TensorVal):
        return unknown_tensor()
    return TensorVal(ops_contract.outer(a.shape, other.shape), tainted=a.tainted or other.tainted)


def _dims_arg(interp: Any, dims: Any) -> Any:
    """``dims`` as plain ints or a pair of int tuples; None when it cannot be read (a tensor, unknowns)."""
    if known_args(dims) and not isinstance(dims, tuple):
        return dims
    if not isinstance(dims, (tuple, ListVal)):
        return None
    pair = interp.iterate(dims, None)
    if pair is None or len(pair) != 2 or not all(isinstance(p, (tuple, ListVal)) for p in pair):
        return None
    lists = [interp.iterate(p, None) for p in pair]
    if any(items is None or not known_args(*items) for items in lists):
        return None
    return tuple(tuple(items) for items in lists)  # type: ignore[union-attr]


def _tensordot_macs(a: Shape, b: Shape, dims: Any, out: Shape) -> Any:
    pairs = list(zip(range(-dims, 0), range(dims))) if isinstance(dims, int) else list(zip(*dims))
    sizes = [(a.dim(i), b.dim(j)) for i, j in pairs]
    n = out.numel()
    if a.open or b.open or not is_known(n, *(s for pair in sizes for s in pair)):
        return UNKNOWN_DIM
    return n * math.prod(sa for sa, sb in sizes if sa != 1 and sb != 1)


def tensordot(session: Any, interp: Any, args: list, kwargs: dict, node: Any) -> Any:
    """``torch.tensordot(a, b, dims=2)``: a matrix product over the listed dims (``cnnlint.shapes.ops_contract``)."""
    from cnnlint.shapes import ops_contract

    bound = _bound(args, kwargs, ("a", "b", "dims"), {"dims": 2})
    a, b = bound.get("a"), bound.get("b")
    dims = _dims_arg(interp, bound["dims"])
    if not isinstance(a, TensorVal) or not isinstance(b, TensorVal) or dims is None or "out" in kwargs:
        return unknown_tensor()
    tainted = a.tainted or b.tainted
    try:
        out = ops_contract.tensordot(a.shape, b.shape, dims)
    except ShapeError as err:
        return _failed(session, interp, err, node, "torch.tensordot", tainted)
    macs = _tensordot_macs(a.shape, b.shape, dims, out)
    session.forward.record_matmul(interp, a.shape, b.shape, out, node, macs=macs)
    return TensorVal(out, tainted=tainted)


def embedding(session: Any, interp: Any, args: list, kwargs: dict, node: Any) -> Any:
    """``F.embedding(index, weight, padding_idx)``: a row of ``weight`` per index."""
    from cnnlint.shapes import ops_select

    bound = _bound(args, kwargs, ("input", "weight", "padding_idx"), {"padding_idx": None})
    index, weight, padding_idx = bound.get("input"), bound.get("weight"), bound["padding_idx"]
    if not isinstance(index, TensorVal) or not isinstance(weight, TensorVal) or padding_idx is UNKNOWN:
        return unknown_tensor()
    if padding_idx is not None and not known_args(padding_idx):
        return unknown_tensor()
    tainted = index.tainted or weight.tainted
    try:
        return TensorVal(ops_select.embedding(index.shape, weight.shape, padding_idx), tainted=tainted)
    except ShapeError as err:
        return _failed(session, interp, err, node, "F.embedding", tainted)
