"""Follow a shape through a chain of layers: the engine's one entry point."""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.records import dataclass, field, replace
from cnnlint.shapes.dims import UNKNOWN, Shape, format_shape
from cnnlint.shapes.spec import Args, Count, Finding, Layer, LayerSpec, ShapeError

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.model import Span

MAX_DEPTH = 200  # nested Sequentials deeper than this are left unknown, never a RecursionError


@dataclass
class Step:
    """One layer's record in a trace. Containers come before their children."""

    layer: Layer
    depth: int
    in_shape: Shape
    out_shape: Shape
    params: Count = 0
    macs: Count = 0
    findings: list[Finding] = field(default_factory=list)
    stopped: bool = False  # shape following stopped here (unknown layer or error)
    # Where this step's call is written in forward (``self.conv1(x)``), for hover and inlay hints;
    # None when the front end does not record it (then the language server recovers it itself).
    call_span: Span | None = None


@dataclass
class Trace:
    steps: list[Step]
    output: Shape

    @property
    def findings(self) -> list[tuple[Step, Finding]]:
        return [(s, f) for s in self.steps for f in s.findings]

    @property
    def complete(self) -> bool:
        """True when every layer was followed and nothing is unknown in the totals."""
        return not any(s.stopped for s in self.steps)


def _add(a: Count, b: Count) -> Count:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return a + b  # type: ignore[operator]


def _first_fixed_rank(layers: Sequence[Layer], depth: int = 0) -> int | None:
    for layer in layers:
        if layer.children is not None:
            if depth < MAX_DEPTH:
                found = _first_fixed_rank(layer.children, depth + 1)
                if found is not None:
                    return found
            continue
        if layer.spec is not None and layer.spec.ranks:
            return layer.spec.batched_rank
        if layer.spec is None:
            return None
    return None


def batched_for(layers: Sequence[Layer], shape: Shape) -> bool | None:
    """SPEC §2: an input is batched when its rank is the first fixed-rank layer's batched rank."""
    rank = shape.rank
    first = _first_fixed_rank(layers)
    if rank is None or first is None:
        return None
    return rank == first


def propagate(layers: Sequence[Layer], shape: Shape | None = None) -> Trace:
    """Run ``shape`` through ``layers``; ``None`` means no input was declared."""
    start = shape if shape is not None else Shape.unknown()
    batched = batched_for(layers, start)
    steps: list[Step] = []
    out = _run(layers, start, 0, batched, steps)
    return Trace(steps, out)


def _run(layers: Sequence[Layer], shape: Shape, depth: int, batched: bool | None, steps: list[Step]) -> Shape:
    for layer in layers:
        shape = _step(layer, shape, depth, batched, steps)
    return shape


def _step(layer: Layer, shape: Shape, depth: int, batched: bool | None, steps: list[Step]) -> Shape:
    out = _one_step(layer, shape, depth, batched, steps)
    if layer.extra_params:
        step = steps[-1] if layer.children is None else None
        if step is not None and step.params is not UNKNOWN:
            step.params = _add(step.params, layer.extra_params)
    return out


def _one_step(layer: Layer, shape: Shape, depth: int, batched: bool | None, steps: list[Step]) -> Shape:
    if layer.children is not None:
        step = Step(layer, depth, shape, shape)
        steps.append(step)
        if depth >= MAX_DEPTH:
            step.findings.append(Finding("CNL100", "nested Sequentials too deep to follow"))
            step.stopped = True
            step.out_shape = Shape.unknown()
            step.params = step.macs = UNKNOWN
            return step.out_shape
        first = len(steps)
        out = _run(layer.children, shape, depth + 1, batched, steps)
        step.out_shape = out
        for child in steps[first:]:
            if child.depth == depth + 1:
                step.params = _add(step.params, child.params)
                step.macs = _add(step.macs, child.macs)
        return out

    spec = layer.spec
    step = Step(layer, depth, shape, Shape.unknown())
    steps.append(step)
    key = _memo_key(layer, shape, batched) if spec is not None and layer.bind_error is None else None
    if key is not None:
        known = _MEMO.get(key)
        if known is not None:
            step.out_shape, findings, step.stopped, step.params, step.macs = known
            step.findings.extend(findings)
            return step.out_shape
        out = _leaf(step, spec, layer.args, shape, batched)  # type: ignore[arg-type]
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = (out, tuple(step.findings), step.stopped, step.params, step.macs)
        return out
    if layer.bind_error is not None:
        step.findings.append(layer.bind_error)
        step.stopped = True
        step.params = step.macs = UNKNOWN
        return step.out_shape
    if spec is None:
        step.findings.append(Finding("CNL100", f"shape following stops here: {layer.note or 'unknown layer'}"))
        step.stopped = True
        step.params = step.macs = UNKNOWN
        return step.out_shape
    return _leaf(step, spec, layer.args, shape, batched)


