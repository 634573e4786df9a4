"""An error at a library's layer that the user's own layer caused: said at the user's layer.

``self.backbone = resnet50(...); self.backbone.conv1 = nn.Conv2d(1, 32, 7, 2, 3)``: torchvision's
``bn1`` expects 64 channels and receives 32. The library's line cannot change; the user's ``conv1``
is what to change. When the tensor a library layer rejects is the output of a convolution or
linear layer built in the checked file, whose output size is the size rejected, the finding is
reported there instead, naming the library's layer. The output may pass through layers without
parameters that keep its channels (``model.features[0] = nn.Conv2d(1, 32, 3)`` in a VGG, whose ReLU
and max pool come before the library's next convolution); through any other operation the cause is
not certain, and the finding stays where it was (at the line that built the library's model).
"""

from __future__ import annotations

from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Layers without parameters that pass their input's channels (dim 1) and features (last dim) on unchanged.
KEEP_CHANNELS = frozenset(
    {
        *("ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh"),
        *("Hardswish", "Hardsigmoid", "Hardtanh", "Softplus", "Identity"),
        *("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"),
        *("MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d"),
        *("AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d"),
        *("AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"),
    }
)

_OUTPUT_ARG = {
    "Conv": "out_channels",
    "LazyConv": "out_channels",
    "ConvTranspose": "out_channels",
    "Linear": "out_features",
}


def record(layer: Any, x: Any, out: Any) -> None:
    """Whose output ``out`` is: ``layer``'s, or, through a layer that keeps channels, ``x``'s producer's."""
    producer = getattr(x, "producer", None)
    if layer.type_name in KEEP_CHANNELS and producer is not None:
        if out is not x:
            out.producer, out.relayed = producer, True
        return
    out.producer, out.relayed = layer, False


def point_at_producer(layer: Any, x: Any, steps: list[Any], first: int) -> None:
    """Record on the step, for the report, the user's layer that a finding of ``layer`` (in ``steps[first:]``)
    is about. Asked after every layer run: what is not a library's layer returns at once."""
    call = getattr(layer.origin, "call", None)
    producer = getattr(x, "producer", None)
    if not getattr(call, "library", False) or producer is None or producer.spec is None:
        return
    made = getattr(producer.origin, "call", None)
    if made is None or made.where or made.span is None:
        return  # not built in the checked file
    out_arg = next((a for prefix, a in _OUTPUT_ARG.items() if producer.type_name.startswith(prefix)), None)
    if out_arg is None:
        return
    for step in steps[first:]:
        for finding in step.findings:
            fix = finding.fix
            if finding.code not in ("CNL001", "CNL002") or fix is None or producer.args.get(out_arg) != fix.value:
                continue
            expected = layer.args.get(fix.param)
            if type(expected) is not int:
                continue
            which = "a later layer" if getattr(x, "relayed", False) else "the next layer"
            message = (
                f"{producer.type_name} gives {out_arg}={fix.value}, but {which}, {layer.type_name} "
                f"(in {call.where}, the library's), expects {fix.param}={expected}; set {out_arg}={expected}"
            )
            pointers = step.__dict__.setdefault("pointers", {})
            pointers[id(finding)] = (made, Finding(finding.code, message))
