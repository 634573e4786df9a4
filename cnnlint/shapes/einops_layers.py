"""einops' torch layers (``einops.layers.torch.Rearrange`` / ``Reduce``) as layer entries.

Kept out of the catalogue, which holds torch.nn's own classes (and is
checked against torch's signatures); the interpreter builds these itself.
"""

from __future__ import annotations

from cnnlint.shapes.dims import Shape
from cnnlint.shapes.einops_patterns import NotModelled, transform
from cnnlint.shapes.spec import Args, LayerSpec, Param

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _infer(op: str) -> Any:
    def infer(args: Args, shape: Shape) -> Shape:
        pattern = args.get("pattern")
        lengths = dict(args.get("axes_lengths") or ())
        if not isinstance(pattern, str):
            return Shape.unknown()
        name = "Rearrange" if op == "rearrange" else "Reduce"
        try:
            return transform(op, shape, pattern, lengths, f"{name}({pattern!r})")
        except NotModelled:
            return Shape.unknown()

    return infer


REARRANGE = LayerSpec("Rearrange", (Param("pattern"), Param("**axes_lengths")), _infer("rearrange"))
REDUCE = LayerSpec("Reduce", (Param("pattern"), Param("reduction"), Param("**axes_lengths")), _infer("reduce"))
EINOPS_LAYERS = {"Rearrange": REARRANGE, "Reduce": REDUCE}
