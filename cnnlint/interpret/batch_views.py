"""CNL012: ``x.view(-1, n)`` / ``x.reshape(-1, n)`` whose rows straddle samples, so the batch changes silently.

Split from ``forward.py``: the check reads the recording (the model's batch) and says so through its note.
"""

from __future__ import annotations

from cnnlint.interpret.values import TensorVal
from cnnlint.shapes.dims import Shape, format_shape, is_known
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def batch_mixing_view(forward: Any, interp: Any, before: TensorVal, target: list[Any], node: Any, name: str) -> None:
    """``x.view(-1, 400)`` where a sample holds 256 elements: rows straddle samples (CNL012).

    Only on the model's batch (dim 0 equal to the batched input's), with every size known; when
    the element count does not divide at all, torch raises and the engine reports that instead.
    """
    rec = forward.recording
    shape = before.shape
    if rec is None or rec.batched is not True or rec.batch is None or before.tainted:
        return
    if shape.rank is None or shape.rank < 2 or len(target) < 2 or target[0] != -1 or shape.dims[0] != rec.batch:
        return
    rest = target[1:]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in rest):
        return
    per_sample = Shape(*shape.dims[1:]).numel()
    if not is_known(per_sample) or per_sample == 0:
        return
    row = 1
    for v in rest:
        row *= v
    if per_sample % row == 0:
        return  # each sample splits into whole rows: the batch is kept (or multiplied on purpose)
    batch = shape.dims[0]
    if is_known(batch) and (batch * per_sample) % row:
        return  # torch raises: an error reported by the engine
    rows = f"{batch * per_sample // row} rows" if is_known(batch) else f"{batch} x {per_sample}/{row} rows"
    text = forward.session.text_of(interp, node) if node is not None else f"{name}(-1, ...)"
    forward.note(
        interp,
        Finding(
            "CNL012",
            f"{text} mixes samples: a sample of {format_shape(Shape(*shape.dims[1:]))} holds {per_sample} "
            f"elements, not a multiple of {row}, so the batch of {batch} becomes {rows}; "
            f"keep the batch with .{name}(x.size(0), -1) or fix the size",
        ),
        node,
        name,
    )
