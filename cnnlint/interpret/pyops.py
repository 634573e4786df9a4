"""Python's own operations on abstract values: control signals, folding, binding, indexing.

Shared by the statement and expression halves of the interpreter; pure functions of values.
"""

from __future__ import annotations

import ast
import operator
from collections import Counter

from cnnlint.interpret import approx, limits
from cnnlint.interpret.approx import Approx
from cnnlint.interpret.values import (
    UNKNOWN,
    BoundMethod,
    ClassVal,
    DictVal,
    FuncVal,
    QualName,
    Sym,
    is_plain,
)
from cnnlint.shapes.tensor_ops import compose, factors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _Signal:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any = None) -> None:
        self.kind = kind  # "return", "break", "continue", "raise"
        self.value = value


BREAK = _Signal("break")
CONTINUE = _Signal("continue")
RAISE = _Signal("raise")


class CaughtTypeError(Exception):  # noqa: N818 - a signal, not an error of cnnlint
    """A call that torch rejects with a TypeError (a torch layer given an argument its signature lacks),
    made inside a ``try`` whose ``except`` catches it: Python leaves the ``try`` body there."""


class MissingModule(Exception):  # noqa: N818 - a signal, not an error of cnnlint
    """A library's ``import`` of a module absent where the library is installed, inside a ``try`` whose
    ``except`` catches the ImportError: Python leaves the ``try`` body there."""


# A product of more symbols than this is unknown: no real shape multiplies a batch by itself that often.
MAX_SYMBOLS = 4

# The exceptions whose handlers catch a TypeError.
CATCHES_TYPE_ERROR = frozenset({"TypeError", "Exception", "BaseException"})
CATCHES_IMPORT_ERROR = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})

