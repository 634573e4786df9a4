"""Small tensors whose values are known: constructor arithmetic such as RegNet's stage widths.

``BlockParams.from_init_params`` computes widths with ``torch.arange``,
``torch.log``, ``torch.pow``, ``torch.round`` and reads them back with
``.int().tolist()``; timm computes stochastic-depth rates with
``[x.item() for x in torch.linspace(0, rate, n)]`` and picks
``DropPath(p) if p > 0. else nn.Identity()``. A ``KnownTensor`` is an abstract
tensor (its shape is known) that also carries its elements, computed as torch
computes them (dtype promotion, float32 rounding; ``known_math.py``), each
with a bound on how far torch's own value can be. An inexact element read
back into Python is an ``Approx`` (comparisons decided by its interval,
arithmetic unknown); every op not modelled here gives the ordinary
shape-only tensor, whose values are unknown. The calls that reach them (``torch.X(...)``,
``tensor.X(...)``, operators) are dispatched in ``tensor_value_calls.py``.

Values must never go stale: an op that could alias or change a known tensor
in place (an in-place method, an index or item assignment, ``x += 1``, a
layer call, anything passed to code the interpreter does not read) first
*forgets* its values, so it becomes an ordinary abstract tensor.
"""

from __future__ import annotations

import itertools
import math

from cnnlint.interpret import known_math as km
from cnnlint.interpret.approx import Approx
from cnnlint.interpret.values import ListVal, QualName, Sym, TensorVal
from cnnlint.records import dataclass
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_ELEMENTS = 4096
_DTYPES = {
    "float32": "float32", "float": "float32", "float64": "float64", "double": "float64",
    "int64": "int64", "long": "int64", "int32": "int32", "int": "int32", "bool": "bool",
}  # fmt: skip
_CATEGORY = {"bool": 0, "int32": 1, "int64": 1, "float32": 2, "float64": 2}
_SIZE = {"bool": 0, "int32": 1, "int64": 2, "float32": 1, "float64": 2}
_ROUNDING = {"round", "floor", "ceil", "trunc", "fix"}


@dataclass(eq=False)
class KnownTensor(TensorVal):
    """A tensor with its elements (row-major) and each one's error bound; ``values`` None once forgotten."""

    dims: tuple[int, ...] = ()
    dtype: str = "float32"
    values: list | None = None
    errs: list | None = None  # absolute error bound per element; None: all exact
    numpy: bool = False  # a NumPy array (``np.linspace``): only read back, its arithmetic is not torch's
    base: KnownTensor | None = None  # the tensor this one is a reshaped view of: they share their elements
    version: int = 0  # how many times an element was written (``t[i] = v``)
    base_version: int = 0  # the base's version when this view was taken: a later write makes this one unknown

    def __post_init__(self) -> None:
        if self.base is not None:
            self.base_version = self.base.version

    @property
    def known(self) -> bool:
        base = self.base
        return self.values is not None and (base is None or (base.known and base.version == self.base_version))


def make(dims: tuple[int, ...], dtype: str, elems: list[km.Elem | None]) -> TensorVal:
    """A known tensor, or a shape-only one when an element is unknown."""
    if any(e is None for e in elems):
        return TensorVal(Shape(*dims), integer=dtype in km.INTS, mask=dtype == "bool")
    values = [e[0] for e in elems]  # type: ignore[index]
    errs = [e[1] for e in elems] if any(e[1] for e in elems) else None  # type: ignore[index]
    return KnownTensor(
        Shape(*dims), dtype in km.INTS, mask=dtype == "bool", dims=dims, dtype=dtype, values=values, errs=errs
    )


def _elems(t: KnownTensor) -> list[km.Elem]:
    errs = t.errs or [0.0] * len(t.values or ())
    return list(zip(t.values or (), errs))


def forget(value: Any) -> None:
    """The tensor may have changed where values are not followed: from now on its values are unknown."""
    if isinstance(value, KnownTensor):
        value.values = None
        value.errs = None
        if value.base is not None:  # a change through a view changes what it views
            forget(value.base)


