"""``eval(cfg.model)``: a configuration naming the model class by a string (``model="NestedUNet"``).

A string that is a name, or names joined by dots (``"nn.Conv2d"``, ``"models.resnet18"``), is that name
as the code reads it where ``eval`` is called: nothing is run, the name is only looked up. Any other
expression (a call, an operator, a name the code does not bind) and ``eval`` given its own globals are
unknown.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.values import UNKNOWN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_LONGEST = 200  # characters: a dotted name, not a program


def named(interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any, frame: Any) -> Any:
    if kwargs or len(args) != 1 or type(args[0]) is not str or len(args[0]) > _LONGEST:
        return UNKNOWN
    try:
        tree = ast.parse(args[0].strip(), mode="eval")  # (eval itself strips blanks around the expression)
    except (SyntaxError, ValueError):
        return UNKNOWN
    if not _dotted_name(tree.body):
        return UNKNOWN
    for part in ast.walk(tree.body):  # positions are the eval call's: the string has none in the file
        for field in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            setattr(part, field, getattr(node, field, None) or 0)
    try:
        return interp.eval(tree.body, frame)
    except NameError:
        return UNKNOWN


def _dotted_name(expr: ast.expr) -> bool:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)