def _leaf(step: Step, spec: LayerSpec, args: Args, shape: Shape, batched: bool | None) -> Shape:
    """One catalogue layer on one input: pure in (spec, args, shape, batched), hence memoised."""
    try:
        spec.check(args)
    except ShapeError as err:
        step.findings.append(err.finding)
        step.stopped = True
        step.params = step.macs = UNKNOWN
        return step.out_shape
    if not spec.chainable:
        step.findings.append(Finding("CNL100", f"{spec.name} takes more than one input: shape following stops here"))
        step.stopped = True
        step.params = _safe_count(spec.count_params, args, shape)
        step.macs = UNKNOWN
        return step.out_shape

    rank_error = _rank_error(spec.name, spec.ranks, shape, batched)
    if rank_error is not None:
        step.findings.append(rank_error)
        step.stopped = True
        step.params = _safe_count(spec.count_params, args, shape)
        step.macs = UNKNOWN
        return step.out_shape

    try:
        out = spec.infer(args, shape)
    except ShapeError as err:
        passes_input = err.recovered is shape
        step.findings.append(replace(err.finding, passes_input=True) if passes_input else err.finding)
        out = err.recovered if err.recovered is not None else Shape.unknown()
        step.stopped = err.recovered is None
        step.out_shape = out
        step.params = _safe_count(spec.count_params, args, shape)
        step.macs = _safe_macs(spec, args, shape, out) if err.train_only else UNKNOWN
        return out
    step.out_shape = out
    step.findings.extend(spec.lint(args, shape))
    step.params = _safe_count(spec.count_params, args, shape)
    step.macs = _safe_macs(spec, args, shape, out)
    return out


def _safe_macs(spec: LayerSpec, args: Args, shape: Shape, out: Shape) -> Count:
    try:
        return spec.macs(args, shape, out)
    except (ShapeError, ArithmeticError, TypeError, ValueError):
        return UNKNOWN


# Real models repeat the same layer on the same input many times (blocks, stages, editor re-checks).
MEMO_SIZE = 8192
_MEMO: dict[tuple, tuple[Shape, tuple[Finding, ...], bool, Count, Count]] = {}
_SCALARS = (int, float, str, bool, type(None))


def _frozen(value: Any, depth: int = 0) -> Any:
    """A hashable stand-in that keeps types apart (``True`` is not ``1`` to torch); None when there is none."""
    if isinstance(value, _SCALARS):
        return (type(value), value)
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= 16:
        items = tuple(_frozen(v, depth + 1) for v in value)
        return None if None in items else (type(value), items)
    return None


def _memo_key(layer: Layer, shape: Shape, batched: bool | None) -> tuple | None:
    args = []
    for name, value in layer.args.items():
        frozen = _frozen(value)
        if frozen is None:
            return None
        args.append((name, frozen))
    dims = _frozen(shape.dims)
    if dims is None:
        return None
    return (id(layer.spec), tuple(args), dims, shape.open, shape.note, batched)


def _safe_count(fn, args, shape) -> Count:  # type: ignore[no-untyped-def]
    try:
        return fn(args, shape)
    except (ShapeError, ArithmeticError, TypeError, ValueError):
        return UNKNOWN


def _rank_error(name: str, ranks: tuple[int, ...] | None, shape: Shape, batched: bool | None) -> Finding | None:
    if not ranks:
        return None
    accepted = " or ".join(f"{r}-D" for r in sorted(ranks))
    if shape.rank is None:
        if shape.min_rank > max(ranks):
            return Finding(
                "CNL006",
                f"{name} expects a {accepted} input but receives at least {shape.min_rank}-D {format_shape(shape)}",
            )
        return None
    rank = shape.rank
    if rank not in ranks:
        return Finding("CNL006", f"{name} expects a {accepted} input but receives {rank}-D {format_shape(shape)}")
    batched_rank = max(ranks)
    if batched and rank < batched_rank:
        return Finding(
            "CNL006",
            f"{name} expects a batched {batched_rank}-D input but receives {rank}-D {format_shape(shape)}"
            " (torch would read it as one unbatched sample)",
        )
    return None
