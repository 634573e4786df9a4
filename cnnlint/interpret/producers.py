"""An error at a library's layer that the user's own layer caused: said at the user's layer.

``self.backbone = resnet50(...); self.backbone.conv1 = nn.Conv2d(1, 32, 7, 2, 3)``: torchvision's
``bn1`` expects 64 channels and receives 32. The library's line cannot change; the user's ``conv1``
is what to change. When the tensor a library layer rejects is the direct output of a convolution or
linear layer built in the checked file, whose output size is the size rejected, the finding is
reported there instead, naming the library's layer. Only a direct producer counts: through any other
operation the cause is not certain, and the finding stays where it was (at the line that built the
library's model).
"""

from __future__ import annotations

from typing import Any

from cnnlint.shapes.spec import Finding

_OUTPUT_ARG = {
    "Conv": "out_channels",
    "LazyConv": "out_channels",
    "ConvTranspose": "out_channels",
    "Linear": "out_features",
}


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
            message = (
                f"{producer.type_name} gives {out_arg}={fix.value}, but the next layer, {layer.type_name} "
                f"(in {call.where}, the library's), expects {fix.param}={expected}; set {out_arg}={expected}"
            )
            pointers = step.__dict__.setdefault("pointers", {})
            pointers[id(finding)] = (made, Finding(finding.code, message))
