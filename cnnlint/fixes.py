"""Which edit fixes a constructor argument, and whether that edit is safe (ruff's split).

A fix is *safe* when it keeps the argument's form and meaning, so ``--fix``
may apply it unseen; otherwise it is *unsafe* and applied only with
``--unsafe-fixes``. Given the engine's ``ArgFix`` and the argument's span and
source text (plain inputs, so any front end can call ``make_fix``):

- an integer literal (``9216``) becomes the right literal: safe;
- a product of integer literals (``64 * 7 * 7``) keeps its form, factor by
  factor: safe. The factors are picked as follows, first that applies:
  1. the engine knows which sizes the value is the product of (C, H, W merged
     by a Flatten) and there are as many as written: those, in order
     (``64 * 7 * 7`` receiving 128 x 7 x 7 becomes ``128 * 7 * 7``);
  2. the first factor is kept and the others were all equal: they become the
     one integer s with ``first * s ** (n - 1) == value``
     (``64 * 7 * 7`` receiving 4096 becomes ``64 * 8 * 8``);
  otherwise the product becomes a literal: unsafe;
- anything else (a name such as ``HIDDEN``, ``c * 4`` using a constructor
  parameter, other arithmetic) becomes a literal: unsafe, because the
  argument no longer follows the names it used; the fix message says so.

No torch, no libcst: ``ast`` only, on the argument's text.
"""

from __future__ import annotations

import ast
import re

from cnnlint.diagnostics import Edit, Fix, Location

SAFE = "safe"
UNSAFE = "unsafe"

_NEWLINE = re.compile(r"\r\n|\r|\n")


def span_text(text: str, start: Location, end: Location) -> str:
    """The source between two 1-based locations (columns in characters, rows split as the tokenizer does)."""
    starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    if not (0 < start.row <= len(starts) and 0 < end.row <= len(starts)):
        return ""
    return text[starts[start.row - 1] + start.column - 1 : starts[end.row - 1] + end.column - 1]


def make_fix(param: str, value: object, start: Location, end: Location, arg_text: str,
             factors: tuple[int, ...] = ()) -> Fix | None:  # fmt: skip
    """The fix that sets ``param`` to ``value`` where its argument ``arg_text`` is written (``start``-``end``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    expr = _parse(arg_text)
    setting = f"Set {param}={value}"
    if expr is None:
        return None
    if _is_int(expr):
        return Fix(setting, (Edit(str(value), start, end),), SAFE)
    literals = _product_literals(expr)
    if literals is not None:
        new = _pick_factors([n.value for n in literals], value, factors)
        if new is not None:
            content = _replace_literals(arg_text, literals, new)
            return Fix(f"{setting} ({' '.join(content.split())})", (Edit(content, start, end),), SAFE)
    written = " ".join(arg_text.split())
    names = sorted(_references(expr))
    if names:
        why = f"it no longer follows {', '.join(names)}, which may be used or set elsewhere"
    else:
        why = "the expression's form is lost"
    return Fix(f"{setting}: replaces `{written}` with a literal (unsafe: {why})", (Edit(str(value), start, end),),
               UNSAFE)  # fmt: skip


def _parse(text: str) -> ast.expr | None:
    try:
        return ast.parse("(" + text + "\n)", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _is_int(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _product_literals(node: ast.expr) -> list[ast.Constant] | None:
    """The integer literals of ``a * b * ...`` in source order, or None when it is anything else."""
    if _is_int(node):
        return [node]  # type: ignore[list-item]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = _product_literals(node.left), _product_literals(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _pick_factors(written: list[int], value: int, known: tuple[int, ...]) -> list[int] | None:
    """New factors whose product is ``value`` (module docstring, rules 1 and 2), or None."""
    if len(written) < 2:
        return None
    if len(known) == len(written) and all(k > 0 for k in known):
        return list(known)
    first, rest = written[0], written[1:]
    if first <= 0 or len(set(rest)) != 1 or value % first:
        return None
    side = _integer_root(value // first, len(rest))
    return [first, *[side] * len(rest)] if side is not None else None


def _integer_root(number: int, k: int) -> int | None:
    if number < 1:
        return None
    guess = round(number ** (1 / k))
    for s in (guess - 1, guess, guess + 1):
        if s >= 1 and s**k == number:
            return s
    return None


def _replace_literals(text: str, literals: list[ast.Constant], values: list[int]) -> str:
    """``text`` with each literal replaced in place, keeping spacing, comments and line breaks."""
    out = "(" + text
    starts = [0, *(m.end() for m in _NEWLINE.finditer(out))]
    spans = []
    for node in literals:
        row = node.lineno - 1
        line = out[starts[row] : starts[row + 1] if row + 1 < len(starts) else len(out)].encode()
        begin = len(line[: node.col_offset].decode(errors="replace"))  # ast columns are UTF-8 byte offsets
        end = len(line[: node.end_col_offset or 0].decode(errors="replace"))
        spans.append((starts[row] + begin, starts[row] + end, node))
    for (begin, end, _node), new in sorted(zip(spans, values), key=lambda s: s[0][0], reverse=True):
        out = out[:begin] + str(new) + out[end:]
    return out[1:]


def _references(node: ast.AST) -> set[str]:
    """The names and dotted names an expression reads (``HIDDEN``, ``self.hidden``), outermost only."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        return {ast.unparse(node)}
    found: set[str] = set()
    for child in ast.iter_child_nodes(node):
        found |= _references(child)
    return found
