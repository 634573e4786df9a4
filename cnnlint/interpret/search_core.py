"""The search machinery input-free checking shares (``inputsearch`` for images, ``seqsearch`` for
sequences): candidate runs through the interpreter, the direction a failure points to, bisection.

A candidate is followed by the interpreter itself, so every size comes from the engine's own formulas;
a failure with a direction (an output below 1 wants a larger input, a Linear receiving more features
than it expects a smaller one) drives a bisection; a failure without one, or the run/work budget,
is ``Unknown``: no claim.
"""

from __future__ import annotations

from collections.abc import Callable

from cnnlint.interpret import limits
from cnnlint.interpret.values import TensorVal
from cnnlint.records import dataclass, field
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.shapes.propagate import Step
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BATCH = "B"
MAX_RUNS = 400  # forwards per model, all searches together (a small model runs one in ~1 ms)
# Evaluated nodes one candidate's forward (and the model's own run without an input) may cost: a
# bigger model is left unknown. ``check`` must stay fast on trees of big released models (the
# benchmark); summary and the editor, which ask for the ranges too, allow more.
CHECK_WORK = 8_000
THOROUGH_WORK = 40_000
WARNINGS = frozenset(["CNL003", "CNL011", "CNL100"])


def upper_bound(spatial: int) -> int:
    """1..4096 per dim for images and volumes, 1..2^20 for 1-D signals (audio at 16 kHz)."""
    return 2**20 if spatial == 1 else 4096


@dataclass
class Accepted:
    """What the search found: ``status`` is "some", "none" or "unknown"."""

    status: str
    names: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()  # per spatial dim, the others held at a valid size
    square: tuple[int, int] | None = None  # the valid square sizes (every spatial dim equal)
    channels: int | None = None
    finding: Finding | None = None
    call: Any = None  # where CNL013 is reported
    runs: int = 0
    # A sequence model (``seqsearch``): its input with the length a symbol, ``(B, T, 40)``, and the input to
    # follow the model with (that one, or one length when only one works); Embedding indices are integers.
    template: tuple = ()
    follow: tuple | None = None
    integer: bool = False

    @property
    def single(self) -> tuple[int, ...] | None:
        if self.status == "some" and self.ranges and all(a == b for a, b in self.ranges):
            return tuple(a for a, _ in self.ranges)
        return None

    def words(self) -> str:
        if self.status != "some":
            return ""
        if self.template:
            shape = "(" + ", ".join(str(d) for d in self.template) + ")"
            (lo, hi), *_ = self.ranges or [(None, None)]
            length = "" if lo is None else f", T = {lo}" if lo == hi else f", T in {lo}..{hi}"
            return f"accepts {shape}{length}"
        parts = [f"{n} = {a}" if a == b else f"{n} in {a}..{b}" for n, (a, b) in zip(self.names, self.ranges)]
        return "accepts " + ", ".join(parts)


class Unknown(Exception):
    """The search cannot decide: no claim is made."""


@dataclass
class Run:
    errors: list[tuple[Step, Finding]]
    stopped: bool
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stopped


