"""Loss functions: the model's output against its target, where a training script meets them.

``loss = criterion(model(x), y)`` is where many shape bugs surface: an autoencoder whose decoder gives
27x27 for a 28x28 input, a discriminator whose ``view(-1)`` leaves 3200 scores for 128 labels, a
classifier fed 8 images with 32 labels. torch's rules, per family (checked against torch in the tests):

- elementwise (``MSELoss``, ``L1Loss``, ``SmoothL1Loss``, ``HuberLoss``): the shapes must broadcast
  (else torch raises: CNL015); different shapes that do broadcast are a silent wrong loss (torch only
  warns: CNL016), ``(64, 1)`` against ``(64,)`` averages a 64x64 grid;
- ``BCELoss`` / ``BCEWithLogitsLoss``: the target's shape must be the input's (CNL015);
- ``KLDivLoss``: the shapes must broadcast (CNL015); a broadcast is silent and often meant (a prior);
- ``CrossEntropyLoss`` / ``NLLLoss`` with class indices: a target of the input's batch and, for
  ``(N, C, d...)``, of its other dims ``(N, d...)`` (CNL015); an integer target of the input's rank
  on a ``(N, C)`` input is refused too.

Only shapes known on both sides are judged; anything unknown says nothing.
"""

from __future__ import annotations

from cnnlint.interpret.values import TensorVal
from cnnlint.shapes.dims import Shape, format_shape
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ELEMENTWISE = frozenset({"MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss"})
SAME_SHAPE = frozenset({"BCELoss", "BCEWithLogitsLoss"})
CLASSES = frozenset({"CrossEntropyLoss", "NLLLoss"})
# Shapes that must broadcast, a broadcast being no mistake: ``KLDivLoss`` against a fixed prior
# (``F.kl_div(log_p, prior)`` with a ``(C,)`` prior for ``(N, C)``) is common and torch says nothing.
BROADCASTS = frozenset({"KLDivLoss"})
LOSSES = ELEMENTWISE | SAME_SHAPE | CLASSES | BROADCASTS
# torch's losses that hold no parameters (``weight``/``pos_weight`` are buffers): a model that keeps one as
# an attribute (``self.ce = nn.CrossEntropyLoss()``) still has an exact parameter count
WITHOUT_PARAMETERS = frozenset({
    "BCELoss", "BCEWithLogitsLoss", "CTCLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "GaussianNLLLoss",
    "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "MarginRankingLoss", "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss", "MultiMarginLoss", "NLLLoss", "NLLLoss2d", "PoissonNLLLoss", "SmoothL1Loss",
    "SoftMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss",
})  # fmt: skip
FUNCTIONAL = {
    "torch.nn.functional.mse_loss": "MSELoss",
    "torch.nn.functional.l1_loss": "L1Loss",
    "torch.nn.functional.smooth_l1_loss": "SmoothL1Loss",
    "torch.nn.functional.huber_loss": "HuberLoss",
    "torch.nn.functional.binary_cross_entropy": "BCELoss",
    "torch.nn.functional.binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
    "torch.nn.functional.cross_entropy": "CrossEntropyLoss",
    "torch.nn.functional.nll_loss": "NLLLoss",
    "torch.nn.functional.kl_div": "KLDivLoss",
}


def call(session: Any, interp: Any, kind: str, args: list[Any], kwargs: dict[str, Any], node: Any) -> TensorVal:
    """The loss of ``input`` against ``target``: judged, and its value (a scalar unless ``reduction='none'``)."""
    x = args[0] if args else kwargs.get("input")
    target = args[1] if len(args) > 1 else kwargs.get("target")
    reduction = kwargs.get("reduction", "mean")
    if not (isinstance(x, TensorVal) and isinstance(target, TensorVal)) or x.tainted or target.tainted:
        return TensorVal(Shape() if reduction in ("mean", "sum") else Shape.unknown())
    finding = judge(kind, x.shape, target.shape, target.integer)
    if finding is not None:
        _report(session, interp, finding, node, kind)
    if reduction in ("mean", "sum", "batchmean"):
        return TensorVal(Shape())
    if kind in BROADCASTS and reduction == "none" and finding is None and not (x.shape.open or target.shape.open):
        return TensorVal(Shape(*_broadcast(tuple(x.shape.dims), tuple(target.shape.dims))))
    return TensorVal(Shape.unknown())


