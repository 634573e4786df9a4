"""Input-free checking (issue 12): which input sizes a model without a declared input accepts.

Each unknown spatial size is a variable. The model is followed by the
interpreter itself with candidate inputs ``(B, C, s, ...)`` (``C`` from the
first fixed-rank layer, the batch symbolic as SPEC §2 assumes), so every size
comes from the engine's own formulas. Those per-dim maps (floor divisions,
padding, dilation, ``ceil_mode``, transposed convs, upsampling) are monotone
in the input size, so a failure has a direction: an output below 1 wants a
larger input; a Linear that receives more features than it expects wants a
smaller one. Bisection on that direction finds a valid size, or proves that
none exists (CNL013); bisection on validity then finds the valid interval,
first for square inputs, then per dim. A failure without a direction (a
concatenation of two branches, an unknown layer), or the run/work budget,
leaves the answer unknown: no finding. A model whose input goes first into an
Embedding or an RNN is a sequence model (``seqsearch``); the machinery both
share is ``search_core``.
"""

from __future__ import annotations

from cnnlint.interpret import seqsearch
from cnnlint.interpret.search_core import (
    BATCH,
    CHECK_WORK,
    MAX_RUNS,
    THOROUGH_WORK,
    WARNINGS,
    Accepted,
    nearest_misses,
    upper_bound,
)
from cnnlint.interpret.search_core import Run as _Run
from cnnlint.interpret.search_core import Search as _Search
from cnnlint.interpret.search_core import Unknown as _Unknown
from cnnlint.interpret.search_core import linear_features as _linear_features
from cnnlint.interpret.search_core import too_small as _too_small
from cnnlint.shapes.dims import is_known
from cnnlint.shapes.propagate import Step
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["BATCH", "CHECK_WORK", "ENABLED", "MAX_RUNS", "THOROUGH_WORK", "Accepted", "search", "drop_repeated"]

ENABLED = True  # the switch the benchmark times with and without
_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def first_layer(steps: list[Step]) -> tuple[int, int] | None:
    """(channels, batched rank) of the first layer with a fixed rank, when it fixes its channels."""
    for s in steps:
        layer = s.layer
        if layer.children is not None:
            continue
        spec = layer.spec
        if spec is None:
            return None
        if not spec.ranks:
            if getattr(s, "op", False) or spec.name in ("Flatten", "Linear", "Unflatten"):
                return None
            continue
        rank = spec.batched_rank
        channels = next((layer.args[k] for k in ("in_channels", "num_features") if k in layer.args), None)
        if rank is None or rank < 3 or rank > 5 or not is_known(channels):
            return None
        return channels, rank
    return None


def search(session: Any, obj: Any, steps: list[Step], extra: list[Any], thorough: bool, work: int = 0) -> Accepted:
    """The accepted sizes of a model followed without an input (``steps``: that run).

    ``thorough`` False (``check``): stop at the first valid size, since only
    "none" is reported; True (summary, editor): the valid ranges too.
    ``work``: what the run without an input cost (a bigger model is not searched).
    """
    if any(f.code not in WARNINGS for s in steps for f in s.findings):
        return Accepted("unknown")  # a certain error already: the search would only find it again
    if work > (THOROUGH_WORK if thorough else CHECK_WORK):
        return Accepted("unknown")  # too big to search within the budget
    if any(s.stopped and "not resolvable" not in (s.layer.note or "") for s in steps):
        return Accepted("unknown")  # an unknown layer stops every candidate too: nothing to learn, only cost
    first = first_layer(steps)
    if seqsearch.template(steps) is not None:  # an Embedding or RNN first (a text CNN's conv comes after it)
        found = seqsearch.search(session, obj, steps, extra, THOROUGH_WORK if thorough else CHECK_WORK, thorough)
        if found.status != "unknown" or found.follow is not None or first is None:
            return found
    if first is None:
        return Accepted("unknown")
    channels, rank = first
    spatial = rank - 2
    top = upper_bound(spatial)
    names = _NAMES[spatial]
    budget = THOROUGH_WORK if thorough else CHECK_WORK
    finder = _Search(session, obj, extra, channels, spatial, budget)
    try:
        certain = _symbolic_error(finder, names)
        if certain is not None:
            return Accepted("none", names, channels=channels, finding=certain[1], call=certain[0].layer.origin)
        session.size_hints.clear()
        try:
            found, probes = finder.find_valid(1, top, 224 if spatial > 1 else 16_000)
        except _Unknown:
            found, probes = _from_hints(finder, session.size_hints, top), []
            if found is None:
                raise
        if found is None:
            return _none(finder, probes, names, channels)
        if not thorough:
            return Accepted("some", names, (), None, channels, runs=finder.runs)
        square = (finder.edge(found, 1, finder.sizes), finder.edge(found, top, finder.sizes))
        ranges = []
        for i in range(spatial):

            def along(s: int, i: int = i) -> tuple[int, ...]:
                return tuple(s if j == i else found for j in range(spatial))

            ranges.append((finder.edge(found, 1, along), finder.edge(found, top, along)))
        return Accepted("some", names, tuple(ranges), square, channels, runs=finder.runs)
    except _Unknown:
        return Accepted("unknown", runs=finder.runs)
    finally:
        session.work = 0


