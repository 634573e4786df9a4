"""Building a class of the file on its own, to check it as a model: with its defaults, with the
arguments a user names it with unknown, or not at all when it is a base class for others.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import limits
from cnnlint.interpret.positions import Lines
from cnnlint.interpret.session import Session
from cnnlint.interpret.values import MISSING, UNKNOWN, ClassVal, FuncVal, ModuleObj

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NO_FORWARD = "forward"  # what ``abstract_base`` says of a base class that has no forward at all
OUT_OF_WORK = "out of work"  # what ``build_default`` returns when building the class spent a model's budget


def abstract_base(session: Session, cls: ClassVal, obj: Any) -> str | None:
    """The attribute ``forward`` reads that its own instance never set, when subclasses of the file define
    it: pretrainedmodels' ``class Bottleneck(nn.Module)`` holds only the forward its subclasses share."""
    if not isinstance(obj, ModuleObj) or not any(c is not cls and cls in c.mro() for c in session.classes):
        return None
    forward, _ = cls.lookup("forward")
    if forward is MISSING and cls.torch_base() == "Module" and not cls.has_unknown_base:
        return NO_FORWARD  # pretrainedmodels' ``class CellBase(nn.Module)``: only its subclasses define forward
    if not isinstance(forward, FuncVal) or not isinstance(forward.node, ast.FunctionDef) or not forward.node.args.args:
        return None
    if _abstract(forward.node):
        return NO_FORWARD  # guided diffusion's ``TimestepBlock``: an ``@abstractmethod`` forward, a docstring only
    this = forward.node.args.args[0].arg
    reads = sorted(
        (node.lineno, node.col_offset, node.attr)
        for node in ast.walk(forward.node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == this
    )
    for _, _, name in reads:
        own = name.startswith("_") or name in _MODULE_OWN
        if not own and name not in obj.attrs and cls.lookup(name)[1] is None:
            return name
    return None


def _abstract(node: ast.FunctionDef) -> bool:
    """``@abstractmethod``, or a body of nothing but a docstring, ``pass``, ``...`` or ``raise NotImplementedError``."""
    if any(ast.unparse(d).rsplit(".", 1)[-1] == "abstractmethod" for d in node.decorator_list):
        return True
    for stmt in node.body:
        if isinstance(stmt, ast.Pass) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # (a docstring, ``...``)
        raised = stmt.exc if isinstance(stmt, ast.Raise) else None
        named = raised.func if isinstance(raised, ast.Call) else raised
        if isinstance(named, ast.Name) and named.id == "NotImplementedError":
            continue
        return False
    return True


# Attributes every nn.Module has without setting them (its methods among them).
_MODULE_OWN = frozenset({"training", "forward", "apply", "parameters", "buffers", "children", "modules"}) | frozenset(
    {"named_parameters", "named_buffers", "named_children", "named_modules", "register_buffer", "state_dict"}
)


def named_by_user(cls: ClassVal, lines: Lines, wanted: frozenset[str]) -> bool:
    """Named by ``--input``/the configuration, or a pragma above the class (or its decorators)."""
    node = cls.node
    if cls.name in wanted or node is None:
        return cls.name in wanted
    rows = [node.lineno, *(d.lineno for d in node.decorator_list)]
    return any("cnnlint:" in lines.line(r - 1) for r in rows if r > 1) or "cnnlint:" in lines.line(node.lineno)


def build_default(session: Session, cls: ClassVal, named: bool = False) -> Any:
    """``Cls()``, when every parameter has a default; ``*args`` means arguments are expected
    (unless a pragma or ``--input`` names the class: ``Cls()`` is then what the user declares)."""
    init, _ = cls.lookup("__init__")
    if isinstance(init, FuncVal) and init.node.args.vararg is not None and not named:
        return UNKNOWN
    if not isinstance(init, FuncVal) and cls.torch_base() not in (
        None,
        "Module",
        "Sequential",
        "ModuleList",
        "ModuleDict",
    ):
        return UNKNOWN  # ``class LayerNorm2d(nn.LayerNorm)``: torch's own __init__ needs its arguments
    session.work = 0
    try:
        return session.interp.call(cls, [], _unknown_required(init) if named else {}, None, None)
    except limits.BudgetExceeded:
        return OUT_OF_WORK  # (its half-built instance is not the model: said so, not followed)
    except RecursionError:
        return UNKNOWN


def _unknown_required(init: Any) -> dict[str, Any]:
    """A class the user names (pragma, ``--input``) is built even when ``__init__`` wants arguments:
    each required one is unknown, so the layers that do not depend on it are still checked."""
    if not isinstance(init, FuncVal):
        return {}
    a = init.node.args
    positional = [*a.posonlyargs, *a.args][1:]  # not ``self``
    required = positional[: len(positional) - len(init.defaults)] if init.defaults else positional
    names = [p.arg for p in required if p not in a.posonlyargs]
    names += [p.arg for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is None]
    return dict.fromkeys(names, UNKNOWN)
