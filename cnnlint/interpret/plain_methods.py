"""Methods of the plain values model code uses: lists, dicts, strings, and ``math``'s functions."""

from __future__ import annotations

import math
import re
import string

from cnnlint.interpret import limits
from cnnlint.interpret.values import MISSING, UNKNOWN, DefaultDictVal, DequeVal, DictVal, ListVal, Sym, is_plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NUMBER = re.compile(r"\d+")

_MATH = {
    "ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt, "log": math.log, "log2": math.log2,
    "log10": math.log10, "exp": math.exp, "pow": math.pow, "gcd": math.gcd, "prod": math.prod,
    "isqrt": math.isqrt, "trunc": math.trunc, "fabs": math.fabs, "cos": math.cos, "sin": math.sin,
}  # fmt: skip


def math_call(name: str, args: list[Any]) -> Any:
    fn = _MATH.get(name)
    if fn is None or not args or not all(isinstance(a, (int, float)) and not isinstance(a, str) for a in args):
        if name == "prod" and args:
            return UNKNOWN
        return UNKNOWN
    try:
        if name == "pow" and any(abs(a) > 1e6 for a in args):
            return UNKNOWN
        if name == "prod":
            return UNKNOWN
        return fn(*args)
    except (ValueError, ArithmeticError, TypeError):
        return UNKNOWN


def product(items: list[Any] | None, empty: int | float = 1) -> Any:
    """``math.prod(shape)`` / ``np.prod(img_shape)``: the product of known integers, else unknown; of nothing,
    ``empty`` (``math.prod([])`` is 1, ``np.prod([])`` 1.0: MViT's ``numpy.prod(kernel_q) == 1`` on ``[]``)."""
    if items is not None and not items:
        return empty
    if not items or len(items) > 64 or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
        return UNKNOWN
    out = 1
    for i in items:
        out *= i
        if abs(out) > 10**15:
            return UNKNOWN
    return out


