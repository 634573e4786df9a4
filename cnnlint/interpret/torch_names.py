"""Which names torch's own modules define: ``'silu' in dir(F)``, ``hasattr(F, 'scaled_dot_product_attention')``.

Model code probes torch for features (timm: ``_has_silu = 'silu' in dir(torch.nn.functional)``)
and picks a layer by the answer. The names below are ones the torch cnnlint models defines
(the catalogue's layers and functional ops, and the few functions such probes ask about;
``tests/test_timm_idioms.py`` checks each against the installed torch). A name not listed is
unknown, never absent: cnnlint does not know all of torch.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FUNCTIONAL_EXTRA = frozenset(
    {
        "scaled_dot_product_attention",
        "interpolate",
        "pad",
        "normalize",
        "layer_norm",
        "group_norm",
        "batch_norm",
        "instance_norm",
        "rms_norm",
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "embedding",
        "one_hot",
    }
)
_TORCH = frozenset({"nn", "jit", "fx", "compiler", "cat", "stack", "flatten", "zeros", "ones", "randn", "arange"})


def known_names(module: str) -> frozenset[str]:
    """Names ``module`` (a torch module's dotted name) certainly defines."""
    if module == "torch.nn.functional":
        from cnnlint.build import FUNCTIONAL

        return frozenset(FUNCTIONAL) | _FUNCTIONAL_EXTRA
    if module == "torch.nn":
        from cnnlint.shapes.catalogue import CATALOGUE

        return frozenset(CATALOGUE) | {"Module", "Sequential", "ModuleList", "ModuleDict", "functional", "init"}
    if module == "torch":
        return _TORCH
    return frozenset()


class TorchDir:
    """``dir(torch.nn.functional)``: membership of a known name is True, anything else unknown."""

    __slots__ = ("module",)

    def __init__(self, module: str) -> None:
        self.module = module

    def contains(self, name: Any) -> Any:
        return True if isinstance(name, str) and name in known_names(self.module) else UNKNOWN


def has_name(module: str, name: Any) -> Any:
    """``hasattr(torch.nn.functional, name)``: True for a known name, else unknown."""
    return True if isinstance(name, str) and name in known_names(module) else UNKNOWN
