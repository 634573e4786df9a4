"""Model code the module run never builds as a model: read anyway, without assuming anything.

Two kinds, each reached through a small hook:

- ``base_unread_instance``: a class deriving from a class cnnlint cannot read
  (``class LeNet(d2l.Classifier)``, d2l not in the project) is built by
  running its own ``__init__``; what the base sets stays unknown (the object
  is ``uncertain``), and calling it is not followed (its ``__call__`` and
  ``forward`` may come from the base). ``shell_models`` says so in CNL100 and
  checks the Sequentials it holds as models of their own (``self.net``); a
  d2l input (``model.layer_summary((1, 1, 28, 28))``, ``apply_init([X])``)
  is the input of its ``net``: d2l's ``layer_summary`` loops over ``self.net``
  and its ``forward`` is ``self.net(X)``.
- ``unreached_models``: a function or method the run never reached (nobody
  calls it, its class is never built) is run once with every parameter
  unknown (``self``: an instance of its class, ``uncertain``): the layers it
  builds get torch's argument checks, and the Sequentials it writes are
  models of their own, named as written (``net``, ``self.features``, the
  function returning it, ``Sequential@ROW``). Unknown arguments stay unknown:
  only what the code fixes itself is checked.
"""

from __future__ import annotations

import ast
import contextlib

from cnnlint.interpret import limits
from cnnlint.interpret.frames import Frame
from cnnlint.interpret.values import UNKNOWN, ClassVal, FuncVal, ModuleObj
from cnnlint.model import ModelDef, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

D2L_METHODS = ("layer_summary", "apply_init")
# Work (evaluated nodes) a file may spend running the functions and methods its module code never reached.
UNREACHED_WORK = 20_000


def base_unread_instance(session: Any, interp: Any, cls: ClassVal, args: list, kwargs: dict, node: Any) -> Any:
    """An instance of a class whose base cannot be read, built by its own ``__init__`` (else unknown)."""
    init, _owner = cls.lookup("__init__")
    if not isinstance(init, FuncVal):
        return UNKNOWN
    from cnnlint.interpret.pyops import bind_arguments

    if bind_arguments(init, [None, *args], kwargs) is None:
        return UNKNOWN
    obj = ModuleObj("instance", cls=cls, origin=session.origin(node, interp), uncertain=True)
    obj.unread_base = True  # type: ignore[attr-defined]
    session.instantiating(cls, obj, node)
    session.constructing.append(id(obj))
    try:
        interp.call_function(init, [obj, *args], kwargs, node)
    finally:
        session.constructing.pop()
    return obj


def base_text(cls: ClassVal) -> str:
    """The bases as written: ``d2l.Classifier``."""
    node = cls.node
    if node is None or not node.bases:
        return "its base"
    with contextlib.suppress(ValueError, RecursionError):
        return ", ".join(ast.unparse(b) for b in node.bases)[:60]
    return "its base"


def shell_models(session: Any, lines: Any, notes: list[tuple[Span, str]]) -> list[tuple[ModelDef, Any, Any]]:
    """CNL100 for each class with an unread base the file builds; its Sequentials as models (model, obj, node)."""
    out: list[tuple[ModelDef, Any, Any]] = []
    for cls in session.classes:
        if cls.node is None or cls.torch_base() is not None or not cls.has_unknown_base:
            continue
        built = [o for o, _ in session.instances.get(id(cls), []) if getattr(o, "unread_base", False)]
        if not built:
            continue
        span = Span(lines.start(cls.node), lines.end(cls.node))
        notes.append(
            (
                span,
                f"{cls.name} is not followed: it derives from {base_text(cls)}, which cnnlint cannot read "
                "(calling it runs code from there); the Sequentials it holds are checked on their own",
            )
        )
        obj = next((o for o in built if id(o) in session.inputs), built[0])
        own_forward = any(isinstance(c, ClassVal) and "forward" in c.ns for c in cls.mro())
        for attr, value in obj.attrs.items():
            if not (isinstance(value, ModuleObj) and value.kind == "Sequential" and value.origin is not None):
                continue
            call = value.origin.node
            if call is None or value.origin.module is not session.main:
                continue
            model = ModelDef(f"self.{attr}", "sequential", lines.span(call), [])
            fed = session.inputs.get(id(obj))
            if attr == "net" and fed is not None and not own_forward and _d2l_call(fed[1]):
                session.inputs.setdefault(id(value), fed)  # d2l: layer_summary / forward run self.net
            out.append((model, value, call))
    return out


