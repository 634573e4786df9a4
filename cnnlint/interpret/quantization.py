"""Eager-mode quantization's modules as a float model runs them (torchvision's quantizable models, QAT code).

Until ``torch.ao.quantization.convert`` swaps them, ``QuantStub`` and
``DeQuantStub`` pass their input through (an ``Identity``), and a
``FloatFunctional``'s methods are torch's own ops: ``self.skip_add.add(x, y)``
is ``torch.add(x, y)``, checked (broadcasting, ``cat``'s dims) where it is written.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, MethodOf, ModuleObj, QualName

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PACKAGES = ("torch.ao.quantization", "torch.quantization")
STUBS = frozenset(
    f"{package}{module}.{name}"
    for package in _PACKAGES
    for module in ("", ".stubs")
    for name in ("QuantStub", "DeQuantStub")
)
_FUNCTIONAL_PACKAGES = ("torch.ao.nn.quantized", "torch.nn.quantized")
FLOAT_FUNCTIONAL = frozenset(
    f"{package}{module}.FloatFunctional"
    for package in _FUNCTIONAL_PACKAGES
    for module in ("", ".modules", ".modules.functional_modules")
)
NAMES = STUBS | FLOAT_FUNCTIONAL
KIND = "FloatFunctional"
# FloatFunctional's methods and the torch op each one is (torch/ao/nn/quantized/modules/functional_modules.py)
_OPS = {
    "add": "torch.add",
    "add_scalar": "torch.add",
    "mul": "torch.mul",
    "mul_scalar": "torch.mul",
    "cat": "torch.cat",
    "matmul": "torch.matmul",
}


def build(api: Any, interp: Any, name: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    if name in STUBS:
        if len(args) > 1 or set(kwargs) - {"qconfig"}:
            return UNKNOWN  # torch's signature is (qconfig=None): Python raises
        return api.layer(interp, "torch.nn.Identity", [], {}, node)
    if args or kwargs:
        return UNKNOWN
    functional = ModuleObj(KIND, origin=api.session.origin(node, interp))
    for method, op in _OPS.items():
        functional.attrs[method] = QualName(op)
    functional.attrs["add_relu"] = MethodOf(functional, "add_relu")
    return functional


def add_relu(api: Any, interp: Any, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``add_relu(x, y)``: ``relu(x + y)``, as ``torch.add`` checks the operands."""
    total = api.call_qualname(interp, "torch.add", args, kwargs, node)
    return api.call_qualname(interp, "torch.relu", [total], {}, node)
