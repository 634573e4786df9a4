"""The forward steps two branches of an unknown condition recorded, joined as one run would have them.

timm's LiteMLA runs ``self._attn(q, k, v)`` under ``if not torch.jit.is_scripting() and
v.device.type != 'meta':`` and again in the ``else``: the device is unknown, both branches run, and
each records the same two matmuls. Counted twice, the model's MACs were 1.7% over torch's. Two
branches that recorded the same steps are one: the second copy is dropped. Where they differ, only
one of them runs, which one is unknown: their MACs are unknown, never the sum.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def join_steps(steps: list[Any], start: int, middle: int) -> None:
    """``steps[start:middle]`` came from the first branch, ``steps[middle:]`` from the second."""
    first, second = steps[start:middle], steps[middle:]
    if not second and not first:
        return
    # An operation's error met in a branch (``Forward.op_error``) records a step of its own, which does not make
    # the branches differ: whether both meet it is asked on its own.
    shown_a = [s for s in first if not _op_error(s)]
    shown_b = [s for s in second if not _op_error(s)]
    if [_key(s) for s in shown_a] == [_key(s) for s in shown_b]:
        for a, b in zip(shown_a, shown_b):  # an error met in one branch only is not certain
            if _pending(a) != _pending(b):
                a.__dict__.pop("pending", None)
        _keep_if_both_meet(first, second)
        del steps[middle:]
        return
    # Branches that differ but meet the same error first (an RNN given the wrong state, on the whole batch in
    # one and on its first step in the other): it is certain whichever runs, and said where each meets it.
    meets_a = next((s for s in first if _pending(s)), None)
    meets_b = next((s for s in second if _pending(s)), None)
    same_error = meets_a is not None and meets_b is not None and _pending(meets_a) == _pending(meets_b)
    for step in first + second:
        if not (same_error and (step is meets_a or step is meets_b)):
            step.__dict__.pop("pending", None)
        if step.macs:  # (0 stays 0: a layer without multiply-accumulates has none in either branch)
            step.macs = UNKNOWN_DIM


def _keep_if_both_meet(first: list[Any], second: list[Any]) -> None:
    """Alike branches: the first branch's operation error stays pending only if the other meets it too."""
    errors_a = [s for s in first if _op_error(s)]
    errors_b = [s for s in second if _op_error(s)]
    both = bool(errors_a and errors_b) and _pending(errors_a[0]) == _pending(errors_b[0])
    for step in errors_a[1:] if both else errors_a:
        step.__dict__.pop("pending", None)


def _op_error(step: Any) -> bool:
    return step.__dict__.get("op_error", False)


def _key(step: Any) -> tuple:
    layer = step.layer
    return (
        step.depth,
        getattr(layer, "type_name", None),
        getattr(layer, "note", None),
        repr(step.in_shape),
        repr(step.out_shape),
        repr(step.macs),
        repr(step.params),
        tuple(f.code for f in step.findings),
    )


def _pending(step: Any) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in step.__dict__.get("pending", ())]
