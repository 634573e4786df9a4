"""Sliding windows: the output-size formula convolutions and pools share.

One formula for 1, 2 or 3 spatial dimensions, applied per dimension:

    O = floor((I + P_l + P_r - D*(K-1) - 1) / S) + 1

(``ceil`` instead of ``floor`` with ``ceil_mode``, with torch's rule that the
last window must start inside the input or its left padding). Also here: the
argument readers for "int or tuple" window arguments, the split of a shape
into (leading dims, channels, spatial dims) that works on open shapes, and
the CNL003 test "is the last real input row ever read?".
"""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known
from cnnlint.shapes.spec import Args, Finding, ShapeError, is_int

_SEARCH_LIMIT = 100_000  # loops in the CNL003 test and its suggestion stop here

# How each spatial dimension is called in messages, by number of spatial dims.
SIDE_NAMES: dict[int, tuple[str, ...]] = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
UNIT_NAMES: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("position", "positions"),),
    2: (("row", "rows"), ("column", "columns")),
    3: (("plane", "planes"), ("row", "rows"), ("column", "columns")),
}


def _item(spec_name: str, name: str, value: object, shown: object) -> Dim:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        return int(value)
    if not is_int(value):
        raise ShapeError("CNL005", f"{spec_name} argument '{name}' must hold ints, got {shown!r}")
    return value  # type: ignore[return-value]


def raw_tuple(spec_name: str, args: Args, name: str) -> tuple[Dim, ...] | int | _Unknown:
    """An int-or-sequence argument as torch's ``_ntuple`` leaves it: an int, or a tuple as given."""
    value = args[name]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, (list, tuple)):
        return tuple(_item(spec_name, name, v, value) for v in value)
    return _item(spec_name, name, value, value)  # type: ignore[return-value]


def expand(
    spec_name: str,
    args: Args,
    name: str,
    n: int,
    *,
    lengths: Sequence[int] | None = None,
    minimum: int | None = None,
    what: str | None = None,
) -> tuple[Dim, ...] | _Unknown:
    """An int-or-tuple argument expanded to ``n`` entries, as torch's kernels read it.

    ``lengths``: the tuple lengths torch accepts (default ``(1, n)``: a
    1-tuple is broadcast); any other length is CNL005. ``minimum``: the least
    value torch accepts for each entry (CNL005 below it).
    """
    raw = raw_tuple(spec_name, args, name)
    if raw is UNKNOWN:
        return UNKNOWN
    accepted = tuple(lengths) if lengths is not None else tuple(sorted({1, n}))
    if isinstance(raw, tuple):
        if len(raw) not in accepted:
            choices = " or ".join(str(k) for k in accepted) + (" int" if accepted == (1,) else " ints")
            raise ShapeError(
                "CNL005", f"{spec_name} argument '{name}' must be an int or a tuple of {choices}, got {args[name]!r}"
            )
        values = raw * n if len(raw) == 1 else raw
    else:
        values = (raw,) * n
    if minimum is not None:
        for v in values:
            if is_known(v) and v < minimum:  # type: ignore[operator]
                label = what or f"argument '{name}'"
                raise ShapeError("CNL005", f"{spec_name} {label} must be >= {minimum}, got {args[name]!r}")
    return values


@dataclass(frozen=True)
class Window:
    """One spatial dimension's window: kernel, stride, left/right padding, dilation."""

    kernel: Dim
    stride: Dim
    pad_l: Dim
    pad_r: Dim
    dilation: Dim = 1
    ceil: bool = False

    @property
    def known(self) -> bool:
        return is_known(self.kernel, self.stride, self.pad_l, self.pad_r, self.dilation)


def out_size(size: Dim, w: Window) -> Dim:
    """torch's pooling_output_shape / conv output size for one dimension (UNKNOWN if any operand is)."""
    if not (is_known(size) and w.known):
        return UNKNOWN
    i, k, s, pl, pr, d = size, w.kernel, w.stride, w.pad_l, w.pad_r, w.dilation
    num = i + pl + pr - d * (k - 1) - 1  # type: ignore[operator]
    if w.ceil:
        o = (num + s - 1) // s + 1  # type: ignore[operator]
        if (o - 1) * s >= i + pl:  # the last window must start inside the input or the left padding
            o -= 1
        return o
    return num // s + 1  # type: ignore[operator]


