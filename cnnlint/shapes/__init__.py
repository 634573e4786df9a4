"""The shape engine: pure, importing neither libcst nor torch.

>>> from cnnlint.shapes import Conv2d, MaxPool2d, Shape, propagate
>>> propagate([Conv2d(3, 96, 11, stride=4), MaxPool2d(3, 2)], Shape(1, 3, 227, 227)).output
(1, 96, 27, 27)
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.propagate import Step, Trace, propagate
from cnnlint.shapes.spec import ArgFix, Finding, Layer, LayerSpec, ShapeError, bind, sequential, unknown_layer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "UNKNOWN",
    "ArgFix",
    "Dim",
    "Finding",
    "Layer",
    "LayerSpec",
    "Shape",
    "ShapeError",
    "Step",
    "Trace",
    "bind",
    "format_shape",
    "is_known",
    "propagate",
    "sequential",
    "unknown_layer",
]


def __getattr__(name: str) -> Any:
    """``from cnnlint.shapes import Conv2d``: catalogue entries by torch's class name."""
    from cnnlint.shapes.catalogue import CATALOGUE

    if name == "Sequential":
        return sequential
    try:
        return CATALOGUE[name]
    except KeyError:
        raise AttributeError(name) from None
