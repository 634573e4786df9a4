"""How the summary shows a model's several outputs (a returned tuple, nested tuples, a dict).

JSON: ``output_shape`` is then a list with one item per output, each a shape (a list) or a
nested list for a nested tuple, or an object keyed as the returned dict; text: the same
structure written as Python writes it, ``([4, 1], [4, 10])``.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def outputs_json(tree: Any, shape: Callable[[Any], Any]) -> Any:
    if isinstance(tree, tuple):
        return [outputs_json(t, shape) for t in tree]
    if isinstance(tree, dict):
        return {k: outputs_json(v, shape) for k, v in tree.items()}
    return shape(tree)


def outputs_text(tree: Any, shape: Callable[[Any], str]) -> str:
    if isinstance(tree, tuple):
        inner = ", ".join(outputs_text(t, shape) for t in tree)
        return f"({inner},)" if len(tree) == 1 else f"({inner})"
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {outputs_text(v, shape)}" for k, v in tree.items()) + "}"
    return shape(tree)
