"""Static values of argument expressions: literals, arithmetic, constants, defaults.

A value is a plain Python value (int, float, bool, str, None, or a tuple of
values; lists become tuples) or ``UNKNOWN``. Nothing is ever guessed:

- a name is known when every binding it has in the scope that owns it gives
  the same known value (``NUM_CLASSES = 10``; assigned twice with different
  values -> unknown; a loop variable, ``global`` write or ``+=`` -> unknown);
- a parameter is known from the calls to its function in this file when they
  all agree (``AlexNet(num_classes=10)``), else from its default when there
  are no such calls (``def __init__(self, num_classes=1000)``); a ``None``
  default is a "must be given" sentinel and stays unknown;
- ``self.x`` is known when every ``self.x = ...`` in the class's methods
  agrees (``self.in_features = in_features``), else from a class attribute;
- arithmetic is computed only within bounds (``10**100`` yes, ``10**10**10``
  no: results are capped at 4096 bits and 10,000 items).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from cnnlint import bounds
from cnnlint.extract.scopes import BUILTIN_NAMES, Binding, Index, Scope, dotted
from cnnlint.shapes.dims import UNKNOWN

MAX_BITS = 4096
MAX_ITEMS = 10_000
MAX_DEPTH = 64
NOT_HANDLED: Any = object()  # a hook's "do it the usual way"
_MISSING: Any = object()

Hook = Callable[[ast.AST], Any]


def is_plain(value: Any) -> bool:
    """Known all the way down: no UNKNOWN anywhere inside."""
    if value is UNKNOWN:
        return False
    if isinstance(value, tuple):
        return all(is_plain(v) for v in value)
    return True


def same(a: Any, b: Any) -> bool:
    """Equal values of the same type (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def consensus(values: list[Any]) -> Any:
    """The one value all agree on; a single value may be partly unknown (``(3, ?)``)."""
    if not values:
        return UNKNOWN
    if len(values) == 1:
        return values[0]
    first = values[0]
    if not is_plain(first):
        return UNKNOWN
    return first if all(same(first, v) for v in values[1:]) else UNKNOWN


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and v is not UNKNOWN


def _int_ok(v: Any) -> Any:
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > MAX_BITS:
        return UNKNOWN
    return v


def _size_ok(v: Any) -> Any:
    if isinstance(v, (str, tuple)) and len(v) > MAX_ITEMS:
        return UNKNOWN
    return v


def _pow(a: Any, b: Any) -> Any:
    if not (_number(a) and _number(b)):
        return UNKNOWN
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and b * abs(a).bit_length() > MAX_BITS + 64:
        return UNKNOWN
    if isinstance(b, (int, float)) and abs(b) > 1e6 and isinstance(a, float) and abs(a) > 1:
        return UNKNOWN
    return bounds.checked_pow(a, b)  # TooBig is an ArithmeticError: the value is unknown


def _mul(a: Any, b: Any) -> Any:
    if _number(a) and _number(b):
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_BITS + 1:
            return UNKNOWN
        return a * b
    if isinstance(a, (str, tuple)) and isinstance(b, int) and not isinstance(b, bool):
        return UNKNOWN if len(a) * max(b, 0) > MAX_ITEMS else bounds.checked_mul(a, b)  # counted across nesting
    if isinstance(b, (str, tuple)) and isinstance(a, int) and not isinstance(a, bool):
        return _mul(b, a)
    return UNKNOWN


def _add(a: Any, b: Any) -> Any:
    if _number(a) and _number(b):
        return a + b
    if isinstance(a, str) and isinstance(b, str):
        return bounds.checked_add(a, b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return bounds.checked_add(a, b)
    return UNKNOWN


def _numeric(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def op(a: Any, b: Any) -> Any:
        return fn(a, b) if _number(a) and _number(b) else UNKNOWN

    return op


def _shift(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and 0 <= b <= MAX_BITS:
        return bounds.checked_lshift(a, b)
    return UNKNOWN


def _bits(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def op(a: Any, b: Any) -> Any:
        return fn(a, b) if isinstance(a, int) and isinstance(b, int) else UNKNOWN

    return op


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: _numeric(operator.sub),
    ast.Mult: _mul,
    ast.Div: _numeric(operator.truediv),
    ast.FloorDiv: _numeric(operator.floordiv),
    ast.Mod: _numeric(operator.mod),
    ast.Pow: _pow,
    ast.LShift: _shift,
    ast.RShift: _bits(lambda a, b: a >> b if b >= 0 else UNKNOWN),
    ast.BitOr: _bits(operator.or_),
    ast.BitAnd: _bits(operator.and_),
    ast.BitXor: _bits(operator.xor),
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


def _builtin_call(name: str, values: list[Any]) -> Any:
    if any(not is_plain(v) for v in values):
        return UNKNOWN
    if name == "int" and len(values) == 1 and isinstance(values[0], (int, float, str)):
        v = values[0]
        if isinstance(v, float) and not math.isfinite(v):
            return UNKNOWN
        return int(v)
    if name == "float" and len(values) == 1 and isinstance(values[0], (int, float, str)):
        return float(values[0])
    if name == "abs" and len(values) == 1 and _number(values[0]):
        return abs(values[0])
    if name in ("min", "max") and values:
        items = values[0] if len(values) == 1 and isinstance(values[0], tuple) else tuple(values)
        if items and all(_number(i) for i in items):
            return min(items) if name == "min" else max(items)
        return UNKNOWN
    if name == "round" and 1 <= len(values) <= 2 and _number(values[0]):
        if len(values) == 2 and not isinstance(values[1], int):
            return UNKNOWN
        return bounds.checked_round(*values)  # round(1, -10**9) is refused, not computed
    if name == "len" and len(values) == 1 and isinstance(values[0], (tuple, str)):
        return len(values[0])
    if name == "sum" and len(values) == 1 and isinstance(values[0], tuple) and all(_number(i) for i in values[0]):
        return sum(values[0])
    if name in ("tuple", "list") and len(values) == 1 and isinstance(values[0], tuple):
        return values[0]
    if name == "bool" and len(values) == 1:
        return bool(values[0])
    return UNKNOWN


_MATH = {"math.ceil": math.ceil, "math.floor": math.floor, "math.sqrt": math.sqrt, "math.prod": math.prod}


class Evaluator:
    """Evaluates expressions in their scope; memoises names, parameters and attributes."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._memo: dict[Any, Any] = {}
        self._active: set[Any] = set()
        self._sites: dict[int, list[tuple[ast.Call, Scope]]] | None = None

    # ------------------------------------------------------------------ entry

    def value(self, node: ast.AST, scope: Scope, record: dict[str, Any] | None = None, hook: Hook | None = None) -> Any:
        """The value of ``node`` evaluated in ``scope``, or UNKNOWN.

        ``record`` collects the names (as written) that resolved to known
        values; ``hook`` may answer for a node first (``x.size(0)`` in a forward).
        """
        try:
            return self._eval(node, scope, record, hook, 0)
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError):
            return UNKNOWN

    def _eval(self, node: ast.AST, scope: Scope, record: dict | None, hook: Hook | None, depth: int) -> Any:
        if depth > MAX_DEPTH:
            return UNKNOWN
        if hook is not None:
            answer = hook(node)
            if answer is not NOT_HANDLED:
                return answer
        kind = type(node)
        if kind is ast.Constant:
            v = node.value  # type: ignore[attr-defined]
            if v is None or isinstance(v, (bool, int, float, str)):
                return _int_ok(v)
            return UNKNOWN
        depth += 1
        if kind is ast.Tuple or kind is ast.List:
            items: list[Any] = []
            for elt in node.elts:  # type: ignore[attr-defined]
                if isinstance(elt, ast.Starred):
                    inner = self._eval(elt.value, scope, record, hook, depth)
                    if not isinstance(inner, tuple):
                        return UNKNOWN
                    items.extend(inner)
                else:
                    items.append(self._eval(elt, scope, record, hook, depth))
                if len(items) > MAX_ITEMS:
                    return UNKNOWN
            return bounds.checked_value(tuple(items))  # total elements across nesting
        if kind is ast.Name:
            v = self.name(node.id, scope, depth)  # type: ignore[attr-defined]
            if record is not None and is_plain(v):
                record[node.id] = v  # type: ignore[attr-defined]
            return v
        if kind is ast.UnaryOp:
            operand = self._eval(node.operand, scope, record, hook, depth)  # type: ignore[attr-defined]
            op = type(node.op)  # type: ignore[attr-defined]
            if op is ast.Not:
                return not operand if is_plain(operand) else UNKNOWN
            if not _number(operand):
                return UNKNOWN
            if op is ast.USub:
                return -operand
            if op is ast.UAdd:
                return +operand
            if op is ast.Invert and isinstance(operand, int):
                return ~operand
            return UNKNOWN
        if kind is ast.BinOp:
            fn = _BINOPS.get(type(node.op))  # type: ignore[attr-defined]
            if fn is None:
                return UNKNOWN
            left = self._eval(node.left, scope, record, hook, depth)  # type: ignore[attr-defined]
            if left is UNKNOWN:
                return UNKNOWN
            right = self._eval(node.right, scope, record, hook, depth)  # type: ignore[attr-defined]
            if right is UNKNOWN or not is_plain(left) or not is_plain(right):
                return UNKNOWN
            return _size_ok(_int_ok(fn(left, right)))
        if kind is ast.Attribute:
            v = self.attribute(node, scope, depth)  # type: ignore[arg-type]
            if record is not None and is_plain(v):
                text = dotted(node)
                if text:
                    record[text] = v
            return v
        if kind is ast.Subscript:
            return self._subscript(node, scope, record, hook, depth)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self._call(node, scope, record, hook, depth)  # type: ignore[arg-type]
        if kind is ast.IfExp:
            test = self._eval(node.test, scope, record, hook, depth)  # type: ignore[attr-defined]
            if is_plain(test):
                return self._eval(node.body if test else node.orelse, scope, record, hook, depth)  # type: ignore[attr-defined]
            body = self._eval(node.body, scope, record, hook, depth)  # type: ignore[attr-defined]
            orelse = self._eval(node.orelse, scope, record, hook, depth)  # type: ignore[attr-defined]
            return body if is_plain(body) and same(body, orelse) else UNKNOWN
        if kind is ast.Compare:
            left = self._eval(node.left, scope, record, hook, depth)  # type: ignore[attr-defined]
            result = True
            for op, comparator in zip(node.ops, node.comparators):  # type: ignore[attr-defined]
                right = self._eval(comparator, scope, record, hook, depth)
                fn = _COMPARE.get(type(op))
                if fn is None or not is_plain(left) or not is_plain(right):
                    return UNKNOWN
                result = result and bool(fn(left, right))
                left = right
            return result
        if kind is ast.BoolOp:
            values = [self._eval(v, scope, record, hook, depth) for v in node.values]  # type: ignore[attr-defined]
            if not all(is_plain(v) for v in values):
                return UNKNOWN
            if isinstance(node.op, ast.And):  # type: ignore[attr-defined]
                for v in values:
                    if not v:
                        return v
                return values[-1]
            for v in values:
                if v:
                    return v
            return values[-1]
        return UNKNOWN

    def _subscript(self, node: ast.Subscript, scope: Scope, record: dict | None, hook: Hook | None, depth: int) -> Any:
        base = self._eval(node.value, scope, record, hook, depth)
        if not isinstance(base, (tuple, str)):
            return UNKNOWN
        index = node.slice
        if isinstance(index, ast.Slice):
            parts = [
                None if part is None else self._eval(part, scope, record, hook, depth)
                for part in (index.lower, index.upper, index.step)
            ]
            if any(p is not None and (not isinstance(p, int) or isinstance(p, bool)) for p in parts) or parts[2] == 0:
                return UNKNOWN
            return base[slice(*parts)]
        i = self._eval(index, scope, record, hook, depth)
        if isinstance(i, int) and not isinstance(i, bool) and -len(base) <= i < len(base):
            return base[i]
        return UNKNOWN

    def _call(self, node: ast.Call, scope: Scope, record: dict | None, hook: Hook | None, depth: int) -> Any:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        func = node.func
        name: str | None = None
        if isinstance(func, ast.Name) and func.id in BUILTIN_NAMES and scope.lookup(func.id) is None:
            name = func.id
        elif isinstance(func, ast.Attribute):
            qualname = self.index.qualname(func, scope)
            if qualname in _MATH and len(node.args) >= 1:
                values = [self._eval(a, scope, record, hook, depth) for a in node.args]
                if not all(is_plain(v) for v in values):
                    return UNKNOWN
                if qualname == "math.prod":
                    if len(values) != 1 or not isinstance(values[0], tuple) or not all(_number(v) for v in values[0]):
                        return UNKNOWN
                    result: Any = 1
                    for v in values[0]:
                        result = _mul(result, v)
                        if result is UNKNOWN:
                            return UNKNOWN
                    return result
                if len(values) != 1 or not _number(values[0]):
                    return UNKNOWN
                return _int_ok(_MATH[qualname](values[0]))
            return UNKNOWN
        if name is None:
            return UNKNOWN
        values = [self._eval(a, scope, record, hook, depth) for a in node.args]
        return _size_ok(_int_ok(_builtin_call(name, values)))

    # ------------------------------------------------------------------ names

    def name(self, ident: str, scope: Scope, depth: int = 0) -> Any:
        owner = scope.lookup(ident)
        if owner is None:
            return UNKNOWN
        bindings = owner.bindings[ident]
        values = []
        for binding in bindings:
            v = self.binding_value(binding, depth)
            if v is UNKNOWN:
                return UNKNOWN
            values.append(v)
        return consensus(values)

    def binding_value(self, binding: Binding, depth: int = 0) -> Any:
        key = id(binding)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or depth > MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        try:
            v = self._binding_value(binding, depth)
        finally:
            self._active.discard(key)
        self._memo[key] = v
        return v

    def _binding_value(self, binding: Binding, depth: int) -> Any:
        kind = binding.kind
        if kind == "assign":
            return self._eval(binding.value, binding.scope, None, None, depth + 1)
        if kind == "unpack":
            whole = self._eval(binding.value, binding.scope, None, None, depth + 1)
            if isinstance(whole, tuple) and len(whole) == binding.count:
                return whole[binding.index]  # type: ignore[index]
            return UNKNOWN
        if kind == "param":
            return self.param_value(binding, depth + 1)
        return UNKNOWN

    def param_value(self, binding: Binding, depth: int = 0) -> Any:
        func = binding.func
        scope = binding.scope
        outer = scope.parent or scope
        default = _MISSING
        if binding.value is not None:
            default = self._eval(binding.value, outer, None, None, depth + 1)
            if default is None:
                default = _MISSING  # ``=None`` is a "must be given" sentinel, not a value to check layers with
        if scope.cls_scope is not None and binding.index == 0 and scope.self_name == binding.name:
            return UNKNOWN  # self
        sites = self.call_sites(func, scope)
        if not sites:
            return UNKNOWN if default is _MISSING else default
        values = []
        skip = 1 if scope.cls_scope is not None else 0
        for call, site_scope in sites:
            if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
                return UNKNOWN
            given: ast.expr | None = None
            if binding.index is not None and 0 <= binding.index - skip < len(call.args):
                given = call.args[binding.index - skip]
            else:
                for keyword in call.keywords:
                    if keyword.arg == binding.name:
                        given = keyword.value
            if given is None:
                values.append(UNKNOWN if default is _MISSING else default)
            else:
                values.append(self._eval(given, site_scope, None, None, depth + 1))
            if values[-1] is UNKNOWN:
                return UNKNOWN
        return consensus(values)

    def call_sites(self, func: ast.AST, scope: Scope) -> list[tuple[ast.Call, Scope]]:
        """Calls in this file that run ``func``: ``f(...)`` for a function, ``C(...)`` for ``C.__init__``."""
        if isinstance(func, ast.Lambda):
            return []
        if scope.cls_scope is not None:
            if getattr(func, "name", "") != "__init__":
                return []
            target = scope.cls_scope.node
        else:
            target = func
        if self._sites is None:
            sites: dict[int, list[tuple[ast.Call, Scope]]] = {}
            for site in self.index.calls:
                callee = site.node.func
                if isinstance(callee, ast.Name):
                    definition = self.index.definition(callee.id, site.scope)
                    if definition is not None:
                        sites.setdefault(id(definition), []).append((site.node, site.scope))
            self._sites = sites
        return self._sites.get(id(target), [])

    # ------------------------------------------------------------------ attributes

    def attribute(self, node: ast.Attribute, scope: Scope, depth: int = 0) -> Any:
        base = node.value
        if not isinstance(base, ast.Name):
            return UNKNOWN
        owner = scope.lookup(base.id)
        if owner is None:
            return UNKNOWN
        if owner.kind == "function" and owner.cls_scope is not None and owner.self_name == base.id:
            bindings = owner.bindings[base.id]
            if len(bindings) == 1 and bindings[0].kind == "param":
                return self.self_attribute(owner.cls_scope, node.attr, depth)
            return UNKNOWN
        definition = self.index.definition(base.id, scope)
        if isinstance(definition, ast.ClassDef):
            cls_scope = self.index.class_scopes.get(id(definition))
            if cls_scope is not None:
                return self.class_attribute(cls_scope, node.attr, depth)
        return UNKNOWN

    def self_attribute(self, cls_scope: Scope, attr: str, depth: int = 0) -> Any:
        """``self.attr`` in a class's methods: every ``self.attr = v`` must agree; else the class attribute."""
        key = ("self", id(cls_scope), attr)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or depth > MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        try:
            assigns = self.attribute_assignments(cls_scope, attr)
            if assigns:
                values = []
                for value, method_scope in assigns:
                    v = UNKNOWN if value is None else self._eval(value, method_scope, None, None, depth + 1)
                    if v is UNKNOWN:
                        break
                    values.append(v)
                result = consensus(values) if len(values) == len(assigns) else UNKNOWN
            else:
                result = self.class_attribute(cls_scope, attr, depth)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def attribute_assignments(self, cls_scope: Scope, attr: str) -> list[tuple[ast.expr | None, Scope]]:
        found: list[tuple[ast.expr | None, Scope]] = []
        for method in cls_scope.children:
            if method.self_name is None:
                continue
            for value, _stmt in method.attr_assigns.get((method.self_name, attr), ()):
                found.append((value, method))
            # a nested function or comprehension in the method may assign too
            stack = list(method.children)
            while stack:
                inner = stack.pop()
                stack.extend(inner.children)
                if method.self_name not in inner.bindings:
                    for value, _stmt in inner.attr_assigns.get((method.self_name, attr), ()):
                        found.append((value, inner))
        return found

    def class_attribute(self, cls_scope: Scope, attr: str, depth: int = 0) -> Any:
        bindings = cls_scope.bindings.get(attr)
        if not bindings:
            return UNKNOWN
        values = []
        for binding in bindings:
            v = self.binding_value(binding, depth + 1)
            if v is UNKNOWN:
                return UNKNOWN
            values.append(v)
        return consensus(values)
