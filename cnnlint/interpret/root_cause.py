"""One wrong size written once, met by several layers: reported at the first, as torch stops there.

AC-GAN's two heads are both built ``nn.Linear(128 * ds_size ** 2, ...)`` and fed the same
features; d2l's Inception builds its four branches with ``in_channels``. When that size is
wrong, every such layer disagrees with its input in the very same way. torch raises at the
first and never reaches the others; fixing the one expression fixes them all.

So a later error is dropped when it repeats an earlier one exactly (code and message: the
same expected value, the same input shape) and the argument it blames is written as the same
expression, a name or a computation (not a literal: two ``nn.Linear(512, 10)`` with their own
typo are two bugs, both reported).
"""

from __future__ import annotations

import ast

from cnnlint.shapes.spec import Finding, Layer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def repeated(seen: set[tuple[str, str, str]], layer: Layer, errors: list[Finding], lines: Any) -> list[Finding]:
    """The errors of ``layer`` that repeat an earlier one from the same written expression; records the rest."""
    out = []
    for f in errors:
        key = _key(layer, f, lines)
        if key is None:
            continue
        if key in seen:
            out.append(f)
        else:
            seen.add(key)
    return out


def _key(layer: Layer, finding: Finding, lines: Any) -> tuple[str, str, str] | None:
    if finding.fix is None:
        return None
    written = _argument_text(layer, finding.fix.param, lines)
    if written is None or _is_literal(written):
        return None
    return (finding.code, finding.message, written)


def _argument_text(layer: Layer, param: str, lines: Any) -> str | None:
    call = layer.origin
    spec = layer.spec
    if call is None or spec is None or not getattr(call, "code", ""):
        return None  # not a constructor call written in the checked file
    span = None
    for arg in call.kwargs:
        if arg.keyword == param:
            span = arg.span
    if span is None:
        positional = [p.name for p in spec.call_params if not p.keyword_only and not p.name.startswith("*")]
        if param in positional and positional.index(param) < len(call.args):
            span = call.args[positional.index(param)].span
    if span is None:
        return None
    return " ".join(lines.span_text(span).split()) or None


def _is_literal(written: str) -> bool:
    try:
        ast.literal_eval(written)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True