def alias(t: TensorVal) -> TensorVal:
    """``t.data``: a new tensor over the same elements. torch resizes only it in place (``x.data.resize_(16)``
    leaves ``x`` as it was: ACGAN's pre-0.4 placeholders); a change of its values is a change of ``t``'s."""
    if isinstance(t, KnownTensor) and t.known:
        return KnownTensor(
            t.shape,
            t.integer,
            mask=t.mask,
            dims=t.dims,
            dtype=t.dtype,
            values=t.values,
            errs=t.errs,
            numpy=t.numpy,
            base=t,
        )
    forget(t)
    return TensorVal(t.shape, t.integer, tainted=t.tainted, mask=t.mask, producer=t.producer, relayed=t.relayed)


def escape(args: list[Any], kwargs: dict[str, Any]) -> None:
    """Known tensors handed to code that may change them in place (a layer, an unknown callee) are forgotten."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, KnownTensor):
            forget(value)


def same(a: TensorVal, b: TensorVal) -> bool:
    """Two branches' tensors agree on their values too (a shape-only tensor agrees with nothing known)."""
    ka = isinstance(a, KnownTensor) and a.known
    kb = isinstance(b, KnownTensor) and b.known
    if not (ka or kb):
        return True
    return ka and kb and (a.dtype, a.values, a.errs) == (b.dtype, b.values, b.errs)  # type: ignore[union-attr]


def _number(v: Any) -> bool:
    return isinstance(v, (bool, int, float)) and not isinstance(v, Sym)


def _scalar_dtype(v: Any) -> str:
    return "bool" if isinstance(v, bool) else "int64" if isinstance(v, int) else "float32"


def dtype_of(value: Any) -> str | None:
    """``torch.float32`` / ``torch.long`` as a dtype name, None for anything else."""
    if isinstance(value, QualName) and value.name.startswith("torch."):
        return _DTYPES.get(value.name[len("torch.") :])
    return None


# -- construction -----------------------------------------------------------------------------


def _nested(data: Any) -> tuple[tuple[int, ...], list] | None:
    """Dims and flat items of nested lists/tuples of numbers."""
    if _number(data):
        return (), [data]
    items = data.items if isinstance(data, ListVal) and not data.uncertain else data
    if not isinstance(items, (list, tuple)):
        return None
    parts = [_nested(item) for item in items]
    if any(p is None for p in parts) or len({p[0] for p in parts}) > 1:  # type: ignore[index]
        return None
    inner = parts[0][0] if parts else ()  # type: ignore[index]
    flat = [x for p in parts for x in p[1]]  # type: ignore[index]
    return ((len(items), *inner), flat) if len(flat) <= MAX_ELEMENTS else None


def tensor(data: Any, dtype: str | None) -> Any:
    nested = _nested(data)
    if nested is None:
        return NotImplemented
    dims, flat = nested
    if dtype is None:
        kinds = {_scalar_dtype(x) for x in flat}
        dtype = "float32" if "float32" in kinds or not flat else "int64" if "int64" in kinds else "bool"
    elems = [km.to_dtype(x, dtype) for x in flat]
    return make(dims, dtype, [(x, 0.0) if x is not None else None for x in elems])


# -- elementwise ------------------------------------------------------------------------------


def _operand(v: Any) -> tuple[str, int, str] | None:
    """(kind, priority, dtype) of a binary operand: a dimensioned tensor, a 0-dim tensor, a Python number."""
    if isinstance(v, KnownTensor) and v.known and not v.numpy:
        return "tensor", 2 if v.dims else 1, v.dtype
    if _number(v):
        return "scalar", 0, _scalar_dtype(v)
    return None


def _promote(a: str, b: str) -> str:
    if _CATEGORY[a] != _CATEGORY[b]:
        return a if _CATEGORY[a] > _CATEGORY[b] else b
    return a if _SIZE[a] >= _SIZE[b] else b


