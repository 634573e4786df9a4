"""Never silent: a torch call that turns known tensors into an unknown one says so (a CNL100 note).

Every op that cannot work out its result should stop following with its own
reason; many return an unknown tensor quietly instead (an argument that could
not be resolved, a function cnnlint does not model, ``x.chunk(n)`` with ``n``
unknown). Then the model was reported "followed to the end" with an output of
"?" and nothing said why. This guard sits where the interpreter calls torch
(``torch.X(...)``, ``F.X(...)``, ``x.X(...)``): when every tensor the call
was given had a known rank, the result is unknown and nothing was recorded
while the call ran, the call is where following stopped.

An input already unknown is not noted again (the cause is upstream and said
there), nor anything in a run whose input is unknown (the model's own run
without an input size: ``x.shape[0]`` is unknown there by design); a tainted
input follows an error that was reported; nothing is noted in a scratch run or
after the code raised. One note per call site and run.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.tensor_names import _NOT_OPS
from cnnlint.interpret.values import UNKNOWN, ListVal, TensorVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Functions and methods whose result is tensors (or tuples of them): an unknown value from one is a lost
# tensor. Any other torch function may give a number or a flag (``torch.numel``, ``x.item()``).
_GIVES_TENSORS = frozenset({"chunk", "split", "unbind", "tensor_split", "split_with_sizes", "hsplit", "vsplit"})


def before(session: Any) -> int | None:
    """What the recording holds before the call (None: nothing is being recorded)."""
    rec = session.forward.recording
    return len(rec.steps) if rec is not None else None


def after(session: Any, interp: Any, name: str, inputs: list[Any], result: Any, node: Any, mark: int | None) -> None:
    """A CNL100 at ``node`` when the call lost the shape of known inputs without saying so."""
    rec = session.forward.recording
    if mark is None or rec is None or rec.scratch or rec.raised or len(rec.steps) != mark:
        return
    if rec.input_rank is None:  # a run without an input size: what it leaves unknown comes from the input
        return
    if not _lost(name, result) or not _all_known(inputs, rec.stops):
        return
    noted = rec.__dict__.setdefault("silent_noted", set())
    if id(node) in noted:
        return
    noted.add(id(node))
    why = ": an argument could not be resolved" if any(v is UNKNOWN for v in _flat(inputs)) else ""
    said = f"shape following stops here: {_shown(session, interp, name, node)} is not followed{why}"
    session.forward.stop(interp, node, said)


def _shown(session: Any, interp: Any, name: str, node: Any) -> str:
    """The call as written (``x.chunk``), else torch's name (``F.unfold``)."""
    if isinstance(node, ast.Call):
        return session.text_of(interp, node.func)
    return name.replace("torch.nn.functional.", "F.")


def _lost(name: str, result: Any) -> bool:
    """An unknown tensor, a tuple holding one, or an unknown value where a tensor was due; never from a call
    that gives no tensor (``x.item()``, ``torch._assert_async(c)``)."""
    short = name.removesuffix("(...)").rsplit(".", 1)[-1]
    if short in _NOT_OPS:
        return False
    if isinstance(result, TensorVal):
        return result.shape.rank is None
    if isinstance(result, tuple):
        return any(isinstance(r, TensorVal) and r.shape.rank is None for r in result)
    if result is UNKNOWN:
        return name.startswith("torch.nn.functional.") or short in _GIVES_TENSORS
    return False


def _flat(values: list[Any]) -> list[Any]:
    """The arguments, one level into lists and tuples (``torch.cat([a, b])``); an uncertain list is unknown."""
    found: list[Any] = []
    for v in values:
        if isinstance(v, ListVal):
            found.extend([UNKNOWN] if v.uncertain else v.items)
        elif isinstance(v, tuple):
            found.extend(v)
        else:
            found.append(v)
    return found


def _all_known(inputs: list[Any], stops: int) -> bool:
    """At least one tensor, every one of a known rank and none carrying an error already reported. An
    unknown argument may be a tensor lost where a note already said so: only before any stop is it the
    cause (``x.chunk(int(np.ceil(B / 128)))``: a number nothing else mentions)."""
    values = _flat(inputs)
    if stops and any(v is UNKNOWN for v in values):
        return False
    tensors = [v for v in values if isinstance(v, TensorVal)]
    return bool(tensors) and all(t.shape.rank is not None and not t.tainted for t in tensors)