def formula(size: int, w: Window, result: int) -> str:
    """``floor((224 + 2*0 - 1*(11-1) - 1) / 4) + 1 = 54``, with torch's ceil_mode rule when it applied."""
    pads = f"2*{w.pad_l}" if w.pad_l == w.pad_r else f"{w.pad_l} + {w.pad_r}"
    rounding = "ceil" if w.ceil else "floor"
    text = f"{rounding}(({size} + {pads} - {w.dilation}*({w.kernel}-1) - 1) / {w.stride}) + 1"
    if w.ceil:
        plain = out_size(size, Window(w.kernel, w.stride, w.pad_l, w.pad_r, w.dilation, True))
        raw = (size + w.pad_l + w.pad_r - w.dilation * (w.kernel - 1) - 1 + w.stride - 1) // w.stride + 1  # type: ignore[operator]
        if raw != plain:
            text += f" = {raw}, less 1 because the last window would start in the right padding"
    return f"{text} = {result}"


def exact_ratio(size: int, w: Window) -> str:
    """``(224 + 2*0 - 11) / 4 + 1 = 54.25`` — the unfloored output size, for CNL003 messages."""
    span = w.dilation * (w.kernel - 1) + 1  # type: ignore[operator]
    pads = f"2*{w.pad_l}" if w.pad_l == w.pad_r else f"{w.pad_l} + {w.pad_r}"
    kernel = str(w.kernel) if w.dilation == 1 else f"({w.dilation}*({w.kernel}-1) + 1)"
    value = (size + w.pad_l + w.pad_r - span) / w.stride + 1  # type: ignore[operator]
    shown = f"{value:.4f}".rstrip("0").rstrip(".")
    if "." not in shown and value != int(shown):
        shown = f"{value:.12g}"
    return f"({size} + {pads} - {kernel}) / {w.stride} + 1 = {shown}"


