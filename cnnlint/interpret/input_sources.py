"""Where the code itself says a model's input size (SPEC §2 item 2), beyond ``net(torch.randn(...))``.

The interpreter sees most sources as it runs the file (``Session.observe_input``:
forward calls on a known tensor, torchinfo's ``summary``, ``torch.onnx.export``,
``torch.jit.trace``). This module adds the ones it needs help with, each
reached through a small hook:

- ``probe_uncalled``: top-level functions the file never calls but that feed a
  model a tensor (kuangliu's ``def test(): net = ResNet18(); y = net(torch.randn(1, 3, 32, 32))``)
  are run once, bounded, before the models are collected;
- ``torchsummary``: ``torchsummary.summary(model, (3, 224, 224))``, sizes without the batch (it runs batch 2);
- ``module_method``: d2l's ``model.layer_summary((1, 1, 28, 28))`` and
  ``model.apply_init([X], init_cnn)`` on a model whose class does not define them;
- ``timm_configs``: timm-style ``default_cfgs = {"name": _cfg(input_size=(3, 224, 224))}``
  (also ``generate_default_cfgs({...})``, ``pretrained_cfgs``, a lone
  ``default_cfg``/``pretrained_cfg``), read from the syntax tree. A config names no batch: it
  stays symbolic (``B``), so the summary's MACs are per sample and no check fires on a guessed
  batch of 1 (BatchNorm after a global pool in training mode would);
- ``describe``: the words the summary shows for a source ("summary(...)").
"""

from __future__ import annotations

import ast
import contextlib

from cnnlint.interpret import limits
from cnnlint.interpret.values import FuncVal, ListVal, TensorVal
from cnnlint.records import dataclass
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Work (evaluated nodes) the file may spend running functions nobody calls, to find an input there.
PROBE_WORK = 100_000
_TRIGGERS = ("randn", "rand(", "zeros(", "ones(", "empty(", "summary(", "onnx", "trace(", "apply_init")
CFG_NAMES = ("default_cfgs", "pretrained_cfgs")
SINGLE_CFG_NAMES = ("default_cfg", "pretrained_cfg")
BATCH = "B"  # a timm config gives no batch size
_SIZE_PARAMS = frozenset({"img_size", "image_size", "input_size", "input_resolution", "resolution"})


def probe_uncalled(session: Any, tree: ast.Module) -> None:
    """Run, with no arguments, each top-level function the module code never ran that may feed a model."""
    main = session.main
    spent = 0
    rows: list[str] | None = None
    for stmt in tree.body:
        if not isinstance(stmt, ast.FunctionDef) or id(stmt) in session.executed:
            continue
        a = stmt.args
        if len(a.posonlyargs) + len(a.args) > len(a.defaults) or any(d is None for d in a.kw_defaults):
            continue
        func = main.globals.get(stmt.name)
        if not isinstance(func, FuncVal) or func.node is not stmt:
            continue
        rows = rows if rows is not None else main.text.splitlines()
        segment = "\n".join(rows[stmt.lineno - 1 : stmt.end_lineno or stmt.lineno])
        if not any(word in segment for word in _TRIGGERS):
            continue
        session.work = 0
        with contextlib.suppress(limits.BudgetExceeded, RecursionError):
            session.interp.call(func, [], {}, None, None)
        spent += session.work
        if spent > PROBE_WORK:
            break


def module_method(session: Any, interp: Any, obj: Any, name: str, args: list[Any], node: Any) -> None:
    """d2l's ``layer_summary(X_shape)`` (``X = torch.randn(*X_shape)``) and ``apply_init(inputs, init)``."""
    if not args:
        return
    if name == "layer_summary":
        items = interp.iterate(args[0], None)
        if items and all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in items):
            session.observe_input(obj, TensorVal(Shape(*items)), node)
    elif name == "apply_init":
        first = args[0]
        items = first.items if isinstance(first, ListVal) else first if isinstance(first, tuple) else None
        if items and isinstance(items[0], TensorVal):
            session.observe_input(obj, items[0], node)


def torchsummary(session: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> None:
    """``torchsummary.summary(model, (3, 224, 224))``: the package runs ``torch.rand(2, *input_size)``."""
    model = args[0] if args else kwargs.get("model")
    size = args[1] if len(args) > 1 else kwargs.get("input_size")
    items = interp.iterate(size, None) if size is not None else None
    if model is None or not items or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in items):
        return
    session.observe_input(model, TensorVal(Shape(2, *items)), node)


def describe(node: Any) -> str | None:
    """The call a source is written as, for the summary: ``summary(...)``, ``net(...)``, ``torch.onnx.export(...)``."""
    if not isinstance(node, ast.Call):
        return None
    try:
        func = ast.unparse(node.func)
    except (ValueError, RecursionError):
        return None
    if len(func) > 40:
        func = "..." + func[-37:]
    return f"{func}(...)"


