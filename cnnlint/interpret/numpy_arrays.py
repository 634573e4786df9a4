"""NumPy arrays of known shape and unknown values: a script's input made with NumPy.

``torch.FloatTensor(np.random.randn(32, 1, 64, 64))`` and ``torch.from_numpy(np.zeros((8, 3, 32, 32),
dtype=np.float32))`` are inputs as real as ``torch.randn``. Only the shape is kept: the constructors that
fix one (``random.randn/rand``, ``zeros/ones/empty``, ``eye/identity``, the ``size=`` of ``random.random/
normal/uniform/randint``, an array of known values cast to a dtype whose values are not modelled),
``.astype`` and ``.copy``, and ``.shape`` / ``.ndim``; and what a clip loader does to one before it is a
batch (C3D's ``clip.transpose(3, 0, 1, 2)``, ``np.expand_dims(clip, axis=0)``, ``np.float32(clip)``):
``transpose``/``.T``, ``reshape``, ``expand_dims``, ``squeeze``, ``stack``, ``concatenate``, each as NumPy
computes the shape (``tests/test_numpy_inputs.py`` asks NumPy). Anything else done to such an array is
unknown, as are arrays whose values are known (``numpy_values.py``).
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, ListVal, MethodOf
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# where each ``numpy.random`` function takes its ``size`` positionally
_SIZE_AT = {"random.random": 0, "random.random_sample": 0, "random.standard_normal": 0, "random.normal": 2}
_SIZE_AT |= {"random.uniform": 2, "random.randint": 2}
_FILLED = ("zeros", "ones", "empty")
METHODS = ("astype", "copy", "transpose", "reshape", "squeeze", "flatten", "ravel")
_CASTS = {"float16": False, "float32": False, "float64": False, "int32": True, "int64": True, "uint8": True}


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


def integer_dtype(dtype: Any) -> bool | None:
    """Whether a NumPy dtype names integers; None when it is not known."""
    return _integer(dtype)


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
    if args and isinstance(args[0], ShapedArray) or short in ("stack", "concatenate"):
        return _of_arrays(short, args, kwargs)
    if short in ("random.randn", "random.rand"):
        return ShapedArray(tuple(args)) if not kwargs and all(_size(a) for a in args) else None
    if short in ("eye", "identity") and 1 <= len(args) <= (2 if short == "eye" else 1) and set(kwargs) <= {"dtype"}:
        rows, columns = args[0], args[1] if len(args) > 1 else args[0]  # (np.eye's M: None is N)
        columns = args[0] if columns is None else columns
        integer = _integer(kwargs["dtype"]) if "dtype" in kwargs else False
        if _size(rows) and _size(columns) and integer is not None:
            return ShapedArray((rows, columns), integer)
        return None
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
    if name == "T":
        return ShapedArray(array.dims[::-1], array.integer)
    return MethodOf(array, name) if name in METHODS else UNKNOWN


def method(array: ShapedArray, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name == "copy" and not args and not kwargs:
        return array
    if name == "astype" and len(args) == 1 and not kwargs:
        integer = _integer(args[0])
        return ShapedArray(array.dims, integer) if integer is not None else UNKNOWN
    if kwargs:
        return UNKNOWN
    spread = args[0] if len(args) == 1 and isinstance(args[0], (tuple, ListVal)) else tuple(args)
    dims: tuple[int, ...] | None = None
    if name == "transpose":
        dims = _transposed(array.dims, spread)
    elif name == "reshape":
        dims = _reshaped(array.dims, spread)
    elif name in ("flatten", "ravel") and not args:
        dims = (_count(array.dims),)
    elif name == "squeeze":
        dims = _squeezed(array.dims, spread)
    return ShapedArray(dims, array.integer) if dims is not None else UNKNOWN


def _of_arrays(short: str, args: list[Any], kwargs: dict[str, Any]) -> ShapedArray | None:
    """``np.transpose(a, axes)``, ``np.expand_dims(a, axis)``, ``np.float32(a)``, ``np.stack([a, b])``, ..."""
    if short in _CASTS and len(args) == 1 and not kwargs:
        return ShapedArray(args[0].dims, _CASTS[short])
    if short in ("stack", "concatenate") and args:
        arrays = args[0].items if isinstance(args[0], ListVal) and not args[0].uncertain else args[0]
        axis = kwargs.get("axis", args[1] if len(args) > 1 else 0)
        if set(kwargs) - {"axis"} or not isinstance(arrays, (list, tuple)) or not arrays:
            return None
        if not all(isinstance(a, ShapedArray) for a in arrays) or len({a.integer for a in arrays}) != 1:
            return None
        joined = (
            _stacked([a.dims for a in arrays], axis) if short == "stack" else _joined([a.dims for a in arrays], axis)
        )
        return ShapedArray(joined, arrays[0].integer) if joined is not None else None
    array, rest = args[0], args[1:]
    name = {"transpose": "transpose", "reshape": "reshape", "squeeze": "squeeze", "ravel": "ravel"}.get(short)
    if name is not None and not kwargs:
        result = method(array, name, list(rest) if name != "reshape" else rest[:1], {})
        return result if isinstance(result, ShapedArray) else None
    if short == "expand_dims" and len(rest) + len(kwargs) == 1:
        axis = kwargs.get("axis", rest[0] if rest else None)
        rank = len(array.dims) + 1
        if type(axis) is int and -rank <= axis < rank:
            at = axis % rank
            return ShapedArray((*array.dims[:at], 1, *array.dims[at:]), array.integer)
    return None


def _axis(value: Any, rank: int) -> int | None:
    return value % rank if type(value) is int and rank and -rank <= value < rank else None


def _count(dims: tuple[int, ...]) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


def _transposed(dims: tuple[int, ...], axes: Any) -> tuple[int, ...] | None:
    axes = tuple(axes.items) if isinstance(axes, ListVal) and not axes.uncertain else axes
    if axes == () or axes == (None,):
        return dims[::-1]
    if not isinstance(axes, tuple) or len(axes) != len(dims):
        return None
    picked = [_axis(a, len(dims)) for a in axes]
    if None in picked or len(set(picked)) != len(dims):
        return None  # NumPy raises: not a shape to follow
    return tuple(dims[a] for a in picked)  # type: ignore[index]


def _reshaped(dims: tuple[int, ...], shape: Any) -> tuple[int, ...] | None:
    shape = tuple(shape.items) if isinstance(shape, ListVal) and not shape.uncertain else shape
    shape = (shape,) if type(shape) is int else shape
    if not isinstance(shape, tuple) or not all(type(d) is int and d >= -1 for d in shape) or shape.count(-1) > 1:
        return None
    total, known = _count(dims), _count(tuple(d for d in shape if d != -1))
    if -1 in shape:
        if known == 0 or total % known:
            return None
        shape = tuple(total // known if d == -1 else d for d in shape)
    return shape if _count(shape) == total else None


def _squeezed(dims: tuple[int, ...], axes: Any) -> tuple[int, ...] | None:
    axes = tuple(axes.items) if isinstance(axes, ListVal) and not axes.uncertain else axes
    if axes == () or axes == (None,):
        return tuple(d for d in dims if d != 1)
    picked = [_axis(a, len(dims)) for a in axes] if isinstance(axes, tuple) else [None]
    if None in picked or any(dims[a] != 1 for a in picked):  # type: ignore[index]
        return None  # NumPy raises for an axis whose size is not 1
    return tuple(d for i, d in enumerate(dims) if i not in picked)


def _stacked(all_dims: list[tuple[int, ...]], axis: Any) -> tuple[int, ...] | None:
    first = all_dims[0]
    at = _axis(axis, len(first) + 1)
    if at is None or any(d != first for d in all_dims):
        return None
    return (*first[:at], len(all_dims), *first[at:])


def _joined(all_dims: list[tuple[int, ...]], axis: Any) -> tuple[int, ...] | None:
    first = all_dims[0]
    at = _axis(axis, len(first))
    if at is None or any(len(d) != len(first) for d in all_dims):
        return None
    if any(d[:at] + d[at + 1 :] != first[:at] + first[at + 1 :] for d in all_dims):
        return None
    return (*first[:at], sum(d[at] for d in all_dims), *first[at + 1 :])


def index(array: ShapedArray, key: Any) -> Any:
    """``a[i]``, ``a[i, :]``, ``a[None, ..., 1:3]``: NumPy's basic indexing by ints, slices, None and Ellipsis
    (a Dataset's ``self.data[index, :]``); unknown for anything else, and where NumPy raises."""
    keys = key if isinstance(key, tuple) else (key,)
    if keys.count(Ellipsis) > 1:
        return UNKNOWN
    consuming = [k for k in keys if k is not None and k is not Ellipsis]
    rank = len(array.dims)
    if len(consuming) > rank:
        return UNKNOWN
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        keys = (*keys[:at], *(slice(None),) * (rank - len(consuming)), *keys[at + 1 :])
    dims: list[int] = []
    source = iter(array.dims)
    for k in keys:
        if k is None:
            dims.append(1)
            continue
        n = next(source)
        if type(k) is int:
            if not -n <= k < n:
                return UNKNOWN  # NumPy raises IndexError
        elif isinstance(k, slice) and all(p is None or type(p) is int for p in (k.start, k.stop, k.step)):
            if k.step == 0:
                return UNKNOWN
            dims.append(len(range(*k.indices(n))))
        else:
            return UNKNOWN  # an index array or an unknown value: NumPy's advanced indexing
    dims.extend(source)
    return ShapedArray(tuple(dims), array.integer)


_KEEPS_INTEGERS = frozenset({"+", "-", "*", "//", "%", "**"})


def binop(op: str, left: Any, right: Any) -> Any:
    """``a / 255``, ``a * 2 - 1``: an array and a number (either side) keep the array's shape; ``/`` makes
    floats, and a float operand does; another array, or anything else, is unknown."""
    array, other = (left, right) if isinstance(left, ShapedArray) else (right, left)
    if isinstance(other, bool) or not isinstance(other, (int, float)) or isinstance(other, str):
        return UNKNOWN
    if op not in _KEEPS_INTEGERS and op != "/" or (op == "**" and other < 0):
        return UNKNOWN  # (NumPy refuses integers to negative integer powers)
    integer = array.integer and type(other) is int and op in _KEEPS_INTEGERS
    return ShapedArray(array.dims, integer)
