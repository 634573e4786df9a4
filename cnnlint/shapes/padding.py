"""Padding family: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad (1d/2d/3d).

Every one of them is ``F.pad(input, padding, mode)``, so the one model here
is ``F.pad``'s (conv layers with a non-zero ``padding_mode`` use it too):

- ``padding`` is an int (repeated 2n times) or a tuple of any even length
  2m, read from the last dimension backwards: ``(left, right, top, bottom, ...)``.
  Negative values crop.
- constant (Zero/ConstantPad): any rank >= m; a dimension may not be cropped
  below 0 (``I + min(l, 0) + min(r, 0) >= 0``); an output of 0 is allowed.
- reflect/replicate/circular: m is 1, 2 or 3 and the input has m+1 or m+2
  dims. Reflection needs each pad < the input size; circular padding may not
  wrap more than once (pad <= input size). An output size below 0 is an
  error; for reflect/replicate so is every padded output being 0.
- CircularPad{n}d also insists on an (n+1)- or (n+2)-D input, whatever the
  padding length.
"""

from __future__ import annotations

from functools import partial

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known
from cnnlint.shapes.spec import Args, LayerSpec, Param, ShapeError
from cnnlint.shapes.windows import raw_tuple

_ORDINAL = ("last", "second-to-last", "third-to-last", "fourth-to-last", "fifth-to-last", "sixth-to-last")


def pad_widths(spec_name: str, args: Args, name: str, count: int) -> tuple[Dim, ...] | _Unknown:
    """``padding`` as the flat F.pad list: an int repeated ``count`` times, a tuple as given."""
    raw = raw_tuple(spec_name, args, name)
    if raw is UNKNOWN:
        return UNKNOWN
    if isinstance(raw, tuple):
        return raw
    return (raw,) * count  # type: ignore[operator]


def check_pads(spec_name: str, mode: str, pads: tuple[Dim, ...]) -> None:
    """What F.pad rejects whatever the input: an odd length; a non-constant mode padding other than 1-3 dims."""
    if len(pads) % 2:
        raise ShapeError(
            "CNL005", f"{spec_name} padding length must be even (left/right pairs), got {len(pads)}: {pads!r}"
        )
    if mode != "constant" and len(pads) not in (2, 4, 6):
        raise ShapeError(
            "CNL005",
            f"{spec_name} {mode} padding takes 2, 4 or 6 values (1 to 3 padded dimensions), got {len(pads)}: {pads!r}",
        )


def pad_shape(spec_name: str, mode: str, pads: tuple[Dim, ...], shape: Shape) -> Shape:
    """F.pad's output shape; raises ShapeError where F.pad raises (call ``check_pads`` first)."""
    m = len(pads) // 2
    rank = shape.rank
    if mode == "constant":
        if rank is not None and m > rank:
            raise ShapeError(
                "CNL006",
                f"{spec_name} pads {m} dimensions but receives a {rank}-D input {format_shape(shape)}",
            )
    else:
        allowed = (m + 1, m + 2)
        if (rank is not None and rank not in allowed) or (rank is None and shape.min_rank > m + 2):
            shown = f"{rank}-D" if rank is not None else f"at least {shape.min_rank}-D"
            raise ShapeError(
                "CNL006",
                f"{spec_name} {mode} padding of {m} dimension{'s' if m > 1 else ''} expects a {m + 1}-D or "
                f"{m + 2}-D input but receives {shown} {format_shape(shape)}",
            )
    dims = list(shape.dims)
    if len(dims) < m:  # an open shape: the dims it does not hold are unknown
        dims = [UNKNOWN] * (m - len(dims)) + dims
    outs: list[Dim] = []
    for i in range(m):
        size, left, right = dims[-(i + 1)], pads[2 * i], pads[2 * i + 1]
        if not is_known(size, left, right):
            outs.append(UNKNOWN)
            continue
        where = f"the {_ORDINAL[i]} dimension of input {format_shape(shape)} (size {size})"
        if mode == "reflect" and (left >= size or right >= size):  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"{spec_name} reflection padding ({left}, {right}) must be smaller than {where}",
            )
        if mode == "circular" and (left > size or right > size):  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"{spec_name} circular padding ({left}, {right}) wraps around more than once on {where}",
            )
        out = size + left + right  # type: ignore[operator]
        if mode == "constant":
            if size + min(left, 0) + min(right, 0) < 0:  # type: ignore[operator]
                raise ShapeError(
                    "CNL004",
                    f"{spec_name} padding ({left}, {right}) crops {where} below zero",
                )
        elif out < 0:
            raise ShapeError(
                "CNL004",
                f"{spec_name} padding ({left}, {right}) leaves a size of {out} for {where}",
            )
        outs.append(out)
    if mode in ("reflect", "replicate") and outs and all(is_known(o) and o < 1 for o in outs):  # type: ignore[operator]
        raise ShapeError(
            "CNL004",
            f"{spec_name} padding {tuple(pads)!r} leaves no output element of input {format_shape(shape)}",
        )
    if mode in ("reflect", "replicate") and rank is not None:
        # torch: "tensor with possibly 0 batch size and other non-zero dimensions"
        body = shape.dims[1:] if rank == m + 2 else shape.dims
        if any(is_known(d) and d == 0 for d in body):  # type: ignore[operator]
            raise ShapeError("CNL004", f"{spec_name} {mode} padding needs a non-empty input, got {format_shape(shape)}")
    new = dims[: len(dims) - m] + list(reversed(outs))
    return Shape(*new, open=shape.open)


# ---- the layers -------------------------------------------------------------------------------

_MODE_OF = {
    "Zero": "constant",
    "Constant": "constant",
    "Reflection": "reflect",
    "Replication": "replicate",
    "Circular": "circular",
}


def _pads(name: str, n: int, args: Args) -> tuple[Dim, ...] | _Unknown:
    pads = pad_widths(name, args, "padding", 2 * n)
    if pads is not UNKNOWN:
        check_pads(name, _MODE_OF[_kind(name)], pads)  # type: ignore[arg-type]
    return pads


def _kind(name: str) -> str:
    return name[: name.index("Pad")]


def _check(name: str, n: int, args: Args) -> None:
    _pads(name, n, args)
    if "value" in args:
        value = args["value"]
        if value is not UNKNOWN and value is not None and not isinstance(value, (int, float)):
            raise ShapeError("CNL005", f"{name} argument 'value' must be a number, got {value!r}")


def _infer(name: str, n: int, args: Args, shape: Shape) -> Shape:
    pads = _pads(name, n, args)
    if pads is UNKNOWN:
        return Shape.unknown() if shape.rank is None else shape.with_dims((UNKNOWN,) * len(shape.dims))
    return pad_shape(name, _MODE_OF[_kind(name)], pads, shape)  # type: ignore[arg-type]


def _spec(kind: str, n: int) -> LayerSpec:
    name = f"{kind}Pad{n}d"
    params: tuple[Param, ...] = (Param("padding"),)
    if kind == "Constant":
        params += (Param("value"),)
    return LayerSpec(
        name=name,
        params=params,
        infer=partial(_infer, name, n),
        check=partial(_check, name, n),
        ranks=(n + 1, n + 2) if kind == "Circular" else None,
    )


SPECS: list[LayerSpec] = [_spec(kind, n) for kind in _MODE_OF for n in (1, 2, 3)]
