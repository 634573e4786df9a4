"""A torch layer's attribute set after it is built, as torch's forward then reads it.

Re-identification backbones set ``model.layer4[0].conv2.stride = (1, 1)`` (the last stride 1);
segmentation_models_pytorch's ``patch_first_conv`` sets ``conv.in_channels = 1`` with a new weight.
Torch's forward reads the attributes, not the constructor's arguments: a convolution's or pooling's
stride, padding and dilation set afterwards are bound again, as if given to the constructor (the
parameters do not change), and ``bias = None`` is ``bias=False``; any other argument, or the weight
or a new bias, set afterwards makes the layer unknown, never checked against arguments it no longer has.
"""

from __future__ import annotations

from typing import Any

from cnnlint.interpret.values import TorchLayer, is_plain
from cnnlint.shapes.spec import Layer, ShapeError, bind

# Arguments whose change after construction changes no shape or parameter count.
NO_SHAPE_EFFECT = frozenset({"inplace", "eps", "momentum", "p", "negative_slope", "approximate"})
# Read by the forward of these layers, and not by their parameters' shapes: bound again when set.
REBOUND = frozenset({"stride", "padding", "dilation"})
_WINDOWED = ("Conv", "LazyConv", "MaxPool", "AvgPool")


def attribute_set(interp: Any, layer: TorchLayer, name: str, value: Any) -> None:
    spec = layer.spec
    if spec is None or name in NO_SHAPE_EFFECT:
        return
    if name not in ("weight", "bias") and not any(p.name == name for p in spec.params):
        return  # an attribute of the code's own (``stage.do_output = True``): read back as written
    if not interp.forking:
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
