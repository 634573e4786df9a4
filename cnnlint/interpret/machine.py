"""The abstract interpreter: Python statements and expressions over abstract values.

Nothing is executed: every expression is evaluated to an abstract value
(``values.py``), calls into the checked code are interpreted with Python's
binding rules, and whatever is not modelled is ``UNKNOWN``. Unknown
conditions run both branches and join them (``frames.py``); loops over
known iterables are unrolled, others run once and join with not running.
Every loop, call depth and the total work are bounded (``limits.py``).

Torch and builtins are in ``torch_api.py`` and ``builtins_.py``; running a
module's ``forward`` over abstract tensors in ``forward.py``.
"""

from __future__ import annotations

import ast
import operator
from typing import Any

from cnnlint.interpret import limits
from cnnlint.interpret.frames import Frame, WriteLog, join, join_states
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    BoundMethod,
    Builtin,
    ClassVal,
    DataclassInit,
    DictVal,
    FuncVal,
    LazyImport,
    ListVal,
    MethodOf,
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


class _Signal:
    __slots__ = ("kind", "value")

    def __init__(self, kind: str, value: Any = None) -> None:
        self.kind = kind  # "return", "break", "continue", "raise"
        self.value = value


BREAK = _Signal("break")
CONTINUE = _Signal("continue")
RAISE = _Signal("raise")

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


def arith(op: type, a: Any, b: Any) -> Any:
    """Plain arithmetic on known numbers/strings/tuples, bounded; UNKNOWN otherwise."""
    if isinstance(a, Sym) or isinstance(b, Sym):
        return UNKNOWN
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


