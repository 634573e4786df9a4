"""``locals()`` inside a function: a new dict of the names bound there, in the order Python gives them.

pytorchvideo's ``set_attributes(self, locals())`` and vit-pytorch's ``kwargs = dict(locals())`` read a function's
arguments through it. Python lists the locals in its code object's order (parameters first, then other locals
by first appearance, then cells, then free variables, ``__class__`` of a method that calls ``super()``), so the
order is the compiler's own: the function is compiled alone, inside stand-ins for its class and the enclosing
scopes. A name that may be unbound (bound in one branch of an unknown ``if``) makes the dict uncertain; a class
body, a comprehension or module level give an unknown value.
"""

from __future__ import annotations

import ast
import keyword
import warnings
import weakref
from types import CodeType

from cnnlint.interpret.frames import Frame
from cnnlint.interpret.values import MISSING, UNKNOWN, DictVal, FuncVal, ModuleObj

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TARGET = "__cnnlint_target__"
_OUTER = "__cnnlint_outer__"

Order = tuple[tuple[str, ...], int]  # the names ``locals()`` lists, in order, and how many are parameters

# Per function: the enclosing names it was compiled with, and its order (None: not compilable, or it binds
# names in statements the interpreter does not run, a ``match``, an ``async for``)
_ORDER: weakref.WeakKeyDictionary[ast.AST, tuple[frozenset[str], Order | None]] = weakref.WeakKeyDictionary()


def locals_(interp: Any, args: list[Any], kwargs: dict, frame: Frame | None) -> Any:
    """The builtin ``locals`` (no arguments): the running function's bound names and their values."""
    func = frame.func if frame is not None else None
    if args or kwargs or func is None or frame.is_class_body or frame.closure is not func.closure:
        return UNKNOWN  # module level, a class body, a comprehension's own scope (``frame.closure`` differs)
    enclosing = {name for scope in frame.closure for name in scope}
    order = _order(interp, func, frozenset(enclosing))
    if order is None:
        return UNKNOWN
    names, params = order
    result = DictVal()
    for i, name in enumerate(names):
        value = _value(func, frame, name)
        if value is MISSING:
            continue
        if value is UNKNOWN and i >= params:  # a branch that may not bind it joins to unknown: it may be unbound
            result.uncertain = True
        result.items[name] = value
    if any(name not in result.items for name in frame.locals):
        result.uncertain = True  # a name the interpreter bound where Python would not: the order is not known
    return result


def _value(func: FuncVal, frame: Frame, name: str) -> Any:
    """A local's value, a free variable's from the scope that binds it, ``__class__`` the defining class."""
    if name in frame.locals:
        return frame.locals[name]
    if name == "__class__" and func.owner is not None:
        return func.owner
    for scope in frame.closure:
        if name in scope:
            return scope[name]
    return MISSING


def _order(interp: Any, func: FuncVal, enclosing: frozenset[str]) -> Order | None:
    """The names ``locals()`` lists for ``func`` (cached per function and enclosing names)."""
    cached = _ORDER.get(func.node)
    if cached is not None and cached[0] == enclosing:
        return cached[1]
    order = None if _unmodelled(interp, func.node) else _compile_order(func, enclosing)
    _ORDER[func.node] = (enclosing, order)
    return order


def _unmodelled(interp: Any, node: ast.AST) -> bool:
    """The function has a statement the interpreter does not run (it may bind a name the frame lacks), or a
    ``:=`` in a comprehension (Python binds it in the function, the interpreter in the comprehension)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.stmt) and not hasattr(type(interp), "_s_" + type(sub).__name__):
            return True
        if isinstance(sub, _COMPREHENSIONS) and any(isinstance(n, ast.NamedExpr) for n in ast.walk(sub)):
            return True
    return False


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _compile_order(func: FuncVal, enclosing: frozenset[str]) -> Order | None:
    """Compile the function alone and read its code object's names (None when Python would not compile it so:
    an ``await`` outside ``async def``, a name that is no identifier)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a SyntaxWarning of the checked code is not cnnlint's to print
            code = compile(_stand_in(func, enclosing), "<locals>", "exec")
    except (SyntaxError, ValueError, TypeError, RecursionError):
        return None
    found = _find(code)
    if found is None:
        return None
    spec = func.node.args
    names = list(dict.fromkeys([*found.co_varnames, *found.co_cellvars, *found.co_freevars]))
    params = found.co_argcount + found.co_kwonlyargcount + bool(spec.vararg) + bool(spec.kwarg)
    return tuple(names), params


def _stand_in(func: FuncVal, enclosing: frozenset[str]) -> ast.Module:
    """The function's body and parameters as ``_TARGET``, in a stand-in class when it is a method (for
    ``__class__``), inside a function binding the enclosing scopes' names (for free variables)."""
    node = func.node
    body = [ast.Return(node.body)] if isinstance(node, ast.Lambda) else node.body
    target = ast.FunctionDef(name=_TARGET, args=_plain_arguments(node.args), body=body, decorator_list=[])
    inner: ast.stmt = target
    if func.owner is not None:
        inner = ast.ClassDef(name="__cnnlint_class__", bases=[], keywords=[], body=[target], decorator_list=[])
    bound = [ast.Name(n, ast.Store()) for n in sorted(enclosing) if n.isidentifier() and not keyword.iskeyword(n)]
    binds = [ast.Assign(bound, ast.Constant(None))] if bound else []
    outer = ast.FunctionDef(name=_OUTER, args=_plain_arguments(None), body=[*binds, inner], decorator_list=[])
    return ast.fix_missing_locations(ast.Module(body=[outer], type_ignores=[]))


def _plain_arguments(spec: ast.arguments | None) -> ast.arguments:
    """The parameters without defaults or annotations: those run in the enclosing scope, not the function."""
    if spec is None:
        return ast.arguments([], [], None, [], [], None, [])

    def bare(arg: ast.arg | None) -> ast.arg | None:
        return None if arg is None else ast.arg(arg.arg, None, None)

    return ast.arguments(
        [bare(a) for a in spec.posonlyargs],
        [bare(a) for a in spec.args],
        bare(spec.vararg),
        [bare(a) for a in spec.kwonlyargs],
        [None] * len(spec.kwonlyargs),
        bare(spec.kwarg),
        [],
    )


def _find(code: CodeType) -> CodeType | None:
    """The target function's code object, among the constants nested in ``code``."""
    for const in code.co_consts:
        if isinstance(const, CodeType):
            if const.co_name == _TARGET:
                return const
            found = _find(const)
            if found is not None:
                return found
    return None


def globals_(interp: Any, args: list[Any], kwargs: dict, frame: Frame | None) -> Any:
    """The builtin ``globals()``: the running module's names (ultralytics' ``globals()[m]`` picks a block class
    by the name a config gives). A copy: what the code writes into it does not reach the module here."""
    module = getattr(interp, "module", None)
    if args or kwargs or module is None:
        return UNKNOWN
    return DictVal(module.globals)


def vars_(interp: Any, args: list[Any], kwargs: dict, frame: Frame | None) -> Any:
    """``vars(obj)``: a plain object's attributes (``vars(args)`` of an argparse namespace); ``vars()``: locals."""
    if not args and not kwargs:
        return locals_(interp, args, kwargs, frame)
    obj = args[0] if len(args) == 1 and not kwargs else None
    if not isinstance(obj, ModuleObj) or obj.kind != "object" or obj.cls is not None or obj.uncertain:
        return UNKNOWN
    return DictVal(obj.attrs)
