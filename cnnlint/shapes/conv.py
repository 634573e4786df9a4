"""Conv family: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their Lazy forms.

One model for all twelve, parametrised by the number of spatial dims ``n``,
``transposed`` and ``lazy``. The rules are torch's (CPU kernels; the meta
device skips several of them, see below):

- construction: ``groups`` >= 1 and divides ``in_channels`` and
  ``out_channels``; ``padding`` a string only ``'same'``/``'valid'``, and
  ``'same'`` only with every stride 1; ``padding_mode`` one of four, and only
  ``'zeros'`` for transposed convs.
- forward, whatever the input: ``kernel_size`` exactly n values, each >= 1;
  ``stride``/``dilation`` (and ``padding``, ``output_padding``) 1 or n values
  (a 1-tuple is broadcast); stride and dilation >= 1; padding and
  output_padding >= 0; ``output_padding`` < stride or < dilation in every
  dimension; the weight's first dimension (``out_channels``, or
  ``in_channels`` when transposed) at least 1. On the meta device torch skips
  most of these forward checks (and even the transposed channel check) and
  returns a shape; cnnlint follows the CPU, which raises.
- a non-zero ``padding_mode`` pads with ``F.pad`` first (the model in
  ``padding.py``: ``padding`` read as F.pad reads it, so a 1-tuple pads the
  last dimension only) and convolves with padding 0.
- ``padding='same'``: output = input; an even kernel pads one more on the
  right, as torch does.

Output per spatial dim: conv ``floor((I + 2P - D*(K-1) - 1) / S) + 1``
(windows.py); transposed ``(I-1)*S - 2P + D*(K-1) + OP + 1``; either below 1
is CNL004.

Lazy forms take ``in_channels`` from the input (dim ``-(n+1)``). A
LazyConvTranspose whose ``out_channels`` is not a multiple of ``groups``
builds a weight of ``out_channels // groups`` per group: with ``bias=False``
it silently outputs ``groups * (out_channels // groups)`` channels, with a
bias torch raises (bias size mismatch). Both are matched.

Parameters: ``K * (Cin/groups) * Cout + Cout*bias`` (transposed:
``Cin * (Cout/groups) * K + Cout*bias``). MACs follow FlopCounterMode / 2:
``N * Cout * prod(out spatial) * Cin/groups * prod(K)`` for a conv, and by
the *input* spatial size for a transposed conv,
``N * Cin * prod(in spatial) * Cout/groups * prod(K)``; an unbatched input
counts as N = 1.
"""

from __future__ import annotations

from functools import partial

from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, format_shape, is_known, product
from cnnlint.shapes.padding import check_pads, pad_shape
from cnnlint.shapes.spec import ArgFix, Args, Count, Finding, LayerSpec, Param, ShapeError, channels_text, int_arg
from cnnlint.shapes.windows import (
    SIDE_NAMES,
    Split,
    Window,
    empty_output,
    expand,
    inexact_stride,
    out_size,
    raw_tuple,
    split,
)

_FACTORY = (Param("device", None), Param("dtype", None))
_MODES = ("zeros", "reflect", "replicate", "circular")
_TORCH_MODE = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}


@dataclass(frozen=True)
class Kind:
    n: int
    transposed: bool
    lazy: bool

    @property
    def name(self) -> str:
        return f"{'Lazy' if self.lazy else ''}Conv{'Transpose' if self.transposed else ''}{self.n}d"


@dataclass(frozen=True)
class ConvArgs:
    """The arguments once torch's checks that need no input have passed. UNKNOWN where unresolved."""

    in_channels: Dim  # UNKNOWN for lazy forms (taken from the input)
    out_channels: Dim
    kernel: tuple[Dim, ...] | _Unknown
    stride: tuple[Dim, ...] | _Unknown
    dilation: tuple[Dim, ...] | _Unknown
    padding: tuple[Dim, ...] | _Unknown | str  # n values (zeros mode), or 'same'/'valid'
    pads: tuple[Dim, ...] | _Unknown | None  # the F.pad list for a non-zero padding_mode, else None
    output_padding: tuple[Dim, ...] | _Unknown
    groups: Dim
    bias: object  # 0/1 or UNKNOWN
    mode: object  # padding_mode or UNKNOWN