def _from_hints(finder: _Search, hints: set[int], top: int) -> int | None:
    """A size the model's own failed asserts compared against (``assert H == self.img_size``) that a run
    proves valid: the search has no direction to follow where an assert fails (torch's AssertionError)."""
    for hint in sorted(h for h in hints if h <= top)[:4]:
        if finder.run(finder.sizes(hint)).ok:
            return hint
    return None


def _symbolic_error(finder: _Search, names: tuple[str, ...]) -> tuple[Step, Finding] | None:
    """An error at every input size: the model followed on ``(B, C, H, W)`` with the sizes left as symbols.

    ``AdaptiveAvgPool2d(1), Flatten(), Linear(65, ...)`` after 64 channels fails whatever the size; the
    bisection cannot see it (every size looks too small, up to a bound that is ours), the symbols can.
    The engine never reports an error on a dimension it does not know, so what it reports here holds
    for every size.
    """
    run = finder.run(names)  # type: ignore[arg-type]
    return run.errors[0] if run.errors else None


def _none(finder: _Search, probes: list[tuple[int, _Run]], names: tuple[str, ...], channels: int) -> Accepted:
    """CNL013 at the layer where the last candidates failed, naming the constraint.

    The bisection ran over square inputs; a certain "none" also needs every
    non-square one to fail: the spatial sizes reaching Flatten must multiply
    to ``in_features / C``, and each factorisation is looked for along its
    own dim (each per-dim map is monotone, so one bisection per value).
    """
    below, above = nearest_misses(finder, probes)
    step, finding = above[1].errors[0]
    got_above, want = _linear_features(step, finding)
    call = step.layer.origin
    layer_name = step.layer.type_name
    merged = _flattened(above[1].steps, step, finder.spatial)
    if merged is None:
        if finder.spatial > 1 and step.in_shape.rank != finder.spatial + 2:
            raise _Unknown  # the features are made some other way: the square search proves nothing
        per_dim = None
    else:
        reach, _ = merged
        if want % reach:
            message = (
                f"{layer_name} expects in_features={want}, which is not a multiple of the {reach} channels that "
                f"reach Flatten: no batched input size can work"
            )
            return Accepted("none", names, channels=channels, finding=Finding("CNL013", message), call=call)
        per_dim = want // reach
        if finder.spatial > 1 and _factorable(finder, per_dim, call, above[0]):
            raise _Unknown  # a non-square input gives the right product (or the search could not tell)
    got_below = None
    if below is not None:
        b_step, b_finding = below[1].errors[0]
        if b_finding.code == "CNL001" and b_step.layer.origin is call:
            got_below = _linear_features(b_step, b_finding)[0]
    joined = " x ".join(names)
    what = f" = {merged[0]} x {joined} after Flatten" if merged is not None else f" on the last dim {names[-1]}"
    lead = f"{layer_name} expects in_features={want}{what}"
    need = f"{joined} = {per_dim}" if merged is not None else "it"
    if got_below is not None and below is not None:
        low, high = _square(below[0], names), _square(above[0], names)
        trail = f"inputs up to {low} give {got_below} and from {high} give {got_above}"
    else:
        low = f"up to {_square(below[0], names)} " if below is not None else ""
        trail = f"inputs {low}stop at an earlier layer and from {_square(above[0], names)} give {got_above}"
    message = f"{lead}, but no batched input size gives {need}: {trail}"
    return Accepted("none", names, channels=channels, finding=Finding("CNL013", message), call=call)


