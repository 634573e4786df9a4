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

from cnnlint.interpret import (
    data_pipeline,
    dict_subclasses,
    enums,
    generators,
    iterators,
    libraries,
    limits,
    method_entry,
    tensor_elements,
    tensor_values,
)
from cnnlint.interpret.approx import Approx
from cnnlint.interpret.assignments import Assignments
from cnnlint.interpret.comprehensions import Comprehensions
from cnnlint.interpret.expressions import Expressions
from cnnlint.interpret.frames import ITEMS, Frame, WriteLog, join
from cnnlint.interpret.generators import Generators
from cnnlint.interpret.loops import Loops
from cnnlint.interpret.namedtuples import NamedTupleType, construct
from cnnlint.interpret.pyops import (  # noqa: F401 - re-exported: torch_api and builtins_ use them
    _EXPR,
    _STMT,
    _hashable,
    _skip,
    _unknown,
    arith,
    bind_arguments,
    fold_number,
)
from cnnlint.interpret.raises import Raises
from cnnlint.interpret.statements import Statements
from cnnlint.interpret.values import (
    CONTAINERS,
    MISSING,
    UNKNOWN,
    BoundMethod,
    Builtin,
    ClassVal,
    DataclassInit,
    DictInstance,
    DictVal,
    FuncVal,
    IteratorVal,
    ListVal,
    MethodOf,
    ModuleNS,
    ModuleObj,
    Partial,
    QualName,
    Sentinel,
    Sym,
    TensorVal,
    TorchLayer,
    is_plain,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Interpreter(Statements, Raises, Assignments, Loops, Expressions, Comprehensions, Generators):
    """One run's interpreter: shared by every model of a file (module code is interpreted once)."""

    def __init__(self, session: Any) -> None:
        self.session = session  # cnnlint.interpret.session.Session: modules, recorder, budget
        self.depth = 0
        self.logs: list[WriteLog] = []
        self.module: ModuleNS | None = None  # the file whose code is running
        self.catching = 0  # enclosing ``try`` statements whose handlers catch a TypeError
        self.catching_import = 0  # ... and an ImportError
        self.unwrapping: set[int] = set()  # functions called through their decorator's wrapper, now running it
        self.last_enumerated: tuple | None = None  # (pairs, list, start) of the last ``enumerate(a_list)``
        self.loop_bodies = 0  # open forks that are the body of a loop of unknown length (``for x, y in loader``)
        # Functions running past a return taken in one branch only (``if mode == ?: return x``): what
        # follows in them, and in what they call, may not run (``Statements.fork``)
        self.after_return = 0

    # ------------------------------------------------------------------ writes

    def write(self, container: dict, key: Any, value: Any) -> None:
        if key is ITEMS:  # a list's items, as two branches joined them
            if self.logs:
                self.changing_list(container)
            container.items = value
            return
        if self.logs:
            self.logs[-1].record(container, key, container.get(key, MISSING))
        if value is MISSING:
            container.pop(key, None)
        else:
            container[key] = value

    @property
    def forking(self) -> bool:
        """In a branch that may not run, a ``try`` body, or after a return taken in one branch only: findings
        are not certain."""
        return bool(self.logs) or self.after_return > 0

    @property
    def in_loops_only(self) -> bool:
        """Every open fork is a loop body of unknown length: the code runs when the loop does (an epoch loop,
        a DataLoader's batches), not in an ``if`` or a ``try``."""
        return len(self.logs) == self.loop_bodies and not self.after_return

    @property
    def branching(self) -> bool:
        """In a branch that may not run: a change to a list, dict or container makes its contents uncertain."""
        return any(log.branch for log in self.logs)

    def uncertain_change(self, obj: Any) -> bool:
        """A change to ``obj`` here may not happen: in a branch that may not run, unless ``obj`` was made in
        that same branch (a Sequential built in a loop body is whole wherever it exists)."""
        return self.branching and getattr(obj, "born", None) is not self.logs[-1]

    def changing_list(self, lst: ListVal) -> None:
        """``lst`` is about to change in place. In an ``if`` branch the change is logged, and the join keeps what
        both branches agree on (``if cuda: hs.append(h.cuda()) else: hs.append(h)``); in any other branch that
        may not run (a loop of unknown length, a conditional expression) a change that may not happen makes the
        list uncertain."""
        if not self.uncertain_change(lst):
            return
        for log in reversed(self.logs):
            if log is lst.born:
                break
            if log.branch and not log.joins:
                lst.uncertain = True
                return
        self.logs[-1].record_items(lst)

    def innermost_log(self) -> Any:
        return self.logs[-1] if self.logs else None

    def taint(self, value: Any) -> None:
        """A container changed where the interpreter cannot say how: its items become unknown."""
        if isinstance(value, (ListVal, DictVal, ModuleObj)):
            value.uncertain = True
        elif isinstance(value, TorchLayer):
            value.own_unknown = True
        tensor_values.forget(value)

    def _e_Call(self, node: ast.Call, frame: Frame) -> Any:
        func = self.eval(node.func, frame)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for a in node.args:
            if isinstance(a, ast.Starred):
                items = self.iterate(self.eval(a.value, frame), frame)
                if items is None:
                    return self.session.torch.unresolved_call(
                        self, func, node, "arguments given with * could not be resolved", (args, a)
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
        kind = type(func)  # the commonest callees first, by exact type: methods of plain values, builtins, torch
        if kind is MethodOf:
            return self.session.torch.call_method(self, func.obj, func.name, args, kwargs, node)
        if kind is Builtin:
            return self.session.builtin_call(self, func.name, args, kwargs, node, frame)
        if kind is QualName:
            return self.session.torch.call_qualname(self, func.name, args, kwargs, node)
        if func is UNKNOWN:
            self._unknown_effects(args, kwargs)
            return self.session.forward.unknown_callee(self, func, args, node)
        if kind is FuncVal:
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            if isinstance(func.func, FuncVal):
                if func.func.name == "forward" and _fed_directly(self, func.self_obj, args):
                    return self.session.forward.call_module(self, func.self_obj, args, kwargs, node)
                if self.module is self.session.main and self.session.forward.recording is None:
                    method_entry.observe(self.session, self, func.self_obj, func.func, args, kwargs, node)
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
        if isinstance(func, NamedTupleType):
            return construct(func, args, kwargs)
        if isinstance(func, data_pipeline.Transform):
            return data_pipeline.transformed(func, args, kwargs)
        if isinstance(func, (ModuleObj, TorchLayer)):
            tensor_values.escape(args, kwargs)  # an in-place layer changes its input
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
            elif isinstance(value, TensorVal):
                tensor_values.forget(value)
            elif isinstance(value, ModuleObj) and value.kind == "object":
                for key in list(value.attrs):
                    self.write(value.attrs, key, UNKNOWN)
            if isinstance(value, DictInstance):
                dict_subclasses.forget(self, value)

    def call_function(self, func: FuncVal, args: list[Any], kwargs: dict[str, Any], node: ast.Call | None) -> Any:
        if self.depth >= limits.MAX_CALL_DEPTH:
            self.session.note_limit(node, f"calls nested deeper than {limits.MAX_CALL_DEPTH}")
            return UNKNOWN
        if func.wrapper is not None and id(func) not in self.unwrapping:
            return self._through_wrapper(func, args, kwargs, node)
        if func.module.library:
            hook = libraries.CALL_HOOKS.get((func.module.dotted, func.name))
            if hook is not None:
                hook(self, func.module, args)
        local = bind_arguments(func, args, kwargs)
        if local is None:
            return UNKNOWN
        frame = Frame(local, func.module, func.closure, func)
        if generators.is_generator(func.node):
            frame.yields = generators.Yields(len(self.logs))
        if func.module is self.session.main:
            self.session.executed[id(func.node)] = func.node
        else:  # the body of an imported function is read: the result depends on it
            self.session.imports.ran(func.node)
        self.depth += 1
        previous, self.module = self.module, func.module
        try:
            if isinstance(func.node, ast.Lambda):
                return self.eval(func.node.body, frame)
            signal = self.exec_block(func.node.body, frame)
        finally:
            self.depth -= 1
            self.module = previous
            if frame.pending_returns:
                self.after_return -= 1
        if frame.yields is not None:
            return generators.finished(frame.yields, signal, bool(frame.pending_returns))
        result = signal.value if signal is not None and signal.kind == "return" else None
        if signal is not None and signal.kind == "raise" or signal is not None and signal.kind not in ("return",):
            result = UNKNOWN
        for pending in frame.pending_returns:
            result = join(pending, result)
        # ``net = ResNet18(); net(x)``: the input fed to what a factory returned is the factory's
        if func.module is self.session.main and isinstance(result, ModuleObj) and result.kind != "object":
            self.session.built_by.setdefault(id(func.node), []).append(result)
            self.session.made_by[id(result)] = id(func.node)  # callers return later: the outermost stays
        return result

    def _through_wrapper(self, func: FuncVal, args: list[Any], kwargs: dict[str, Any], node: ast.Call | None) -> Any:
        """A decorated function is called as Python calls it: through the wrapper, whose call of the function
        itself runs the definition. A wrapper the interpreter cannot follow to a value is read through: the
        function is called with the arguments as given, as decorators were before wrappers were followed."""
        self.unwrapping.add(id(func))
        try:
            result = self.call(func.wrapper, args, kwargs, node, None)
            if result is UNKNOWN:
                result = self.call_function(func, args, kwargs, node)
        finally:
            self.unwrapping.discard(id(func))
        return result

    # ------------------------------------------------------------------ helpers

    def truth(self, value: Any) -> Any:
        """True, False or UNKNOWN: the truth of an abstract value."""
        if value is True or value is False:  # most conditions: a comparison's outcome
            return value
        if isinstance(value, TensorVal):
            return tensor_elements.truth(value)
        if value is UNKNOWN or isinstance(value, Sym):
            return UNKNOWN
        if is_plain(value):
            return bool(value)
        if isinstance(value, tuple):
            return bool(value)
        if isinstance(value, (ListVal, DictVal)):
            return UNKNOWN if value.uncertain else bool(value.items)
        if isinstance(value, ModuleObj):
            if value.kind in CONTAINERS or value.is_sequential:
                return UNKNOWN if value.uncertain else bool(value.items)
            return True
        if isinstance(value, (slice, Sentinel)):
            return True
        if isinstance(value, Approx):
            return value.truth()
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
        if isinstance(value, IteratorVal):
            return iterators.rest(self, value)
        if isinstance(value, ClassVal) and enums.is_enum(value) and not value.has_unknown_base:
            return enums.distinct_members(value)  # ``{item.value for item in Mode}``: the members, in order
        return None


def _fed_directly(interp: Any, obj: Any, args: list[Any]) -> bool:
    """``net.forward(x)`` in the script: a model fed its input (as ``net(x)`` is), not a method inlined."""
    return (
        interp.session.forward.recording is None
        and type(obj) is ModuleObj
        and obj.kind == "instance"
        and bool(args)
        and isinstance(args[0], TensorVal)
    )
