"""``spectral_norm`` / ``weight_norm`` around a layer: the same layer, the same shapes.

GAN and TTS code wraps nearly every conv (``spectral_norm(nn.Conv2d(...))``); cnnlint stopped at each.
The wrapper re-parametrises the weight and returns the module it was given: spectral norm keeps the
parameter count (``weight_orig`` replaces ``weight``; ``u`` and ``v`` are buffers), weight norm splits
``weight`` into ``weight_v`` (same size) and ``weight_g`` (the weight's size along ``dim``, 1 elsewhere;
one element for ``dim=None``), so it adds the size of that dim: ``extra_params`` on the layer.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SPECTRAL = frozenset(
    {
        "torch.nn.utils.spectral_norm",
        "torch.nn.utils.spectral_norm.spectral_norm",
        "torch.nn.utils.parametrizations.spectral_norm",
    }
)
WEIGHT = frozenset(
    {
        "torch.nn.utils.weight_norm",
        "torch.nn.utils.weight_norm.weight_norm",
        "torch.nn.utils.parametrizations.weight_norm",
    }
)
NAMES = SPECTRAL | WEIGHT

# The weight's leading dims, from a layer's arguments: (out, in) for Linear and convs, (in, out) transposed
_LEADING: dict[str, tuple[str, str]] = {
    "Linear": ("out_features", "in_features"),
    "Embedding": ("num_embeddings", "embedding_dim"),
    **{f"Conv{n}d": ("out_channels", "in_channels") for n in (1, 2, 3)},
    **{f"ConvTranspose{n}d": ("in_channels", "out_channels") for n in (1, 2, 3)},
}


def wrap(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """The wrapped layer itself (NotImplemented when it is not a torch layer: the caller's unknown)."""
    from cnnlint.interpret.values import TorchLayer

    layer = args[0] if args else kwargs.get("module")
    if not isinstance(layer, TorchLayer) or layer.spec is None:
        return NotImplemented
    param = args[1] if len(args) > 1 else kwargs.get("name", "weight")
    if param != "weight":
        layer.extra_params = UNKNOWN_DIM  # type: ignore[attr-defined]
    elif name in WEIGHT:
        dim = args[2] if len(args) > 2 else kwargs.get("dim", 0)
        layer.extra_params = _norm_size(layer, dim)  # type: ignore[attr-defined]
    built = getattr(layer, "built", None)
    if built is not None:
        built.extra_params = getattr(layer, "extra_params", 0)
    return layer


def _norm_size(layer: Any, dim: Any) -> Any:
    """The elements of ``weight_g``: the weight's size along ``dim`` (1 for ``dim=None``)."""
    if dim is None:
        return 1
    leading = _LEADING.get(layer.type_name)
    if leading is None or dim not in (0, 1):
        return UNKNOWN_DIM
    size = layer.args.get(leading[dim])
    if dim == 1 and layer.type_name.startswith("Conv"):
        groups = layer.args.get("groups", 1)
        size = size // groups if type(size) is int and type(groups) is int and groups > 0 else UNKNOWN_DIM
    return size if type(size) is int else UNKNOWN_DIM