def judge(kind: str, x: Shape, target: Shape, integer: bool) -> Finding | None:
    """What torch says of these shapes: a CNL015 where it raises, a CNL016 where it silently broadcasts."""
    if x.open or target.open:
        return None  # (a dim that is not known is judged as a symbol: never a clash)
    a, b = tuple(x.dims), tuple(target.dims)
    shapes = f"input {format_shape(x)}, target {format_shape(target)}"
    if kind in ELEMENTWISE:
        clash, unsure = _broadcast_clash(a, b)
        if clash is not None:
            return Finding("CNL015", f"{kind} cannot compare its {shapes}: {clash}")
        if a == b or unsure:
            return None
        return Finding(
            "CNL016",
            f"{kind} broadcasts its {shapes} to {format_shape(Shape(*_broadcast(a, b)))}: each input element "
            "meets every target element along the broadcast dims and the loss is wrong (torch only warns); "
            "give both the same shape",
        )
    if kind in BROADCASTS:
        clash, _ = _broadcast_clash(a, b)
        return Finding("CNL015", f"{kind} cannot compare its {shapes}: {clash}") if clash is not None else None
    if kind in SAME_SHAPE:
        if len(a) != len(b) or any(_differ(p, q) for p, q in zip(a, b)):
            return Finding("CNL015", f"{kind} needs a target of the input's shape: {shapes}")
        return None  # equal, or a symbol that may make them equal
    if kind in CLASSES and integer and len(a) >= 2:
        if len(b) == len(a) - 1:
            if _differ(a[0], b[0]):
                return Finding(
                    "CNL015",
                    f"{kind} expects a target batch of {a[0]}, the input's, but the target has {b[0]}: {shapes}",
                )
            if any(_differ(p, q) for p, q in zip(a[2:], b[1:])):
                expected = format_shape(Shape(a[0], *a[2:]))
                return Finding("CNL015", f"{kind} expects a target of shape {expected}: {shapes}")
        else:
            expected = format_shape(Shape(a[0], *a[2:]))
            return Finding("CNL015", f"{kind} expects class indices of shape {expected}: {shapes}")
    return None


def _differ(p: Any, q: Any) -> bool:
    """Two sizes that are different for certain: two ints, or the same symbol never differs."""
    return type(p) is int and type(q) is int and p != q


def _broadcast_clash(a: tuple, b: tuple) -> tuple[str | None, bool]:
    """(the first dim, from the right, where the shapes cannot broadcast; whether a symbol leaves it open)."""
    unsure = False
    for i in range(1, min(len(a), len(b)) + 1):
        p, q = a[-i], b[-i]
        if p == q or p == 1 or q == 1:
            continue
        if type(p) is not int or type(q) is not int:
            unsure = True  # a symbol (or a size not known) may be either
            continue
        return f"dim {max(len(a), len(b)) - i} is {p} vs {q}", unsure
    return None, unsure


def _broadcast(a: tuple, b: tuple) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(q if p == 1 else p for p, q in zip(a, b))


def _report(session: Any, interp: Any, finding: Finding, node: Any, kind: str) -> None:
    """In a forward, where the model computes its own loss: an error there. In the script: where it surely
    runs (not in an ``if`` or a ``try``; a training loop's body is), at the loss call."""
    rec = session.forward.recording
    if rec is not None:
        if not rec.scratch and not interp.forking and not rec.raised:
            from cnnlint.shapes.spec import ShapeError

            session.forward.op_error(interp, ShapeError(finding.code, finding.message), node, kind)
        return
    session.script_error(interp, finding, node)
