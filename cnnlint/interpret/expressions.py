"""Expressions: names, attributes, subscripts, literals, operators, comparisons, comprehensions."""

from __future__ import annotations

import ast

from cnnlint.interpret import (
    argparse_values,
    attr_dicts,
    autograd_functions,
    data_pipeline,
    dict_subclasses,
    enums,
    limits,
    numpy_arrays,
    tensor_operators,
    tensor_value_calls,
)
from cnnlint.interpret.argparse_values import ArgParser
from cnnlint.interpret.comparisons import compare
from cnnlint.interpret.enums import EnumMember
from cnnlint.interpret.enums import attr as enum_attr
from cnnlint.interpret.frames import Frame, WriteLog, join
from cnnlint.interpret.namedtuples import NamedTupleVal, field
from cnnlint.interpret.numpy_arrays import ShapedArray
from cnnlint.interpret.plain_methods import narrow_spec
from cnnlint.interpret.pyops import (
    _EXPR,
    _OP_SYMBOL,
    _hashable,
    _index_sequence,
    _unknown,
    arith,
)
from cnnlint.interpret.sets import make_set
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    AttrDictVal,
    BoundMethod,
    Builtin,
    ClassVal,
    DefaultDictVal,
    DictInstance,
    DictVal,
    FuncVal,
    LazyImport,
    ListVal,
    MethodOf,
    ModuleDictView,
    ModuleNS,
    ModuleObj,
    Partial,
    QualName,
    SuperVal,
    Sym,
    TensorVal,
    TorchLayer,
    is_plain,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SIZE: dict[type, Any] = {tuple: len, str: len, ListVal: lambda v: len(v.items), DictVal: lambda v: len(v.items)}


