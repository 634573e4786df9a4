"""MaxUnpool1d/2d/3d: the inverse of a max pool, given the pooled values and their indices.

torch's ``F.max_unpool{n}d`` reads ``kernel_size``, ``stride`` (None: the
kernel) and ``padding`` only to compute the default output size per spatial
dim, ``(in - 1) * stride - 2 * padding + kernel``; the scatter itself takes
the indices and that size. The input is (C, *spatial) or (N, C, *spatial).
An ``output_size`` passed to forward is the interpreter's business
(``interpret/multi.py``), not this entry's. Anything that is not an int or an
n-tuple of ints, and a default size below 1 (torch may raise or make an empty
tensor, as the indices decide), is unknown rather than reported.

No parameters, no MACs.
"""

from __future__ import annotations

from functools import partial

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape
from cnnlint.shapes.spec import Args, LayerSpec, Param, is_int
from cnnlint.shapes.windows import split


def _entries(value: object, n: int) -> tuple[int, ...] | None:
    """An int or an n-tuple/list of ints as n entries; None for anything else (unknown)."""
    if is_int(value):
        return (value,) * n  # type: ignore[return-value]
    if isinstance(value, (tuple, list)) and len(value) == n and all(is_int(v) for v in value):
        return tuple(value)  # type: ignore[arg-type]
    return None


def default_size(n: int, args: Args, spatial: tuple[Dim, ...]) -> list[Dim]:
    """torch's ``_unpool_output_size`` without ``output_size``: one size per spatial dim (UNKNOWN where unsure)."""
    kernel = _entries(args["kernel_size"], n)
    stride = _entries(args["kernel_size"] if args["stride"] is None else args["stride"], n)
    padding = _entries(args["padding"], n)
    if kernel is None or stride is None or padding is None:
        return [UNKNOWN] * n
    out: list[Dim] = []
    for size, k, s, p in zip(spatial, kernel, stride, padding):
        value = (size - 1) * s - 2 * p + k if is_int(size) else UNKNOWN
        out.append(value if value is UNKNOWN or value >= 1 else UNKNOWN)
    return out


def infer(n: int, args: Args, shape: Shape) -> Shape:
    parts = split(shape, n)
    return parts.rebuild(parts.channels, default_size(n, args, tuple(parts.spatial)))


def _spec(n: int) -> LayerSpec:
    return LayerSpec(
        name=f"MaxUnpool{n}d",
        params=(Param("kernel_size"), Param("stride", None), Param("padding", 0)),
        infer=partial(infer, n),
        ranks=(n + 1, n + 2),
        inputs=2,
    )


SPECS: list[LayerSpec] = [_spec(n) for n in (1, 2, 3)]
