"""Calls on known-valued tensors: ``torch.X(...)``, ``tensor.X(...)`` and operators, the interpreter's hooks.

Split from ``tensor_values.py`` (which holds the known tensors themselves,
their construction, arithmetic and read-back) so that each module has one
job: this one decides which call a known tensor's values follow through and
which call makes them forgotten (the rule in ``tensor_values.py``'s
docstring: values never go stale).
"""

from __future__ import annotations

import itertools
import math

from cnnlint.interpret import known_math as km
from cnnlint.interpret import numpy_values, tensor_elements
from cnnlint.interpret.tensor_ranges import arange, arange_bounds, np_linspace
from cnnlint.interpret.tensor_values import (
    _ROUNDING,
    KnownTensor,
    _elems,
    _number,
    _reduce,
    _unique_counted,
    alias,
    binary,
    convert,
    dtype_of,
    escape,
    forget,
    make,
    tensor,
    tolist,
    unary,
)
from cnnlint.interpret.values import ListVal, Sym, TensorVal
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_UNARY = {"log", "exp", "sqrt", "neg", "negative", "abs"}
_BINARY = {
    "add": "+", "sub": "-", "subtract": "-", "mul": "*", "multiply": "*", "div": "/", "divide": "/",
    "true_divide": "/", "floor_divide": "//", "remainder": "%", "pow": "**",
}  # fmt: skip
_CASTS = {"int": "int32", "long": "int64", "float": "float32", "double": "float64", "bool": "bool"}
_HARMLESS = {"size", "dim", "numel", "nelement", "ndimension", "is_floating_point"}  # neither alias nor change


