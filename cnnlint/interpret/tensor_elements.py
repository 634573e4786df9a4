"""Known tensors element by element: made filled (``torch.ones/zeros/full``), one element written
(``t[i] = v``), compared (``t < 0.9 * w``), tested for truth (``if t[i]:``).

pytorchvideo's MViT computes its stage widths this way: ``dim_mul = torch.ones(depth + 1)``, then
``dim_mul[i] = 2.0`` for the stages that widen, then ``round_width(dim, dim_mul[i])`` with
``if not multiplier`` and ``if width_out < 0.9 * width``. The values follow torch (dtype, casts, float32
rounding with ``known_math``'s error bounds); what cannot be decided is unknown, never a guess.
"""

from __future__ import annotations

import math

from cnnlint.interpret import known_math as km
from cnnlint.interpret.tensor_values import (
    MAX_ELEMENTS,
    KnownTensor,
    _as_operand,
    _broadcast,
    _elems,
    _number,
    _scalar_dtype,
    _spread,
    dtype_of,
    make,
    result_dtype,
)
from cnnlint.interpret.values import UNKNOWN, ListVal, Sym, TensorVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def filled(short: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``torch.ones(*size)``, ``torch.zeros(size)``, ``torch.full(size, value)``: every element the same, as
    torch makes it (pytorchvideo's MViT: ``dim_mul = torch.ones(depth + 1)``, then ``dim_mul[i] = 2.0``).
    NotImplemented for a dtype not followed, more than ``MAX_ELEMENTS`` elements, or anything else."""
    kwargs = dict(kwargs)
    if set(kwargs) - {"size", "fill_value", "dtype", "device", "requires_grad"}:
        return NotImplemented
    if short == "full":
        bound = dict(zip(("size", "fill_value"), args))
        if len(args) > 2 or set(bound) & set(kwargs):
            return NotImplemented
        bound.update(kwargs)
        size, fill = bound.get("size"), bound.get("fill_value")
        if not _number(fill) or not isinstance(size, (tuple, ListVal)):
            return NotImplemented
        default = _scalar_dtype(fill)
    else:
        fill, default = (1 if short == "ones" else 0), "float32"
        if "fill_value" in kwargs or (args and "size" in kwargs) or not (args or "size" in kwargs):
            return NotImplemented  # (``torch.ones()`` raises: a size is required)
        size = kwargs.get("size", args[0] if len(args) == 1 and isinstance(args[0], (tuple, ListVal)) else tuple(args))
    dims = size.items if isinstance(size, ListVal) else size
    if not all(isinstance(d, int) and not isinstance(d, (bool, Sym)) and d >= 0 for d in dims):
        return NotImplemented
    dtype = dtype_of(kwargs["dtype"]) if "dtype" in kwargs else default
    count = math.prod(dims)
    if dtype is None or count > MAX_ELEMENTS:
        return NotImplemented
    value = km.to_dtype(fill, dtype)
    return NotImplemented if value is None else make(tuple(dims), dtype, [(value, 0.0)] * count)


def truth(t: TensorVal) -> Any:
    """``if t:`` / ``not t``: a known one-element tensor's value is nonzero (``if multiplier:`` on an element
    of a known tensor); UNKNOWN for the rest (torch raises for more elements: never claimed here)."""
    if not isinstance(t, KnownTensor) or not t.known or t.numpy or len(t.values or ()) != 1:
        return UNKNOWN
    value, err = _elems(t)[0]
    if abs(value) > err:
        return True
    if value == 0 and err == 0:
        return False
    return UNKNOWN


def set_item(t: Any, key: Any, value: Any) -> bool:
    """``t[i] = v`` (``t[i, j] = v``): one element of a known tensor, not a view, set to a Python number cast
    to ``t``'s dtype as torch casts it. Views taken of ``t`` before become unknown (their elements were copied
    or shared). False when not modelled: the caller forgets ``t``."""
    if not isinstance(t, KnownTensor) or not t.known or t.numpy or t.base is not None:
        return False
    keys = key if isinstance(key, tuple) else (key,)
    if len(keys) != len(t.dims) or not all(type(k) is int and -n <= k < n for k, n in zip(keys, t.dims)):
        return False
    if not _number(value):
        return False
    element = km.to_dtype(value, t.dtype)
    if element is None or t.values is None:
        return False
    at = 0
    for k, n in zip(keys, t.dims):
        at = at * n + k % n
    t.values[at] = element
    if t.errs is not None:
        t.errs[at] = 0.0
    t.version += 1
    return True


ORDERED = {"<", "<=", ">", ">=", "==", "!="}


def compared(op: str, left: Any, right: Any) -> Any:
    """``a < b`` elementwise in the promoted dtype, a bool tensor; an element whose operands' error bounds
    overlap the decision is unknown (and so the tensor's values)."""
    dtype = result_dtype(left, right)
    if dtype is None:
        return NotImplemented
    a, b = _as_operand(left, dtype), _as_operand(right, dtype)
    dims = _broadcast(a[0], b[0]) if a is not None and b is not None else None
    if dims is None or math.prod(dims) > MAX_ELEMENTS:
        return NotImplemented
    xs, ys = _spread(a[1], a[0], dims), _spread(b[1], b[0], dims)  # type: ignore[index]
    return make(dims, "bool", [_decided(op, x, y) for x, y in zip(xs, ys)])


def _decided(op: str, a: km.Elem, b: km.Elem) -> km.Elem | None:
    (x, ex), (y, ey) = a, b
    if op in ("==", "!="):
        if ex == ey == 0:
            same = x == y
        elif x + ex < y - ey or y + ey < x - ex:
            same = False
        else:
            return None
        return (same == (op == "=="), 0.0)
    if op in (">", ">="):
        (x, ex), (y, ey), op = (y, ey), (x, ex), "<" if op == ">" else "<="
    if x + ex < y - ey or (op == "<=" and x + ex <= y - ey):
        return (True, 0.0)
    if x - ex > y + ey or (op == "<" and x - ex >= y + ey):
        return (False, 0.0)
    return None