def _d2l_call(node: Any) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in D2L_METHODS


def unreached_models(session: Any, tree: ast.Module, lines: Any) -> list[tuple[ModelDef, Any, Any]]:
    """Run each function or method the module run never reached; the Sequentials they write (model, obj, node)."""
    targets = list(_targets(session, tree))
    if not targets:
        return []
    captured: list[ModuleObj] | None = session.torch.containers_built
    created = captured is None
    if captured is None:
        captured = []
        session.torch.containers_built = captured
    start = len(captured)
    spent = 0
    try:
        for func, self_cls in targets:
            if spent > UNREACHED_WORK:
                break
            session.work = 0
            with contextlib.suppress(limits.BudgetExceeded, RecursionError):
                _run_unknown(session, func, self_cls)
            spent += session.work
    finally:
        if created:
            session.torch.containers_built = None
    built = captured[start:]
    return _named(session, built, _site_names(tree), lines) if built else []


def pragma_models(session: Any, tree: ast.Module, lines: Any, candidates: list[Any]) -> list[tuple[ModelDef, Any, Any]]:
    """The Sequentials a pragma names, built inside another model (``self.features = nn.Sequential(...)``)."""
    captured = session.torch.containers_built or []
    session.torch.containers_built = None
    taken = {id(c.obj) for c in candidates}
    names = _site_names(tree)
    out = []
    for model, obj, stmt in _named(session, captured, names, lines):
        if id(obj) in taken or not _has_pragma(lines, stmt):
            continue
        taken.add(id(obj))
        out.append((model, obj, stmt))
    return out


def _has_pragma(lines: Any, stmt: ast.AST) -> bool:
    row = stmt.lineno
    above = lines.line(row - 1) if row > 1 else ""
    return above.lstrip().startswith("#") and "cnnlint:" in above or "cnnlint:" in lines.line(row)


def _named(session: Any, objs: list[ModuleObj], names: dict, lines: Any) -> list[tuple[ModelDef, Any, Any]]:
    out = []
    for obj in objs:
        call = obj.origin.node if obj.origin is not None and obj.origin.module is session.main else None
        if obj.kind != "Sequential" or call is None or id(call) not in names:
            continue
        name, stmt = names[id(call)]
        out.append((ModelDef(name, "sequential", lines.span(stmt), []), obj, stmt))
    return out


def _targets(session: Any, tree: ast.Module) -> Any:
    """(function, class of ``self`` or None) for each function and method never run that builds layers."""
    main = session.main
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda) and len(stmt.targets) == 1:
            func = main.globals.get(getattr(stmt.targets[0], "id", ""))  # ``make = lambda *a: nn.Sequential(...)``
            if isinstance(func, FuncVal) and func.node is stmt.value and _builds(session, stmt.value):
                yield func, None
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = main.globals.get(stmt.name)
            if isinstance(func, FuncVal) and func.node is stmt and _builds(session, stmt):
                yield func, None
        elif isinstance(stmt, ast.ClassDef):
            cls = main.globals.get(stmt.name)
            if not isinstance(cls, ClassVal) or cls.node is not stmt:
                continue
            for name, member in cls.ns.items():
                if not isinstance(member, FuncVal) or member.kind != "function" or member.owner is not cls:
                    continue
                if name == "forward" or not isinstance(member.node, ast.FunctionDef):
                    continue
                if _builds(session, member.node):  # an ``__init__`` that ran (bound its arguments) is not
                    yield member, cls


