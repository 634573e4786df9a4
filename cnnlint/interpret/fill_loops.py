"""Loops that only write tensor elements: their effect is known without running them.

timm's MaxViT builds its relative-position lookup tables element by element::

    ret = torch.zeros(length, length, vocab_size)
    for i in range(length):
        for x in range(length):
            v = x - i + max_relative_position
            if abs(x - i) > max_relative_position:
                continue
            ret[i, x, v] = 1

Unrolled, that is ``length**2`` iterations of work that cannot change a
shape: item stores into a tensor change its values, never its size, and the
interpreter reports nothing about them. A loop whose body does only that
(stores into tensors named by plain names, assignments to local names, ``if``,
``continue``/``break``, nested loops of the same kind, over expressions of
plain arithmetic and the pure builtins below, on names that hold no tensor:
tensor arithmetic is checked and stays unrolled) is therefore not unrolled: the
tensors' values become unknown and so does every name the loop assigns,
which is what unrolling gives or less. Anything else in the body (a call, an
attribute, an item read, a list being filled) and the loop is run as
written.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.values import TensorVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# A loop this short is unrolled anyway: the names it assigns keep their values.
SKIP_FROM = 8
PURE_BUILTINS = frozenset({"abs", "min", "max", "int", "float", "round", "bool", "range"})
# ``math.sin(pos / 10000 ** (2 * i / d_model))``: the Transformer tutorials' positional encoding, filled
# element by element over max_len x d_model (200 x 512 is 100k stores).
PURE_MATH = frozenset(
    {"sin", "cos", "tan", "atan", "tanh", "exp", "log", "log2", "log10", "sqrt", "pow", "floor", "ceil", "fabs"}
)

_OPERATORS = (ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp)


class FillLoop:
    """What running a fill-only loop would touch: the tensors it stores into and the names it assigns."""

    __slots__ = ("tensors", "names", "builtins", "inputs")

    def __init__(
        self, tensors: frozenset[str], names: frozenset[str], builtins: frozenset[str], inputs: frozenset[str]
    ) -> None:
        self.tensors = tensors  # names whose items are stored: each must hold a tensor when the loop starts
        self.names = names  # every name the loop assigns, its own target included
        self.builtins = builtins  # builtins it calls: each must still be the builtin where it runs
        self.inputs = inputs  # the other names it reads: none may hold a tensor (tensor arithmetic is checked)


def fill_loop(stmt: ast.For) -> FillLoop | None:
    """The loop's footprint if it only fills tensors, else None (worked out once per loop)."""
    cached = stmt.__dict__.get("_cnnlint_fill", False)
    if cached is not False:
        return cached
    found: FillLoop | None = None
    reads: set[str] = set()
    tensors: set[str] = set()
    names: set[str] = set()
    if _loop(stmt, tensors, names, reads):
        called = frozenset(reads & PURE_BUILTINS)
        inputs = frozenset(reads - names - called)
        if tensors and not (tensors & names):
            found = FillLoop(frozenset(tensors), frozenset(names), called, inputs)
    stmt._cnnlint_fill = found  # type: ignore[attr-defined]
    return found


def _loop(stmt: ast.For, tensors: set[str], names: set[str], reads: set[str]) -> bool:
    if stmt.orelse or not _target(stmt.target, names) or not _pure(stmt.iter, reads):
        return False
    return all(_statement(s, tensors, names, reads) for s in stmt.body)


def _statement(stmt: ast.stmt, tensors: set[str], names: set[str], reads: set[str]) -> bool:
    kind = type(stmt)
    if kind is ast.Assign:
        return _pure(stmt.value, reads) and all(_store(t, tensors, names, reads) for t in stmt.targets)
    if kind is ast.AugAssign:
        target = stmt.target
        if isinstance(target, ast.Name):
            reads.add(target.id)
        return _pure(stmt.value, reads) and _store(target, tensors, names, reads)
    if kind is ast.If:
        return _pure(stmt.test, reads) and all(_statement(s, tensors, names, reads) for s in (*stmt.body, *stmt.orelse))
    if kind is ast.For:
        return _loop(stmt, tensors, names, reads)
    if kind in (ast.Continue, ast.Break, ast.Pass):
        return True
    return kind is ast.Expr and isinstance(stmt.value, ast.Constant)  # a docstring-like constant


def _target(node: ast.expr, names: set[str]) -> bool:
    if isinstance(node, ast.Name):
        names.add(node.id)
        return True
    return isinstance(node, ast.Tuple) and all(_target(e, names) for e in node.elts)


def _store(node: ast.expr, tensors: set[str], names: set[str], reads: set[str]) -> bool:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        tensors.add(node.value.id)
        return _pure(node.slice, reads)
    return _target(node, names)


def _pure(node: ast.expr | None, reads: set[str]) -> bool:
    """Plain arithmetic on names and constants, slices, tuples, and calls of the pure builtins."""
    if node is None:
        return True
    kind = type(node)
    if kind is ast.Name:
        reads.add(node.id)  # type: ignore[attr-defined]
        return True
    if kind is ast.Constant:
        return True
    if kind is ast.Tuple:
        return all(_pure(e, reads) for e in node.elts)  # type: ignore[attr-defined]
    if kind is ast.Slice:
        return all(_pure(p, reads) for p in (node.lower, node.upper, node.step))  # type: ignore[attr-defined]
    if isinstance(node, _OPERATORS):
        return all(_pure(child, reads) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in PURE_MATH and isinstance(func.value, ast.Name):
            reads.add(_MATH + func.value.id)  # the name must hold the math module where the loop runs
        elif not isinstance(func, ast.Name) or func.id not in PURE_BUILTINS:
            return False
        else:
            reads.add(func.id)
        return not node.keywords and all(not isinstance(a, ast.Starred) and _pure(a, reads) for a in node.args)
    return False


def applies(loop: FillLoop, lookup: Any, builtins: dict[str, Any]) -> bool:
    """The loop may be skipped where it runs: every stored name a tensor, no other name read a tensor,
    every builtin called still the builtin. ``lookup``: a name's value there."""
    if not all(isinstance(lookup(name), TensorVal) for name in loop.tensors):
        return False
    if any(isinstance(lookup(name), TensorVal) for name in loop.inputs):
        return False
    if not all(_is_math(lookup(name[len(_MATH) :])) for name in loop.inputs if name.startswith(_MATH)):
        return False
    return all(lookup(name) is builtins.get(name) for name in loop.builtins)


_MATH = "math:"  # a read of ``name.sin``: ``name`` must be the math module


def _is_math(value: Any) -> bool:
    from cnnlint.interpret.values import QualName

    return isinstance(value, QualName) and value.name == "math"
