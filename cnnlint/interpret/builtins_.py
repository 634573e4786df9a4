"""Python builtins as the interpreter models them: exact on known values, unknown otherwise."""

from __future__ import annotations

import ast
import math

from cnnlint.interpret import data_pipeline, eval_names, introspection, iterators, limits, local_names, tensor_operators
from cnnlint.interpret.approx import ANY_FLOAT, Approx
from cnnlint.interpret.has_attr import has_attr
from cnnlint.interpret.instances import is_instance, is_subclass
from cnnlint.interpret.sets import make_set
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    Builtin,
    DictVal,
    ListVal,
    Sentinel,
    Sym,
    TensorVal,
    is_plain,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAMES = [
    "range",
    "len",
    "int",
    "float",
    "bool",
    "str",
    "bytes",  # a type to test against (``isinstance(x, (str, bytes))``); a call makes an unknown value
    "round",
    "min",
    "max",
    "abs",
    "sum",
    "zip",
    "eval",  # of a dotted name only (``eval_names``)
    "enumerate",
    "list",
    "tuple",
    "dict",
    "isinstance",
    "issubclass",
    "hasattr",
    "dir",
    "getattr",
    "setattr",
    "locals",
    "globals",
    "vars",
    "print",
    "super",
    "sorted",
    "reversed",
    "any",
    "all",
    "divmod",
    "pow",
    "map",
    "filter",
    "iter",
    "next",
    "type",
    "callable",
    "staticmethod",
    "classmethod",
    "property",
    "id",
    "hash",
    "repr",
    "format",
    "ValueError",
    "TypeError",
    "NotImplementedError",
    "RuntimeError",
    "KeyError",
    "AssertionError",
    "Exception",
    "object",
    "set",
    "frozenset",
]


def builtin_values() -> dict[str, Any]:
    values: dict[str, Any] = {name: Builtin(name) for name in NAMES}
    values.update({"True": True, "False": False, "None": None, "__name__": "__main__"})
    return values


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, Sym)


def call_builtin(interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any, frame: Any) -> Any:
    if name == "eval":
        return eval_names.named(interp, args, kwargs, node, frame)
    fn = _TABLE.get(name)
    if fn is None:
        return UNKNOWN
    if name == "sum" and args:
        tensors = tensor_operators.tensor_sum(interp, args, kwargs, node, frame)
        if tensors is not NotImplemented:
            return tensors
    if name == "pow" and len(args) == 2 and not kwargs:  # ``pow(2, i + 1)`` is ``2 ** (i + 1)``, tensors too
        return interp.binop(ast.Pow, args[0], args[1], node, frame)
    try:
        return fn(interp, args, kwargs, frame)
    except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, OverflowError):
        return UNKNOWN


