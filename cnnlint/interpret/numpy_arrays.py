"""NumPy arrays of known shape and unknown values: a script's input made with NumPy.

``torch.FloatTensor(np.random.randn(32, 1, 64, 64))`` and ``torch.from_numpy(np.zeros((8, 3, 32, 32),
dtype=np.float32))`` are inputs as real as ``torch.randn``. Only the shape is kept: the constructors that
fix one (``random.randn/rand``, ``zeros/ones/empty``, the ``size=`` of ``random.random/normal/uniform/
randint``), ``.astype`` and ``.copy``, and ``.shape`` / ``.ndim``. Anything else done to such an array is
unknown, as are arrays whose values are known (``numpy_values.py`` holds those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cnnlint.interpret.values import UNKNOWN, ListVal, MethodOf

# where each ``numpy.random`` function takes its ``size`` positionally
_SIZE_AT = {"random.random": 0, "random.random_sample": 0, "random.standard_normal": 0, "random.normal": 2}
_SIZE_AT |= {"random.uniform": 2, "random.randint": 2}
_FILLED = ("zeros", "ones", "empty")
METHODS = ("astype", "copy")


@dataclass(frozen=True)
class ShapedArray:
    dims: tuple[int, ...]
    integer: bool = False  # holds integers (``randint``, ``dtype=np.int64``): a torch tensor of indices


def _dims(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, ListVal):
        value = tuple(value.items) if not value.uncertain else None
    if _size(value):
        return (value,)
    if isinstance(value, tuple) and all(_size(v) for v in value):
        return value
    return None


def _size(value: Any) -> bool:
    return type(value) is int and value >= 0


def _integer(dtype: Any) -> bool | None:
    """Whether a dtype names integers; None when it is not known."""
    name = getattr(dtype, "name", dtype)  # np.float32, the builtin float, or "float32"
    if not isinstance(name, str):
        return None
    short = name.rsplit(".", 1)[-1]
    if short.startswith(("int", "uint", "long")):
        return True
    if short.startswith(("float", "double", "half")):
        return False
    return None


def call(short: str, args: list[Any], kwargs: dict[str, Any]) -> ShapedArray | None:
    """``numpy.<short>(...)`` when it makes an array of known shape; None otherwise."""
    if short in ("random.randn", "random.rand"):
        return ShapedArray(tuple(args)) if not kwargs and all(_size(a) for a in args) else None
    if short in _FILLED and len(args) == 1 and set(kwargs) <= {"dtype"}:
        dims = _dims(args[0])
        integer = _integer(kwargs["dtype"]) if "dtype" in kwargs else False
        return ShapedArray(dims, integer) if dims is not None and integer is not None else None
    at = _SIZE_AT.get(short)
    if at is None or set(kwargs) - {"size", "low", "high", "loc", "scale"}:
        return None
    size = kwargs.get("size", args[at] if len(args) > at else None)
    dims = _dims(size)
    return ShapedArray(dims, short == "random.randint") if dims is not None else None


def attribute(array: ShapedArray, name: str) -> Any:
    if name == "shape":
        return array.dims
    if name == "ndim":
        return len(array.dims)
    return MethodOf(array, name) if name in METHODS else UNKNOWN


def method(array: ShapedArray, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name == "copy" and not args and not kwargs:
        return array
    if name == "astype" and len(args) == 1 and not kwargs:
        integer = _integer(args[0])
        return ShapedArray(array.dims, integer) if integer is not None else UNKNOWN
    return UNKNOWN