class Expressions:
    """The expression half of ``Interpreter`` (a mixin: it uses the interpreter's call, truth, iterate)."""

    # ------------------------------------------------------------------ expressions

    def eval(self, node: ast.expr, frame: Frame) -> Any:
        s = self.session
        s.work += 1
        if s.work > s.max_work:
            raise limits.BudgetExceeded("the work budget for this file ran out")
        kind = type(node)
        if kind is ast.Name:  # a third of all nodes: looked up here, without two more calls
            value = frame.locals.get(node.id, MISSING)  # type: ignore[attr-defined]
            if value is MISSING:
                value = self.lookup(node.id, frame)  # type: ignore[attr-defined]
            if type(value) is LazyImport:
                value = self.session.imports.resolve(value, self)
        elif kind is ast.Constant:  # a sixth of all nodes: _e_Constant, inlined
            value = node.value  # type: ignore[attr-defined]
            known = type(value)
            if known is int:
                if value.bit_length() > limits.MAX_INT_BITS:
                    value = UNKNOWN
            elif known is str:
                if len(value) > limits.MAX_STR:
                    value = UNKNOWN
            elif known is bytes:
                value = UNKNOWN
        else:
            method = _EXPR.get(kind)
            if method is None:
                method = _EXPR[kind] = getattr(type(self), "_e_" + kind.__name__, _unknown)
            value = method(self, node, frame)
        size = _SIZE.get(type(value))
        if size is not None and size(value) > limits.CHARGED_FROM:
            # A big value costs work in proportion to its size wherever it is used (copied, iterated,
            # compared): ``[0] * 99999`` in a nested loop is not one node's work per iteration.
            s.work += size(value) // limits.ELEMENTS_PER_NODE
            if s.work > s.max_work:
                raise limits.BudgetExceeded("the work budget for this file ran out")
        return value

    def _e_Name(self, node: ast.Name, frame: Frame) -> Any:
        return self.resolve(self.lookup(node.id, frame))

    def lookup(self, name: str, frame: Frame) -> Any:
        value = frame.locals.get(name, MISSING)
        if value is not MISSING:
            return value
        for scope in frame.closure:
            value = scope.get(name, MISSING)
            if value is not MISSING:
                return value
        value = frame.module.globals.get(name, MISSING)
        if value is not MISSING:
            return value
        return self.session.builtins.get(name, UNKNOWN)

    def resolve(self, value: Any) -> Any:
        if type(value) is LazyImport:  # (no subclasses: the cheapest test, asked for every name)
            return self.session.imports.resolve(value, self)
        return value

    def _e_Attribute(self, node: ast.Attribute, frame: Frame) -> Any:
        owner = self.eval(node.value, frame)
        return self.get_attr(owner, node.attr)

    def get_attr(self, owner: Any, name: str) -> Any:
        owner = self.resolve(owner)
        if type(owner) is ModuleObj:  # ``self.x``: the commonest owner, by exact type (Stack is below)
            return self.session.torch.module_attr(self, owner, name)
        if owner is UNKNOWN:
            return UNKNOWN
        if isinstance(owner, QualName):
            return self.session.torch.qualname_attr(owner, name)
        if isinstance(owner, ModuleNS):
            value = owner.globals.get(name, MISSING)
            if value is MISSING and name == "__dict__":
                return ModuleDictView(owner)
            if value is MISSING:
                return self.session.imports.submodule(owner, name)
            return self.resolve(value)
        if isinstance(owner, ModuleObj):
            return self.session.torch.module_attr(self, owner, name)
        if isinstance(owner, ClassVal):
            value, _ = owner.lookup(name)
            if value is MISSING and name == "apply" and autograd_functions.is_function_class(owner):
                return MethodOf(owner, "apply")
            if value is MISSING:
                return owner.name if name == "__name__" else UNKNOWN
            if isinstance(value, FuncVal) and value.kind == "classmethod":
                return BoundMethod(value, owner)
            return self.resolve(value)
        if isinstance(owner, SuperVal):
            return self.session.torch.super_attr(self, owner, name)
        if isinstance(owner, TensorVal):
            return self.session.torch.tensor_attr(owner, name)
        if isinstance(owner, TorchLayer):
            return self.session.torch.layer_attr(owner, name)
        if isinstance(owner, NamedTupleVal) and field(owner, name) is not MISSING:
            return field(owner, name)
        if isinstance(owner, NamedTupleVal) and name in ("_replace", "_asdict"):
            return MethodOf(owner, name)
        if isinstance(owner, AttrDictVal):
            return attr_dicts.attribute(owner, name)
        if isinstance(owner, DictInstance):
            return dict_subclasses.attribute(self, owner, name)
        if isinstance(owner, DictVal) and not attr_dicts.dict_attribute(name):
            return UNKNOWN  # ``cfg.b.c`` on a plain dict: Python raises AttributeError
        if type(owner) in (str, tuple, int, float, bool) and not hasattr(type(owner), name):
            return UNKNOWN  # ``(0).z``: Python raises AttributeError
        if isinstance(owner, (ListVal, DictVal, str, tuple, int, float)):
            return MethodOf(owner, name)
        if isinstance(owner, ShapedArray):
            return numpy_arrays.attribute(owner, name)
        if isinstance(owner, data_pipeline.Image):  # a PIL image: its methods that change what is known
            return MethodOf(owner, name) if name in data_pipeline.IMAGE_METHODS else UNKNOWN
        if isinstance(owner, EnumMember):
            return enum_attr(self, owner, name)
        if isinstance(owner, ArgParser):
            return MethodOf(owner, name) if argparse_values.is_method(name) else UNKNOWN
        if isinstance(owner, Builtin) and name in dict_subclasses.UNBOUND.get(owner.name, ()):
            return MethodOf(owner, name)  # ``dict.__init__(self, d)``, ``__getattr__ = dict.get``
        if isinstance(owner, FuncVal) and name == "__name__":
            return owner.name
        if isinstance(owner, FuncVal) and name == "__module__":  # registries key on it (timm's ``register_model``)
            return owner.module.dotted or UNKNOWN
        if isinstance(owner, Partial) and name == "func":
            return owner.func
        if isinstance(owner, Partial) and name in ("args", "keywords"):
            return owner.args if name == "args" else DictVal(owner.kwargs)
        return UNKNOWN

    def _e_Subscript(self, node: ast.Subscript, frame: Frame) -> Any:
        owner = self.eval(node.value, frame)
        key = self.eval(node.slice, frame)
        return self.subscript(owner, key, node)

    def subscript(self, owner: Any, key: Any, node: ast.AST | None = None) -> Any:
        if isinstance(owner, ModuleDictView):
            return self.get_attr(owner.module, key) if type(key) is str and key.isidentifier() else UNKNOWN
        if isinstance(owner, tuple):
            return _index_sequence(owner, key, tuple)
        if isinstance(owner, ListVal):
            if owner.uncertain:
                return UNKNOWN
            result = _index_sequence(tuple(owner.items), key, tuple)
            return ListVal(list(result)) if isinstance(result, tuple) and isinstance(key, slice) else result
        if isinstance(owner, str):
            return _index_sequence(owner, key, str)
        if type(owner) is DictInstance:  # ``cfg[k]`` of a dict subclass: through its own ``__getitem__``
            own = dict_subclasses.own_item_method(owner, "__getitem__")
            if own is not None:
                return self.call_function(own, [owner, key], {}, None)
        if isinstance(owner, DictVal):
            if owner.uncertain or not _hashable(key):
                return UNKNOWN
            value = owner.items.get(key, MISSING)
            if value is MISSING:
                return self._missing_key(owner, key)
            return value
        if isinstance(owner, QualName) and owner.name == "sys.modules":
            return self.session.imports.by_name(key, self.session.main)
        if isinstance(owner, ModuleObj):
            return self.session.torch.module_item(self, owner, key)
        if isinstance(owner, TensorVal):
            return self.session.torch.tensor_index(self, owner, key, node)
        if isinstance(owner, ShapedArray):
            return numpy_arrays.index(owner, key)
        if isinstance(owner, Builtin) and owner.name in ("tuple", "list", "dict", "set", "frozenset"):
            return owner  # ``tuple[int, int](x)``: a generic alias, which calls its origin (MnasNet)
        if isinstance(owner, ClassVal) and enums.is_enum(owner):
            return enums.by_name(owner, key)
        return UNKNOWN

    def _missing_key(self, owner: DictVal, key: Any) -> Any:
        """A missing key: a defaultdict stores and returns ``factory()``; a dict raises (unknown here)."""
        if not isinstance(owner, DefaultDictVal) or owner.factory is None or self.branching:
            return UNKNOWN
        value = self.call(owner.factory, [], {}, None, None)
        self.write(owner.items, key, value)
        return value

    def _e_Slice(self, node: ast.Slice, frame: Frame) -> Any:
        parts = [self.eval(p, frame) if p is not None else None for p in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def _e_Tuple(self, node: ast.Tuple, frame: Frame) -> Any:
        items = self.eval_items(node.elts, frame)
        return tuple(items) if items is not None else UNKNOWN

    def _e_List(self, node: ast.List, frame: Frame) -> Any:
        items = self.eval_items(node.elts, frame)
        if items is None:
            value = ListVal()
            value.uncertain = True
            return value
        value = ListVal(items)
        if self.logs:  # type: ignore[attr-defined]
            value.born = self.logs[-1]  # type: ignore[attr-defined]
        return value

    def _e_Set(self, node: ast.Set, frame: Frame) -> Any:
        return make_set(self.eval_items(node.elts, frame))

    def eval_items(self, elts: list[ast.expr], frame: Frame) -> list[Any] | None:
        items: list[Any] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                inner = self.iterate(self.eval(e.value, frame), frame)
                if inner is None:
                    return None
                items.extend(inner)
            else:
                items.append(self.eval(e, frame))
            if len(items) > limits.MAX_ELEMENTS:
                return None
        return items

    def _e_Dict(self, node: ast.Dict, frame: Frame) -> Any:
        result = DictVal()
        for k, v in zip(node.keys, node.values):
            if k is None:
                inner = self.eval(v, frame)
                if isinstance(inner, DictVal) and not inner.uncertain:
                    result.items.update(inner.items)
                else:
                    result.uncertain = True
                continue
            key = self.eval(k, frame)
            if not _hashable(key):
                result.uncertain = True
                continue
            result.items[key] = self.eval(v, frame)
        return result

    def _e_JoinedStr(self, node: ast.JoinedStr, frame: Frame) -> Any:
        """``f"conv{i}"`` with known values (layer names built in loops); unknown otherwise."""
        parts: list[str] = []
        known = True
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
                continue
            if not isinstance(v, ast.FormattedValue):
                known = False
                continue
            value = self.eval(v.value, frame)
            spec = self.eval(v.format_spec, frame) if v.format_spec is not None else ""
            if not known or not is_plain(value) or isinstance(value, Sym) or not isinstance(spec, str):
                known = False
                continue
            if not narrow_spec(spec):
                known = False  # ``f"{x:>1000000000}"`` must not build a 1 GB string
                continue
            try:
                text = format({115: str, 114: repr, 97: ascii}.get(v.conversion, lambda x: x)(value), spec)
            except (ValueError, TypeError):
                known = False
                continue
            parts.append(text)
        text = "".join(parts)
        return text if known and len(text) <= limits.MAX_STR else UNKNOWN

    def _e_BinOp(self, node: ast.BinOp, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        return self.binop(type(node.op), left, right, node, frame)

    def binop(self, op: type, left: Any, right: Any, node: ast.AST, frame: Frame) -> Any:
        if isinstance(left, TensorVal) or isinstance(right, TensorVal):
            return self.session.torch.tensor_binop(self, _OP_SYMBOL.get(op, "?"), left, right, node)
        if isinstance(left, ShapedArray) or isinstance(right, ShapedArray):
            return numpy_arrays.binop(_OP_SYMBOL.get(op, "?"), left, right)  # ``self.data / 255``
        if isinstance(left, ListVal) and isinstance(right, ListVal) and op is ast.Add:
            if left.uncertain or right.uncertain:
                value = ListVal()
                value.uncertain = True
                return value
            return ListVal(left.items + right.items)
        if isinstance(right, ListVal) and type(left) is int and op is ast.Mult:
            left, right = right, left  # ``2 * [p, p]`` is ``[p, p] * 2``
        if isinstance(left, ListVal) and type(right) is int and op is ast.Mult and not left.uncertain:
            if len(left.items) * max(right, 0) > limits.MAX_ELEMENTS:
                return UNKNOWN
            return ListVal(left.items * right)
        if isinstance(left, DictVal) and isinstance(right, DictVal) and op is ast.BitOr:
            merged = DictVal({**left.items, **right.items})
            merged.uncertain = left.uncertain or right.uncertain
            return merged
        return arith(op, left, right)

    def _e_UnaryOp(self, node: ast.UnaryOp, frame: Frame) -> Any:
        value = self.eval(node.operand, frame)
        if isinstance(node.op, ast.Not):
            t = self.truth(value)
            return UNKNOWN if t is UNKNOWN else not t
        if isinstance(value, TensorVal):
            return tensor_value_calls.unary_operator(type(node.op).__name__, value)
        if isinstance(value, (int, float)) and not isinstance(value, Sym):
            if isinstance(node.op, ast.USub):
                return -value
            if isinstance(node.op, ast.UAdd):
                return +value
            if isinstance(node.op, ast.Invert) and isinstance(value, int):
                return ~value
        return UNKNOWN

    def _e_BoolOp(self, node: ast.BoolOp, frame: Frame) -> Any:
        is_and = isinstance(node.op, ast.And)
        unsure = False
        value: Any = None
        for expr in node.values:
            value = self.eval(expr, frame)
            t = self.truth(value)
            if t is UNKNOWN:
                unsure = True  # ``x.is_cuda and self.ngpu > 1`` is still False when the second part is
                continue
            if (is_and and not t) or (not is_and and t):
                return value if not unsure else (not is_and) if is_plain(value) else UNKNOWN
        return UNKNOWN if unsure else value

    def _e_Compare(self, node: ast.Compare, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        if len(node.ops) == 1:
            right = self.eval(node.comparators[0], frame)
            if isinstance(left, TensorVal) or isinstance(right, TensorVal):  # a mask: ``ids == cells``
                mask = tensor_operators.compare(self.session, self, node.ops[0], left, right, node)
                if mask is not NotImplemented:
                    return mask
            return compare(self, node.ops[0], left, right)
        result: Any = True
        for op, comp in zip(node.ops, node.comparators):
            right = self.eval(comp, frame)
            outcome = compare(self, op, left, right)
            if outcome is False:
                return False
            if outcome is UNKNOWN:
                result = UNKNOWN
            left = right
        return result

    def _e_IfExp(self, node: ast.IfExp, frame: Frame) -> Any:
        cond = self.truth(self.eval(node.test, frame))
        if cond is True:
            return self.eval(node.body, frame)
        if cond is False:
            return self.eval(node.orelse, frame)
        log = WriteLog()  # both sides run, neither certainly: what they build is "maybe"
        self.logs.append(log)
        try:
            return join(self.eval(node.body, frame), self.eval(node.orelse, frame))
        finally:
            self.logs.pop()
            if self.logs:
                self.logs[-1].entries.extend(log.entries)

    def _e_NamedExpr(self, node: ast.NamedExpr, frame: Frame) -> Any:
        value = self.eval(node.value, frame)
        self.assign(node.target, value, frame)
        return value

    def _e_Lambda(self, node: ast.Lambda, frame: Frame) -> Any:
        return self.make_function(node, frame)

    def _e_Starred(self, node: ast.Starred, frame: Frame) -> Any:
        return self.eval(node.value, frame)

    def _e_Await(self, node: ast.Await, frame: Frame) -> Any:
        return UNKNOWN