class Interpreter:
    """One run's interpreter: shared by every model of a file (module code is interpreted once)."""

    def __init__(self, session: Any) -> None:
        self.session = session  # cnnlint.interpret.session.Session: modules, recorder, budget
        self.depth = 0
        self.logs: list[WriteLog] = []
        self.module: ModuleNS | None = None  # the file whose code is running

    # ------------------------------------------------------------------ budget

    def tick(self) -> None:
        s = self.session
        s.work += 1
        if s.work > s.max_work:
            raise limits.BudgetExceeded("the work budget for this file ran out")

    # ------------------------------------------------------------------ writes

    def write(self, container: dict, key: Any, value: Any) -> None:
        if self.logs:
            self.logs[-1].record(container, key, container.get(key, MISSING))
        if value is MISSING:
            container.pop(key, None)
        else:
            container[key] = value

    @property
    def forking(self) -> bool:
        return bool(self.logs)

    def taint(self, value: Any) -> None:
        """A container changed where the interpreter cannot say how: its items become unknown."""
        if isinstance(value, (ListVal, DictVal, ModuleObj)):
            value.uncertain = True

    # ------------------------------------------------------------------ statements

    def run_module(self, tree: ast.Module, module: ModuleNS) -> None:
        frame = Frame(module.globals, module)
        previous, self.module = self.module, module
        try:
            self.exec_block(tree.body, frame)
        finally:
            self.module = previous

    def exec_block(self, body: list[ast.stmt], frame: Frame) -> _Signal | None:
        for stmt in body:
            signal = self.exec_stmt(stmt, frame)
            if signal is not None:
                return signal
        return None

    def exec_stmt(self, stmt: ast.stmt, frame: Frame) -> _Signal | None:
        self.tick()
        kind = type(stmt)
        method = _STMT.get(kind)
        if method is None:
            method = _STMT[kind] = getattr(Interpreter, "_s_" + kind.__name__, _skip)
        return method(self, stmt, frame)

    def _s_Expr(self, stmt: ast.Expr, frame: Frame) -> None:
        value = stmt.value
        result = self.eval(value, frame)
        self.session.discarded(stmt, result, frame)

    def _s_Pass(self, stmt: ast.Pass, frame: Frame) -> None:
        return None

    def _s_Assign(self, stmt: ast.Assign, frame: Frame) -> None:
        value = self.eval(stmt.value, frame)
        for target in stmt.targets:
            self.assign(target, value, frame)
        if frame.locals is self.session.main.globals and not self.logs:
            self.session.assigned(stmt, value)

    def _s_AnnAssign(self, stmt: ast.AnnAssign, frame: Frame) -> None:
        if stmt.value is not None:
            self.assign(stmt.target, self.eval(stmt.value, frame), frame)

    def _s_AugAssign(self, stmt: ast.AugAssign, frame: Frame) -> None:
        current = self.eval(_load(stmt.target), frame)
        operand = self.eval(stmt.value, frame)
        if isinstance(current, ListVal) and type(stmt.op) is ast.Add:
            items = self.iterate(operand, frame)
            if items is None or current.uncertain:
                current.uncertain = True
            else:
                if self.forking:
                    current.uncertain = True
                current.items.extend(items)
            return
        if isinstance(current, ModuleObj) and current.kind in ("ModuleList", "Sequential") and type(stmt.op) is ast.Add:
            self.session.torch.extend_container(self, current, operand, frame)
            return
        result = self.binop(type(stmt.op), current, operand, stmt, frame)
        self.assign(stmt.target, result, frame)

    def _s_If(self, stmt: ast.If, frame: Frame) -> _Signal | None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is True:
            return self.exec_block(stmt.body, frame)
        if cond is False:
            return self.exec_block(stmt.orelse, frame)
        return self.fork(lambda: self.exec_block(stmt.body, frame), lambda: self.exec_block(stmt.orelse, frame), frame)

    def fork(self, first: Any, second: Any, frame: Frame) -> _Signal | None:
        """Run two branches from the same state and join them."""
        log_a = WriteLog()
        self.logs.append(log_a)
        try:
            sig_a = first()
        finally:
            self.logs.pop()
        final_a = log_a.undo()
        log_b = WriteLog()
        self.logs.append(log_b)
        try:
            sig_b = second()
        finally:
            self.logs.pop()
        final_b = log_b.undo()
        dead_a = sig_a is not None and sig_a.kind == "raise"
        dead_b = sig_b is not None and sig_b.kind == "raise"
        if dead_a and dead_b:
            return RAISE
        if dead_a or dead_b:  # one branch raises: the state is the other branch's
            for container, key, value in (final_b if dead_a else final_a).values():
                self.write(container, key, value)
            return sig_b if dead_a else sig_a
        for container, key, value in join_states(final_a, final_b):
            self.write(container, key, value)
        ret_a = sig_a is not None and sig_a.kind == "return"
        ret_b = sig_b is not None and sig_b.kind == "return"
        if ret_a and ret_b:
            return _Signal("return", join(sig_a.value, sig_b.value))
        if ret_a or ret_b:
            frame.pending_returns.append((sig_a if ret_a else sig_b).value)
            return None
        if sig_a is not None or sig_b is not None:
            kinds = {s.kind for s in (sig_a, sig_b) if s is not None}
            if sig_a is not None and sig_b is not None and sig_a.kind == sig_b.kind:
                return sig_a
            return _Signal("unknown-" + "-".join(sorted(kinds)))
        return None

    def _s_For(self, stmt: ast.For, frame: Frame) -> _Signal | None:
        iterable = self.eval(stmt.iter, frame)
        items = self.iterate(iterable, frame)
        if items is None:
            return self._unknown_loop(stmt, frame)
        if len(items) > limits.MAX_LOOP_ITERATIONS:
            return self._unknown_loop(stmt, frame)
        for item in items:
            self.assign(stmt.target, item, frame)
            signal = self.exec_block(stmt.body, frame)
            if signal is None or signal is CONTINUE:
                continue
            if signal is BREAK:
                return None
            if signal.kind.startswith("unknown-"):
                return self._abandon_loop(stmt, frame)
            return signal
        return self.exec_block(stmt.orelse, frame)

    def _s_While(self, stmt: ast.While, frame: Frame) -> _Signal | None:
        for _ in range(limits.MAX_LOOP_ITERATIONS):
            cond = self.truth(self.eval(stmt.test, frame))
            if cond is False:
                return self.exec_block(stmt.orelse, frame)
            if cond is not True:
                return self._unknown_loop(stmt, frame)
            signal = self.exec_block(stmt.body, frame)
            if signal is None or signal is CONTINUE:
                continue
            if signal is BREAK:
                return None
            if signal.kind.startswith("unknown-"):
                return self._abandon_loop(stmt, frame)
            return signal
        return self._abandon_loop(stmt, frame)

    def _unknown_loop(self, stmt: ast.For | ast.While, frame: Frame) -> _Signal | None:
        """A loop of unknown length: once or not at all, joined; its targets are unknown."""

        def once() -> _Signal | None:
            if isinstance(stmt, ast.For):
                self.assign(stmt.target, UNKNOWN, frame)
            signal = self.exec_block(stmt.body, frame)
            return None if signal in (BREAK, CONTINUE) or (signal and signal.kind.startswith("unknown-")) else signal

        signal = self.fork(once, lambda: None, frame)
        self._abandon_loop(stmt, frame)
        return signal if signal is not None and signal.kind in ("return", "raise") else None

    def _abandon_loop(self, stmt: ast.AST, frame: Frame) -> None:
        """Every name the loop assigns becomes unknown: its effect could not be followed."""
        for node in _stores(stmt):
            if isinstance(node, ast.Name):
                self.write(frame.locals, node.id, UNKNOWN)
            else:
                owner = self.eval(node.value, frame)
                if isinstance(owner, ModuleObj):
                    self.write(owner.attrs, node.attr, UNKNOWN)
        return None

    def _s_Break(self, stmt: ast.Break, frame: Frame) -> _Signal:
        return BREAK

    def _s_Continue(self, stmt: ast.Continue, frame: Frame) -> _Signal:
        return CONTINUE

    def _s_Return(self, stmt: ast.Return, frame: Frame) -> _Signal:
        value = self.eval(stmt.value, frame) if stmt.value is not None else None
        return _Signal("return", value)

    def _s_Raise(self, stmt: ast.Raise, frame: Frame) -> _Signal:
        return RAISE

    def _s_Assert(self, stmt: ast.Assert, frame: Frame) -> _Signal | None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is False:
            return RAISE
        return None

    def _s_FunctionDef(self, stmt: ast.FunctionDef, frame: Frame) -> None:
        func = self.make_function(stmt, frame)
        value: Any = func
        for deco in reversed(stmt.decorator_list):
            value = self.decorate(deco, value, frame)
        self.write(frame.locals, stmt.name, value)

    _s_AsyncFunctionDef = _s_FunctionDef

    def make_function(self, node: Any, frame: Frame) -> FuncVal:
        args = node.args
        defaults = tuple(self.eval(d, frame) for d in args.defaults)
        kw_defaults = {a.arg: self.eval(d, frame) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None}
        closure = frame.closure if frame.is_class_body else ((frame.locals, *frame.closure) if frame.func else ())
        owner = frame.locals.get("__cnnlint_class__") if frame.is_class_body else None
        return FuncVal(node, frame.module, closure, defaults, kw_defaults, owner=owner)

    def decorate(self, deco: ast.expr, func: Any, frame: Frame) -> Any:
        """Decorators: staticmethod/classmethod/property are modelled; others are taken to return the function.

        Model code decorates factories with registries (``@register_model``)
        and argument adapters; following the undecorated function is what
        lets such factories be checked at all.
        """
        target = self.eval(deco, frame)
        if isinstance(target, Builtin) and target.name in ("staticmethod", "classmethod", "property"):
            if isinstance(func, FuncVal):
                func.kind = target.name
            return func
        if isinstance(target, QualName) and target.name in ("functools.cached_property", "functools.lru_cache"):
            if isinstance(func, FuncVal) and target.name == "functools.cached_property":
                func.kind = "property"
            return func
        return func

    def _s_ClassDef(self, stmt: ast.ClassDef, frame: Frame) -> None:
        bases = [self.eval(b, frame) for b in stmt.bases]
        bases = [self.resolve(b) for b in bases]
        cls = ClassVal(stmt.name, stmt, frame.module, bases)
        ns: dict[str, Any] = {"__cnnlint_class__": cls}
        body = Frame(
            ns, frame.module, (frame.locals, *frame.closure) if frame.func else frame.closure, frame.func, True
        )
        self.exec_block(stmt.body, body)
        ns.pop("__cnnlint_class__", None)
        cls.ns = ns
        for deco in stmt.decorator_list:
            target = self.eval(deco.func if isinstance(deco, ast.Call) else deco, frame)
            if isinstance(target, QualName) and target.name == "dataclasses.dataclass":
                cls.fields = [  # type: ignore[attr-defined]
                    (s.target.id, ns.get(s.target.id, MISSING))
                    for s in stmt.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                ]
        for value in ns.values():
            if isinstance(value, FuncVal) and value.owner is None:
                value.owner = cls
        self.write(frame.locals, stmt.name, cls)
        self.session.class_defined(cls)

    def _s_Import(self, stmt: ast.Import, frame: Frame) -> None:
        for alias in stmt.names:
            if alias.asname:
                self.write(frame.locals, alias.asname, self.session.imports.module_value(alias.name, frame.module))
            else:
                top = alias.name.split(".", 1)[0]
                self.write(frame.locals, top, self.session.imports.module_value(top, frame.module))

    def _s_ImportFrom(self, stmt: ast.ImportFrom, frame: Frame) -> None:
        base = self.session.imports.absolute(stmt.module, stmt.level, frame.module)
        for alias in stmt.names:
            if alias.name == "*":
                continue
            value = self.session.imports.from_value(base, alias.name, frame.module)
            self.write(frame.locals, alias.asname or alias.name, value)

    def _s_With(self, stmt: ast.With, frame: Frame) -> _Signal | None:
        for item in stmt.items:
            value = self.eval(item.context_expr, frame)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN if not isinstance(value, ListVal) else value, frame)
        return self.exec_block(stmt.body, frame)

    _s_AsyncWith = _s_With

    def _s_Try(self, stmt: ast.Try, frame: Frame) -> _Signal | None:
        if stmt.handlers:
            # What the body builds may raise and be caught (``except TypeError:``): nothing in it is certain.
            log = WriteLog()
            self.logs.append(log)
            try:
                signal = self.exec_block(stmt.body, frame)
            finally:
                self.logs.pop()
                if self.logs:
                    self.logs[-1].entries.extend(log.entries)
        else:
            signal = self.exec_block(stmt.body, frame)
        if signal is RAISE and stmt.handlers:
            signal = self.exec_block(stmt.handlers[0].body, frame)
        elif signal is None:
            signal = self.exec_block(stmt.orelse, frame)
        final = self.exec_block(stmt.finalbody, frame)
        return final if final is not None else signal

    _s_TryStar = _s_Try

    def _s_Delete(self, stmt: ast.Delete, frame: Frame) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                self.write(frame.locals, target.id, MISSING)
            elif isinstance(target, ast.Attribute):
                owner = self.eval(target.value, frame)
                if isinstance(owner, ModuleObj):
                    self.write(owner.attrs, target.attr, MISSING)
            elif isinstance(target, ast.Subscript):
                owner = self.eval(target.value, frame)
                self.taint(owner)

    def _s_Global(self, stmt: ast.Global, frame: Frame) -> None:
        return None

    _s_Nonlocal = _s_Global

    # ------------------------------------------------------------------ assignment

    def assign(self, target: ast.expr, value: Any, frame: Frame) -> None:
        if isinstance(target, ast.Name):
            self.write(frame.locals, target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target.elts, value, frame)
        elif isinstance(target, ast.Attribute):
            owner = self.eval(target.value, frame)
            self.set_attr(owner, target.attr, value)
        elif isinstance(target, ast.Subscript):
            owner = self.eval(target.value, frame)
            key = self.eval(target.slice, frame)
            self.set_item(owner, key, value)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, frame)

    def unpack(self, targets: list[ast.expr], value: Any, frame: Frame) -> None:
        items = self.iterate(value, frame)
        star = next((i for i, t in enumerate(targets) if isinstance(t, ast.Starred)), None)
        if items is not None:
            if star is None and len(items) == len(targets):
                for t, v in zip(targets, items):
                    self.assign(t, v, frame)
                return
            if star is not None and len(items) >= len(targets) - 1:
                after = len(targets) - star - 1
                for t, v in zip(targets[:star], items[:star]):
                    self.assign(t, v, frame)
                self.assign(targets[star], ListVal(items[star : len(items) - after]), frame)
                for t, v in zip(targets[star + 1 :], items[len(items) - after :]):
                    self.assign(t, v, frame)
                return
        for t in targets:
            self.assign(t, UNKNOWN, frame)

    def set_attr(self, owner: Any, name: str, value: Any) -> None:
        if isinstance(owner, ModuleObj):
            self.session.torch.register(self, owner, name, value)
        elif isinstance(owner, ClassVal):
            self.write(owner.ns, name, value)
        elif isinstance(owner, ModuleNS):
            self.write(owner.globals, name, value)

    def set_item(self, owner: Any, key: Any, value: Any) -> None:
        if isinstance(owner, DictVal):
            if _hashable(key):
                self.write(owner.items, key, value)
            else:
                owner.uncertain = True
        elif isinstance(owner, ListVal):
            if isinstance(key, int) and not isinstance(key, bool) and -len(owner.items) <= key < len(owner.items):
                if self.forking:
                    owner.uncertain = True
                owner.items[key] = value
            else:
                owner.uncertain = True
        elif isinstance(owner, ModuleObj) and owner.kind == "ModuleDict" and isinstance(key, str):
            self.session.torch.register(self, owner, key, value)
        elif isinstance(owner, ModuleObj):
            owner.uncertain = True

    # ------------------------------------------------------------------ expressions

    def eval(self, node: ast.expr, frame: Frame) -> Any:
        s = self.session
        s.work += 1
        if s.work > s.max_work:
            raise limits.BudgetExceeded("the work budget for this file ran out")
        kind = type(node)
        method = _EXPR.get(kind)
        if method is None:
            method = _EXPR[kind] = getattr(Interpreter, "_e_" + kind.__name__, _unknown)
        return method(self, node, frame)

    def _e_Constant(self, node: ast.Constant, frame: Frame) -> Any:
        value = node.value
        if isinstance(value, (bytes,)) or value is Ellipsis:
            return value if value is Ellipsis else UNKNOWN
        if isinstance(value, int) and not isinstance(value, bool):
            return fold_number(value)
        if isinstance(value, str) and len(value) > limits.MAX_STR:
            return UNKNOWN
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
        if isinstance(value, LazyImport):
            return self.session.imports.resolve(value, self)
        return value

    def _e_Attribute(self, node: ast.Attribute, frame: Frame) -> Any:
        owner = self.eval(node.value, frame)
        return self.get_attr(owner, node.attr)

    def get_attr(self, owner: Any, name: str) -> Any:
        owner = self.resolve(owner)
        if owner is UNKNOWN:
            return UNKNOWN
        if isinstance(owner, QualName):
            return self.session.torch.qualname_attr(owner, name)
        if isinstance(owner, ModuleNS):
            value = owner.globals.get(name, MISSING)
            if value is MISSING:
                return self.session.imports.submodule(owner, name)
            return self.resolve(value)
        if isinstance(owner, ModuleObj):
            return self.session.torch.module_attr(self, owner, name)
        if isinstance(owner, ClassVal):
            value, _ = owner.lookup(name)
            if value is MISSING:
                return UNKNOWN
            if isinstance(value, FuncVal) and value.kind == "classmethod":
                return BoundMethod(value, owner)
            return self.resolve(value)
        if isinstance(owner, SuperVal):
            return self.session.torch.super_attr(self, owner, name)
        if isinstance(owner, TensorVal):
            return self.session.torch.tensor_attr(owner, name)
        if isinstance(owner, TorchLayer):
            return self.session.torch.layer_attr(owner, name)
        if isinstance(owner, (ListVal, DictVal, str, tuple, int, float)):
            return MethodOf(owner, name)
        if isinstance(owner, FuncVal) and name == "__name__":
            return owner.name
        if isinstance(owner, Partial) and name == "func":
            return owner.func
        return UNKNOWN

    def _e_Subscript(self, node: ast.Subscript, frame: Frame) -> Any:
        owner = self.eval(node.value, frame)
        key = self.eval(node.slice, frame)
        return self.subscript(owner, key, node)

    def subscript(self, owner: Any, key: Any, node: ast.AST | None = None) -> Any:
        if isinstance(owner, tuple):
            return _index_sequence(owner, key, tuple)
        if isinstance(owner, ListVal):
            if owner.uncertain:
                return UNKNOWN
            result = _index_sequence(tuple(owner.items), key, tuple)
            return ListVal(list(result)) if isinstance(result, tuple) and isinstance(key, slice) else result
        if isinstance(owner, str):
            return _index_sequence(owner, key, str)
        if isinstance(owner, DictVal):
            if owner.uncertain or not _hashable(key):
                return UNKNOWN
            return owner.items.get(key, UNKNOWN)
        if isinstance(owner, ModuleObj):
            return self.session.torch.module_item(self, owner, key)
        if isinstance(owner, TensorVal):
            return self.session.torch.tensor_index(self, owner, key, node)
        return UNKNOWN

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
        return ListVal(items)

    def _e_Set(self, node: ast.Set, frame: Frame) -> Any:
        return UNKNOWN

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
        if isinstance(left, ListVal) and isinstance(right, ListVal) and op is ast.Add:
            if left.uncertain or right.uncertain:
                value = ListVal()
                value.uncertain = True
                return value
            return ListVal(left.items + right.items)
        if isinstance(left, ListVal) and isinstance(right, int) and op is ast.Mult and not left.uncertain:
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
            return value
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
        result: Any = True
        for op, comp in zip(node.ops, node.comparators):
            right = self.eval(comp, frame)
            outcome = self.compare(op, left, right)
            if outcome is False:
                return False
            if outcome is UNKNOWN:
                result = UNKNOWN
            left = right
        return result

    def compare(self, op: ast.cmpop, left: Any, right: Any) -> Any:
        if isinstance(op, (ast.Is, ast.IsNot)):
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            if isinstance(left, ListVal) and left.uncertain or isinstance(right, ListVal) and right.uncertain:
                pass
            same_obj = left is right or (left is None and right is None)
            if is_plain(left) and is_plain(right) and not (left is None or right is None):
                same_obj = type(left) is type(right) and left == right
            return same_obj if isinstance(op, ast.Is) else not same_obj
        if isinstance(op, (ast.In, ast.NotIn)):
            items = self.iterate(right, None) if not isinstance(right, (DictVal, str)) else None
            if isinstance(right, DictVal):
                if right.uncertain or not _hashable(left):
                    return UNKNOWN
                found = left in right.items
            elif isinstance(right, str) and isinstance(left, str):
                found = left in right
            elif items is not None and is_plain(left) and left is not UNKNOWN:
                if any(not is_plain(i) for i in items):
                    if any(i is left for i in items):
                        found = True
                    else:
                        return UNKNOWN
                else:
                    found = any(
                        type(i) is type(left)
                        and i == left
                        or (
                            isinstance(i, (int, float))
                            and isinstance(left, (int, float))
                            and not isinstance(i, bool)
                            and i == left
                        )
                        for i in items
                    )
            elif items is not None and any(i is left for i in items):
                found = True
            else:
                return UNKNOWN
            return found if isinstance(op, ast.In) else not found
        fn = _CMPOPS.get(type(op))
        if fn is None:
            return UNKNOWN
        if isinstance(left, Sym) or isinstance(right, Sym):
            if (
                isinstance(left, Sym)
                and isinstance(right, Sym)
                and isinstance(op, (ast.Eq, ast.NotEq))
                and left == right
            ):
                return isinstance(op, ast.Eq)
            return UNKNOWN
        if _comparable(left) and _comparable(right):
            try:
                return bool(fn(left, right))
            except TypeError:
                return UNKNOWN
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if left is UNKNOWN or right is UNKNOWN or isinstance(left, TensorVal) or isinstance(right, TensorVal):
                return UNKNOWN
            if (left is None) != (right is None) and (left is None or right is None):
                return isinstance(op, ast.NotEq)
            if isinstance(left, (ModuleObj, TorchLayer, ClassVal, FuncVal, QualName)) or isinstance(
                right, (ModuleObj, TorchLayer, ClassVal, FuncVal, QualName)
            ):
                eq = left is right or (isinstance(left, QualName) and left == right)
                return eq if isinstance(op, ast.Eq) else not eq
        return UNKNOWN

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

    def _comprehension(self, generators: list[ast.comprehension], frame: Frame, emit: Any) -> bool:
        """Run the generators, calling ``emit(scope_frame)`` per element; False if the length is unknown."""
        scope = Frame({}, frame.module, (frame.locals, *frame.closure), frame.func)
        count = [0]

        def run(index: int) -> bool:
            if index == len(generators):
                count[0] += 1
                if count[0] > limits.MAX_LOOP_ITERATIONS:
                    return False
                emit(scope)
                return True
            gen = generators[index]
            items = self.iterate(self.eval(gen.iter, scope if index else frame), frame)
            if items is None:
                return False
            for item in items:
                self.assign(gen.target, item, scope)
                keep = True
                for cond in gen.ifs:
                    t = self.truth(self.eval(cond, scope))
                    if t is UNKNOWN:
                        return False
                    if not t:
                        keep = False
                        break
                if keep and not run(index + 1):
                    return False
            return True

        return run(0)

    def _e_ListComp(self, node: ast.ListComp, frame: Frame) -> Any:
        out: list[Any] = []
        if not self._comprehension(node.generators, frame, lambda s: out.append(self.eval(node.elt, s))):
            value = ListVal()
            value.uncertain = True
            return value
        return ListVal(out)

    def _e_GeneratorExp(self, node: ast.GeneratorExp, frame: Frame) -> Any:
        out: list[Any] = []
        if not self._comprehension(node.generators, frame, lambda s: out.append(self.eval(node.elt, s))):
            return UNKNOWN
        return tuple(out)

    _e_SetComp = _e_GeneratorExp

    def _e_DictComp(self, node: ast.DictComp, frame: Frame) -> Any:
        result = DictVal()

        def emit(s: Frame) -> None:
            key = self.eval(node.key, s)
            if _hashable(key):
                result.items[key] = self.eval(node.value, s)
            else:
                result.uncertain = True

        if not self._comprehension(node.generators, frame, emit):
            result.uncertain = True
        return result

    def _e_Call(self, node: ast.Call, frame: Frame) -> Any:
        func = self.eval(node.func, frame)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for a in node.args:
            if isinstance(a, ast.Starred):
                items = self.iterate(self.eval(a.value, frame), frame)
                if items is None:
                    return self.session.torch.unresolved_call(
                        self, func, node, "arguments given with * could not be resolved"
                    )
                args.extend(items)
            else:
                args.append(self.eval(a, frame))
        for kw in node.keywords:
            if kw.arg is None:
                value = self.eval(kw.value, frame)
                if (
                    not isinstance(value, DictVal)
                    or value.uncertain
                    or not all(isinstance(k, str) for k in value.items)
                ):
                    return self.session.torch.unresolved_call(
                        self, func, node, "arguments given with ** could not be resolved"
                    )
                kwargs.update(value.items)
            else:
                kwargs[kw.arg] = self.eval(kw.value, frame)
        return self.call(func, args, kwargs, node, frame)

    # ------------------------------------------------------------------ calls

    def call(
        self, func: Any, args: list[Any], kwargs: dict[str, Any], node: ast.Call | None, frame: Frame | None
    ) -> Any:
        if node is not None and self.module is self.session.main:
            anchors = self.session.anchors
            anchors.append(node)
            try:
                return self._call(func, args, kwargs, node, frame)
            finally:
                anchors.pop()
        return self._call(func, args, kwargs, node, frame)

    def _call(
        self, func: Any, args: list[Any], kwargs: dict[str, Any], node: ast.Call | None, frame: Frame | None
    ) -> Any:
        func = self.resolve(func)
        if isinstance(func, FuncVal):
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            if isinstance(func.func, FuncVal):
                return self.call_function(func.func, [func.self_obj, *args], kwargs, node)
            return self.call(func.func, [func.self_obj, *args], kwargs, node, frame)
        if isinstance(func, ClassVal):
            return self.session.torch.instantiate(self, func, args, kwargs, node)
        if isinstance(func, Partial):
            return self.call(func.func, [*func.args, *args], {**func.kwargs, **kwargs}, node, frame)
        if isinstance(func, Builtin):
            return self.session.builtin_call(self, func.name, args, kwargs, node, frame)
        if isinstance(func, QualName):
            return self.session.torch.call_qualname(self, func.name, args, kwargs, node)
        if isinstance(func, DataclassInit):
            return self.session.torch.dataclass_init(self, func.cls, func.obj, args, kwargs, node)
        if isinstance(func, MethodOf):
            return self.session.torch.call_method(self, func.obj, func.name, args, kwargs, node)
        if isinstance(func, ModuleObj) and func.kind == "object":
            call, _ = func.cls.lookup("__call__") if func.cls is not None else (MISSING, None)
            if isinstance(call, FuncVal):
                return self.call_function(call, [func, *args], kwargs, node)
            self._unknown_effects(args, kwargs)
            return UNKNOWN
        if isinstance(func, (ModuleObj, TorchLayer)):
            return self.session.forward.call_module(self, func, args, kwargs, node)
        self._unknown_effects(args, kwargs)
        return self.session.forward.unknown_callee(self, func, args, node)

    def _unknown_effects(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """Code the interpreter cannot read may change the lists, dicts and plain objects it is given.

        Modules are left as they are: what real code hands them to is logging
        and registration (``_log_api_usage_once(self)``).
        """
        for value in [*args, *kwargs.values()]:
            if isinstance(value, (ListVal, DictVal)):
                value.uncertain = True
            elif isinstance(value, ModuleObj) and value.kind == "object":
                for key in list(value.attrs):
                    self.write(value.attrs, key, UNKNOWN)

    def call_function(self, func: FuncVal, args: list[Any], kwargs: dict[str, Any], node: ast.Call | None) -> Any:
        if self.depth >= limits.MAX_CALL_DEPTH:
            self.session.note_limit(node, f"calls nested deeper than {limits.MAX_CALL_DEPTH}")
            return UNKNOWN
        local = bind_arguments(func, args, kwargs)
        if local is None:
            return UNKNOWN
        frame = Frame(local, func.module, func.closure, func)
        if func.module is self.session.main:
            self.session.executed[id(func.node)] = func.node
        self.depth += 1
        previous, self.module = self.module, func.module
        try:
            if isinstance(func.node, ast.Lambda):
                return self.eval(func.node.body, frame)
            signal = self.exec_block(func.node.body, frame)
        finally:
            self.depth -= 1
            self.module = previous
        result = signal.value if signal is not None and signal.kind == "return" else None
        if signal is not None and signal.kind == "raise" or signal is not None and signal.kind not in ("return",):
            result = UNKNOWN
        for pending in frame.pending_returns:
            result = join(pending, result)
        return result

    # ------------------------------------------------------------------ helpers

    def truth(self, value: Any) -> Any:
        """True, False or UNKNOWN: the truth of an abstract value."""
        if value is UNKNOWN or isinstance(value, (TensorVal, Sym)):
            return UNKNOWN
        if is_plain(value):
            return bool(value)
        if isinstance(value, tuple):
            return bool(value)
        if isinstance(value, (ListVal, DictVal)):
            return UNKNOWN if value.uncertain else bool(value.items)
        if isinstance(value, ModuleObj):
            if value.kind in ("Sequential", "ModuleList", "ModuleDict") or value.is_sequential:
                return UNKNOWN if value.uncertain else bool(value.items)
            return True
        if isinstance(value, slice):
            return True
        return True

    def iterate(self, value: Any, frame: Frame | None) -> list[Any] | None:
        """The items of an iterable, or None when they are not all known."""
        value = self.resolve(value)
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, ListVal):
            return None if value.uncertain else list(value.items)
        if isinstance(value, str):
            return list(value) if len(value) <= limits.MAX_ELEMENTS else None
        if isinstance(value, DictVal):
            return None if value.uncertain else list(value.items)
        if isinstance(value, range):
            return list(value) if len(value) <= limits.MAX_LOOP_ITERATIONS else None
        if isinstance(value, ModuleObj):
            return self.session.torch.module_iter(value)
        if isinstance(value, TensorVal):
            return self.session.torch.tensor_iter(value)
        return None


