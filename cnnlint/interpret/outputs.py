"""A model's several outputs (``return validity, label``, ``return out, (h, c)``, ``return {"logits": x}``).

The trace's single ``output`` stays unknown for such a model (no one shape to chain on); the
summary shows the structure instead: a tuple of shapes, nested as the model nests them, or a
dict of shapes by key. An item that is not a tensor the interpreter followed is an unknown shape.
"""

from __future__ import annotations

from cnnlint.interpret.values import DictVal, ListVal, TensorVal
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_ITEMS = 64  # a returned structure larger than this is not shown item by item
MAX_NESTING = 4


def output_tree(value: Any, depth: int = 0) -> tuple | dict | None:
    """The shapes of a returned tuple/list/dict, nested as returned; None when ``value`` is not one."""
    if depth > MAX_NESTING:
        return None
    if isinstance(value, (tuple, ListVal)):
        items = list(value) if isinstance(value, tuple) else value.items
        if not items or len(items) > MAX_ITEMS or (isinstance(value, ListVal) and value.uncertain):
            return None
        return tuple(_item(v, depth) for v in items)
    if isinstance(value, DictVal):
        items_d = value.items
        if not items_d or len(items_d) > MAX_ITEMS or value.uncertain or not all(isinstance(k, str) for k in items_d):
            return None
        return {k: _item(v, depth) for k, v in items_d.items()}
    return None


def _item(value: Any, depth: int) -> Any:
    if isinstance(value, TensorVal):
        return value.shape
    nested = output_tree(value, depth + 1)
    return nested if nested is not None else Shape.unknown()
