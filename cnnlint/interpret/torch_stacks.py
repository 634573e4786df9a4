"""torch containers that stack copies of a layer: ``nn.TransformerEncoder(encoder_layer, num_layers, norm)``.

torch deep-copies ``encoder_layer`` ``num_layers`` times and runs them in turn, then ``norm``:
a Sequential of the copies (the masks it is called with never change a shape), shown under
its own name. Each copy holds its own parameters, as in torch. A layer or count the
interpreter cannot read makes it an unknown layer.
"""

from __future__ import annotations

from cnnlint.interpret.values import ModuleObj, TorchLayer
from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_COPIES = 64


@dataclass(eq=False)
class Stack(ModuleObj):
    """A Sequential shown as the torch class it stands for."""

    shown_as: str = "Sequential"

    @property
    def type_name(self) -> str:
        return self.shown_as


STACKS = {"TransformerEncoder": ("encoder_layer", "num_layers", "norm")}


def stack(api: Any, interp: Any, short: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
    """``nn.TransformerEncoder(...)`` as a Stack; NotImplemented when ``short`` is no such container."""
    names = STACKS.get(short)
    if names is None:
        return NotImplemented
    given = dict(zip(names, args))
    given.update({k: v for k, v in kwargs.items() if k in names})
    layer, count, norm = given.get(names[0]), given.get(names[1]), given.get(names[2])
    session = api.session
    readable = isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_COPIES
    if not readable or not isinstance(layer, (ModuleObj, TorchLayer)) or not (norm is None or _module(norm)):
        origin = session.origin(node, interp)
        return TorchLayer(None, {}, origin, short, note=f"{short}: its layer or layer count cannot be read")
    obj = Stack("Sequential", origin=session.origin(node, interp), shown_as=short)
    children = [session.copy_value(layer) for _ in range(count)] + ([norm] if norm is not None else [])
    for child in children:
        api.register(interp, obj, str(len(obj.items)), child, child=True)
    return obj


def _module(value: Any) -> bool:
    return isinstance(value, (ModuleObj, TorchLayer))