def _bias(args: Args) -> object:
    bias = args["bias"]
    return UNKNOWN if bias is UNKNOWN else int(bool(bias))


def _given_stride_not_one(args: Args) -> bool | None:
    """torch's ``any(s != 1 for s in stride)`` on the stride as given; None if unresolved."""
    raw = args["stride"]
    if raw is UNKNOWN:
        return None
    values = tuple(raw) if isinstance(raw, (list, tuple)) else (raw,)
    if any(v is UNKNOWN for v in values):
        return None if all(v is UNKNOWN or v == 1 for v in values) else True
    return any(v != 1 for v in values)


def resolve(kind: Kind, args: Args) -> ConvArgs:
    """Every check torch makes without looking at the input; raises ShapeError(CNL005)."""
    name, n = kind.name, kind.n
    mode = args["padding_mode"]
    if kind.transposed and mode is not UNKNOWN and mode != "zeros":
        raise ShapeError("CNL005", f"{name} supports only padding_mode='zeros', got {mode!r}")
    groups = int_arg(name, args, "groups")
    if is_known(groups) and groups < 1:  # type: ignore[operator]
        raise ShapeError("CNL005", f"{name} argument 'groups' must be a positive integer, got {groups}")
    in_channels: Dim = UNKNOWN
    if not kind.lazy:
        in_channels = int_arg(name, args, "in_channels", minimum=0)
    out_channels = int_arg(name, args, "out_channels", minimum=0)
    bias = _bias(args)
    if is_known(groups):
        if is_known(in_channels) and in_channels % groups:  # type: ignore[operator]
            raise ShapeError("CNL005", f"{name} groups={groups} must divide in_channels={in_channels}", None)
        # a LazyConvTranspose without bias silently rounds out_channels down to a multiple of groups
        silent = kind.lazy and kind.transposed and bias != 1
        if is_known(out_channels) and out_channels % groups and not silent:  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"{name} groups={groups} must divide out_channels={out_channels}"
                + (" (with bias=True the bias no longer matches the weight)" if kind.lazy else ""),
            )
        if is_known(out_channels) and silent and 0 < out_channels < groups:  # type: ignore[operator]
            raise ShapeError(
                "CNL005", f"{name} out_channels={out_channels} leaves an empty weight with groups={groups}"
            )
    padding_arg = args["padding"]
    if isinstance(padding_arg, str) and not kind.transposed:
        if padding_arg not in ("same", "valid"):
            raise ShapeError(
                "CNL005", f"{name} padding must be 'same', 'valid', an int or a tuple, got {padding_arg!r}"
            )
        if padding_arg == "same" and _given_stride_not_one(args):
            raise ShapeError(
                "CNL005", f"{name} padding='same' is not supported with stride {args['stride']!r}: use stride 1"
            )
    if mode is not UNKNOWN and mode not in _MODES:
        raise ShapeError("CNL005", f"{name} padding_mode must be one of {', '.join(_MODES)}, got {mode!r}")
    kernel = expand(name, args, "kernel_size", n, lengths=(n,), minimum=1)
    stride = expand(name, args, "stride", n, minimum=1)
    dilation = expand(name, args, "dilation", n, minimum=1)
    padding: tuple[Dim, ...] | _Unknown | str
    pads: tuple[Dim, ...] | _Unknown | None = None
    if isinstance(padding_arg, str):
        if kind.transposed:
            raise ShapeError("CNL005", f"{name} padding must be an int or a tuple, got {padding_arg!r}")
        padding = padding_arg
    elif mode == "zeros":
        padding = expand(name, args, "padding", n, minimum=0, what="padding")
    elif mode is UNKNOWN:  # read as zeros, but an unknown never makes an error
        try:
            padding = expand(name, args, "padding", n, minimum=0, what="padding")
        except ShapeError:
            padding = UNKNOWN
    if mode is not UNKNOWN and mode != "zeros":
        # F.pad first, then a convolution with padding 0
        pads = _mode_pads(kind, args, kernel)
        if pads is not UNKNOWN:
            check_pads(name, _TORCH_MODE[mode], pads)  # type: ignore[arg-type]
        padding = (0,) * n
    output_padding: tuple[Dim, ...] | _Unknown = (0,) * n
    if kind.transposed:
        output_padding = expand(name, args, "output_padding", n, minimum=0, what="output_padding")
        if not any(v is UNKNOWN for v in (output_padding, stride, dilation)):
            for op, s, d in zip(output_padding, stride, dilation):  # type: ignore[arg-type]
                if is_known(op, s, d) and op >= s and op >= d:  # type: ignore[operator]
                    raise ShapeError(
                        "CNL005",
                        f"{name} output_padding must be smaller than either stride or dilation, got "
                        f"output_padding={args['output_padding']!r}, stride={args['stride']!r}, "
                        f"dilation={args['dilation']!r}",
                    )
    # the weight may not be empty: (out, in/groups, *k), or (in, out/groups, *k) when transposed
    for which, value in (("in_channels", in_channels if kind.transposed else 1), ("out_channels", out_channels)):
        if is_known(value) and value < 1:  # type: ignore[operator]
            raise ShapeError("CNL005", f"{name} {which} must be at least 1, got {value}")
    return ConvArgs(
        in_channels, out_channels, kernel, stride, dilation, padding, pads, output_padding, groups, bias, mode
    )