def _square(s: int, names: tuple[str, ...]) -> str:
    return "x".join([str(s)] * len(names))


def _flattened(steps: list[Step], linear: Step, spatial: int) -> tuple[int, int] | None:
    """(channels, index) of the step that merged ``(B, C, *spatial)`` into the features ``linear`` receives."""
    try:
        at = next(i for i, s in enumerate(steps) if s is linear)
    except StopIteration:
        return None
    got = linear.in_shape.dims[-1] if linear.in_shape.dims else None
    for i in range(at - 1, -1, -1):
        s = steps[i]
        if s.layer.children is not None:
            continue
        dims, out = s.in_shape.dims, s.out_shape.dims
        if s.in_shape.open or s.out_shape.open or len(dims) != spatial + 2 or len(out) != 2:
            continue
        if out[-1] == got and is_known(dims[1], *dims[2:]) and dims[1] * _prod(dims[2:]) == got:
            return dims[1], i
        return None
    return None


def _prod(values: Any) -> int:
    n = 1
    for v in values:
        n *= v
    return n


def _factorable(finder: _Search, target: int, call: Any, base: int) -> bool:
    """Whether some sizes (a, b, ...) with product ``target`` are each reached along their own dim."""
    memo: dict[tuple[int, int], bool] = {}

    def value(i: int, x: int) -> int | None:
        sizes = tuple(x if j == i else base for j in range(finder.spatial))
        run = finder.run(sizes)
        for step, finding in run.errors:
            if step.layer.origin is call:
                merged = _flattened(run.steps, step, finder.spatial)
                if merged is None:
                    raise _Unknown
                return step_dims(run.steps[merged[1]])[i]
            if not _too_small(finding):
                raise _Unknown
            return None  # stops earlier: too small
        raise _Unknown  # valid along this line: a factorisation works

    def step_dims(s: Step) -> tuple:
        return s.in_shape.dims[2:]

    def reached(i: int, a: int) -> bool:
        if (i, a) not in memo:
            lo, hi = 1, upper_bound(finder.spatial)
            while lo < hi:  # the smallest input whose size at Flatten is >= a
                mid = (lo + hi) // 2
                v = value(i, mid)
                if v is None or v < a:
                    lo = mid + 1
                else:
                    hi = mid
            v = value(i, lo)
            memo[(i, a)] = v == a
        return memo[(i, a)]

    def split(i: int, rest: int) -> bool:
        if i == finder.spatial - 1:
            return reached(i, rest)
        return any(rest % a == 0 and reached(i, a) and split(i + 1, rest // a) for a in range(1, rest + 1))

    if target > 10_000:
        raise _Unknown
    return split(0, target)


def drop_repeated(found: Any) -> None:
    """CNL013 says nothing new at a layer where a model with a declared input already has an error."""
    places = {
        (s.layer.origin.span.start.row, s.layer.origin.span.start.column)
        for _, trace, *_ in found.models
        for s in trace.steps
        if any(f.code not in WARNINGS for f in s.findings) and getattr(s.layer.origin, "span", None) is not None
    }
    found.construction = [
        (call, f)
        for call, f in found.construction
        if f.code != "CNL013" or (call.span.start.row, call.span.start.column) not in places
    ]
