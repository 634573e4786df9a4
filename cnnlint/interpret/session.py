"""One file's interpretation: the interpreter, its imports, and what it observes on the way.

The session turns interpreter events into report material: source spans
(``LayerCall`` records of ``cnnlint.model``, which fixes, noqa, summary and
the editor read), the inputs the code feeds its models, and the layers built
with arguments torch rejects.
"""

from __future__ import annotations

import ast
import os

from cnnlint import rules
from cnnlint.interpret import first_call, limits, local_models
from cnnlint.interpret.builtins_ import builtin_values, call_builtin
from cnnlint.interpret.forward import Forward
from cnnlint.interpret.imports import Imports
from cnnlint.interpret.input_sources import LaterFeed
from cnnlint.interpret.machine import Interpreter
from cnnlint.interpret.source_calls import SourceCall, source_text
from cnnlint.interpret.torch_api import TorchAPI
from cnnlint.interpret.values import (
    UNKNOWN,
    ClassVal,
    DefaultDictVal,
    DictInstance,
    DictVal,
    ListVal,
    ModuleNS,
    ModuleObj,
    Origin,
    Sym,
    TensorVal,
    TorchLayer,
    is_plain,
)
from cnnlint.model import Arg, LayerCall, Span
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_LATER_FEEDS = 3  # other input shapes checked per model, after the first fed

_DISCARDED = frozenset(
    [
        "view",
        "reshape",
        "flatten",
        "permute",
        "transpose",
        "unsqueeze",
        "squeeze",
        "contiguous",
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "mean",
        "sum",
        "add",
        "mul",
        "sub",
        "div",
        "expand",
        "repeat",
    ]
)


class _WrittenArg(Arg):
    """An argument whose span is worked out when asked: most calls never need one (only fixes do)."""

    def __init__(self, value: Any, lines: Any, node: Any, keyword: str | None = None) -> None:
        self.value = value
        self.keyword = keyword
        self._lines = lines
        self._node = node

    @property  # type: ignore[override]
    def span(self) -> Span | None:
        return self._lines.span(self._node) if self._node is not None else None

    def __reduce__(self) -> tuple:
        return (Arg, (self.value, self.span, self.keyword))  # a plain Arg: no syntax tree in a pickle


