"""Tensor methods that reshape: ``x.view(...)``/``x.reshape(...)`` in a ``forward``.

Not torch.nn classes, so they live outside the catalogue (whose entries are
checked against torch's class signatures). ``SizeOf(i)`` stands for
``x.size(i)`` / ``x.shape[i]`` of the incoming tensor.
"""

from __future__ import annotations

from collections import Counter

from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known
from cnnlint.shapes.spec import Args, LayerSpec, Param, ShapeError


@dataclass(frozen=True)
class SizeOf:
    """``x.size(index)`` of the tensor being reshaped."""

    index: int

    def __repr__(self) -> str:
        return f"x.size({self.index})"


def factors(d: str) -> tuple[int, list[str]]:
    """A symbolic dim's integer coefficient and symbols: ``"64*B"`` is (64, ["B"]), ``"B"`` is (1, ["B"])."""
    coefficient, symbols = 1, []
    for part in d.split("*"):
        if part.isdigit():
            coefficient *= int(part)
        else:
            symbols.append(part)
    return coefficient, symbols


def compose(coefficient: int, symbols: Counter) -> Dim:
    """The dim ``coefficient x symbols``: ``"64*B"`` for Swin's windows of a symbolic batch (``view(-1, 7, 7, C)``)."""
    names = sorted(symbols.elements())
    if coefficient == 0:
        return 0
    if not names:
        return coefficient
    return "*".join(([str(coefficient)] if coefficient != 1 else []) + names)


def _split(dims: tuple[Dim, ...]) -> tuple[Counter, int | None]:
    """Symbols (as a multiset) and the product of the known ints (a composite ``"64*B"`` split into both);
    None if anything is unknown."""
    symbols: Counter = Counter()
    known = 1
    for d in dims:
        if isinstance(d, str):
            coefficient, names = factors(d)
            known *= coefficient
            symbols.update(names)
        elif is_known(d):
            known *= d  # type: ignore[operator]
        else:
            return symbols, None
    return symbols, known


def _show(target: tuple) -> str:
    return ", ".join(repr(t) if isinstance(t, SizeOf) else str(t) for t in target)


def _infer_reshape(args: Args, shape: Shape) -> Shape:
    method = args.get("method", "view")
    target = args["shape"]
    if target is UNKNOWN:
        return Shape.unknown()
    if shape.open:  # what torch returns whenever it does not raise, when every size is written out
        certain = all(isinstance(t, str) or (is_known(t) and not isinstance(t, SizeOf) and t >= 0) for t in target)
        return Shape(*target) if certain and target else Shape.unknown()
    resolved: list[Dim] = []
    for t in target:
        if isinstance(t, SizeOf):
            resolved.append(shape.dim(t.index) if -shape.min_rank <= t.index < shape.min_rank else UNKNOWN)
        elif is_known(t) or isinstance(t, str):
            resolved.append(t)
        else:
            return Shape.unknown()
    if sum(1 for d in resolved if d == -1) > 1:
        raise ShapeError("CNL005", f"{method}({_show(target)}): only one dimension can be -1")
    in_symbols, in_known = _split(shape.dims)
    rest = tuple(d for d in resolved if d != -1)
    out_symbols, out_known = _split(rest)
    if in_known is None or out_known is None:
        return Shape.unknown()
    if in_symbols != out_symbols:
        return _symbolic(resolved, in_symbols, out_symbols, in_known, out_known)
    where = f"{method}({_show(target)}) cannot reshape {format_shape(shape)} ({_elements(shape)})"
    if -1 in resolved:
        if out_known == 0 or in_known % out_known:
            raise ShapeError("CNL005", f"{where}: {in_known} is not a multiple of {out_known}")
        resolved = [in_known // out_known if d == -1 else d for d in resolved]
    elif in_known != out_known:
        raise ShapeError("CNL005", f"{where} into {out_known} elements")
    note = None
    if len(resolved) == 2 and shape.min_rank > 2 and resolved[0] == shape.dim(0):
        note = " x ".join(str(d) for d in shape.dims[1:]) + f" after {method}"
    return Shape(*resolved, note=note)


def _symbolic(resolved: list[Dim], in_symbols: Counter, out_symbols: Counter, in_known: int, out_known: int) -> Shape:
    """Symbols on one side only: ``-1`` absorbs what is left when that is certain, else it is unknown.

    ``(B, 16, 5, 5).view(-1, 400)`` is ``(B, 400)``; ``(B, 8, 7, 8, 7, 96)``
    viewed as ``(-1, 7, 7, 96)`` is ``(64*B, 7, 7, 96)``. Whether a reshape
    with a symbol is valid depends on the symbol's value, so it never raises.
    """
    if -1 not in resolved or out_symbols - in_symbols:
        return Shape.unknown()
    left = in_symbols - out_symbols
    fill: Dim = UNKNOWN
    if out_known and in_known % out_known == 0:
        fill = compose(in_known // out_known, left)
    return Shape(*[fill if d == -1 else d for d in resolved])


def _elements(shape: Shape) -> str:
    n = shape.numel()
    return f"{n} elements" if is_known(n) else "elements"


RESHAPE = LayerSpec(name="Tensor.view", params=(Param("shape"), Param("method", "view")), infer=_infer_reshape)