def _range(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if kwargs or not args or not all(isinstance(a, int) and not isinstance(a, (bool, Sym)) for a in args):
        return UNKNOWN
    r = range(*args)
    return r if len(r) <= limits.MAX_LOOP_ITERATIONS else UNKNOWN


def _len(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    (value,) = args
    if isinstance(value, TensorVal):
        d = value.shape.dim(0) if value.shape.min_rank else UNKNOWN
        return d if isinstance(d, int) else UNKNOWN
    items = interp.iterate(value, frame)
    return len(items) if items is not None else UNKNOWN


def _int(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if not args:
        return 0
    v = _one_element(args[0])
    if isinstance(v, Approx):  # known to an interval: an int only where the whole interval truncates alike
        whole = math.isfinite(v.lo) and math.isfinite(v.hi) and math.trunc(v.lo) == math.trunc(v.hi)
        return math.trunc(v.lo) if whole else UNKNOWN
    if isinstance(v, Sym):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and math.isfinite(v):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, str) and len(args) == 1 and len(v) < 50:
        return int(v)
    return UNKNOWN


def _one_element(v: Any) -> Any:
    """The value of a known one-element tensor or NumPy scalar (``int(np.ceil(n / 128))``, ``float(t)``) as a
    Python number (an ``Approx`` when known to an interval); any other value as it is."""
    from cnnlint.interpret.tensor_values import KnownTensor, make, tolist

    if not isinstance(v, KnownTensor) or not v.known or len(v.values or ()) != 1:
        return v
    if v.numpy and v.dims:
        return v  # NumPy deprecates reading a 1-element array of 1 or more dims as a number
    return tolist(make((), v.dtype, [(v.values[0], v.errs[0] if v.errs else 0.0)]))  # type: ignore[index]


def _float(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if not args:
        return 0.0
    v = _one_element(args[0])
    if isinstance(v, TensorVal):  # a one-element tensor's value (torch raises for any other): a float, unknown
        numel = v.shape.numel()
        return UNKNOWN if isinstance(numel, int) and numel != 1 else ANY_FLOAT
    if isinstance(v, Approx):
        return v
    return float(v) if _num(v) or (isinstance(v, str) and len(v) < 50) else UNKNOWN


def _bool(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return interp.truth(args[0]) if args else False


def _str(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if args and is_plain(args[0]) and not isinstance(args[0], Sym):
        text = str(args[0])
        return text if len(text) <= limits.MAX_STR else UNKNOWN
    return UNKNOWN


def _round(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if not args or not _num(args[0]):
        return UNKNOWN
    if len(args) > 1:
        nd = args[1]
        if not isinstance(nd, int) or isinstance(nd, Sym) or abs(nd) > 400:
            return UNKNOWN
        return round(args[0], nd)
    return round(args[0])


def _minmax(pick: Any) -> Any:
    def fn(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
        if kwargs:
            return UNKNOWN
        items = interp.iterate(args[0], frame) if len(args) == 1 else list(args)
        if not items or not all(_num(i) for i in items):
            return UNKNOWN
        return pick(items)

    return fn


def _abs(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return abs(args[0]) if _num(args[0]) else UNKNOWN


def _sum(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    items = interp.iterate(args[0], frame)
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if items is not None and isinstance(start, (ListVal, tuple)):
        return _concat(start, items)
    if items is None or not _num(start):
        return UNKNOWN
    total = start
    for i in items:
        if not _num(i):
            return UNKNOWN
        total = total + i
    return total


def _concat(start: Any, items: list[Any]) -> Any:
    """``sum(lists, [])``: the sequences joined with ``+`` (each the same type as ``start``, as Python requires)."""
    kind = type(start)
    out = list(start.items if isinstance(start, ListVal) else start)
    for item in [start, *items]:
        if type(item) is not kind or (isinstance(item, ListVal) and item.uncertain):
            return UNKNOWN
    for item in items:
        out.extend(item.items if isinstance(item, ListVal) else item)
        if len(out) > limits.MAX_ELEMENTS:
            return UNKNOWN
    return ListVal(out) if kind is ListVal else tuple(out)


def _zip(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if iterators.lose_position(interp, args):  # zip(it, it) pairs items: not modelled
        return UNKNOWN
    seqs = [interp.iterate(a, frame) for a in args]
    if any(s is None for s in seqs):
        # ``zip(source_loader, target_loader)``: loaders and iterator classes, each pass one item of each
        if not args or any(s is not None for s in seqs):
            return UNKNOWN
        each = tuple(iterators.one_pass(interp, a) for a in args)
        return data_pipeline.Zipped(each) if all(e is not MISSING for e in each) else UNKNOWN
    return tuple(zip(*seqs))


def _enumerate(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    items = interp.iterate(args[0], frame)
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if items is None and data_pipeline.loop_over(args[0]) is not None:
        return data_pipeline.Enumerated(args[0])  # ``enumerate(train_loader)``: each pass's batch is known
    if items is None or not isinstance(start, int):
        return UNKNOWN
    pairs = tuple((start + i, v) for i, v in enumerate(items))
    source = interp.resolve(args[0])
    # A ``for`` over this enumerate reads the list live (``Loops._over_live_list``): the body may append to it
    interp.last_enumerated = (pairs, source, start) if type(source) is ListVal else None
    return pairs


def _list(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if not args:
        return ListVal()
    items = interp.iterate(args[0], frame)
    if items is None:
        value = ListVal()
        value.uncertain = True
        return value
    return ListVal(items)


def _set(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return make_set(interp.iterate(args[0], frame) if args else [])


def _tuple(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    if not args:
        return ()
    items = interp.iterate(args[0], frame)
    return tuple(items) if items is not None else UNKNOWN


def _dict(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    result = DictVal()
    if args:
        source = args[0]
        if isinstance(source, DictVal):
            result.items.update(source.items)
            result.uncertain = source.uncertain
        else:
            pairs = interp.iterate(source, frame)
            if pairs is None:
                result.uncertain = True
            else:
                for pair in pairs:
                    kv = interp.iterate(pair, frame)
                    if kv is None or len(kv) != 2 or not is_plain(kv[0]):
                        result.uncertain = True
                        break
                    result.items[kv[0]] = kv[1]
    result.items.update(kwargs)
    return result


def _none(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return None


def _sorted(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    items = interp.iterate(args[0], frame)
    if items is None or kwargs.get("key") is not None or not all(is_plain(i) and i is not None for i in items):
        return UNKNOWN
    return ListVal(sorted(items, reverse=bool(kwargs.get("reverse", False))))


def _reversed(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    items = interp.iterate(args[0], frame)
    return tuple(reversed(items)) if items is not None else UNKNOWN


def _anyall(pick: Any) -> Any:
    def fn(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
        items = interp.iterate(args[0], frame)
        if items is None:
            return UNKNOWN
        truths = [interp.truth(i) for i in items]
        if pick is any:
            return True if any(t is True for t in truths) else (UNKNOWN if UNKNOWN in truths else False)
        return False if any(t is False for t in truths) else (UNKNOWN if UNKNOWN in truths else True)

    return fn


def _pow(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:  # two arguments: ``**`` (call_builtin)
    return pow(*args) if len(args) == 3 and all(type(a) is int for a in args) and args[2] else UNKNOWN


def _divmod(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    a, b = args
    return divmod(a, b) if _num(a) and _num(b) else UNKNOWN


def _map(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    func, *seqs = args
    lists = [interp.iterate(s, frame) for s in seqs]
    if not lists or any(s is None for s in lists):
        return UNKNOWN
    return tuple(interp.call(func, list(items), {}, None, frame) for items in zip(*lists))


def _filter(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    func, seq = args
    items = interp.iterate(seq, frame)
    if items is None:
        return UNKNOWN
    out = []
    for item in items:
        t = interp.truth(item if func is None else interp.call(func, [item], {}, None, frame))
        if t is UNKNOWN:
            return UNKNOWN
        if t:
            out.append(item)
    return tuple(out)


def _object(interp: Any, args: list[Any], kwargs: dict, frame: Any) -> Any:
    return Sentinel() if not args and not kwargs else UNKNOWN


_TABLE: dict[str, Any] = {
    "object": _object,
    "range": _range,
    "len": _len,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "str": _str,
    "round": _round,
    "min": _minmax(min),
    "max": _minmax(max),
    "abs": _abs,
    "sum": _sum,
    "zip": _zip,
    "enumerate": _enumerate,
    "list": _list,
    "tuple": _tuple,
    "set": _set,
    "frozenset": _set,
    "dict": _dict,
    "isinstance": is_instance,
    "issubclass": is_subclass,
    "hasattr": has_attr,
    "dir": introspection.dir_,
    "getattr": introspection.getattr_,
    "setattr": introspection.setattr_,
    "locals": local_names.locals_,
    "globals": local_names.globals_,
    "vars": local_names.vars_,
    "print": _none,
    "super": introspection.super_,
    "sorted": _sorted,
    "reversed": _reversed,
    "any": _anyall(any),
    "all": _anyall(all),
    "divmod": _divmod,
    "pow": _pow,
    "map": _map,
    "filter": _filter,
    "type": introspection.type_,
    "callable": introspection.callable_,
    "iter": iterators.make,
    "next": iterators.next_item,
}