def _mode_pads(kind: Kind, args: Args, kernel: tuple[Dim, ...] | _Unknown) -> tuple[Dim, ...] | _Unknown:
    """torch's ``_reversed_padding_repeated_twice``: the F.pad list a non-zero padding_mode uses."""
    padding = args["padding"]
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0) * kind.n
        # 'same': zip(dilation as given, kernel_size, reversed dims), shortest wins
        dilation = raw_tuple(kind.name, args, "dilation")
        if kernel is UNKNOWN or dilation is UNKNOWN:
            return UNKNOWN
        dil = dilation if isinstance(dilation, tuple) else (dilation,) * kind.n
        pads: list[Dim] = [0, 0] * len(kernel)  # type: ignore[arg-type]
        for d, k, i in zip(dil, kernel, range(len(kernel) - 1, -1, -1)):  # type: ignore[arg-type]
            if not is_known(d, k):
                pads[2 * i] = pads[2 * i + 1] = UNKNOWN
                continue
            total = d * (k - 1)  # type: ignore[operator]
            pads[2 * i] = total // 2
            pads[2 * i + 1] = total - total // 2
        return tuple(pads)
    raw = raw_tuple(kind.name, args, "padding")
    if raw is UNKNOWN:
        return UNKNOWN
    values = raw if isinstance(raw, tuple) else (raw,) * kind.n
    out: list[Dim] = []
    for v in reversed(values):
        out += [v, v]
    return tuple(out)


# ---- shapes --------------------------------------------------------------------------------


def _windows(kind: Kind, a: ConvArgs, spatial: tuple[Dim, ...]) -> list[Window] | None:
    """Per-dim windows of a non-transposed conv (None when the geometry is unknown)."""
    if a.kernel is UNKNOWN or a.stride is UNKNOWN or a.dilation is UNKNOWN or a.padding is UNKNOWN:
        return None
    windows = []
    for i in range(kind.n):
        k, s, d = a.kernel[i], a.stride[i], a.dilation[i]  # type: ignore[index]
        if a.padding == "same":
            total = d * (k - 1) if is_known(d, k) else UNKNOWN  # type: ignore[operator]
            left = total // 2 if is_known(total) else UNKNOWN  # type: ignore[operator]
            right = total - left if is_known(total) else UNKNOWN  # type: ignore[operator]
            windows.append(Window(k, s, left, right, d))
        elif a.padding == "valid":
            windows.append(Window(k, s, 0, 0, d))
        else:
            p = a.padding[i]  # type: ignore[index]
            windows.append(Window(k, s, p, p, d))
    return windows


def _transposed_out(size: Dim, k: Dim, s: Dim, p: Dim, d: Dim, op: Dim) -> Dim:
    if not is_known(size, k, s, p, d, op):
        return UNKNOWN
    return (size - 1) * s - 2 * p + d * (k - 1) + op + 1  # type: ignore[operator]


