"""Statements: control flow (with joins at unknown conditions), definitions, imports.

Loops (``for``, ``while``) are in ``loops.py``; storing into names, attributes and items in ``assignments.py``.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import data_pipeline, enums, libraries, limits, tensor_values
from cnnlint.interpret.branch_steps import join_steps
from cnnlint.interpret.frames import Frame, WriteLog, join, join_states
from cnnlint.interpret.known_names import KNOWN_ROOTS
from cnnlint.interpret.pyops import (
    _STMT,
    BREAK,
    CATCHES_IMPORT_ERROR,
    CATCHES_TYPE_ERROR,
    CONTINUE,
    RAISE,
    CaughtTypeError,
    MissingModule,
    _hashable,
    _load,
    _Signal,
    _skip,
)
from cnnlint.interpret.values import (
    MISSING,
    UNKNOWN,
    Builtin,
    ClassVal,
    DictVal,
    FuncVal,
    ListVal,
    ModuleNS,
    ModuleObj,
    ModulesView,
    Partial,
    QualName,
    TorchLayer,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MODELS = (ModuleObj, TorchLayer)  # values a function's ``model = ...`` may bind (``Session.bound_locally``)
# Expression nodes an assert's operands may be read again through: no calls, nothing with effects
_READ_ONLY = (ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Load, ast.Tuple, ast.Slice)


class Statements:
    """The statement half of ``Interpreter`` (a mixin: it uses the interpreter's eval, write, call)."""

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
        s = self.session  # one unit of the work budget per statement
        s.work += 1
        if s.work > s.max_work:
            raise limits.BudgetExceeded("the work budget for this file ran out")
        kind = type(stmt)
        method = _STMT.get(kind)
        if method is None:
            method = _STMT[kind] = getattr(type(self), "_s_" + kind.__name__, _skip)
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
        elif type(value) in _MODELS and frame.module is self.session.main and len(stmt.targets) == 1:
            self.session.bound_locally(stmt, value)  # ``def main(): model = ...``

    def _s_AnnAssign(self, stmt: ast.AnnAssign, frame: Frame) -> None:
        if stmt.value is not None:
            value = self.eval(stmt.value, frame)
            self.assign(stmt.target, value, frame)
            if frame.locals is self.session.main.globals and not self.logs:
                self.session.assigned(stmt, value)

    def _s_AugAssign(self, stmt: ast.AugAssign, frame: Frame) -> None:
        current = self.eval(_load(stmt.target), frame)
        operand = self.eval(stmt.value, frame)
        if isinstance(current, ListVal) and type(stmt.op) is ast.Add:
            items = self.iterate(operand, frame)
            if items is None or current.uncertain:
                current.uncertain = True
            else:
                self.changing_list(current)
                current.items.extend(items)
            return
        if isinstance(current, ModuleObj) and current.kind in ("ModuleList", "Sequential") and type(stmt.op) is ast.Add:
            self.session.torch.extend_container(self, current, operand, frame)
            return
        result = self.binop(type(stmt.op), current, operand, stmt, frame)
        tensor_values.forget(current)  # `t += 1` changes t in place, and every other name for it
        self.assign(stmt.target, result, frame)

    def _s_If(self, stmt: ast.If, frame: Frame) -> _Signal | None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is True:
            return self.exec_block(stmt.body, frame)
        if cond is False:
            return self.exec_block(stmt.orelse, frame)
        return self.fork(lambda: self.exec_block(stmt.body, frame), lambda: self.exec_block(stmt.orelse, frame), frame)

    def fork(self, first: Any, second: Any, frame: Frame, joins: bool = True) -> _Signal | None:
        """Run two branches from the same state and join them. ``joins``: False for a loop body of unknown
        length (run once or not at all), whose lists are not joined item by item (``changing_list``)."""
        rec = self.session.forward.recording
        start = len(rec.steps) if rec is not None else 0
        log_a = WriteLog(joins=joins)
        self.logs.append(log_a)
        try:
            sig_a = first()
        finally:
            self.logs.pop()
        final_a = log_a.undo()
        middle = len(rec.steps) if rec is not None else 0
        log_b = WriteLog(joins=joins)
        self.logs.append(log_b)
        try:
            sig_b = second()
        finally:
            self.logs.pop()
        final_b = log_b.undo()
        if rec is not None and self.session.forward.recording is rec:
            join_steps(rec.steps, start, middle)
            if not self.forking:
                self.session.forward.promote(rec, start)
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
            if not frame.pending_returns:
                self.after_return += 1  # the rest of this function may not run (``Interpreter.forking``)
            frame.pending_returns.append((sig_a if ret_a else sig_b).value)
            return None
        if sig_a is not None or sig_b is not None:
            kinds = {s.kind for s in (sig_a, sig_b) if s is not None}
            if sig_a is not None and sig_b is not None and sig_a.kind == sig_b.kind:
                return sig_a
            return _Signal("unknown-" + "-".join(sorted(kinds)))
        return None

    def _s_Break(self, stmt: ast.Break, frame: Frame) -> _Signal:
        return BREAK

    def _s_Continue(self, stmt: ast.Continue, frame: Frame) -> _Signal:
        return CONTINUE

    def _s_Return(self, stmt: ast.Return, frame: Frame) -> _Signal:
        value = self.eval(stmt.value, frame) if stmt.value is not None else None
        return _Signal("return", value)

    def _compared_ints(self, test: ast.expr, frame: Frame) -> set[int]:
        """The integers the comparisons of an assert's test compare: its names, attributes, subscripts and
        constants read again (nothing that could call code), small positive ints only."""
        found: set[int] = set()
        for node in ast.walk(test):
            if not isinstance(node, ast.Compare):
                continue
            for operand in [node.left, *node.comparators]:
                if not all(isinstance(n, _READ_ONLY) for n in ast.walk(operand)):
                    continue
                value = self.eval(operand, frame)
                for v in value if isinstance(value, tuple) else (value,):
                    if type(v) is int and 0 < v <= 4096:
                        found.add(v)
        return found

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
        if isinstance(target, (FuncVal, Partial)) and isinstance(func, FuncVal) and func.kind == "function":
            # A decorator of the checked code runs, as Python runs it, so a registry it fills (timm's
            # ``register_model`` and the pretrained configs it files) is known to the code that reads it.
            # A wrapper it returns (``@handle_legacy_interface`` turns ``pretrained=True`` into
            # ``weights=...``) is what calls run; the name stays bound to the definition (machine.py).
            wrapper = self.call(target, [func], {}, None, frame)
            if isinstance(wrapper, FuncVal) and wrapper is not func:
                func.wrapper = wrapper
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
        enums.setup(cls)
        self.write(frame.locals, stmt.name, cls)
        self.session.class_defined(cls)

    def _s_Import(self, stmt: ast.Import, frame: Frame) -> None:
        for alias in stmt.names:
            self._absent_in_library(alias.name, frame)
            if alias.asname:
                self.write(frame.locals, alias.asname, self.session.imports.module_value(alias.name, frame.module))
            else:
                top = alias.name.split(".", 1)[0]
                self.write(frame.locals, top, self.session.imports.module_value(top, frame.module))

    def _s_ImportFrom(self, stmt: ast.ImportFrom, frame: Frame) -> None:
        base = self.session.imports.absolute(stmt.module, stmt.level, frame.module)
        if stmt.level == 0 and stmt.module:
            self._absent_in_library(stmt.module, frame)
        for alias in stmt.names:
            if alias.name == "*":
                for name, value in self.session.imports.star(base, frame.module).items():
                    self.write(frame.locals, name, value)
                continue
            value = self.session.imports.from_value(base, alias.name, frame.module)
            self.write(frame.locals, alias.asname or alias.name, value)

    def _absent_in_library(self, dotted: str, frame: Frame) -> None:
        """A library's optional import, caught by its ``try``, of a module not installed beside it."""
        if not self.catching_import or not frame.module.library:
            return
        top = dotted.split(".", 1)[0]
        if top in KNOWN_ROOTS or self.session.imports.find(top) is not None:
            return
        probes = libraries.absent(top)
        if probes:
            self.session.dependencies.update(probes)  # installing it later changes the answer
            raise MissingModule

    def _s_With(self, stmt: ast.With, frame: Frame) -> _Signal | None:
        for item in stmt.items:
            value = self.eval(item.context_expr, frame)
            if item.optional_vars is not None:
                kept = isinstance(value, (ListVal, data_pipeline.Image))  # ``with Image.open(p) as img``
                self.assign(item.optional_vars, value if kept else UNKNOWN, frame)
        return self.exec_block(stmt.body, frame)

    _s_AsyncWith = _s_With

    def _s_Try(self, stmt: ast.Try, frame: Frame) -> _Signal | None:
        handler = stmt.handlers[0] if stmt.handlers else None
        type_error = next((h for h in stmt.handlers if _catches(h, CATCHES_TYPE_ERROR)), None)
        import_error = next((h for h in stmt.handlers if _catches(h, CATCHES_IMPORT_ERROR)), None)
        if stmt.handlers:
            # What the body builds may raise and be caught (``except TypeError:``): its findings are not
            # certain. Its effects are kept as written, as for any code: an exception not modelled is not guessed.
            log = WriteLog(branch=False)
            self.logs.append(log)
            self.catching += type_error is not None
            self.catching_import += import_error is not None
            try:
                signal = self.exec_block(stmt.body, frame)
            except CaughtTypeError:
                if type_error is None:
                    raise
                signal, handler = RAISE, type_error  # torch rejected a call: Python runs this handler
            except MissingModule:
                if import_error is None:
                    raise
                signal, handler = RAISE, import_error  # the import failed: Python runs this handler
            finally:
                self.catching -= type_error is not None
                self.catching_import -= import_error is not None
                self.logs.pop()
                if self.logs:
                    self.logs[-1].entries.extend(log.entries)
        else:
            signal = self.exec_block(stmt.body, frame)
        if signal is RAISE and handler is not None:
            if handler.name:
                self.write(frame.locals, handler.name, UNKNOWN)
            signal = self.exec_block(handler.body, frame)
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
                key = self.eval(target.slice, frame)
                if isinstance(owner, ModulesView):
                    owner.module.uncertain = True  # ``del model._modules[name]``: not modelled
                if isinstance(owner, DictVal) and not owner.uncertain and _hashable(key) and key in owner.items:
                    self.write(owner.items, key, MISSING)  # ``del return_layers[name]`` (torchvision's getter)
                    if self.branching:
                        owner.uncertain = True  # deleted in a branch that may not run
                elif isinstance(owner, ModuleObj):
                    self.session.torch.module_delitem(self, owner, key)  # ``del backbone[-1]``
                else:
                    self.taint(owner)

    def _s_Global(self, stmt: ast.Global, frame: Frame) -> None:
        return None

    _s_Nonlocal = _s_Global


def _catches(handler: ast.ExceptHandler, catching: frozenset[str]) -> bool:
    """``except:``, ``except TypeError``, ``except (ValueError, TypeError) as e``, ``except Exception``."""
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((n.id if isinstance(n, ast.Name) else getattr(n, "attr", None)) in catching for n in names)