# ---- timm configurations ------------------------------------------------------------------------


def timm_configs(tree: ast.Module) -> dict[str, tuple[tuple[int, ...], ast.AST, str]]:
    """Model name -> (input size with a symbolic batch, the config's node, how to name it) from the file's timm configs.

    ``default_cfgs`` keys may carry a pretrained tag (``resnet50.a1_in1k``): the
    name before the dot is the model's, its first config wins. A lone
    ``default_cfg`` applies to every model of the file, under the key ``"*"``.
    """
    defaults = _cfg_defaults(tree)
    out: dict[str, tuple[tuple[int, ...], ast.AST, str]] = {}
    for stmt in tree.body:
        target, value = _assignment(stmt)
        if target in CFG_NAMES:
            table = value.args[0] if isinstance(value, ast.Call) and value.args else value
            if not isinstance(table, ast.Dict):
                continue
            for key, item in zip(table.keys, table.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    continue
                size = _input_size(item, defaults)
                name = key.value.split(".", 1)[0]
                if size is not None and name not in out:
                    out[name] = ((BATCH, *size), item, f"{target}[{key.value!r}]")
        elif target in SINGLE_CFG_NAMES and value is not None:
            size = _input_size(value, defaults)
            if size is not None and "*" not in out:
                out["*"] = ((BATCH, *size), value, target)
    return out


def sized_by_constructor(obj: Any) -> bool:
    """Whether the model's class takes its image size (``VisionTransformer(img_size=224)``).

    timm's builder hands such a model the config's size (``img_size=input_size[-2:]``);
    built here with its default, a 384 config would meet 224-sized position
    embeddings. Its config is not used: no error from a size the model was not built for.
    """
    cls = getattr(obj, "cls", None)
    for c in cls.mro() if cls is not None else ():  # ``Distilled(VisionTransformer)``: ``__init__(*args, **kw)``
        init = getattr(c, "ns", {}).get("__init__")
        if isinstance(init, FuncVal) and not isinstance(init.node, ast.Lambda):
            a = init.node.args
            if any(p.arg in _SIZE_PARAMS for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]):
                return True
    return False


def _assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return stmt.target.id, stmt.value
    return None, None


def _cfg_defaults(tree: ast.Module) -> dict[str, tuple[int, ...] | None]:
    """``def _cfg(url='', **kwargs): return {..., 'input_size': (3, 224, 224), **kwargs}`` -> its default size.

    A helper whose ``input_size`` is not a literal (or that returns another helper's dict) maps to None.
    """
    out: dict[str, tuple[int, ...] | None] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        values = [n.value for n in ast.walk(stmt) if isinstance(n, ast.Return)]
        returns = [v for v in values if isinstance(v, ast.Dict)]
        if len(returns) == 1:
            out[stmt.name] = _dict_size(returns[0], {})
        elif len(returns) == 0:
            calls = [v for v in values if isinstance(v, ast.Call)]
            if len(calls) == 1 and isinstance(calls[0].func, ast.Name):
                out[stmt.name] = _call_size(calls[0], out)  # ``def _ttcfg(**kw): return _cfg(**kw, ...)``
    return out


def _input_size(node: Any, defaults: dict[str, tuple[int, ...] | None]) -> tuple[int, ...] | None:
    if isinstance(node, ast.Dict):
        return _dict_size(node, defaults)
    if isinstance(node, ast.Call):
        return _call_size(node, defaults)
    return None


def _call_size(call: ast.Call, defaults: dict[str, tuple[int, ...] | None]) -> tuple[int, ...] | None:
    for kw in call.keywords:
        if kw.arg == "input_size":
            return _literal_size(kw.value)
    if isinstance(call.func, ast.Name) and call.func.id == "dict":
        return None
    return defaults.get(call.func.id) if isinstance(call.func, ast.Name) else None


def _dict_size(node: ast.Dict, defaults: dict[str, tuple[int, ...] | None]) -> tuple[int, ...] | None:
    size = None
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and key.value == "input_size":
            size = _literal_size(value)
    return size


def _literal_size(node: ast.AST) -> tuple[int, ...] | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 4:
        return None
    if all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        return tuple(value)
    return None


@dataclass(frozen=True)
class LaterFeed:
    """A later input the code feeds a model: its dims, the call, whether in eval mode, its other arguments."""

    dims: tuple
    node: Any
    in_eval: bool
    more: list[Any] | None
    named: dict[str, Any] | None = None  # its keyword arguments (``model(x, t, ratio=0.5)``)
    why: str | None = None  # where the input comes from, when it is not plain (a DataLoader's last batch)
