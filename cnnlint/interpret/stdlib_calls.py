"""Calls into the standard library (and einops, inspect, torchinfo) by dotted name: ``functools.partial``,
``collections.OrderedDict``, ``math.*``, ``re.*``, ``dataclasses.*``, ``copy.deepcopy``, ``operator.*``.

Whatever is not modelled is unknown. ``api`` is the session's ``TorchAPI`` (its dataclass helpers).
"""

from __future__ import annotations

import ast

from cnnlint.interpret import (
    argparse_values,
    attr_dicts,
    einops_calls,
    environ,
    input_sources,
    inspect_calls,
    namedtuples,
)
from cnnlint.interpret.plain_methods import math_call, product
from cnnlint.interpret.regex import re_call
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    BoundMethod,
    DefaultDictVal,
    DequeVal,
    DictVal,
    FieldDefault,
    FuncVal,
    Partial,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TQDM = frozenset({"tqdm.tqdm", "tqdm.auto.tqdm", "tqdm.notebook.tqdm", "tqdm.std.tqdm", "tqdm.rich.tqdm"})
_FIELD_KEYWORDS = frozenset({"default", "default_factory", "repr", "hash", "compare", "metadata"})


def call(api: Any, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    if name == "functools.partial":
        if not args:
            return UNKNOWN
        inner = args[0]
        if isinstance(inner, Partial):  # CPython flattens a partial of a partial
            return Partial(inner.func, (*inner.args, *args[1:]), {**inner.kwargs, **kwargs})
        return Partial(inner, tuple(args[1:]), dict(kwargs))
    if name in TQDM:  # a progress bar over an iterable yields its items
        return args[0] if args else kwargs.get("iterable", UNKNOWN)
    if name == "functools.reduce":
        return _reduce(interp, args, kwargs, node)
    if name == "types.MethodType" and len(args) == 2 and not kwargs and isinstance(args[0], FuncVal):
        # ``model.forward = types.MethodType(forward, model)`` (pretrainedmodels' wrapped torchvision models)
        return BoundMethod(args[0], args[1])
    if name in ("collections.namedtuple", "typing.NamedTuple"):
        return namedtuples.define(args, kwargs)
    if name in ("collections.OrderedDict", "typing.OrderedDict"):
        from cnnlint.interpret.builtins_ import call_builtin

        return call_builtin(interp, "dict", args[:1], kwargs, node, None)
    if name == "collections.defaultdict":
        return _defaultdict(interp, args, kwargs, node)
    if name == "collections.deque":
        return _deque(interp, args, kwargs)
    if name in ("math.prod", "numpy.prod") and len(args) == 1:
        return product(interp.iterate(args[0], None), 1.0 if name == "numpy.prod" else 1)
    if name.startswith("math."):
        return math_call(name[5:], args)
    if name.startswith("os."):
        return environ.call(name, args, kwargs)
    if name in attr_dicts.CONSTRUCTORS:
        return attr_dicts.build(name, args, kwargs)
    if name == "types.SimpleNamespace":  # a configuration object: ``cfg = SimpleNamespace(dim=64, depth=4)``
        return argparse_values.namespace(dict(kwargs)) if not args else UNKNOWN
    if name.startswith("argparse."):
        return argparse_values.call(name, args, kwargs)
    if name.startswith("re."):
        return re_call(name[3:], args, kwargs)
    if name.startswith("einops."):
        return einops_calls.call(api.session, interp, name, args, kwargs, node)
    if name.startswith("inspect."):
        return inspect_calls.call(name[8:], args, kwargs)
    if name == "dataclasses.replace" and len(args) == 1:
        return api.dataclass_replace(interp, args[0], kwargs, node)
    if name == "dataclasses.field":
        if args or set(kwargs) - _FIELD_KEYWORDS:
            return UNKNOWN
        return FieldDefault(kwargs.get("default", MISSING), kwargs.get("default_factory", MISSING))
    if name == "dataclasses.asdict" and len(args) == 1 and not kwargs:
        return api.dataclass_asdict(args[0], 0)
    if name in ("copy.deepcopy", "copy.copy"):
        return api.session.copy_value(args[0]) if args else UNKNOWN
    if name == "warnings.warn":
        return None
    if name == "typing.cast" and len(args) == 2:
        return args[1]
    if name == "itertools.repeat" and len(args) == 2 and isinstance(args[1], int) and 0 <= args[1] <= 4096:
        return (args[0],) * args[1]
    if name in ("torchinfo.summary",):
        api.session.observe_summary(args, kwargs, node)
        return UNKNOWN
    if name == "torchsummary.summary":  # sizes without the batch: it runs torch.rand(2, *input_size)
        input_sources.torchsummary(api.session, interp, args, kwargs, node)
        return UNKNOWN
    if name in ("operator.mul", "operator.add"):
        from cnnlint.interpret.machine import arith

        return arith(ast.Mult if name.endswith("mul") else ast.Add, *args[:2]) if len(args) == 2 else UNKNOWN
    return UNKNOWN


def _defaultdict(interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``defaultdict(factory, ...)``: a dict whose missing keys are filled by ``factory()`` (None: a plain dict)."""
    from cnnlint.interpret.builtins_ import call_builtin

    factory = args[0] if args else None
    if factory is UNKNOWN:
        return UNKNOWN
    items = call_builtin(interp, "dict", args[1:2], kwargs, node, None)
    if not isinstance(items, DictVal) or len(args) > 2:
        return UNKNOWN
    result = DefaultDictVal(factory, items.items)
    result.uncertain = items.uncertain
    return result


def _deque(interp: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``deque(iterable)`` without a ``maxlen`` (which drops items from the other end: unknown here)."""
    if kwargs or len(args) > 1:
        return UNKNOWN
    items = interp.iterate(args[0], None) if args else []
    if items is None:
        return UNKNOWN
    return DequeVal(items)


def _reduce(interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``functools.reduce(fn, items[, initial])`` over a known iterable (``reduce(operator.mul, stride, 1)``)."""
    if kwargs or not 2 <= len(args) <= 3:
        return UNKNOWN
    items = interp.iterate(args[1], None)
    if items is None:
        return UNKNOWN
    if len(args) == 3:
        items = [args[2], *items]
    if not items:
        return UNKNOWN  # Python raises a TypeError: an empty sequence with no initial value
    result = items[0]
    for item in items[1:]:
        result = interp.call(args[0], [result, item], {}, None, None)
        if result is UNKNOWN:
            return UNKNOWN
    return result
