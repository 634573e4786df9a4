"""Input-free checking of sequence models: the input goes first into an RNN/LSTM/GRU or an Embedding.

That first layer fixes every size but the batch and the length: an RNN takes ``(B, T, input_size)``
(``batch_first``) or ``(T, B, input_size)``, an Embedding integer indices ``(B, T)``. The length stays
a symbol ``T``: an RNN's output and state do not depend on it, and the engine never reports an error
on a size it does not know, so what the model meets at ``(B, T, F)`` fails at every length. The model
is then followed with that input as if it were declared, every error reported where it fails. Only
when following stops on the length itself (a Flatten of ``(B, T, H)`` into a Linear) is ``T`` searched
like an image size (``inputsearch``'s bisection, each size a map monotone in ``T``): no length working
is CNL013, one length working is the input followed.

An RNN's rank is the batched one (SPEC §2, as for images). An Embedding takes indices of any rank: its
errors are claimed only when ``(B,)`` and ``(B, T, K)`` fail for certain too.
"""

from __future__ import annotations

from cnnlint.interpret.search_core import (
    BATCH,
    Accepted,
    Run,
    Search,
    Unknown,
    linear_features,
    nearest_misses,
    upper_bound,
)
from cnnlint.interpret.values import TensorVal
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.shapes.propagate import Step
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LENGTH = "T"
RECURRENT = ("RNN", "LSTM", "GRU")
_START = 100  # the first length tried when the length is searched
_RESHAPING = ("Flatten", "Linear", "Unflatten")


def template(steps: list[Step]) -> tuple[tuple, bool] | None:
    """(the input with its length a symbol, integer indices) for a model whose first layer is a sequence one."""
    layer = _first(steps)
    if layer is None:
        return None
    if layer.spec.name == "Embedding":
        return (BATCH, LENGTH), True
    features, batch_first = layer.args.get("input_size"), layer.args.get("batch_first")
    if not is_known(features) or batch_first not in (True, False):
        return None
    return ((BATCH, LENGTH, features) if batch_first else (LENGTH, BATCH, features)), False


def _first(steps: list[Step]) -> Any:
    """The first layer the input meets, when it is an Embedding or an RNN (layers of any rank before it pass
    the input on unchanged, as ``inputsearch.first_layer`` has it)."""
    for s in steps:
        layer = s.layer
        if layer.children is not None:
            continue
        spec = layer.spec
        if spec is None or getattr(s, "op", False):
            return None
        if spec.name == "Embedding" or spec.name in RECURRENT:
            return layer
        if spec.ranks or spec.name in _RESHAPING:
            return None
    return None


def _fed(steps: list[Step], fed: Shape) -> bool:
    """The first Embedding or RNN receives the candidate as fed: the guess was the model's input."""
    for s in steps:
        layer = s.layer
        if layer.children is None and layer.spec is not None and layer.spec.name in ("Embedding", *RECURRENT):
            return s.in_shape == fed
    return False


def search(session: Any, obj: Any, steps: list[Step], extra: list[Any], work: int, thorough: bool) -> Accepted:
    """What a sequence model accepts (``inputsearch.search`` for a model whose first layer is not a conv)."""
    found = template(steps)
    if found is None:
        return Accepted("unknown")
    shape, integer = found

    def make(sizes: tuple) -> TensorVal:
        return TensorVal(Shape(*(sizes[0] if d == LENGTH else d for d in shape)), integer=integer)

    finder = Search(session, obj, extra, 0, 1, work, make=make, fed=_fed)
    said = {"template": shape, "integer": integer}
    try:
        symbolic = finder.run((LENGTH,))
        if symbolic.errors:  # at every length: followed with the symbol, each error reported where it fails
            if integer and not _rank_pinned(session, obj, extra, work):
                raise Unknown
            return Accepted("none", (LENGTH,), follow=shape, runs=finder.runs, **said)
        return _searched(finder, session, obj, extra, work, thorough, said, symbolic.ok)
    except Unknown:
        return Accepted("unknown", runs=finder.runs)
    finally:
        session.work = 0


def _searched(
    finder: Search, session: Any, obj: Any, extra: list[Any], work: int, thorough: bool, said: dict, ok: bool
) -> Accepted:
    """The length searched as a size: a symbolic run without an error proves no length works (a Flatten of
    ``(B, T, H)`` into a Linear leaves ``T x H`` unknown). ``ok``: that run went to the end, so the model is
    followed with the symbol where no one length is the answer (the shapes are shown, nothing claimed)."""
    top = upper_bound(1)
    shape = said["template"]
    try:
        length, probes = finder.find_valid(1, top, _START)
    except Unknown:
        if not ok:
            raise
        return Accepted("unknown", (LENGTH,), follow=shape, runs=finder.runs, **said)
    if length is None:
        if said["integer"] and not _rank_pinned(session, obj, extra, work):
            raise Unknown
        finding, call = _none(finder, probes)
        return Accepted("none", (LENGTH,), finding=finding, call=call, runs=finder.runs, **said)
    if not thorough:
        return Accepted("some", (LENGTH,), follow=shape if ok else None, runs=finder.runs, **said)
    lo, hi = finder.edge(length, 1, finder.sizes), finder.edge(length, top, finder.sizes)
    follow = tuple(lo if d == LENGTH else d for d in shape) if lo == hi else shape if ok else None
    return Accepted("some", (LENGTH,), ((lo, hi),), follow=follow, runs=finder.runs, **said)


def _rank_pinned(session: Any, obj: Any, extra: list[Any], work: int) -> bool:
    """Embedding indices of rank 1 and 3 fail for certain too: the ``(B, T)`` guess is the only rank left."""
    for dims in ((BATCH,), (BATCH, LENGTH, "K")):
        make = lambda _s, d=dims: TensorVal(Shape(*d), integer=True)  # noqa: E731
        other = Search(session, obj, extra, 0, 1, work, make=make, fed=_fed)
        try:
            if not other.run(("rank",)).errors:
                return False
        except Unknown:
            return False
    return True


def _none(finder: Search, probes: list[tuple[int, Run]]) -> tuple[Finding, Any]:
    """CNL013 at the Linear every length misses: the features it receives grow with the length."""
    below, above = nearest_misses(finder, probes)
    step, finding = above[1].errors[0]
    got_above, want = linear_features(step, finding)
    call = step.layer.origin
    got_below = None
    if below is not None:
        b_step, b_finding = below[1].errors[0]
        if b_finding.code == "CNL001" and b_step.layer.origin is call:
            got_below = linear_features(b_step, b_finding)[0]
    if below is not None and got_below is not None:
        trail = f"lengths up to {below[0]} give {got_below} and from {above[0]} give {got_above}"
    else:
        low = f"up to {below[0]} " if below is not None else ""
        trail = f"lengths {low}stop at an earlier layer and from {above[0]} give {got_above}"
    message = f"{step.layer.type_name} expects in_features={want}, but no sequence length T gives it: {trail}"
    return Finding("CNL013", message), call
