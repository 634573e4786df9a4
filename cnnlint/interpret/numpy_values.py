"""NumPy arrays whose values are known: constructor arithmetic written with NumPy instead of torch.

pytorchcv's ``get_regnet`` computes its stage widths as torchvision does with
torch, but in NumPy: ``np.arange(depth) * slope + init``, ``np.log``,
``np.round``, ``np.power``, ``.astype(int)`` and ``np.unique(...,
return_counts=True)``, then iterates the arrays in Python. A NumPy array is a
``KnownTensor`` flagged ``numpy``; its elements follow the same float
arithmetic (``known_math.py``: ``+ - * /`` correctly rounded, ``log`` /
``exp`` / ``pow`` within a few ulps, rounding exact only when the whole
interval agrees) in NumPy's dtypes and promotion, which are not torch's:
integers are int64 and floats float64 by default, an integer array divided
or mixed with a Python float is float64, and Python scalars are "weak" (they
never widen an array's kind beyond what their own kind needs, NEP 50).
Only int64, float64 and bool arrays are modelled; any other dtype, keyword or
function is NotImplemented (the caller makes the result unknown). Iterating
an array gives its elements as Python numbers (NumPy's scalars behave as
them here), an inexact one as an ``Approx``.
"""

from __future__ import annotations

from cnnlint.interpret import known_math as km
from cnnlint.interpret import numpy_arrays
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.values import Builtin, QualName

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_DTYPES = {
    "int": "int64", "int64": "int64", "int_": "int64", "intp": "int64", "long": "int64",
    "float": "float64", "float64": "float64", "double": "float64", "float_": "float64",
    "bool": "bool", "bool_": "bool",
}  # fmt: skip
_CATEGORY = {"bool": 0, "int64": 1, "float64": 2}
_UNARY = {"log", "exp", "sqrt", "negative", "abs", "absolute"}
_ROUNDING = {"round": "round", "around": "round", "rint": "round", "floor": "floor", "ceil": "ceil", "trunc": "trunc"}
_ROUNDING["fix"] = "trunc"
_BINARY = {
    "add": "+", "subtract": "-", "multiply": "*", "divide": "/", "true_divide": "/", "power": "**",
    "floor_divide": "//", "remainder": "%", "mod": "%",
}  # fmt: skip


def is_array(value: Any) -> bool:
    return isinstance(value, tv.KnownTensor) and value.numpy and value.known and value.dtype in _CATEGORY


def _mark(result: Any) -> Any:
    """The known tensors in `result` are NumPy arrays (NotImplemented when one is not of a modelled dtype)."""
    for item in result if isinstance(result, tuple) else (result,):
        if not isinstance(item, tv.KnownTensor) or item.dtype not in _CATEGORY:
            return NotImplemented
        item.numpy = True
    return result


def dtype_of(value: Any) -> str | None:
    """``int``, ``np.int64``, ``"float64"`` as one of the modelled NumPy dtypes; None for anything else."""
    if isinstance(value, Builtin):
        return _DTYPES.get(value.name) if value.name in ("int", "float", "bool") else None
    if isinstance(value, QualName) and value.name.startswith("numpy."):
        return _DTYPES.get(value.name[len("numpy.") :])
    if isinstance(value, str):
        return _DTYPES.get(value) if value in ("int64", "float64", "bool") else None
    return None


def _scalar_dtype(v: Any) -> str:
    return "bool" if isinstance(v, bool) else "int64" if isinstance(v, int) else "float64"


def result_dtype(left: Any, right: Any) -> str | None:
    """NumPy's promotion of an array with an array or a (weak) Python scalar."""
    kinds = []
    for v in (left, right):
        if is_array(v):
            kinds.append((v.dtype, True))
        elif tv._number(v):
            kinds.append((_scalar_dtype(v), False))
        else:
            return None
    arrays = [d for d, strong in kinds if strong]
    dtype = max(arrays, key=_CATEGORY.__getitem__)
    for d, strong in kinds:
        if not strong and _CATEGORY[d] > _CATEGORY[dtype]:
            dtype = d  # a Python int with a bool array is int64, a Python float with an int array float64
    return dtype