def _builds(session: Any, node: ast.AST) -> bool:
    """Never run, and writes ``Sequential(`` (or is an ``__init__``): worth running with unknown arguments."""
    if id(node) in session.executed:
        return False
    if getattr(node, "name", "") == "__init__":
        return True
    segment = session.main.lines.segment(node)
    return "Sequential(" in segment


def _run_unknown(session: Any, func: FuncVal, self_cls: ClassVal | None) -> None:
    """The function's body with every parameter unknown; ``self`` an uncertain instance of its class."""
    a = func.node.args
    params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    params += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
    local: dict[str, Any] = dict.fromkeys(params, UNKNOWN)
    obj = None
    if self_cls is not None and params:
        obj = ModuleObj("instance", cls=self_cls, uncertain=True)
        local[params[0]] = obj
        # Kept alive with the session: its layers name it (``owner``) by id until the reports are made.
        session.__dict__.setdefault("unreached_shells", []).append(obj)
    interp = session.interp
    frame = Frame(local, func.module, func.closure, func)
    previous, interp.module = interp.module, func.module
    interp.depth += 1
    if obj is not None:
        session.constructing.append(id(obj))
    try:
        if isinstance(func.node, ast.Lambda):
            interp.eval(func.node.body, frame)
        else:
            interp.exec_block(func.node.body, frame)
    finally:
        interp.depth -= 1
        interp.module = previous
        if frame.pending_returns:
            interp.after_return -= 1
        if obj is not None:
            session.constructing.pop()


def _site_names(tree: ast.Module) -> dict[int, tuple[str, ast.AST]]:
    """id(``nn.Sequential(...)`` call) -> (its model name as written, the statement holding it).

    One pass over the tree, each node visited once (it was walked once per enclosing function and again
    per statement: a tenth of the time of timm's big files). A call inside a function is named by its
    statement and the outermost function holding it; outside any function, only a lambda's
    (``make = lambda: nn.Sequential(...)``) is, as ``Sequential@ROW``.
    """
    out: dict[int, tuple[str, ast.AST]] = {}
    stack: list[tuple[ast.AST, ast.AST | None, ast.stmt | None]] = [(tree, None, None)]
    while stack:
        node, func, stmt = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and _is_sequential(child.func) and stmt is not None:
                named = _site_name(child, node, stmt, func)
                if named is not None:
                    out[id(child)] = named
            inner = child if func is None and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            stack.append((child, inner, child if isinstance(child, ast.stmt) else stmt))
    return out


def _site_name(call: ast.Call, parent: ast.AST, stmt: ast.stmt, func: ast.AST | None) -> tuple[str, ast.AST] | None:
    if func is None:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
            return (f"Sequential@{call.lineno}", stmt)
        return None
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt is not func:
        return None  # a nested definition's decorators and defaults are not a site
    return (_name(call, parent, stmt, func), stmt)


def _own_nodes(stmt: ast.stmt) -> Any:
    """The statement and its expressions, not the statements nested in it."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))


def _is_sequential(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "Sequential") or (
        isinstance(func, ast.Name) and func.id == "Sequential"
    )


def _name(call: ast.Call, parent: ast.AST, stmt: ast.stmt, func: ast.AST) -> str:
    """The assignment target (``net``, ``self.features``), the function returning it, a keyword, or Sequential@ROW."""
    value = getattr(stmt, "value", None)
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value is not call:
        value = value.func.value  # ``nn.Sequential(...).to(device)``
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and value is call:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        with contextlib.suppress(ValueError, RecursionError):
            text = ast.unparse(target)
            return text if len(text) <= 40 else text[:39] + "\u2026"
    if isinstance(parent, ast.Return):
        return getattr(func, "name", f"Sequential@{call.lineno}")
    if isinstance(parent, ast.keyword) and parent.arg:
        return parent.arg
    if isinstance(parent, ast.NamedExpr) and isinstance(parent.target, ast.Name):
        return parent.target.id
    return f"Sequential@{call.lineno}"