_BINOPS: dict[type, Any] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
    ast.MatMult: operator.matmul,
}
_OP_SYMBOL = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_CMPOPS: dict[type, Any] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def fold_number(value: Any) -> Any:
    """A folded number within bounds, else UNKNOWN (no 10**10**9 ever lives here)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value.bit_length() > limits.MAX_INT_BITS:
        return UNKNOWN
    if isinstance(value, float) and value != value:
        return value
    return value


def _monomial(value: Any) -> tuple[int, list[str]] | None:
    if isinstance(value, Sym):
        return factors(value)
    if type(value) is int and value > 0:
        return value, []
    return None


def symbolic_arith(op: type, a: Any, b: Any) -> Any:
    """A symbolic dim times a positive int or a symbol stays symbolic: ``B * nH * nW`` is ``16*B``, the
    windows of a symbolic batch (TinyViT, CondConv), which a view then reads as the engine does. Divided
    by an int that divides its coefficient, too (``(16*B) // 16`` is ``B`` whatever B is). Anything
    else (``B + 1``, ``B / 2``, ``B // 3``) is unknown: true for some batches only."""
    x, y = _monomial(a), _monomial(b)
    if x is None or y is None:
        return UNKNOWN
    if op is ast.Mult:
        coefficient, names = x[0] * y[0], x[1] + y[1]
    elif op is ast.FloorDiv and not y[1] and x[0] % y[0] == 0:
        coefficient, names = x[0] // y[0], x[1]
    else:
        return UNKNOWN
    if coefficient.bit_length() > 62 or len(names) > MAX_SYMBOLS:
        return UNKNOWN
    return Sym(compose(coefficient, Counter(names)))


def arith(op: type, a: Any, b: Any) -> Any:
    """Plain arithmetic on known numbers/strings/tuples, bounded; UNKNOWN otherwise."""
    if isinstance(a, Approx) or isinstance(b, Approx):
        return approx.arith(_OP_SYMBOL.get(op, "?"), a, b)
    if isinstance(a, Sym) or isinstance(b, Sym):
        return symbolic_arith(op, a, b)
    fn = _BINOPS.get(op)
    if fn is None or op is ast.MatMult:
        return UNKNOWN
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        if op is ast.Pow:
            if isinstance(b, int) and not isinstance(b, bool) and abs(b) > 4096:
                return UNKNOWN
            if (
                isinstance(a, int)
                and isinstance(b, int)
                and b > 0
                and abs(a) > 1
                and a.bit_length() * b > 4 * limits.MAX_INT_BITS
            ):
                return UNKNOWN
        if op in (ast.LShift,) and isinstance(b, int) and b > limits.MAX_INT_BITS:
            return UNKNOWN
        try:
            return fold_number(fn(a, b))
        except (ArithmeticError, ValueError, TypeError):
            return UNKNOWN
    if isinstance(a, str) and isinstance(b, str) and op is ast.Add:
        return a + b if len(a) + len(b) <= limits.MAX_STR else UNKNOWN
    if isinstance(a, str) and isinstance(b, int) and op is ast.Mult:
        return a * b if len(a) * max(b, 0) <= limits.MAX_STR else UNKNOWN
    if isinstance(a, str) and op is ast.Mod:
        try:
            return (
                a % b
                if isinstance(b, (tuple, int, float, str))
                and all(is_plain(x) for x in (b if isinstance(b, tuple) else (b,)))
                else UNKNOWN
            )
        except (TypeError, ValueError):
            return UNKNOWN
    if isinstance(a, tuple) and isinstance(b, tuple) and op is ast.Add:
        return _bounded(a + b) if len(a) + len(b) <= limits.MAX_ELEMENTS else UNKNOWN
    if isinstance(a, tuple) and isinstance(b, int) and not isinstance(b, bool) and op is ast.Mult:
        return _bounded(a * b) if len(a) * max(b, 0) <= limits.MAX_ELEMENTS else UNKNOWN
    if isinstance(a, int) and isinstance(b, tuple) and op is ast.Mult:
        return arith(op, b, a)
    return UNKNOWN


_STMT: dict[type, Any] = {}  # statement type -> the interpreter method that runs it
_EXPR: dict[type, Any] = {}  # expression type -> the method that evaluates it
_STORES: dict[int, tuple[ast.AST, list[ast.AST]]] = {}


def _skip(interp: Any, node: Any, frame: Any) -> None:
    return None


def _unknown(interp: Any, node: Any, frame: Any) -> Any:
    return UNKNOWN


def _stores(stmt: ast.AST) -> list[ast.AST]:
    """The names and ``x.attr`` a statement assigns (walked once per statement)."""
    cached = _STORES.get(id(stmt))
    if cached is not None and cached[0] is stmt:
        return cached[1]
    found: list[ast.AST] = [
        n
        for n in ast.walk(stmt)
        if (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
        or (isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name))
    ]
    if len(_STORES) > 50_000:
        _STORES.clear()
    _STORES[id(stmt)] = (stmt, found)
    return found


def _bounded(value: tuple) -> Any:
    """A built tuple, or UNKNOWN when its elements, counted through nesting, pass the bound."""
    from cnnlint.bounds import element_count

    return value if element_count(value, limits.MAX_ELEMENTS) <= limits.MAX_ELEMENTS else UNKNOWN


def _load(target: ast.expr) -> ast.expr:
    """The same target read as a value (for ``x += 1``)."""
    copy = type(target)(**{f: getattr(target, f) for f in target._fields})  # type: ignore[call-arg]
    if hasattr(copy, "ctx"):
        copy.ctx = ast.Load()  # type: ignore[attr-defined]
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(target, attr):
            setattr(copy, attr, getattr(target, attr))
    return copy


def _hashable(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    if is_plain(value):
        return True
    if isinstance(value, tuple):
        return all(_hashable(v) for v in value)
    from cnnlint.interpret.enums import EnumMember

    return isinstance(value, (QualName, ClassVal, FuncVal, EnumMember))


def _comparable(value: Any) -> bool:
    return (
        (isinstance(value, (int, float, str)) and not isinstance(value, Sym))
        or value is None
        or (isinstance(value, tuple) and all(_comparable(v) for v in value))
    )


# torch's dtypes by every name torch gives them (``torch.half is torch.float16``).
_TORCH_DTYPES = {f"torch.{name}": canonical for canonical, names in {
    "float32": ("float32", "float"), "float64": ("float64", "double"), "float16": ("float16", "half"),
    "bfloat16": ("bfloat16",), "int64": ("int64", "long"), "int32": ("int32", "int"), "int16": ("int16", "short"),
    "int8": ("int8",), "uint8": ("uint8",), "bool": ("bool",), "complex64": ("complex64", "cfloat"),
    "complex128": ("complex128", "cdouble"), "complex32": ("complex32", "chalf"),
}.items() for name in names}  # fmt: skip


def equal(a: Any, b: Any) -> Any:
    """Python's ``a == b`` where the interpreter can decide it: True, False or UNKNOWN.

    Plain values compare by value; classes and functions of the checked code by
    identity (they define no ``__eq__``); a torch class is never one of them.
    """
    if a is b:
        return True
    from cnnlint.interpret.enums import EnumMember
    from cnnlint.interpret.enums import equal as enum_equal

    if isinstance(a, EnumMember) or isinstance(b, EnumMember):
        return enum_equal(a, b)
    if a is UNKNOWN or b is UNKNOWN or isinstance(a, Sym) or isinstance(b, Sym):
        return UNKNOWN
    if _comparable(a) and _comparable(b):
        return a == b
    if isinstance(a, QualName) and isinstance(b, QualName):
        if a.name == b.name:
            return True
        dtypes = _TORCH_DTYPES.get(a.name), _TORCH_DTYPES.get(b.name)
        if None not in dtypes:  # ``cast_dtype in (torch.float16, torch.bfloat16)``: aliases are one dtype
            return dtypes[0] == dtypes[1]
        # torch has aliases (torch.concat is torch.cat, torch.nn.quantized is torch.ao.nn.quantized), but
        # classes of other names are other classes
        first, second = _class_name(a.name), _class_name(b.name)
        return False if first and second and first != second else UNKNOWN
    identity = (ClassVal, FuncVal)
    if isinstance(a, identity) or isinstance(b, identity):
        other = b if isinstance(a, identity) else a
        if isinstance(other, (*identity, QualName)) or is_plain(other):
            return False
    return UNKNOWN


def _index_sequence(seq: Any, key: Any, kind: type) -> Any:
    if isinstance(key, bool):
        key = int(key)
    if isinstance(key, int):
        try:
            return seq[key]
        except IndexError:
            return UNKNOWN
    if isinstance(key, slice):
        parts = (key.start, key.stop, key.step)
        if all(p is None or (isinstance(p, int) and not isinstance(p, Sym)) for p in parts):
            if key.step == 0:
                return UNKNOWN
            return seq[key]
    return UNKNOWN


def _parameters(spec: ast.arguments) -> tuple[list[str], frozenset[str], list[str]]:
    """(positional names, names a keyword may bind, keyword-only names), worked out once per ``def``."""
    cached = getattr(spec, "_cnnlint_names", None)
    if cached is None:
        positional = [p.arg for p in (*spec.posonlyargs, *spec.args)]
        posonly = {p.arg for p in spec.posonlyargs}
        kwonly = [p.arg for p in spec.kwonlyargs]
        cached = (positional, frozenset(n for n in positional if n not in posonly) | frozenset(kwonly), kwonly)
        spec._cnnlint_names = cached  # type: ignore[attr-defined]
    return cached


def bind_arguments(func: FuncVal, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """Bind a call to a function's parameters by Python's rules; None when Python would raise."""
    spec = func.node.args
    positional, names, kwonly = _parameters(spec)
    local: dict[str, Any] = dict(zip(positional, args))
    extra = args[len(positional) :]
    if extra and spec.vararg is None:
        return None
    if spec.vararg is not None:
        local[spec.vararg.arg] = tuple(extra)
    rest: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in names:
            if key in local:
                return None
            local[key] = value
        elif spec.kwarg is not None:
            rest[key] = value
        else:
            return None
    if len(local) < len(positional) + len(kwonly) + (spec.vararg is not None):
        first_default = len(positional) - len(func.defaults)
        for i, name in enumerate(positional):
            if name not in local:
                if i >= first_default:
                    local[name] = func.defaults[i - first_default]
                else:
                    return None
        for name in kwonly:
            if name not in local:
                if name in func.kw_defaults:
                    local[name] = func.kw_defaults[name]
                else:
                    return None
    if spec.kwarg is not None:
        local[spec.kwarg.arg] = DictVal(rest)
    return local


def bind_class_attribute(interp: Any, found: Any, obj: Any, cls: Any) -> Any:
    """What ``obj.name`` gives when ``name`` is found on ``obj``'s class: a method bound to ``obj`` (a
    classmethod to ``cls``), a property's value, a staticmethod or any other class attribute as it is."""
    if not isinstance(found, FuncVal) or found.kind == "staticmethod":
        return found
    if found.kind == "classmethod":
        return BoundMethod(found, cls)
    if found.kind == "property":
        return interp.call_function(found, [obj], {}, None)
    return BoundMethod(found, obj)


def _class_name(name: str) -> str:
    """``torch.nn.ReLU`` -> ``ReLU``: the last part of a dotted name when it is a class's (capitalised)."""
    last = name.rsplit(".", 1)[-1]
    return last if last[:1].isupper() else ""