class Search:
    def __init__(
        self,
        session: Any,
        obj: Any,
        extra: list[Any],
        channels: int,
        spatial: int,
        work: int,
        make: Callable[[tuple], TensorVal] | None = None,
        fed: Callable[[list[Step], Shape], bool] | None = None,
    ) -> None:
        self.make = make  # the candidate for given sizes (a sequence model's); None: ``(B, C, *sizes)``
        self.fed = fed or fed_as_guessed  # whether the candidate reached its first layer as fed
        self.session = session
        self.work = work  # the budget of one candidate's forward
        self.obj = obj
        self.extra = extra
        self.channels = channels
        self.spatial = spatial
        self.cache: dict[tuple[int, ...], Run] = {}
        self.runs = 0

    def run(self, sizes: tuple[int, ...]) -> Run:
        hit = self.cache.get(sizes)
        if hit is not None:
            return hit
        if self.runs >= MAX_RUNS:
            raise Unknown
        self.runs += 1
        session = self.session
        saved = session.max_work
        session.work, session.max_work = 0, min(saved, self.work)
        x = self.make(sizes) if self.make is not None else TensorVal(Shape(BATCH, self.channels, *sizes))
        try:
            rec, _ = session.forward.run(session.interp, self.obj, [x, *self.extra])
        except (limits.BudgetExceeded, RecursionError) as exc:
            raise Unknown from exc
        finally:
            session.max_work = saved
        if not self.fed(rec.steps, x.shape):
            raise Unknown  # the input is indexed or reshaped before its first layer: the guess was ours
        errors = [(s, f) for s in rec.steps for f in s.findings if f.code not in WARNINGS]
        stopped = any(f.code == "CNL100" for s in rec.steps for f in s.findings)
        result = Run(errors, stopped, rec.steps)
        self.cache[sizes] = result
        return result

    # ---- direction --------------------------------------------------------------------

    def direction(self, run: Run) -> int:
        """-1: the input is too small; +1: too large; 0: valid. Raises Unknown otherwise."""
        if run.ok:
            return 0
        if not run.errors:
            raise Unknown  # following stopped (an unknown layer): validity cannot be known
        step, finding = run.errors[0]
        if too_small(finding):
            return -1
        got, want = linear_features(step, finding)
        if got is None or want is None:
            raise Unknown
        return -1 if got < want else 1

    def find_valid(self, lo: int, hi: int, at: Any) -> tuple[int | None, list[tuple[int, Run]]]:
        """A valid size in [lo, hi] by bisection on the direction; None when none exists."""
        probes: list[tuple[int, Run]] = []
        start = min(max(lo, at), hi)
        s = start
        while lo <= hi:
            run = self.run(self.sizes(s))
            probes.append((s, run))
            d = self.direction(run)
            if d == 0:
                return s, probes
            if d < 0:
                lo = s + 1
            else:
                hi = s - 1
            s = (lo + hi) // 2
        return None, probes

    def edge(self, good: int, bad_side: int, sizes: Any) -> int:
        """The last valid size from ``good`` towards ``bad_side`` (validity assumed an interval)."""
        if self.run(sizes(bad_side)).ok:
            return bad_side
        lo, hi = good, bad_side  # lo valid, hi not
        while abs(hi - lo) > 1:
            mid = (lo + hi) // 2
            if self.run(sizes(mid)).ok:
                lo = mid
            else:
                hi = mid
        return lo

    def sizes(self, s: int) -> tuple[int, ...]:
        return (s,) * self.spatial


def too_small(finding: Finding) -> bool:
    if finding.code == "CNL004":
        return True
    return finding.code == "CNL005" and ("reflection padding" in finding.message or "circular" in finding.message)


def linear_features(step: Step, finding: Finding) -> tuple[int | None, int | None]:
    spec = step.layer.spec
    if finding.code != "CNL001" or spec is None or spec.name != "Linear":
        return None, None
    got = step.in_shape.dims[-1] if step.in_shape.dims else None
    want = step.layer.args.get("in_features")
    if not is_known(got) or not is_known(want):
        return None, None
    return got, want


def fed_as_guessed(steps: list[Step], fed: Shape) -> bool:
    """The first fixed-rank layer receives the candidate exactly as fed. The candidate's rank and channels
    were read off that layer; when the code indexes or reshapes its input first (``self.conv(feats[-1])``
    on a list of feature maps), the candidate is a guess of ours, and what it meets says nothing."""
    for s in steps:
        layer = s.layer
        if layer.children is not None or layer.spec is None or not layer.spec.ranks:
            continue
        return s.in_shape == fed
    return True  # stopped before any layer (an assert on the size): nothing contradicts the guess


def nearest_misses(finder: Any, probes: list[tuple[int, Any]]) -> tuple[Any, Any]:
    """The largest size that is too small and the smallest that is too large, for a CNL013 saying both; raises
    ``Unknown`` when every size up to the bound is too small (the bound is ours, not the model's)."""
    below = max((p for p in probes if finder.direction(p[1]) < 0), key=lambda p: p[0], default=None)
    above = min((p for p in probes if finder.direction(p[1]) > 0), key=lambda p: p[0], default=None)
    if above is None:
        raise Unknown
    return below, above
