"""What a normalization layer keeps beside its parameters, and its own input check.

``bn.running_mean`` / ``running_var`` are (num_features,) buffers when the layer tracks running statistics
(BatchNorm by default, InstanceNorm when asked), else None; ``num_batches_tracked`` is a 0-d integer tensor.
A subclass's forward that calls ``self._check_input_dim(x)`` and then ``F.batch_norm(x, self.running_mean,
...)`` (MAML's and domain adaptation's ``MetaBatchNorm2d``) is followed through both.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, TensorVal, TorchLayer
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RUNNING_STATS = frozenset({"running_mean", "running_var", "num_batches_tracked"})
# layer -> whether it tracks running statistics when not told (torch's defaults)
TRACKS_BY_DEFAULT = {
    **{f"BatchNorm{n}d": True for n in (1, 2, 3)},
    "SyncBatchNorm": True,
    **{f"InstanceNorm{n}d": False for n in (1, 2, 3)},
}
CHECK_INPUT = "_check_input_dim"


def is_norm(layer: Any) -> bool:
    return isinstance(layer, TorchLayer) and layer.spec is not None and layer.type_name in TRACKS_BY_DEFAULT


def buffer(layer: TorchLayer, name: str) -> Any:
    """``layer.running_mean``: a (num_features,) tensor, None when not tracked, unknown when not known."""
    tracks = layer.args.get("track_running_stats", TRACKS_BY_DEFAULT[layer.type_name])
    if tracks is False:
        return None
    features = layer.args.get("num_features")
    if tracks is not True or type(features) is not int:
        return UNKNOWN
    if name == "num_batches_tracked":
        return TensorVal(Shape(), integer=True)
    return TensorVal(Shape(features))


def input_checked(layer: TorchLayer, x: Any) -> bool:
    """``_check_input_dim(x)`` passes: ``x``'s rank is one the layer takes (torch raises ValueError otherwise)."""
    rank = x.shape.rank if isinstance(x, TensorVal) else None
    ranks = layer.spec.ranks if layer.spec is not None else None
    return rank is not None and bool(ranks) and rank in ranks


def refused(layer: TorchLayer, x: Any) -> str | None:
    """Why ``_check_input_dim(x)`` surely raises (``x``'s rank known and not one the layer takes), or None."""
    rank = x.shape.rank if isinstance(x, TensorVal) else None
    ranks = layer.spec.ranks if layer.spec is not None else None
    if rank is None or not ranks or rank in ranks:
        return None
    wanted = " or ".join(f"{r}-D" for r in ranks)
    said = f"{layer.type_name} expects a {wanted} input but receives a {rank}-D input {x.shape}"
    return f"{said}: its _check_input_dim raises"


def check_input(interp: Any, layer: TorchLayer, x: Any, node: Any) -> Any:
    """``self._check_input_dim(x)``: None where it passes; where it surely raises ValueError, CNL006 there (the
    rest of forward never runs); where the rank is not known, following stops."""
    if input_checked(layer, x):
        return None
    forward = interp.session.forward
    wrong = refused(layer, x)
    if wrong is not None:
        forward.op_error(interp, ShapeError("CNL006", wrong), node, layer.type_name)
    else:
        forward.stop(interp, node, f"shape following stops here: {CHECK_INPUT}(...) may raise")
    return UNKNOWN