def call_torch(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``torch.X(...)`` on known values; NotImplemented (known tensors among the arguments forgotten) otherwise."""
    result = NotImplemented
    short = name[len("torch.") :] if name.startswith("torch.") else ""
    if short in ("tensor", "as_tensor") and args and not isinstance(args[0], TensorVal):
        if set(kwargs) <= {"dtype", "device", "requires_grad"}:
            result = tensor(args[0], dtype_of(kwargs.get("dtype")))
    elif short in ("ones", "zeros", "full"):
        result = tensor_elements.filled(short, args, kwargs)
    elif short == "arange" and set(kwargs) <= {"dtype", "device", "start", "end", "step"}:
        bounds = arange_bounds(args, kwargs)
        result = arange(bounds, dtype_of(kwargs.get("dtype"))) if bounds is not None else NotImplemented
    elif name == "numpy.linspace":
        result = np_linspace(args, kwargs)
    elif name == "numpy.arange" and not kwargs:
        result = arange(args, None)  # integer bounds: NumPy's int64 elements are torch's
        if isinstance(result, KnownTensor):
            result.numpy = True
    elif name.startswith("numpy."):
        result = numpy_values.call(name, args, kwargs)
    elif short == "stack" and args and _stack_dim(args[1:], kwargs) == 0:
        result = _stack(args[0])
    elif short in _BINARY and len(args) == 2 and not kwargs:
        if any(isinstance(a, KnownTensor) and a.known for a in args):
            result = binary(_BINARY[short], args[0], args[1])  # torch.pow(2.0, t) too
    elif short and args and isinstance(args[0], KnownTensor) and args[0].known:
        result = _method(args[0], short, list(args[1:]), kwargs)
    if result is NotImplemented:
        escape(args, kwargs)
    return result


def call_method(t: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``t.X(...)`` for a known tensor; NotImplemented (and `t` forgotten unless harmless) when not modelled."""
    if not isinstance(t, KnownTensor) or not t.known:
        return NotImplemented
    result = _method(t, name, args, kwargs)
    if result is NotImplemented and name not in _HARMLESS:
        forget(t)
    return result


def _method(t: KnownTensor, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if t.numpy and name not in ("tolist", "item", "reshape"):
        return numpy_values.method(t, name, args, kwargs)
    if name == "unique" and not args and kwargs:
        return _unique_counted(t, kwargs)
    if kwargs and not (name in ("to", "type") and set(kwargs) == {"dtype"}):
        return NotImplemented
    if name == "tolist" and not args:
        return tolist(t)
    if name == "item" and not args and len(t.values or ()) == 1:
        result = tolist(t)
        return result if not isinstance(result, ListVal) else NotImplemented
    if name in _CASTS and not args:
        return convert(t, _CASTS[name])
    if name in ("to", "type"):
        dtype = dtype_of(args[0] if args else kwargs.get("dtype"))
        return convert(t, dtype) if dtype is not None and len(args) + len(kwargs) == 1 else NotImplemented
    if name == "contiguous" and not args:
        return t  # (torch returns the tensor itself)
    if name == "detach" and not args:
        return alias(t)  # a new tensor over the same elements
    if name == "clone" and not args:
        return make(t.dims, t.dtype, _elems(t))
    if name in _UNARY or name in _ROUNDING:
        return unary(name, t) if not args else NotImplemented
    if name in _BINARY and len(args) == 1:
        return binary(_BINARY[name], t, args[0])
    if name in ("sum", "max", "min", "amax", "amin", "diff", "unique") and not args:
        return _reduce(name, t)
    if name == "split" and len(args) == 1:
        return _split(t, args[0])
    if name == "flip" and args:
        return _flip(t, args[0] if len(args) == 1 else tuple(args))
    if name in ("reshape", "view") and args:
        return _reshape(t, args[0] if len(args) == 1 else tuple(args))
    if name == "flatten" and not args:
        return _reshape(t, (-1,)) if t.dims else _reshape(t, (1,))
    if name == "t" and not args and len(t.dims) <= 2:
        return _transposed(t)
    return NotImplemented


def index(t: KnownTensor, key: Any) -> Any:
    """``t[i]``, ``t[a:b]``, ``t[i, a:b]``: ints and slices on the leading dims, a view of ``t`` (it shares its
    elements: a change to either forgets both). NotImplemented for anything else, and where torch raises."""
    keys = key if isinstance(key, tuple) else (key,)
    if len(keys) > len(t.dims):
        return NotImplemented
    picks: list[list[int]] = []
    dims: list[int] = []
    for k, n in zip(keys, t.dims):
        if isinstance(k, int) and not isinstance(k, bool):
            if not -n <= k < n:
                return NotImplemented  # torch raises: left to the shape ops
            picks.append([k % n])
        elif isinstance(k, slice) and all(_plain_int(p) for p in (k.start, k.stop, k.step)):
            if k.step is not None and (k.step == 0 or (k.step < 0 and not t.numpy)):
                return NotImplemented  # torch refuses a step below 1 (NumPy's ``a[::-1]`` reverses)
            picked = list(range(*k.indices(n)))
            picks.append(picked)
            dims.append(len(picked))
        else:
            return NotImplemented
    for n in t.dims[len(keys) :]:
        picks.append(list(range(n)))
        dims.append(n)
    elems = _elems(t)
    out = [elems[_flat(at, t.dims)] for at in itertools.product(*picks)]
    result = make(tuple(dims), t.dtype, out)
    if isinstance(result, KnownTensor):
        result.base, result.base_version, result.numpy = t, t.version, t.numpy
    return result


def unary_operator(op: str, t: TensorVal) -> TensorVal:
    """``-t``, ``+t``, ``~t``: a new tensor; a known one's values follow ``-`` and ``+``, else they are unknown."""
    if isinstance(t, KnownTensor) and t.known and not t.numpy and op in ("USub", "UAdd"):
        result = unary("neg", t) if op == "USub" else make(t.dims, t.dtype, _elems(t))
        if result is not NotImplemented:
            return result
    return TensorVal(t.shape, t.integer, tainted=t.tainted, mask=t.mask)


def _plain_int(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _flat(at: tuple[int, ...], dims: tuple[int, ...]) -> int:
    flat = 0
    for i, n in zip(at, dims):
        flat = flat * n + i
    return flat


def _transposed(t: KnownTensor) -> Any:
    """``t.t()``: a 2-D tensor's rows and columns swapped (0-D and 1-D come back as they are)."""
    if len(t.dims) < 2:
        return t
    rows, cols = t.dims
    elems = _elems(t)
    result = make((cols, rows), t.dtype, [elems[r * cols + c] for c in range(cols) for r in range(rows)])
    if isinstance(result, KnownTensor):
        result.base = t
    return result


def _stack_dim(rest: list[Any], kwargs: dict[str, Any]) -> Any:
    if set(kwargs) - {"dim"} or len(rest) > 1 or (rest and "dim" in kwargs):
        return None
    return rest[0] if rest else kwargs.get("dim", 0)


def _stack(tensors: Any) -> Any:
    """``torch.stack((a, b))`` of known tensors of one shape and dtype, along a new first dim."""
    items = tensors.items if isinstance(tensors, ListVal) and not tensors.uncertain else tensors
    if not isinstance(items, (list, tuple)) or not items:
        return NotImplemented
    if not all(isinstance(v, KnownTensor) and v.known and not v.numpy for v in items):
        return NotImplemented
    first = items[0]
    if any(v.dims != first.dims or v.dtype != first.dtype for v in items):
        return NotImplemented  # torch promotes or raises: left to the shape ops
    return make((len(items), *first.dims), first.dtype, [e for v in items for e in _elems(v)])


def _ints(value: Any) -> tuple[int, ...] | None:
    """Dims given as an int, a tuple or a list of plain ints (``flip(0)``, ``reshape([3, 4])``); None otherwise."""
    value = tuple(value.items) if isinstance(value, ListVal) and not value.uncertain else value
    value = (value,) if isinstance(value, int) else value
    if not isinstance(value, tuple) or not all(isinstance(d, int) and not isinstance(d, (bool, Sym)) for d in value):
        return None
    return value


def _reshape(t: KnownTensor, sizes: Any) -> Any:
    """``t.reshape(r, c)``: the same elements in row-major order under new dims (one may be -1)."""
    sizes = _ints(sizes)
    if sizes is None:
        return NotImplemented
    count = len(t.values or ())
    rest = math.prod(d for d in sizes if d != -1)
    if sizes.count(-1) > 1 or any(d < -1 for d in sizes) or (-1 in sizes and (rest == 0 or count % rest)):
        return NotImplemented  # torch raises: left to the shape ops
    dims = tuple(count // rest if d == -1 else d for d in sizes)
    if math.prod(dims) != count:
        return NotImplemented
    return KnownTensor(
        Shape(*dims), t.integer, dims=dims, dtype=t.dtype, values=t.values, errs=t.errs, numpy=t.numpy, base=t
    )


def _flip(t: KnownTensor, dims: Any) -> Any:
    """``t.flip(dims)``: the elements reversed along each named dim (nest's ``(4 ** arange(n)).flip(0)``)."""
    dims = _ints(dims)
    rank = len(t.dims)
    if dims is None:
        return NotImplemented
    if not all(-max(rank, 1) <= d < max(rank, 1) for d in dims):
        return NotImplemented  # torch raises: left to the shape ops
    axes = {d % max(rank, 1) for d in dims}
    if len(axes) != len(dims):
        return NotImplemented
    elems = _elems(t)
    out = []
    for index in itertools.product(*(range(n) for n in t.dims)):
        source = [n - 1 - i if axis in axes else i for axis, (i, n) in enumerate(zip(index, t.dims))]
        flat = 0
        for i, n in zip(source, t.dims):
            flat = flat * n + i
        out.append(elems[flat])
    return make(t.dims, t.dtype, out)


def _split(t: KnownTensor, sizes: Any) -> Any:
    """``t.split([2, 3])`` of a 1-D tensor into pieces of known sizes."""
    sizes = list(sizes.items) if isinstance(sizes, ListVal) and not sizes.uncertain else sizes
    if len(t.dims) != 1 or not isinstance(sizes, (list, tuple)):
        return NotImplemented
    if not all(isinstance(n, int) and not isinstance(n, (bool, Sym)) and n >= 0 for n in sizes):
        return NotImplemented
    if sum(sizes) != t.dims[0]:
        return NotImplemented  # torch raises: left to the shape ops
    elems, out, at = _elems(t), [], 0
    for n in sizes:
        out.append(make((n,), t.dtype, elems[at : at + n]))
        at += n
    return tuple(out)


def binop(op: str, left: Any, right: Any) -> Any:
    """An operator with a known tensor on one side; NotImplemented when not modelled."""
    if not any(isinstance(v, KnownTensor) and v.known for v in (left, right)):
        return NotImplemented
    if any(isinstance(v, KnownTensor) and v.numpy for v in (left, right)):
        return numpy_values.binary(op, left, right)
    if op == "/" and _number(left) and isinstance(right, KnownTensor):
        # ``3 / t`` is ``Tensor.__rtruediv__``: ``t.reciprocal() * 3``, rounded twice
        dtype = right.dtype if right.dtype in km.FLOATS else "float32"
        inverse = binary("/", make((), dtype, [(1.0, 0.0)]), right)
        return binary("*", inverse, left) if isinstance(inverse, KnownTensor) else NotImplemented
    if op in tensor_elements.ORDERED:
        return tensor_elements.compared(op, left, right)
    return binary(op, left, right)