def unread_tail(size: int, w: Window, out: int) -> int:
    """How many of the last real input positions no window ever reads (0: the last one is read).

    Positions are in padded coordinates: the real input is ``[P_l, P_l + I - 1]``;
    window ``o`` reads ``o*S + j*D`` for ``j < K``. Padding a window skips is
    not counted: only real rows after the last real row that is read.
    """
    k, s, pl, d = w.kernel, w.stride, w.pad_l, w.dilation
    last = pl + size - 1  # type: ignore[operator]
    best = -1
    for j in range(min(k, last // d + 1)):  # type: ignore[arg-type,operator]
        t = last - j * d  # type: ignore[operator]
        if t < 0:
            break
        o = min(t // s, out - 1)  # type: ignore[operator]
        best = max(best, o * s + j * d)  # type: ignore[operator]
    if best < pl:
        return size
    return last - best


def reads_with_gaps(size: int, w: Window, out: int) -> bool:
    """True when some real position before the last one read is skipped by every window.

    Such a layer subsamples by design (a 1x1 stride-2 shortcut reads every
    other row): that its last rows go unread is no sign of a wrong input size.
    """
    k, s, pl, d = w.kernel, w.stride, w.pad_l, w.dilation
    if out * k > 200_000:  # type: ignore[operator]
        # Far from the edges the reads repeat with period S: gaps iff some residue is never read.
        return len({(j * d) % s for j in range(min(k, 4 * s))}) < s  # type: ignore[operator,arg-type]
    reads = {o * s + j * d for o in range(out) for j in range(k)}  # type: ignore[operator,arg-type]
    real = [r for r in reads if pl <= r < pl + size]  # type: ignore[operator]
    return bool(real) and len(real) != max(real) - pl + 1  # type: ignore[operator]


def exact_sizes(size: int, w: Window) -> tuple[int | None, int | None]:
    """The nearest input sizes below and above ``size`` whose last real position is read."""

    def exact(i: int) -> bool:
        o = out_size(i, w)
        return isinstance(o, int) and o >= 1 and unread_tail(i, w, o) == 0

    step = max(1, w.stride * w.dilation)  # type: ignore[operator]
    if step > _SEARCH_LIMIT:
        return None, None
    below = next((i for i in range(size - 1, max(0, size - 2 * step) - 1, -1) if i >= 1 and exact(i)), None)
    above = next((i for i in range(size + 1, size + 2 * step + 1) if exact(i)), None)
    return below, above


# ---- shapes: (leading dims, channels, spatial dims) -------------------------------------


@dataclass(frozen=True)
class Split:
    """A shape read as ``(*lead, channels, *spatial)`` with ``n`` spatial dims.

    Works on open shapes: a dimension an open shape does not hold is UNKNOWN,
    and ``lead`` is then empty (the leading dims stay open).
    """

    lead: tuple[Dim, ...]
    channels: Dim
    spatial: tuple[Dim, ...]
    open: bool

    def rebuild(self, channels: Dim, spatial: Sequence[Dim]) -> Shape:
        return Shape(*self.lead, channels, *spatial, open=self.open)

    @property
    def batch(self) -> Dim:
        """The batch size: 1 for an unbatched input (torch adds a batch of 1); UNKNOWN if open or symbolic."""
        if self.open:
            return UNKNOWN
        if not self.lead:
            return 1
        b = self.lead[0]
        return b if is_known(b) else UNKNOWN


def split(shape: Shape, n: int) -> Split:
    dims = shape.dims
    if len(dims) < n + 1:
        dims = (UNKNOWN,) * (n + 1 - len(dims)) + dims
        return Split((), dims[0], dims[1:], True)
    return Split(dims[: -(n + 1)], dims[-(n + 1)], dims[-n:], shape.open)


# ---- messages -----------------------------------------------------------------------------


def empty_output(spec_name: str, n: int, index: int, size: int, w: Window, result: int, shape: Shape) -> ShapeError:
    side = SIDE_NAMES[n][index]
    return ShapeError(
        "CNL004",
        f"{spec_name} output {side} is {result}: {formula(size, w, result)} from input {format_shape(shape)}",
    )


def _count(k: int, unit: tuple[str, str]) -> str:
    return f"{k} {unit[0] if k == 1 else unit[1]}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _arg_text(values: Sequence[Dim]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "(" + ", ".join(str(v) for v in values) + ")"


def inexact_stride(
    spec_name: str, n: int, sizes: Sequence[Dim], windows: Sequence[Window], outs: Sequence[Dim]
) -> list[Finding]:
    """CNL003: one warning naming every dimension whose last real rows/columns are never read."""
    dropped: list[tuple[int, int]] = []
    for index, (size, w, o) in enumerate(zip(sizes, windows, outs)):
        if not (is_known(size, o) and w.known) or o < 1:  # type: ignore[operator]
            continue
        if min(w.kernel, (w.pad_l + size) // w.dilation) > _SEARCH_LIMIT:  # type: ignore[operator]
            continue  # absurd sizes: not worth the loop
        tail = unread_tail(size, w, o)  # type: ignore[arg-type]
        if tail > 0 and not reads_with_gaps(size, w, o):  # type: ignore[arg-type]
            dropped.append((index, tail))
    if not dropped:
        return []
    units = UNIT_NAMES[n]
    lost = _join([_count(tail, units[index]) for index, tail in dropped])
    if any(w.pad_l != w.pad_r for w in windows):
        pad_text = "padding (" + ", ".join(f"{w.pad_l}/{w.pad_r}" for w in windows) + ")"
    else:
        pad_text = f"padding {_arg_text([w.pad_l for w in windows])}"
    geometry = f"kernel {_arg_text([w.kernel for w in windows])}, stride {_arg_text([w.stride for w in windows])}"
    if any(w.dilation != 1 for w in windows):
        geometry += f", dilation {_arg_text([w.dilation for w in windows])}"
    size_text = "x".join(str(s) for s in sizes)
    reasons = (_why(sizes[i], windows[i], outs[i]) for i, _ in dropped)  # type: ignore[arg-type]
    ratios = "; ".join(dict.fromkeys(reasons))
    # One short sentence first (an editor shows one line), the arithmetic after.
    arithmetic = f"{geometry[0].upper()}{geometry[1:]}, {pad_text}: {ratios}"
    message = f"{spec_name} never reads the last {lost} of its {size_text} input. {arithmetic}"
    suggestion = _suggest(sizes, windows, dropped)
    if suggestion:
        message += f"; {suggestion}"
    return [Finding("CNL003", message)]


def _why(size: int, w: Window, out: int) -> str:
    """Why the last rows go unread: the output size was floored, or dilated taps step over them."""
    span = w.dilation * (w.kernel - 1) + 1  # type: ignore[operator]
    if (size + w.pad_l + w.pad_r - span) % w.stride:  # type: ignore[operator]
        return f"{exact_ratio(size, w)}, floored to {out}"
    return f"{exact_ratio(size, w)} windows, whose taps at dilation {w.dilation} step over the last rows"


def _suggest(sizes: Sequence[Dim], windows: Sequence[Window], dropped: list[tuple[int, int]]) -> str:
    lower = list(sizes)
    upper = list(sizes)
    for index, _ in dropped:
        below, above = exact_sizes(sizes[index], windows[index])  # type: ignore[arg-type]
        if below is None and above is None:
            return ""
        lower[index] = below if below is not None else None  # type: ignore[call-overload]
        upper[index] = above if above is not None else None  # type: ignore[call-overload]
    options = [
        "x".join(str(s) for s in candidate) for candidate in (lower, upper) if all(s is not None for s in candidate)
    ]
    if not options:
        return ""
    return f"an input of {' or '.join(options)} would be read to the end"
