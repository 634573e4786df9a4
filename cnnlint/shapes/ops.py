"""Pure, torch-exact shape functions for the tensor operations met in ``forward``.

Every function takes and returns ``Shape``s whose dims may be ints, symbols
(equal only to the same symbol) or UNKNOWN, and open shapes (unknown leading
dims). A function raises ``ShapeError`` only when torch certainly raises,
whatever the unknowns are; otherwise it returns what is certain (at worst
``Shape.unknown()``). Codes: CNL005 bad argument / dim out of range,
CNL006 operand rank, CNL008 broadcast mismatch, CNL009 cat/stack mismatch,
CNL010 matrix-product inner dims. The code lives in the ``ops_*`` modules.
"""

from __future__ import annotations

from cnnlint.shapes.ops_broadcast import bmm, broadcast, broadcast_all, expand, matmul, mm, repeat, tile
from cnnlint.shapes.ops_contract import outer, tensordot
from cnnlint.shapes.ops_index import index
from cnnlint.shapes.ops_join import cat, chunk, split, stack, tensor_split, unbind
from cnnlint.shapes.ops_layout import (
    flatten,
    movedim,
    permute,
    reduce,
    repeat_interleave,
    squeeze,
    t,
    transpose,
    unflatten,
    unfold_dim,
    unsqueeze,
)
from cnnlint.shapes.ops_resample import interpolate, pad

__all__ = [
    "bmm",
    "broadcast",
    "broadcast_all",
    "cat",
    "chunk",
    "expand",
    "flatten",
    "index",
    "interpolate",
    "matmul",
    "mm",
    "movedim",
    "outer",
    "pad",
    "permute",
    "reduce",
    "repeat",
    "repeat_interleave",
    "split",
    "squeeze",
    "stack",
    "t",
    "tensor_split",
    "tensordot",
    "tile",
    "transpose",
    "unbind",
    "unflatten",
    "unfold_dim",
    "unsqueeze",
]