class Session:
    def __init__(self, main: ModuleNS, max_work: int = limits.MAX_WORK) -> None:
        self.main = main
        self.work = 0
        self.max_work = max_work
        self.builtins = builtin_values()
        self.imports = Imports(self)
        self.torch = TorchAPI(self)
        self.forward = Forward(self)
        self.interp = Interpreter(self)
        self.dependencies: set[str] = set()
        self.classes: list[ClassVal] = []  # classes defined in the checked file, in order
        self.instances: dict[int, list[tuple[ModuleObj, Any]]] = {}  # id(class) -> instances built from the file
        self.inputs: dict[int, tuple[TensorVal, Any]] = {}  # id(module object) -> first tensor fed to it
        self.more_inputs: dict[int, list[Any]] = {}  # id(module object) -> the other arguments of that call
        self.more_named: dict[int, dict[str, Any]] = {}  # id(module object) -> that call's keyword arguments
        # id(module object) -> later tensors the code feeds it for certain, of other shapes than the first
        self.later_feeds: dict[int, list[LaterFeed]] = {}
        self.last_batch: str | None = None  # set while a loop runs its pass over a DataLoader's last batch
        self.script_raised = False  # a script error was certain: what the script does after it never runs
        self.batch_tensors: dict[int, Any] = {}  # what loops over loaders bound (``data_pipeline.mark_batch``)
        # id(module object) -> its modules' attributes when the code first fed it: a forward that reassigns
        # ``self.hidden`` runs at its first call from the state ``__init__`` left (``restore_attributes``)
        self.before_first_call: dict[int, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        self.fed_in_eval: set[int] = set()  # ids of module objects fed their input in eval mode
        self.method_feeds: dict[int, Any] = {}  # id(module object) -> ``method_entry.MethodFeed``
        # Integers an ``assert`` that failed in a forward compared against (``assert H == self.img_size``):
        # sizes for the input-free search to try (``inputsearch``), each then proven by a run
        self.size_hints: set[int] = set()
        self.built_by: dict[int, list[Any]] = {}  # id(function of the file) -> the modules its calls returned
        # id(module) -> id(the outermost function of the file that returned it): ``model = resnet18()``
        # names resnet18, not the ``_resnet`` or ``resnet`` it calls
        self.made_by: dict[int, int] = {}
        self.built_layers: list[TorchLayer] = []
        self.names: dict[int, tuple[int, str]] = {}  # id(child) -> (id(parent), attribute)
        self.limits_hit: list[tuple[Any, str]] = []
        self.anchors: list[Any] = []  # call nodes in the checked file whose construction is under way
        self.top_assigns: list[tuple[str, ast.stmt, Any]] = []
        # Models the file's code feeds, in order, and where their functions bound them (``local_models``)
        self.fed_models: list[tuple[Any, Any]] = []
        self.local_bindings: dict[int, tuple[Any, str, ast.stmt]] = {}
        self.script_findings: list[tuple[ast.AST, Finding]] = []  # the script's own, outside models (losses)
        self.executed: dict[int, ast.AST] = {}  # functions and classes of the checked file that ran
        self.constructing: list[int] = []  # ids of the module objects whose ``__init__`` is running
        # Module objects whose ``__init__`` raised for certain (a failing ``assert``, a ``raise`` reached):
        # torch cannot build them, so they are never followed. id -> what raised, and where
        self.unbuildable: dict[int, str] = {}

    def new_globals(self, imported: bool = False) -> dict[str, Any]:
        return {"__name__": "<imported>" if imported else "__main__", "__file__": UNKNOWN}

    # ---- source positions -------------------------------------------------------------

    def _module(self, interp: Any) -> ModuleNS:
        return interp.module or self.main

    def span_of(self, interp: Any, node: Any) -> Span | None:
        module = self._module(interp)
        if node is None or module is not self.main or not hasattr(node, "lineno"):
            return None
        return module.lines.span(node)

    def text_of(self, interp: Any, node: Any) -> str:
        return source_text(self._module(interp).lines, node)

    def origin(self, node: Any, interp: Any) -> Origin:
        origin = Origin(node if isinstance(node, ast.Call) else None, self._module(interp))
        origin.anchor = self.anchors[-1] if self.anchors else None  # type: ignore[attr-defined]
        return origin

    def _located(self, interp: Any, node: Any) -> tuple[Span | None, Any]:
        """A span in the checked file: the node's own, or the call in this file that led to it."""
        located = self._located_node(interp, node)
        return (self.main.lines.span(located), located) if located is not None else (None, None)

    def _located_node(self, interp: Any, node: Any) -> Any:
        """The node whose span ``_located`` gives (None: no place in the checked file)."""
        if node is not None and hasattr(node, "lineno") and self._module(interp) is self.main:
            return node
        return self.anchors[-1] if self.anchors else None

    def layer_call(
        self, interp: Any, node: Any, qualname: str, args: list[Any], kwargs: dict[str, Any], drop_first: bool = False
    ) -> LayerCall:
        """The report record of a layer (or op) call: values as bound, each argument's span where it is written."""
        module = self._module(interp)
        values = [plain(a) for a in (args[1:] if drop_first else args)]
        kw_values = {k: plain(v) for k, v in kwargs.items()}
        here = node is not None and isinstance(node, ast.Call) and module is self.main
        located = self._located_node(interp, node)
        simple = (
            here
            and not any(isinstance(a, ast.Starred) for a in node.args)
            and all(k.arg is not None for k in node.keywords)
        )
        lines = module.lines
        positional_nodes = node.args[1:] if simple and drop_first else (node.args if simple else [])
        aligned = simple and len(positional_nodes) == len(values)
        arg_list = [
            _WrittenArg(v, lines, n) for v, n in zip(values, positional_nodes if aligned else [None] * len(values))
        ]
        kw_nodes = {k.arg: k.value for k in node.keywords} if simple else {}
        kw_list = [_WrittenArg(v, lines, kw_nodes.get(k), keyword=k) for k, v in kw_values.items()]
        callee_node = node.func if here else None
        call = SourceCall(qualname, arg_list, kw_list, self.main.lines, located, callee_node, node if simple else None)
        if module is not self.main and getattr(node, "lineno", None) is not None:
            # a layer another file builds: its findings say where (`` (in torchvision.models.resnet, line 197)``)
            call.library = module.path in self.imports.library_files
            whose = ": the library's own layer, so what reaches it is what to change" if call.library else ""
            call.where = f"{module.dotted or os.path.basename(module.path)}, line {node.lineno}"
            call.place = f" (in {call.where}{whose})"
        return call

    def module_call(self, interp: Any, mod: Any, node: Any) -> LayerCall:
        """The record of a module (container) step: where the module was built, named as its parent calls it."""
        origin = getattr(mod, "origin", None)
        built = origin.node if origin is not None else None
        span = None
        if built is not None and origin.module is self.main:
            span = self.main.lines.span(built)
        elif origin is not None and getattr(origin, "anchor", None) is not None:
            span = self.main.lines.span(origin.anchor)
        parent = self.names.get(id(mod))
        name = parent[1] if parent is not None else None
        return LayerCall(
            callee=getattr(mod, "type_name", "?"), qualname=None, span=span or Span.at(1, 1, 1, 1), name=name
        )

    def stop_call(self, interp: Any, node: Any, obj: Any) -> LayerCall:
        """Where following stopped: the unknown module where it is built, else the call that met it."""
        origin = getattr(obj, "origin", None)
        if isinstance(obj, TorchLayer) and origin is not None and origin.call is not None:
            return origin.call
        if isinstance(obj, TorchLayer) and origin is not None and origin.node is not None:
            span = None
            if origin.module is self.main:
                span = self.main.lines.span(origin.node)
            elif getattr(origin, "anchor", None) is not None:
                span = self.main.lines.span(origin.anchor)
            if span is not None:
                parent = self.names.get(id(obj))
                return LayerCall(callee=obj.type_name, qualname=None, span=span, name=parent[1] if parent else None)
        return self.op_call(interp, node, obj)

    def op_call(self, interp: Any, node: Any, obj: Any, name: str | None = None) -> LayerCall:
        span, _ = self._located(interp, node)
        if span is None and obj is not None and getattr(obj, "origin", None) is not None:
            built = obj.origin.node
            if built is not None and obj.origin.module is self.main:
                span = self.main.lines.span(built)
        callee = name or (self.text_of(interp, node.func) if isinstance(node, ast.Call) and span else "?")
        parent = self.names.get(id(obj)) if obj is not None else None
        return LayerCall(
            callee=callee, qualname=None, span=span or Span.at(1, 1, 1, 1), name=parent[1] if parent else None
        )

    # ---- events -----------------------------------------------------------------------

    def assigned(self, stmt: ast.Assign | ast.AnnAssign, value: Any) -> None:
        """A module-level ``net = ...`` (or ``net: nn.Module = ...``): a model candidate when it holds a module."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name) and isinstance(value, (ModuleObj, TorchLayer)):
            self.top_assigns.append((targets[0].id, stmt, value))  # (a lone layer: a model if the code feeds it)

    def bound_locally(self, stmt: ast.Assign, value: Any) -> None:
        """``model = ...`` inside a function of the file: the name a model the function feeds is known by."""
        target = stmt.targets[0]
        name = target.id if isinstance(target, ast.Name) else local_models.attribute_name(target)
        if name is not None and id(value) not in self.local_bindings:
            self.local_bindings[id(value)] = (value, name, stmt)

    def class_defined(self, cls: ClassVal) -> None:
        if cls.module is self.main:
            self.classes.append(cls)

    def instantiating(self, cls: ClassVal, obj: ModuleObj, node: Any) -> None:
        if cls.module is self.main and cls.node is not None:
            self.executed[id(cls.node)] = cls.node
        if self.interp.module is self.main and isinstance(node, ast.Call):
            self.instances.setdefault(id(cls), []).append((obj, node))

    def name_child(self, parent: ModuleObj, name: str, child: Any) -> None:
        if id(child) not in self.names:
            self.names[id(child)] = (id(parent), name)
            call = getattr(getattr(child, "origin", None), "call", None)
            if call is not None and call.name is None and not name.isdigit():
                call.name = name

    def layer_built(self, layer: TorchLayer) -> None:
        self.built_layers.append(layer)

    def note_limit(self, node: Any, reason: str) -> None:
        if len(self.limits_hit) < 100:
            self.limits_hit.append((node, reason))

    def observe_input(
        self, model: Any, tensor: Any, node: Any, rest: list[Any] | None = None, named: dict | None = None
    ) -> None:
        """The first tensor the code feeds ``model``; ``rest``, ``named``: the call's further positional and
        keyword arguments (``model(x, t, ratio=0.5)``: forward runs with ``t``, never its default ``None``)."""
        if not isinstance(tensor, TensorVal) or tensor.shape.open:
            return
        if id(model) in self.inputs:
            self._later_feed(model, tensor, node, rest, named)
            return
        if all(isinstance(d, (int, str)) for d in tensor.shape.dims):
            self.inputs[id(model)] = (tensor, node)
            if self.interp.module is self.main:
                self.fed_models.append((model, node))
            self.before_first_call[id(model)] = first_call.attributes_of(model)
            if getattr(model, "in_eval", False) is not False:  # fed after ``model.eval()`` (or maybe)
                self.fed_in_eval.add(id(model))
            if rest:
                self.more_inputs[id(model)] = [fed_value(v) for v in rest]
            if named:
                self.more_named[id(model)] = {k: fed_value(v) for k, v in named.items()}

    def _later_feed(
        self, model: Any, tensor: TensorVal, node: Any, rest: list[Any] | None, named: dict | None = None
    ) -> None:
        """Another tensor fed to ``model``, of a shape not fed before, where the code runs when its loops do
        (never in an ``if`` or a ``try``): a training batch after a ``net(torch.randn(1, 3, 32, 32))`` check."""
        if not self.interp.in_loops_only or not all(isinstance(d, (int, str)) for d in tensor.shape.dims):
            return
        feeds = self.later_feeds.setdefault(id(model), [])
        dims = tuple(tensor.shape.dims)
        if len(feeds) >= MAX_LATER_FEEDS or dims == tuple(self.inputs[id(model)][0].shape.dims):
            return
        if any(dims == f.dims for f in feeds):
            return
        in_eval = getattr(model, "in_eval", False) is not False
        more = [fed_value(v) for v in rest] if rest else None
        keywords = {k: fed_value(v) for k, v in named.items()} if named else None
        feeds.append(LaterFeed(dims, node, in_eval, more, keywords, self.last_batch))

    def script_error(self, interp: Any, finding: Finding, node: Any) -> None:
        """An error in the script's own code, outside any model (a loss, a ``torch.cat`` of the model's output
        with its input): where the script surely reaches it, in the checked file, once per place."""
        certain = interp.module is self.main and interp.in_loops_only and isinstance(node, ast.AST)
        severity = rules.severity(finding.code)
        if certain and severity != "info" and all(n is not node for n, _ in self.script_findings):
            if self.script_raised:
                return  # torch raised at an earlier one: the script never gets here
            self.script_findings.append((node, finding))
            self.script_raised = severity == "error"

    def observe_summary(self, args: list[Any], kwargs: dict[str, Any], node: Any) -> None:
        """torchinfo's ``summary(model, (1, 3, 224, 224))`` / ``input_size=``."""
        model = args[0] if args else kwargs.get("model")
        size = args[1] if len(args) > 1 else kwargs.get("input_size")
        items = self.interp.iterate(size, None) if size is not None else None
        if model is None or items is None or not items:
            return
        if all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            from cnnlint.shapes.dims import Shape

            self.observe_input(model, TensorVal(Shape(*items)), node)

    def discarded(self, stmt: ast.Expr, result: Any, frame: Any) -> None:
        """``x.view(-1, 400)`` as a statement: the reshaped tensor is thrown away (CNL011)."""
        call = stmt.value
        if not (isinstance(result, TensorVal) and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return
        method = call.func.attr
        if method not in _DISCARDED or self.forward.recording is None:
            return
        text = self.text_of(self.interp, call)
        self.forward.note(
            self.interp,
            Finding(
                "CNL011",
                f"the result of {text} is discarded: {method} returns a new tensor and does not change "
                f"its input; assign it (x = {text})",
            ),
            call,
            method,
        )

    def builtin_call(self, interp: Any, name: str, args: list, kwargs: dict, node: Any, frame: Any) -> Any:
        return call_builtin(interp, name, args, kwargs, node, frame)

    def copy_value(self, value: Any) -> Any:
        """``copy.deepcopy`` of modules: a new object tree (parameters are not shared)."""
        memo: dict[int, Any] = {}

        def copy(v: Any, depth: int = 0) -> Any:
            if depth > 64:
                return UNKNOWN
            if id(v) in memo:
                return memo[id(v)]
            if isinstance(v, TorchLayer):
                new = TorchLayer(v.spec, dict(v.args), v.origin, v.type_name, v.note, v.bind_error)
                new.own = {k: copy(x, depth + 1) for k, x in v.own.items()}
                new.own_unknown = v.own_unknown
                if hasattr(v, "built"):
                    new.built = v.built  # type: ignore[attr-defined]
                memo[id(v)] = new
                return new
            if isinstance(v, ModuleObj):
                new_obj = ModuleObj(v.kind, v.cls, {}, [], list(v.keys), v.origin, v.uncertain)
                memo[id(v)] = new_obj
                new_obj.attrs = {k: copy(x, depth + 1) for k, x in v.attrs.items()}
                new_obj.items = [copy(x, depth + 1) for x in v.items]
                for k, x in new_obj.attrs.items():
                    if isinstance(x, (ModuleObj, TorchLayer)):
                        self.names.setdefault(id(x), (id(new_obj), k))
                return new_obj
            if isinstance(v, ListVal):
                new_list = type(v)([copy(x, depth + 1) for x in v.items])  # a set, a deque stay what they are
                new_list.uncertain = v.uncertain
                return new_list
            if isinstance(v, DictInstance):  # (``copy.deepcopy(cfg)`` of a project's AttrDict: still one)
                new_instance = DictInstance(v.cls)
                memo[id(v)] = new_instance
                new_instance.items = {k: copy(x, depth + 1) for k, x in v.items.items()}
                # (Python's copy of one whose ``__dict__`` is itself starts with an empty ``__dict__``)
                own = {} if v.attrs_are_items else v.attrs
                new_instance.attrs = {k: copy(x, depth + 1) for k, x in own.items()}
                new_instance.uncertain = v.uncertain
                return new_instance
            if isinstance(v, DictVal):
                items = {k: copy(x, depth + 1) for k, x in v.items.items()}
                new_dict = DefaultDictVal(v.factory, items) if isinstance(v, DefaultDictVal) else DictVal(items)
                new_dict.uncertain = v.uncertain
                return new_dict
            if isinstance(v, TensorVal):
                return TensorVal(v.shape, v.integer, v.param)
            return v

        return copy(value)


def fed_value(value: Any, depth: int = 0) -> Any:
    """An argument the code passes its model, as the model's forward will receive it: tensors (by shape),
    plain values and tuples of them; anything else is unknown."""
    if isinstance(value, TensorVal):
        return TensorVal(value.shape, value.integer)
    if isinstance(value, tuple) and depth < 4 and len(value) <= 16:
        return tuple(fed_value(v, depth + 1) for v in value)
    if isinstance(value, ListVal) and not value.uncertain and depth < 4 and len(value.items) <= 16:
        return ListVal([fed_value(v, depth + 1) for v in value.items])  # ``model(x, [h1, h2])``
    return value if value is None or is_plain(value) else UNKNOWN


def plain(value: Any, budget: list[int] | None = None) -> Any:
    """An interpreter value as the engine takes arguments: plain Python values, or UNKNOWN.

    ``budget`` bounds the elements converted through nesting (shared items count each time).
    """
    budget = budget if budget is not None else [limits.MAX_ELEMENTS]
    if isinstance(value, Sym):
        return str(value)
    if is_plain(value):
        return value
    if isinstance(value, (tuple, ListVal)):
        items = value if isinstance(value, tuple) else value.items
        budget[0] -= len(items)
        if budget[0] < 0 or (isinstance(value, ListVal) and value.uncertain):
            return UNKNOWN
        converted = [plain(v, budget) for v in items]
        return tuple(converted) if isinstance(value, tuple) else converted
    return UNKNOWN