def binary(op: str, left: Any, right: Any) -> Any:
    """``left op right`` with a NumPy array on either side (``np.add(a, b)`` too)."""
    dtype = result_dtype(left, right)
    if dtype is None or dtype == "bool" or op not in _BINARY.values():
        return NotImplemented  # bool arithmetic is logical in NumPy
    if op == "/":
        dtype = "float64"
    return _mark(tv.binary(op, left, right, dtype))


def _copy(t: tv.KnownTensor, dtype: str) -> Any:
    """A new array of `t`'s elements in `dtype` (``astype`` and ``np.round`` of integers copy)."""
    return _mark(tv.make(t.dims, dtype, [km.cast(e, t.dtype, dtype) for e in tv._elems(t)]))


def _unary(name: str, t: tv.KnownTensor) -> Any:
    if name in _ROUNDING:
        if t.dtype != "float64":  # NumPy rounds integers to themselves; floor of an integer is a float
            return _copy(t, t.dtype) if _ROUNDING[name] == "round" and t.dtype == "int64" else NotImplemented
        return _mark(tv.unary(_ROUNDING[name], t))
    name = {"negative": "neg", "absolute": "abs"}.get(name, name)
    if t.dtype == "bool":
        return NotImplemented
    if name in ("neg", "abs"):
        return _mark(tv.unary(name, t))
    converted = _copy(t, "float64") if t.dtype != "float64" else t
    return _mark(tv.unary(name, converted)) if converted is not NotImplemented else NotImplemented


def _array(value: Any) -> Any:
    """A NumPy array of `value` (a scalar becomes a 0-d one), or None."""
    if is_array(value):
        return value
    if tv._number(value):
        return _mark(tv.make((), _scalar_dtype(value), [(km.to_dtype(value, _scalar_dtype(value)), 0.0)]))
    return None


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``numpy.X(...)`` on known values; NotImplemented when not modelled."""
    short = name[len("numpy.") :]
    shaped = numpy_arrays.call(short, args, kwargs)  # ``np.random.randn(32, 1, 64, 64)``: a shape, no values
    if shaped is not None:
        return shaped
    if short in ("array", "asarray") and len(args) == 1 and set(kwargs) <= {"dtype"}:
        dtype = dtype_of(kwargs["dtype"]) if "dtype" in kwargs else None
        if "dtype" in kwargs and dtype is None:
            return NotImplemented
        if is_array(args[0]):
            return _copy(args[0], dtype or args[0].dtype)
        nested = tv._nested(args[0])
        if nested is None:
            return NotImplemented
        kinds = {_scalar_dtype(x) for x in nested[1]}
        dtype = dtype or max(kinds or {"float64"}, key=_CATEGORY.__getitem__)  # NumPy's default float is float64
        return _mark(tv.tensor(args[0], dtype))
    if short in _BINARY and len(args) == 2 and not kwargs and any(is_array(a) for a in args):
        return binary(_BINARY[short], args[0], args[1])
    if short in _BINARY and len(args) == 2 and not kwargs and all(tv._number(a) for a in args):
        return binary(_BINARY[short], _array(args[0]), args[1])  # np.power(2.0, 3): a NumPy scalar
    if len(args) != 1:
        return NotImplemented
    t = _array(args[0])
    if t is None or t is NotImplemented:
        return NotImplemented
    if (short in _UNARY or short in _ROUNDING) and not kwargs:
        return _unary(short, t)
    if short == "unique":
        return _mark(tv._unique_counted(t, kwargs)) if t.dims else NotImplemented
    return NotImplemented


def method(t: tv.KnownTensor, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``a.X(...)`` on a NumPy array; NotImplemented when not modelled."""
    if not is_array(t):
        return NotImplemented
    if name == "astype" and len(args) == 1 and not kwargs:
        dtype = dtype_of(args[0])
        if dtype is not None:
            return _copy(t, dtype)
        # another dtype (``.astype(np.float32)``, PointNet's identity): its values are not modelled, its shape is
        integer = numpy_arrays.integer_dtype(args[0])
        return numpy_arrays.ShapedArray(t.dims, integer) if integer is not None else NotImplemented
    if kwargs:
        return NotImplemented
    if name in ("round", "__round__") and not args:
        return _unary("round", t)
    if name in ("sum", "max", "min") and not args:
        return _mark(tv._reduce(name, t))
    return NotImplemented