_STMT: dict[type, Any] = {}
_EXPR: dict[type, Any] = {}
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
    return isinstance(value, (QualName, ClassVal, FuncVal))


def _comparable(value: Any) -> bool:
    return (
        (isinstance(value, (int, float, str)) and not isinstance(value, Sym))
        or value is None
        or (isinstance(value, tuple) and all(_comparable(v) for v in value))
    )


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


def bind_arguments(func: FuncVal, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """Bind a call to a function's parameters by Python's rules; None when Python would raise."""
    spec = func.node.args
    positional = [*spec.posonlyargs, *spec.args]
    local: dict[str, Any] = {}
    n_defaults = len(func.defaults)
    first_default = len(positional) - n_defaults
    for i, param in enumerate(positional):
        if i < len(args):
            local[param.arg] = args[i]
    extra = args[len(positional) :]
    if extra and spec.vararg is None:
        return None
    if spec.vararg is not None:
        local[spec.vararg.arg] = tuple(extra)
    rest: dict[str, Any] = {}
    posonly = {p.arg for p in spec.posonlyargs}
    names = {p.arg for p in positional if p.arg not in posonly} | {p.arg for p in spec.kwonlyargs}
    for key, value in kwargs.items():
        if key in names:
            if key in local:
                return None
            local[key] = value
        elif spec.kwarg is not None:
            rest[key] = value
        else:
            return None
    for i, param in enumerate(positional):
        if param.arg not in local:
            if i >= first_default:
                local[param.arg] = func.defaults[i - first_default]
            else:
                return None
    for param in spec.kwonlyargs:
        if param.arg not in local:
            if param.arg in func.kw_defaults:
                local[param.arg] = func.kw_defaults[param.arg]
            else:
                return None
    if spec.kwarg is not None:
        local[spec.kwarg.arg] = DictVal(rest)
    return local