def list_method(interp: Any, obj: ListVal, name: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
    if name == "append" and len(args) == 1:
        interp.changing_list(obj)
        obj.items.append(args[0])
        return None
    if name == "extend" and len(args) == 1:
        items = interp.iterate(args[0], None)
        if items is None:
            obj.uncertain = True
        else:
            interp.changing_list(obj)
            obj.items.extend(items)
        return None
    if name == "insert" and len(args) == 2 and isinstance(args[0], int):
        interp.changing_list(obj)
        obj.items.insert(args[0], args[1])
        return None
    if name == "pop":
        if obj.uncertain or interp.branching or not obj.items:
            obj.uncertain = True
            return UNKNOWN
        index = args[0] if args else -1
        if not isinstance(index, int) or not -len(obj.items) <= index < len(obj.items):
            obj.uncertain = True
            return UNKNOWN
        return obj.items.pop(index)
    if isinstance(obj, DequeVal) and name in ("appendleft", "extendleft", "popleft"):
        return _deque_left(interp, obj, name, args)
    if name == "copy":
        copy = type(obj)(obj.items)
        copy.uncertain = obj.uncertain
        return copy
    if name == "index" and len(args) == 1 and not obj.uncertain and is_plain(args[0]):
        for i, item in enumerate(obj.items):
            if is_plain(item) and item == args[0]:
                return i
        return UNKNOWN
    if name == "count" and len(args) == 1 and not obj.uncertain and is_plain(args[0]):
        return sum(1 for item in obj.items if is_plain(item) and item == args[0])
    if name in ("reverse", "sort", "clear", "remove"):
        if obj.uncertain or interp.branching or not _reordered(obj.items, name, args, kwargs or {}):
            obj.uncertain = True
        return None
    return UNKNOWN


def _reordered(items: list[Any], name: str, args: list[Any], kwargs: dict[str, Any]) -> bool:
    """``items.reverse()`` / ``sort()`` / ``clear()`` / ``remove(x)`` done in place; False where it cannot be
    (a sort key, items that are not plain numbers or strings, a value not found)."""
    if name == "reverse" and not args and not kwargs:
        items.reverse()
        return True
    if name == "clear" and not args and not kwargs:
        items.clear()
        return True
    if name == "remove" and len(args) == 1 and not kwargs and is_plain(args[0]):
        at = next((i for i, item in enumerate(items) if is_plain(item) and item == args[0]), None)
        if at is None:
            return False
        del items[at]
        return True
    if name == "sort" and not args and set(kwargs) <= {"reverse"} and type(kwargs.get("reverse", False)) is bool:
        kinds = {type(item) for item in items}
        if kinds <= {int, float} or kinds == {str}:
            items.sort(reverse=kwargs.get("reverse", False))
            return True
    return False


def _deque_left(interp: Any, obj: DequeVal, name: str, args: list[Any]) -> Any:
    if name == "popleft":
        if obj.uncertain or interp.branching or not obj.items or args:
            obj.uncertain = True
            return UNKNOWN
        return obj.items.pop(0)
    items = [args[0]] if name == "appendleft" and len(args) == 1 else None
    if name == "extendleft" and len(args) == 1:
        items = interp.iterate(args[0], None)
    if items is None or interp.branching:
        obj.uncertain = True
    if items is not None:
        obj.items[:0] = reversed(items)
    return None


def dict_method(interp: Any, obj: DictVal, name: str, args: list[Any], kwargs: dict[str, Any] | None = None) -> Any:
    from cnnlint.interpret.machine import _hashable

    if kwargs and name != "update":
        return UNKNOWN
    if name == "__getitem__" and len(args) == 1:  # (``dict.__getitem__(d, k)``)
        return interp.subscript(obj, args[0])
    if name == "__setitem__" and len(args) == 2:
        interp.set_item(obj, args[0], args[1])
        return None

    if name == "get" and args:
        if obj.uncertain or not _hashable(args[0]):
            return UNKNOWN
        return obj.items.get(args[0], args[1] if len(args) > 1 else None)
    if name in ("items", "keys", "values"):
        if obj.uncertain:
            return UNKNOWN
        if name == "items":
            return tuple(obj.items.items())
        return tuple(getattr(obj.items, name)())
    if name == "pop" and args:
        if obj.uncertain or not _hashable(args[0]):
            return UNKNOWN
        if args[0] in obj.items:
            value = obj.items[args[0]]
            interp.write(obj.items, args[0], MISSING)
            return value
        return args[1] if len(args) > 1 else UNKNOWN
    if name == "setdefault" and args:
        if obj.uncertain or not _hashable(args[0]):
            return UNKNOWN
        if args[0] not in obj.items:
            interp.write(obj.items, args[0], args[1] if len(args) > 1 else None)
        return obj.items[args[0]]
    if name == "update" and (args or kwargs):
        source = args[0] if args else DictVal()
        if len(args) <= 1 and isinstance(source, DictVal) and not source.uncertain:
            for k, v in [*source.items.items(), *(kwargs or {}).items()]:
                if interp.branching and k not in obj.items:
                    obj.uncertain = True  # a key added in a branch that may not run
                interp.write(obj.items, k, v)  # (dict's own: never a subclass's ``__setitem__``)
        else:
            obj.uncertain = True
        return None
    if name == "copy":
        copy = DefaultDictVal(obj.factory, obj.items) if isinstance(obj, DefaultDictVal) else DictVal(obj.items)
        copy.uncertain = obj.uncertain
        return copy
    return UNKNOWN


def narrow_spec(spec: str) -> bool:
    """A format spec whose width and precision stay small: ``{:>1000000000}`` must not build a 1 GB string."""
    return all(int(n) <= limits.MAX_STR for n in _NUMBER.findall(spec[:40])) and len(spec) <= 40


def format_str(template: str, args: list[Any], kwargs: dict) -> Any:
    """``"b{}".format(i + 1)`` (layer names built in loops) on known numbers and strings; unknown otherwise."""
    values = [*args, *kwargs.values()]
    if not all(is_plain(v) and not isinstance(v, (Sym, tuple)) for v in values):
        return UNKNOWN
    try:
        for _, field, spec, _ in string.Formatter().parse(template):
            if field is None:
                continue
            if field and not (field.isdigit() or field.isidentifier()):
                return UNKNOWN  # ``{0.attr}`` / ``{0[k]}``: reads attributes of what it formats
            if spec and ("{" in spec or not narrow_spec(spec)):
                return UNKNOWN
        text = template.format(*args, **kwargs)
    except (IndexError, KeyError, ValueError, TypeError):
        return UNKNOWN
    return text if len(text) <= limits.MAX_STR else UNKNOWN


def str_method(interp: Any, obj: str, name: str, args: list[Any], kwargs: dict) -> Any:
    if name == "format":
        return format_str(obj, args, kwargs)
    if name == "join" and len(args) == 1 and not kwargs:  # ``'_'.join(variant.split('_')[:-1])`` (timm)
        items = interp.iterate(args[0], None)
        if items is None or not all(type(i) is str for i in items):
            return UNKNOWN
        text = obj.join(items)
        return text if len(text) <= limits.MAX_STR else UNKNOWN
    # ``variant.endswith(('_enc', '_merge'))`` (qwen3_vit): a tuple of strings is an argument like a string
    affixes = name in ("startswith", "endswith") and args and type(args[0]) is tuple
    if affixes and not all(type(a) is str for a in args[0]):
        return UNKNOWN
    if not all(is_plain(a) for a in args[1 if affixes else 0 :]) or kwargs:
        return UNKNOWN
    if name in _WIDTH_METHODS and not (args and type(args[0]) is int and args[0] <= limits.MAX_STR):
        return UNKNOWN  # ``"x".zfill(10**9)`` is not built
    if name in _STR_METHODS or name in _WIDTH_METHODS:
        try:
            result = getattr(obj, name)(*args)
        except (TypeError, ValueError):
            return UNKNOWN
        if isinstance(result, str) and len(result) > limits.MAX_STR:
            return UNKNOWN
        return tuple(result) if isinstance(result, list) else result
    return UNKNOWN


# str methods of plain arguments whose result is at most about as long as the string: Python's own answer
_STR_METHODS = frozenset(
    {
        "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "split", "rsplit",
        "isdigit", "title", "count", "find", "rfind", "index", "rindex", "isalpha", "isalnum", "isnumeric",
        "isdecimal", "islower", "isupper", "isspace", "istitle", "isidentifier", "capitalize", "casefold",
        "swapcase", "partition", "rpartition", "removeprefix", "removesuffix", "splitlines",
    }
)  # fmt: skip
_WIDTH_METHODS = frozenset({"zfill", "ljust", "rjust", "center"})  # padded to a width given first
