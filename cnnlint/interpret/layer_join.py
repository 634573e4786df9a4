"""One layer for two branches that built different ones, where either does the same to any input.

``act = nn.Identity() if use_abn else nn.ReLU(inplace=True)`` (segmentation_models_pytorch's Conv2dReLU,
whose ``use_abn`` depends on an optional import) leaves the layer unknown, and every model built of
it stops there. Where both layers keep their input's shape at any rank and hold no parameters, the
shapes, parameters and MACs are the same whichever was built: the join is a layer named for both
(``Identity or ReLU``), followed as either; asking its type (``type(m) is nn.ReLU``) stays unknown.
"""

from __future__ import annotations

import copy

from cnnlint.interpret.values import TorchLayer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Any rank in, the same shape out, no parameters (checked against torch in tests/test_layer_join.py)
KEEPS_SHAPE = frozenset(
    {
        "Identity", "Dropout", "AlphaDropout", "ReLU", "ReLU6", "LeakyReLU", "ELU", "CELU",
        "SELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Hardshrink",
        "Softshrink", "Softplus", "Softsign", "Tanhshrink", "LogSigmoid",
    }
)  # fmt: skip
SEPARATOR = " or "


def either(a: Any, b: Any) -> TorchLayer | None:
    """The joined layer, or None where the two may act differently."""
    if not (isinstance(a, TorchLayer) and isinstance(b, TorchLayer)):
        return None
    names = [*a.type_name.split(SEPARATOR), *b.type_name.split(SEPARATOR)]
    if not all(n in KEEPS_SHAPE for n in names) or a.spec is None or b.spec is None:
        return None
    if a.bind_error is not None or b.bind_error is not None or a.own or b.own or a.own_unknown or b.own_unknown:
        return None
    joined = copy.copy(a)
    joined.type_name = SEPARATOR.join(dict.fromkeys(names))
    built = getattr(a, "built", None)
    if built is not None:  # the engine's layer, shown in the summary under both names
        joined.built = copy.copy(built)  # type: ignore[attr-defined]
        joined.built.display = joined.type_name  # type: ignore[attr-defined]
    return joined


def is_joined(layer: Any) -> bool:
    return isinstance(layer, TorchLayer) and SEPARATOR in layer.type_name
