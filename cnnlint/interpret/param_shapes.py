"""Shapes of a torch layer's ``weight`` and ``bias``, read from its bound arguments.

Swin's attention hands ``self.qkv.weight`` to ``F.linear``; the weight's shape
is what makes the result known. Only layers whose parameter shapes follow
from their arguments alone are listed; anything else is unknown.
"""

from __future__ import annotations

from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and not isinstance(value, str) and value >= 0


def _sizes(value: Any, n: int) -> tuple[int, ...] | None:
    if _int(value):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(_int(v) for v in value):
        return tuple(value)
    return None


def _conv(kind: str, args: dict[str, Any], name: str) -> tuple[int, ...] | None:
    n = int(kind[-2])
    cin, cout, groups = args.get("in_channels"), args.get("out_channels"), args.get("groups", 1)
    kernel = _sizes(args.get("kernel_size"), n)
    if not (_int(cin) and _int(cout) and _int(groups) and groups and kernel and cin % groups == 0):
        return None
    if cout % groups:
        return None
    if name == "bias":
        return (cout,)
    if kind.startswith("ConvTranspose"):
        return (cin, cout // groups, *kernel)
    return (cout, cin // groups, *kernel)


def _normalized(value: Any) -> tuple[int, ...] | None:
    if _int(value):
        return (value,)
    if isinstance(value, (tuple, list)) and all(_int(v) for v in value):
        return tuple(value)
    return None


def shape_of(kind: str, args: dict[str, Any], name: str) -> Any:
    """The parameter's shape, None when the layer has no such parameter, _MISSING when not known here."""
    dims: tuple[int, ...] | None = None
    if kind in ("Linear", "LazyLinear"):
        if name == "bias" and args.get("bias") is False:
            return None
        cin, cout = args.get("in_features"), args.get("out_features")
        if _int(cout) and (name == "bias" or _int(cin)):
            dims = (cout,) if name == "bias" else (cout, cin)
    elif kind in ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"):
        if name == "bias" and args.get("bias") is False:
            return None
        dims = _conv(kind, args, name)
    elif kind == "LayerNorm":
        if args.get("elementwise_affine") is False or (name == "bias" and args.get("bias") is False):
            return None
        dims = _normalized(args.get("normalized_shape")) if args.get("elementwise_affine") is True else None
    elif kind in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm"):
        features = args.get("num_channels" if kind == "GroupNorm" else "num_features")
        if args.get("affine") is False:
            return None
        dims = (features,) if _int(features) and args.get("affine") is True else None
    elif kind == "Embedding" and name == "weight":
        rows, width = args.get("num_embeddings"), args.get("embedding_dim")
        dims = (rows, width) if _int(rows) and _int(width) else None
    return Shape(*dims) if dims is not None else _MISSING


def param_shape(kind: str, args: dict[str, Any], name: str) -> Any:
    """``layer.weight`` / ``layer.bias``: a Shape, None (no such parameter: ``bias=False``), or unknown."""
    found = shape_of(kind, args, name)
    return Shape.unknown() if found is _MISSING else found