def _output_channels(kind: Kind, a: ConvArgs) -> Dim:
    if kind.lazy and kind.transposed and is_known(a.out_channels, a.groups):
        return (a.out_channels // a.groups) * a.groups  # type: ignore[operator]
    return a.out_channels if is_known(a.out_channels) else UNKNOWN


def _padded(kind: Kind, a: ConvArgs, shape: Shape) -> Shape:
    """The input after the F.pad of a non-zero padding_mode (unchanged for zeros)."""
    if a.pads is None:
        return shape
    if a.pads is UNKNOWN:
        parts = split(shape, kind.n)
        return parts.rebuild(parts.channels, (UNKNOWN,) * kind.n)
    return pad_shape(kind.name, _TORCH_MODE[a.mode], a.pads, shape)  # type: ignore[arg-type,index]


def _spatial_out(kind: Kind, a: ConvArgs, parts: Split, shape: Shape) -> tuple[list[Dim], ShapeError | None]:
    """Output spatial dims, and the CNL004 error for the first one below 1 (if any)."""
    n = kind.n
    outs: list[Dim] = []
    error: ShapeError | None = None
    if kind.transposed:
        geometry = (a.kernel, a.stride, a.padding, a.dilation, a.output_padding)
        if any(g is UNKNOWN for g in geometry):
            return [UNKNOWN] * n, None
        for i, size in enumerate(parts.spatial):
            k, s, p, d, op = (g[i] for g in geometry)  # type: ignore[index]
            o = _transposed_out(size, k, s, p, d, op)
            if is_known(o) and o < 1:  # type: ignore[operator]
                if error is None:
                    error = ShapeError(
                        "CNL004",
                        f"{kind.name} output {SIDE_NAMES[n][i]} is {o}: ({size} - 1)*{s} - 2*{p} + {d}*({k}-1) "
                        f"+ {op} + 1 = {o} from input {format_shape(shape)}",
                    )
                o = UNKNOWN
            outs.append(o)
        return outs, error
    windows = _windows(kind, a, parts.spatial)
    if windows is None:
        return [UNKNOWN] * n, None
    for i, (size, w) in enumerate(zip(parts.spatial, windows)):
        o = out_size(size, w)
        if is_known(o) and o < 1:  # type: ignore[operator]
            if error is None:
                error = empty_output(kind.name, n, i, size, w, o, shape)  # type: ignore[arg-type]
            o = UNKNOWN
        outs.append(o)
    return outs, error


def infer(kind: Kind, args: Args, shape: Shape) -> Shape:
    a = resolve(kind, args)
    n, name = kind.n, kind.name
    received = split(shape, n).channels
    padded = _padded(kind, a, shape)
    parts = split(padded, n)
    outs, spatial_error = _spatial_out(kind, a, parts, shape)
    out = parts.rebuild(_output_channels(kind, a), outs)
    if kind.lazy:
        if is_known(received, a.groups) and received % a.groups:  # type: ignore[operator]
            raise ShapeError(
                "CNL005",
                f"{name} takes in_channels={received} from its input, which groups={a.groups} does not divide; "
                f"input {format_shape(shape)}",
            )
        if kind.transposed and is_known(received) and received < 1:  # type: ignore[operator]
            raise ShapeError("CNL005", f"{name} needs at least 1 input channel, got input {format_shape(shape)}")
        expected = received
    else:
        expected = a.in_channels
    if is_known(expected, parts.channels) and parts.channels != expected:
        message = f"{name} expects in_channels={expected} but receives {channels_text(parts.channels)}; "
        fix = None if kind.lazy else ArgFix("in_channels", parts.channels)  # type: ignore[arg-type]
        if n == 1 and shape.rank == 3 and not shape.open and shape.dims[-1] == expected:
            # (N, L, C) given for (N, C, L): the sequence's features are last; the layer is right, the input is not
            message += f"input {format_shape(shape)} has {expected} in its last dim: is it (N, L, C)? x.transpose(1, 2)"
            fix = None
        else:
            message += f"input {format_shape(shape)}; set in_channels={parts.channels}"
        raise ShapeError("CNL002", message, fix=fix, recovered=out if spatial_error is None else None)
    if spatial_error is not None:
        raise spatial_error
    return out


# ---- lint, params, MACs -----------------------------------------------------------------------


def lint(kind: Kind, args: Args, shape: Shape) -> list[Finding]:
    """CNL003 for non-transposed convs (the real input's last rows never read)."""
    if kind.transposed:
        return []
    a = resolve(kind, args)
    parts = split(shape, kind.n)
    if a.pads is None:
        windows = _windows(kind, a, parts.spatial)
        if windows is None:
            return []
    else:
        # F.pad then a conv with padding 0: the real input sits at [left, left + I - 1].
        # Pads that crop, or that reach past the spatial dims, are not judged.
        if a.pads is UNKNOWN or a.kernel is UNKNOWN or a.stride is UNKNOWN or a.dilation is UNKNOWN:
            return []
        pads = tuple(a.pads) + (0, 0) * kind.n  # type: ignore[arg-type]
        if any(not is_known(p) or p < 0 for p in a.pads) or any(p != 0 for p in a.pads[2 * kind.n :]):  # type: ignore[operator,index,union-attr]
            return []
        windows = []
        for i in range(kind.n):
            j = kind.n - 1 - i  # F.pad lists the last dimension first
            windows.append(Window(a.kernel[i], a.stride[i], pads[2 * j], pads[2 * j + 1], a.dilation[i]))  # type: ignore[index]
    outs = [out_size(size, w) for size, w in zip(parts.spatial, windows)]
    return inexact_stride(kind.name, kind.n, parts.spatial, windows, outs)


def _in_channels(kind: Kind, a: ConvArgs, shape: Shape) -> Dim:
    if not kind.lazy:
        return a.in_channels
    received = split(shape, kind.n).channels
    return received if is_known(received) else UNKNOWN


def count_params(kind: Kind, args: Args, shape: Shape) -> Count:
    a = resolve(kind, args)
    cin = _in_channels(kind, a, shape)
    cout, groups, bias = a.out_channels, a.groups, a.bias
    if a.kernel is UNKNOWN or not is_known(cin, cout, groups, bias):
        return UNKNOWN
    k = product(a.kernel)  # type: ignore[arg-type]
    if not is_known(k):
        return UNKNOWN
    if kind.transposed:
        return cin * (cout // groups) * k + cout * bias  # type: ignore[operator]
    return k * (cin // groups) * cout + cout * bias  # type: ignore[operator]


def macs(kind: Kind, args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    a = resolve(kind, args)
    cin = _in_channels(kind, a, in_shape)
    if a.kernel is UNKNOWN:
        return UNKNOWN
    k = product(a.kernel)  # type: ignore[arg-type]
    if kind.transposed:
        parts = split(in_shape, kind.n)
        per_group = _output_channels(kind, a)
        if not is_known(per_group, a.groups):
            return UNKNOWN
        per_group = per_group // a.groups  # type: ignore[operator]
        total = product((parts.batch, cin, per_group, k, *parts.spatial))
    else:
        parts = split(out_shape, kind.n)
        if not is_known(cin, a.groups):
            return UNKNOWN
        total = product((split(in_shape, kind.n).batch, a.out_channels, cin // a.groups, k, *parts.spatial))  # type: ignore[operator]
    return total


def check(kind: Kind, args: Args) -> None:
    resolve(kind, args)


def _params(kind: Kind) -> tuple[Param, ...]:
    head = () if kind.lazy else (Param("in_channels"),)
    head += (Param("out_channels"), Param("kernel_size"), Param("stride", 1), Param("padding", 0))
    if kind.transposed:
        tail = (Param("output_padding", 0), Param("groups", 1), Param("bias", True), Param("dilation", 1))
    else:
        tail = (Param("dilation", 1), Param("groups", 1), Param("bias", True))
    return head + tail + (Param("padding_mode", "zeros"), *_FACTORY)


def _spec(kind: Kind) -> LayerSpec:
    return LayerSpec(
        name=kind.name,
        params=_params(kind),
        infer=partial(infer, kind),
        count_params=partial(count_params, kind),
        macs=partial(macs, kind),
        check=partial(check, kind),
        lint=partial(lint, kind),
        ranks=(kind.n + 1, kind.n + 2),
    )


SPECS: list[LayerSpec] = [
    _spec(Kind(n, transposed, lazy)) for lazy in (False, True) for transposed in (False, True) for n in (1, 2, 3)
]