def result_dtype(left: Any, right: Any) -> str | None:
    """torch's type promotion: dimensioned tensors first, then 0-dim tensors, then Python scalars by category."""
    ops = [_operand(left), _operand(right)]
    if None in ops:
        return None
    ops.sort(key=lambda o: -o[1])  # type: ignore[index]
    dtype = ops[0][2]  # type: ignore[index]
    for kind, priority, other in ops[1:]:  # type: ignore[misc]
        if priority == ops[0][1]:  # type: ignore[index]
            dtype = _promote(dtype, other)
        elif _CATEGORY[other] > _CATEGORY[dtype]:
            dtype = other if kind == "tensor" else {"int64": "int64", "float32": "float32"}.get(other, dtype)
    return dtype


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    rank = max(len(a), len(b))
    pa, pb = (1,) * (rank - len(a)) + a, (1,) * (rank - len(b)) + b
    if any(x != y and 1 not in (x, y) for x, y in zip(pa, pb)):
        return None
    return tuple(max(x, y) if 0 not in (x, y) else 0 for x, y in zip(pa, pb))


def _spread(elems: list[km.Elem], dims: tuple[int, ...], out: tuple[int, ...]) -> list[km.Elem]:
    """`elems` of shape `dims` broadcast to `out`."""
    dims = (1,) * (len(out) - len(dims)) + dims
    strides, step = [], 1
    for d in reversed(dims):
        strides.append(step if d != 1 else 0)
        step *= d
    strides.reverse()
    return [elems[sum(i * s for i, s in zip(index, strides))] for index in itertools.product(*map(range, out))]


def _as_operand(v: Any, dtype: str) -> tuple[tuple[int, ...], list[km.Elem]] | None:
    if isinstance(v, KnownTensor):
        source = v.dtype
        cast = [km.cast(e, source, dtype) for e in _elems(v)]
        return (v.dims, cast) if None not in cast else None  # type: ignore[return-value]
    value = km.to_dtype(v, dtype)
    return ((), [(value, 0.0)]) if value is not None else None


def binary(op: str, left: Any, right: Any, dtype: str | None = None) -> Any:
    """``left op right`` with a known tensor on either side; NotImplemented when not modelled.

    `dtype`: the result's dtype when the caller decided it (NumPy's promotion), else torch's.
    """
    dtype = dtype or result_dtype(left, right)
    if dtype is None or op not in ("+", "-", "*", "/", "//", "%", "**"):
        return NotImplemented
    if op == "/" and dtype not in km.FLOATS:
        dtype = "float32"
    a, b = _as_operand(left, dtype), _as_operand(right, dtype)
    dims = _broadcast(a[0], b[0]) if a is not None and b is not None else None
    if dims is None or math.prod(dims) > MAX_ELEMENTS:
        return NotImplemented
    xs, ys = _spread(a[1], a[0], dims), _spread(b[1], b[0], dims)  # type: ignore[index]
    if op == "**":
        if dtype in km.FLOATS:
            return make(dims, dtype, [km.power(x, y, dtype) for x, y in zip(xs, ys)])
        return make(dims, dtype, [km.int_power(x, y, dtype) for x, y in zip(xs, ys)])
    if op in ("//", "%") and dtype in km.FLOATS:
        return TensorVal(Shape(*dims))
    return make(dims, dtype, [km.arith(op, x, y, dtype) for x, y in zip(xs, ys)])


def unary(name: str, t: KnownTensor) -> Any:
    if name in _ROUNDING:
        name = "trunc" if name == "fix" else name
        return make(t.dims, t.dtype, [km.rounding(name, e, t.dtype) for e in _elems(t)])
    name = "neg" if name == "negative" else name
    if t.dtype == "bool":
        return NotImplemented
    if name in ("neg", "abs") and t.dtype in km.INTS:
        values = [km.to_dtype(-x if name == "neg" else abs(x), t.dtype) for x, _ in _elems(t)]
        return make(t.dims, t.dtype, [(v, 0.0) if v is not None else None for v in values])
    dtype = t.dtype if t.dtype in km.FLOATS else "float32"
    elems = [km.cast(e, t.dtype, dtype) for e in _elems(t)]
    return make(t.dims, dtype, [km.unary(name, e, dtype) if e is not None else None for e in elems])


