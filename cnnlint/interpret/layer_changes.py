"""A torch layer's attribute set after it is built, as torch's forward then reads it.

Re-identification backbones set ``model.layer4[0].conv2.stride = (1, 1)`` (the last stride 1);
segmentation_models_pytorch's ``patch_first_conv`` sets ``conv.in_channels = 1`` with a new weight.
Torch's forward reads the attributes, not the constructor's arguments:
- a convolution's or pooling's stride, padding and dilation set afterwards are bound again, as if given
  to the constructor (the parameters do not change), and ``bias = None`` is ``bias=False``;
- the channel and feature counts of convolutions, Linear and BatchNorm are read by no forward (the
  weight is): setting them changes nothing but what reading them back gives;
- a new weight of known shape on a convolution, Linear or Embedding binds the sizes it implies (in and out
  channels, kernel size; vocabulary and width), as a layer built with that weight would have. Another
  layer's own weight (``self.wte.weight = self.lm_head.weight``, GPT's tied embedding) is then one
  parameter held by both, counted once as ``model.parameters()`` counts it (``following._params``);
- any other argument, or a weight or bias of unknown or inconsistent shape, set afterwards makes the layer
  unknown, never checked against arguments it no longer has.
"""

from __future__ import annotations

from cnnlint.interpret.values import TensorVal, TorchLayer, is_plain
from cnnlint.shapes.spec import Layer, ShapeError, bind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Arguments whose change after construction changes no shape or parameter count.
NO_SHAPE_EFFECT = frozenset({"inplace", "eps", "momentum", "p", "negative_slope", "approximate"})
# Read by the forward of these layers, and not by their parameters' shapes: bound again when set.
REBOUND = frozenset({"stride", "padding", "dilation"})
_WINDOWED = ("Conv", "LazyConv", "MaxPool", "AvgPool")
# Sizes these layers' forward never reads (torch 2.13's Conv*/ConvTranspose*/Linear/BatchNorm* read the
# weight and the running statistics instead). Not InstanceNorm's: its forward compares num_features.
DESCRIPTIVE = {
    **dict.fromkeys(
        ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"),
        frozenset({"in_channels", "out_channels"}),
    ),
    "Linear": frozenset({"in_features", "out_features"}),
    **dict.fromkeys(("BatchNorm1d", "BatchNorm2d", "BatchNorm3d"), frozenset({"num_features"})),
}
_WEIGHT_RANK = {"Conv1d": 3, "Conv2d": 4, "Conv3d": 5, "Linear": 2, "Embedding": 2}


def attribute_set(interp: Any, layer: TorchLayer, name: str, value: Any) -> None:
    spec = layer.spec
    if spec is None or name in NO_SHAPE_EFFECT:
        return
    if name not in ("weight", "bias") and not any(p.name == name for p in spec.params):
        return  # an attribute of the code's own (``stage.do_output = True``): read back as written
    if name in DESCRIPTIVE.get(layer.type_name, ()):
        return  # read back as written; the weight still decides
    if not interp.branching:
        if name == "weight" and _reweigh(layer, value):
            return
        if name in REBOUND and layer.type_name.startswith(_WINDOWED) and _sizes(value) and _rebind(layer, name, value):
            return
        # ``self.bias = None`` (timm's LayerNorm2dNoBias): torch drops the parameter, as ``bias=False`` would
        if name == "bias" and value is None and "bias" in layer.args and _rebind(layer, "bias", False):
            return
    layer.spec = None
    layer.note = f"{layer.type_name}.{name} is set after the layer is built"


def _sizes(value: Any) -> bool:
    """A known int, string (``padding="same"``) or tuple of them: what the constructor would take."""
    items = value if isinstance(value, tuple) else (value,)
    return all(is_plain(v) and not isinstance(v, bool) and v is not None for v in items)


def _reweigh(layer: TorchLayer, weight: Any) -> bool:
    """``conv.weight = nn.Parameter(torch.Tensor(64, 1, 7, 7))``: the sizes the new weight implies."""
    rank = _WEIGHT_RANK.get(layer.type_name)
    shape = weight.shape if isinstance(weight, TensorVal) and weight.param else None  # (torch refuses a tensor)
    if rank is None or shape is None or len(shape) != rank or not all(_count(d) for d in shape):
        return False
    if layer.type_name == "Embedding":
        sizes: dict[str, Any] = {"num_embeddings": shape[0], "embedding_dim": shape[1]}
        padding = layer.args.get("padding_idx")
        if padding is not None and not (type(padding) is int and -shape[0] <= padding < shape[0]):
            return False  # the padding row no longer fits the new vocabulary (torch's forward would not care)
        return _rebound(layer, sizes, shape)
    if layer.type_name == "Linear":
        sizes = {"in_features": shape[1], "out_features": shape[0]}
        has_bias = layer.args.get("bias", True)
    else:
        groups = layer.args.get("groups", 1)
        if not _count(groups):
            return False
        sizes = {"in_channels": shape[1] * groups, "out_channels": shape[0], "kernel_size": tuple(shape[2:])}
        has_bias = layer.args.get("bias", True)
    out = "out_features" if layer.type_name == "Linear" else "out_channels"
    if has_bias is not False and sizes[out] != layer.args.get(out):
        return False  # the old bias no longer fits: torch's forward would refuse it, a case not modelled
    return _rebound(layer, sizes, shape)


def _rebound(layer: TorchLayer, sizes: dict[str, Any], shape: Any) -> bool:
    """Bound again with the sizes of its new weight; a finding about it then says why its sizes are these."""
    was = dict(layer.args)
    if not all(_rebind(layer, key, value) for key, value in sizes.items()):
        return False
    call = getattr(getattr(layer, "built", None), "origin", None)
    if any(was.get(key) != value for key, value in sizes.items()) and isinstance(getattr(call, "place", None), str):
        dims = "x".join(str(d) for d in shape)
        said = call.place.split(_REWEIGHED)[0]  # type: ignore[union-attr]  # (set twice: the last weight)
        call.place = f"{said}{_REWEIGHED}{dims})"  # type: ignore[union-attr]
    return True


_REWEIGHED = " (its weight, set after it was built, is "


def _count(value: Any) -> bool:
    return type(value) is int and value > 0


def _rebind(layer: TorchLayer, name: str, value: Any) -> bool:
    built = getattr(layer, "built", None)
    if built is None or built.bind_error is not None or layer.spec is None:
        return False
    args = {**built.args, name: value}
    try:
        bound = bind(layer.spec, [], list(args.items()))
    except ShapeError:
        return False
    rebuilt = Layer(layer.spec, bound, origin=built.origin)
    layer.args = bound
    layer.built = rebuilt  # type: ignore[attr-defined]
    return True
