"""Reshape family: Flatten, Unflatten.

Flatten writes the trail of the dimensions it merged into the output's
``note`` (``"256 x 5 x 5 after Flatten"``) so that a Linear that receives the
wrong size can say where the number came from. Flattening a symbol or an
unknown gives UNKNOWN; dimensions outside the flattened range are carried
unchanged (``B`` stays ``B``). On an open shape (no declared input) the
flattened range is not known, so the output is unknown.

Rules matched against torch (2.13):
- ``start_dim``/``end_dim`` must be ints (bools are rejected: TypeError -> CNL005),
  in range for the input (IndexError -> CNL006; a 0-D input wraps like a 1-D
  one and flattens to ``(1,)``), and start must not come after end (CNL005).
- Unflatten's ``unflattened_size`` must be a non-empty tuple or list of ints,
  with at most one -1 and no other negative entry (CNL005); its product must
  equal the size of ``dim`` (with -1: divide it) -> CNL005. A 0-D input and
  ``dim`` out of range are CNL006. A string ``dim`` (named tensors) is left unknown.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known, product
from cnnlint.shapes.spec import Args, LayerSpec, Param, ShapeError, is_int


def _dim_arg(name: str, args: Args, param: str) -> int | None:
    value = args[param]
    if value is UNKNOWN:
        return None
    if not is_int(value):
        raise ShapeError("CNL005", f"{name} argument '{param}' must be an int, got {value!r}")
    return value  # type: ignore[return-value]


def _wrap(name: str, param: str, dim: int, shape: Shape) -> int:
    span = max(shape.rank or 0, 1)
    if not -span <= dim < span:
        raise ShapeError(
            "CNL006",
            f"{name} {param}={dim} is out of range for the {shape.rank}-D input {format_shape(shape)} "
            f"(expected a dimension in [{-span}, {span - 1}])",
        )
    return dim % span


def _check_flatten(args: Args) -> None:
    start, end = _dim_arg("Flatten", args, "start_dim"), _dim_arg("Flatten", args, "end_dim")
    # Same-signed indices are comparable without the input's rank.
    if start is not None and end is not None and (start < 0) == (end < 0) and start > end:
        raise ShapeError("CNL005", f"Flatten start_dim={start} comes after end_dim={end}")


def _infer_flatten(args: Args, shape: Shape) -> Shape:
    start, end = _dim_arg("Flatten", args, "start_dim"), _dim_arg("Flatten", args, "end_dim")
    if shape.rank is None or start is None or end is None:
        return Shape.unknown()
    s, e = _wrap("Flatten", "start_dim", start, shape), _wrap("Flatten", "end_dim", end, shape)
    if s > e:
        raise ShapeError(
            "CNL005",
            f"Flatten start_dim={start} comes after end_dim={end} for the {shape.rank}-D input {format_shape(shape)}",
        )
    if shape.rank == 0:
        return Shape(1)
    if s == e:
        return shape  # nothing merged: torch returns the input as is
    merged = shape.dims[s : e + 1]
    size = product(merged)
    note = None
    if e == shape.rank - 1 and size is not UNKNOWN:
        note = " x ".join(str(d) for d in merged) + " after Flatten"
    return Shape(*shape.dims[:s], size, *shape.dims[e + 1 :], note=note)


FLATTEN = LayerSpec(
    name="Flatten",
    params=(Param("start_dim", 1), Param("end_dim", -1)),
    infer=_infer_flatten,
    check=_check_flatten,
)


def _sizes(args: Args) -> tuple[Dim, ...] | None:
    """``unflattened_size`` checked as torch does; None when unresolved."""
    value = args["unflattened_size"]
    if value is UNKNOWN:
        return None
    if not isinstance(value, (tuple, list)):
        raise ShapeError("CNL005", f"Unflatten unflattened_size must be a tuple of ints, got {value!r}")
    if not value:
        raise ShapeError("CNL005", "Unflatten unflattened_size must not be empty")
    sizes: list[Dim] = []
    for item in value:
        if item is UNKNOWN:
            sizes.append(UNKNOWN)
            continue
        if not is_int(item):
            raise ShapeError("CNL005", f"Unflatten unflattened_size must hold ints, got {tuple(value)!r}")
        if item < -1:
            raise ShapeError("CNL005", f"Unflatten unflattened_size cannot hold {item}: only -1 may be negative")
        sizes.append(item)
    if sizes.count(-1) > 1:
        raise ShapeError("CNL005", f"Unflatten unflattened_size can hold -1 only once, got {tuple(value)!r}")
    return tuple(sizes)


def _check_unflatten(args: Args) -> None:
    dim = args["dim"]
    if dim is not UNKNOWN and not isinstance(dim, str):
        _dim_arg("Unflatten", args, "dim")
    _sizes(args)


def _infer_unflatten(args: Args, shape: Shape) -> Shape:
    dim, sizes = args["dim"], _sizes(args)
    if shape.rank == 0:
        raise ShapeError("CNL006", f"Unflatten cannot take a 0-D input {format_shape(shape)}")
    if sizes is None or dim is UNKNOWN or isinstance(dim, str):
        return Shape.unknown()
    if shape.rank is not None:
        index = _wrap("Unflatten", "dim", dim, shape)
    elif dim < 0 and -dim <= len(shape.dims):
        index = len(shape.dims) + dim
    else:
        return Shape.unknown()
    size = shape.dims[index]
    others = product(s for s in sizes if s != -1)
    shown = f"unflattened_size={tuple(sizes)!r} for dimension {dim} of size {size}; input {format_shape(shape)}"
    new: tuple[Dim, ...] = sizes
    if -1 in sizes:
        if others == 0:
            raise ShapeError("CNL005", f"Unflatten cannot infer -1 next to a 0 in {shown}")
        if is_known(size, others):
            if size % others:  # type: ignore[operator]
                raise ShapeError("CNL005", f"Unflatten sizes do not multiply up: {shown}")
            new = tuple(size // others if s == -1 else s for s in sizes)  # type: ignore[operator]
        else:
            new = tuple(UNKNOWN if s == -1 else s for s in sizes)
    elif is_known(size, others) and size != others:
        raise ShapeError("CNL005", f"Unflatten sizes do not multiply up: {shown}")
    return shape.with_dims(shape.dims[:index] + new + shape.dims[index + 1 :])


UNFLATTEN = LayerSpec(
    name="Unflatten",
    params=(Param("dim"), Param("unflattened_size")),
    infer=_infer_unflatten,
    check=_check_unflatten,
)


SPECS = [FLATTEN, UNFLATTEN]
