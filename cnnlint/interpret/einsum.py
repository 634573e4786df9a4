"""``torch.einsum`` and ``torch.meshgrid`` over abstract tensors (MaxViT's attention, relative positions).

einsum's output has the sizes of the output labels. Its MACs are those of the
``bmm`` torch lowers a two-operand einsum to (``sumproduct_pair``): batch x
left-only x right-only x contracted sizes, i.e. the product over every label
that is in both operands or in the output; a product with nothing contracted
is an elementwise ``mul`` (no MACs). Ellipses, more than two operands, and
anything not fully known give an unknown tensor and never an error; subscripts
that do not match an operand's rank, or a label whose sizes differ, are torch's
error (CNL010).
"""

from __future__ import annotations

import math

from cnnlint.interpret.values import ListVal, TensorVal
from cnnlint.shapes.dims import Shape, format_shape, is_known
from cnnlint.shapes.spec import ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _unknown() -> TensorVal:
    return TensorVal(Shape.unknown())


def _labels(text: str) -> list[str] | None:
    labels = [c for c in text if not c.isspace()]
    return labels if all(c.isascii() and c.isalpha() for c in labels) else None


def parse(equation: str, count: int) -> tuple[list[list[str]], list[str]] | None:
    """Input labels per operand and output labels; None for what is not modelled (ellipsis, bad labels)."""
    if "." in equation:
        return None
    lhs, arrow, rhs = equation.partition("->")
    inputs = [_labels(part) for part in lhs.split(",")]
    if len(inputs) != count or any(i is None for i in inputs):
        return None
    if arrow:
        output = _labels(rhs)
    else:  # implicit: the labels seen once, in torch's order (A-Z before a-z)
        seen = [c for i in inputs for c in i]  # type: ignore[union-attr]
        output = sorted((c for c in set(seen) if seen.count(c) == 1), key=lambda c: (c.islower(), c))
    if output is None or len(set(output)) != len(output):
        return None
    return inputs, output  # type: ignore[return-value]


def einsum(session: Any, interp: Any, args: list, node: Any, shown: str | None = None) -> Any:
    """``shown``: the equation as the code wrote it, for messages (einops' named axes)."""
    if not args or not isinstance(args[0], str):
        return _unknown()
    operands = args[1:]
    if len(operands) == 1 and isinstance(operands[0], (tuple, ListVal)):
        operands = interp.iterate(operands[0], None) or []
    if not 1 <= len(operands) <= 2 or not all(isinstance(t, TensorVal) and not t.shape.open for t in operands):
        return _unknown()
    parsed = parse(args[0], len(operands))
    if parsed is None:
        return _unknown()
    inputs, output = parsed
    sizes: dict[str, int] = {}
    tainted = any(t.tainted for t in operands)
    for i, (labels, t) in enumerate(zip(inputs, operands)):
        if len(set(labels)) != len(labels):
            return _unknown()
        if len(labels) != len(t.shape.dims):
            rank = len(t.shape.dims)
            said = f"operand {i} {format_shape(t.shape)} has {rank} dims but its subscripts name {len(labels)}"
            return _refused(session, interp, shown or args[0], said, node, tainted)
        for label, dim in zip(labels, t.shape.dims):
            if not is_known(dim) or not isinstance(dim, int):
                return _unknown()
            if sizes.get(label, 1) not in (1, dim) and dim != 1:
                said = f"{_named(label, args[0], shown)!r} is {sizes[label]} in one operand and {dim} in operand {i}"
                return _refused(session, interp, shown or args[0], said, node, tainted)
            sizes[label] = max(sizes.get(label, 1), dim)
    if any(label not in sizes for label in output):
        return _unknown()
    out = Shape(*(sizes[label] for label in output))
    if len(operands) == 2:
        left, right = set(inputs[0]), set(inputs[1])
        contracted = (left & right) - set(output)
        if contracted:
            macs = math.prod(sizes[label] for label in (left & right) | set(output))
            session.forward.record_matmul(interp, operands[0].shape, operands[1].shape, out, node, macs=macs)
    return TensorVal(out, tainted=tainted)


def _named(label: str, equation: str, shown: str | None) -> str:
    """The code's own name of a label (an einops axis name) where the equation was translated."""
    if shown is None:
        return label
    letters = [c for c in equation if c.isalpha()]
    names = [n for n in shown.replace(",", " ").replace("->", " ").split()]
    return dict(zip(letters, names)).get(label, label)


def einops_equation(pattern: str) -> str | None:
    """einops.einsum's pattern (``"b h i d, b h j d -> b h i j"``: named axes, an output required) as torch's
    equation of letters; None for what is not modelled (an ellipsis, a group, a name that is not one)."""
    lhs, arrow, rhs = pattern.partition("->")
    if not arrow:
        return None
    letters: dict[str, str] = {}
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def term(text: str) -> str | None:
        out = []
        for name in text.split():
            if not name.isidentifier():
                return None  # ``...``, ``(h d)``, ``1``: einops rejects some, the rest are not modelled
            if name not in letters:
                if len(letters) == len(alphabet):
                    return None
                letters[name] = alphabet[len(letters)]
            out.append(letters[name])
        return "".join(out)

    terms = [term(part) for part in lhs.split(",")]
    output = term(rhs)
    if output is None or any(t is None for t in terms):
        return None
    return ",".join(terms) + "->" + output  # type: ignore[arg-type]


def _refused(session: Any, interp: Any, equation: str, said: str, node: Any, tainted: bool) -> TensorVal:
    """torch raises (``einsum(): the number of subscripts in the equation (2) does not match the number of
    dimensions (3) for operand 0``, or operands that do not broadcast): CNL010, unless an error came first."""
    if not tainted:
        session.forward.op_error(
            interp, ShapeError("CNL010", f"einsum {equation!r} cannot run: {said}"), node, "einsum"
        )
    return _unknown()


def meshgrid(args: list, kwargs: dict, interp: Any) -> Any:
    """``torch.meshgrid(a, b, indexing="ij")``: one tensor per input, each of the inputs' lengths."""
    tensors = args
    if len(args) == 1 and isinstance(args[0], (tuple, ListVal)):
        tensors = interp.iterate(args[0], None) or []
    indexing = kwargs.get("indexing", "ij")
    if not tensors or indexing not in ("ij", "xy") or set(kwargs) - {"indexing"}:
        return tuple(_unknown() for _ in tensors) if tensors else _unknown()
    dims = []
    for t in tensors:
        if not isinstance(t, TensorVal) or t.shape.open or len(t.shape.dims) > 1:
            return tuple(_unknown() for _ in tensors)
        dims.append(t.shape.dims[0] if t.shape.dims else 1)
    if indexing == "xy" and len(dims) >= 2:
        dims[0], dims[1] = dims[1], dims[0]
    return tuple(TensorVal(Shape(*dims), integer=t.integer) for t in tensors)