def convert(t: KnownTensor, dtype: str) -> Any:
    if dtype == t.dtype:
        return t  # torch returns the tensor itself: the same object, so changes to one are changes to both
    return make(t.dims, dtype, [km.cast(e, t.dtype, dtype) for e in _elems(t)])


# -- reductions and read-back -----------------------------------------------------------------


def _reduce(name: str, t: KnownTensor) -> Any:
    elems = _elems(t)
    if name in ("max", "min", "amax", "amin"):
        if not elems or t.dtype == "bool":
            return NotImplemented
        pick = max if name in ("max", "amax") else min
        return make((), t.dtype, [(pick(x for x, _ in elems), max(e for _, e in elems))])
    if name == "sum":
        dtype = "int64" if t.dtype not in km.FLOATS else t.dtype
        if dtype in km.INTS:
            value = km.to_dtype(sum(int(x) for x, _ in elems), dtype)
            return make((), dtype, [(value, 0.0) if value is not None else None])
        total, magnitude = math.fsum(x for x, _ in elems), math.fsum(abs(x) for x, _ in elems)
        spread = math.fsum(e for _, e in elems) + max(len(elems) - 1, 0) * km.ulp(magnitude, dtype)
        value = km.to_dtype(total, dtype)
        return make((), dtype, [(value, spread + km.ulp(magnitude, dtype)) if value is not None else None])
    if name == "diff":
        if len(t.dims) != 1 or t.dtype == "bool":
            return NotImplemented
        return make((max(t.dims[0] - 1, 0),), t.dtype, [km.arith("-", b, a, t.dtype) for a, b in zip(elems, elems[1:])])
    if name == "unique":
        if t.errs:
            return NotImplemented
        values = sorted(set(t.values or ()))
        return make((len(values),), t.dtype, [(v, 0.0) for v in values])
    return NotImplemented


def _unique_counted(t: KnownTensor, kwargs: dict[str, Any]) -> Any:
    """``torch.unique(t, return_counts=True)`` (timm's RegNet stage depths): sorted values and their counts."""
    if not set(kwargs) <= {"sorted", "return_counts", "return_inverse", "dim"} or t.errs:
        return NotImplemented
    if kwargs.get("sorted", True) is not True or kwargs.get("return_inverse", False) is not False:
        return NotImplemented
    if kwargs.get("dim") is not None or not isinstance(kwargs.get("return_counts", False), bool):
        return NotImplemented
    values = _reduce("unique", t)
    if not kwargs.get("return_counts") or not isinstance(values, KnownTensor):
        return values
    flat = list(t.values or ())
    counts = [flat.count(v) for v in values.values or ()]
    return values, make((len(counts),), "int64", [(n, 0.0) for n in counts])


def tolist(t: KnownTensor) -> Any:
    """``.tolist()``: nested lists of Python numbers, an ``Approx`` for an element known only to an interval."""
    kind = float if t.dtype in km.FLOATS else bool if t.dtype == "bool" else int
    flat = [kind(x) if not e else Approx(x - e, x + e) for x, e in _elems(t)]

    def build(dims: tuple[int, ...], items: list) -> Any:
        if not dims:
            return items[0]
        step = len(items) // dims[0] if dims[0] else 0
        return ListVal([build(dims[1:], items[i * step : (i + 1) * step]) for i in range(dims[0])])

    return build(t.dims, flat)


def rows(t: TensorVal) -> list[Any] | None:
    """``for x in t`` over a known 1-D tensor: its elements as 0-d tensors, each with its value."""
    if not isinstance(t, KnownTensor) or not t.known or len(t.dims) != 1:
        return None
    if t.numpy:  # NumPy's scalars: Python numbers here
        return list(tolist(t).items)
    return [make((), t.dtype, [e]) for e in _elems(t)]
