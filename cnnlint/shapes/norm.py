"""Normalisation family: BatchNorm, InstanceNorm (and their Lazy forms), GroupNorm,
LayerNorm, RMSNorm, LocalResponseNorm.

All of them preserve the shape, so ``infer`` returns the incoming ``Shape``
object itself (its ``note`` survives) and a channel mismatch recovers with
that same shape: the output does not depend on the bug.

The engine models a freshly built module, which torch puts in training mode:
like torch, it rejects inputs whose statistics would be taken over a single
value (BatchNorm on a batch of one with no spatial extent, InstanceNorm on a
1x1 map, GroupNorm with one value per group). Those are CNL005 (an input-size
dependent argument check) and recover with the input shape.

Parameters are learnable only: running statistics are buffers.
"""

from __future__ import annotations

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, format_shape, is_known, product
from cnnlint.shapes.spec import ArgFix, Args, Count, LayerSpec, Param, ShapeError, channels_text, int_arg, is_int

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_FACTORY = (Param("device", None), Param("dtype", None))
_BIAS = Param("bias", True, keyword_only=True)


def _flag(args: Args, name: str) -> Any:
    """A boolean argument as torch reads it (``if affine:``), or UNKNOWN."""
    value = args[name]
    return UNKNOWN if value is UNKNOWN else bool(value)


def _any_flag(args: Args, *names: str) -> Any:
    """``a or b`` over boolean arguments: True, False, or UNKNOWN."""
    values = [_flag(args, n) for n in names]
    if any(v is True for v in values):
        return True
    return UNKNOWN if any(v is UNKNOWN for v in values) else False


def _rank_fail(name: str, accepted: str, shape: Shape) -> ShapeError:
    return ShapeError("CNL006", f"{name} expects a {accepted} input but receives {shape.rank}-D {format_shape(shape)}")


def _affine_params(affine: Any, bias: Any, features: Dim) -> Count:
    if affine is UNKNOWN or bias is UNKNOWN:
        return UNKNOWN
    if not affine:
        return 0
    if not is_known(features):
        return UNKNOWN
    return features * (1 + int(bias))  # type: ignore[operator]


# ---- BatchNorm ---------------------------------------------------------------


def _bn_ranks(n: int) -> tuple[int, ...]:
    """BatchNorm1d takes (N, C) or (N, C, L), both batched; 2d and 3d one rank each."""
    return (2, 3) if n == 1 else (n + 2,)


def _bn_channel(n: int, shape: Shape) -> Dim:
    """The channel dimension (index 1), also on an open shape when its rank is certain."""
    if shape.rank is not None:
        return shape.dim(1)
    if n > 1 and shape.min_rank >= n + 1:  # only one rank (n + 2) is possible
        return shape.dim(-(n + 1))
    return UNKNOWN


def _check_bn_rank(name: str, n: int, shape: Shape) -> None:
    # BatchNorm1d's two ranks are both batched, so it carries no ``ranks`` for
    # SPEC §2's batched rule (a (N, C) input after Flatten is its normal use)
    # and checks its rank here; 2d and 3d are checked by propagate.
    if n != 1:
        return
    if shape.rank is None:
        if shape.min_rank > 3:
            raise ShapeError(
                "CNL006",
                f"{name} expects a 2-D or 3-D input but receives at least {shape.min_rank}-D {format_shape(shape)}",
            )
        return
    if shape.rank not in (2, 3):
        raise _rank_fail(name, "2-D or 3-D", shape)


def _check_single_value(name: str, n: int, shape: Shape) -> None:
    """torch (training): 'Expected more than 1 value per channel' when N * prod(spatial) == 1."""
    if shape.rank is None:
        return
    values = product((shape.dim(0), *shape.dims[2:]))
    if values == 1:
        raise ShapeError(
            "CNL005",
            f"{name} in training mode needs more than one value per channel, but input "
            f"{format_shape(shape)} holds one value per channel (batch 1, spatial size 1); use a batch larger than 1",
            recovered=shape,
            train_only=True,
        )


def _features_last_message(name: str, expected: int, shape: Shape) -> str:
    """A (B, T, C) input whose last dim is num_features: the features are last, BatchNorm1d reads dim 1.

    Setting num_features to dim 1 would turn the crash into normalising the
    wrong dimension, so this finding carries no fix.
    """
    return (
        f"{name} expects num_features={expected} in dim 1 but receives {shape.dim(1)} there; input "
        f"{format_shape(shape)} has its {expected} features in the last dim, and {name} normalises dim 1 "
        f"(N, C, L): transpose to (N, C, L) first (x.transpose(1, 2)) or use LayerNorm({expected})"
    )


def _bn_check(name: str, lazy: bool):  # type: ignore[no-untyped-def]
    def check(args: Args) -> None:
        if not lazy and _any_flag(args, "affine", "track_running_stats") is True:
            int_arg(name, args, "num_features", minimum=0)

    return check


def _bn_infer(name: str, n: int, lazy: bool):  # type: ignore[no-untyped-def]
    def infer(args: Args, shape: Shape) -> Shape:
        _check_bn_rank(name, n, shape)
        channels = _bn_channel(n, shape)
        if not lazy:
            expected = args["num_features"]
            checked = _any_flag(args, "affine", "track_running_stats") is True
            if checked and is_known(expected, channels) and expected != channels:
                if n == 1 and shape.rank == 3 and shape.dim(-1) == expected:
                    raise ShapeError("CNL002", _features_last_message(name, expected, shape), recovered=shape)
                raise ShapeError(
                    "CNL002",
                    f"{name} expects num_features={expected} but receives {channels_text(channels)}; "
                    f"input {format_shape(shape)}; set num_features={channels}",
                    fix=ArgFix("num_features", channels),  # type: ignore[arg-type]
                    recovered=shape,
                )
        _check_single_value(name, n, shape)
        return shape

    return infer


def _bn_params(n: int, lazy: bool):  # type: ignore[no-untyped-def]
    def count(args: Args, shape: Shape) -> Count:
        features = _bn_channel(n, shape) if lazy else args["num_features"]
        return _affine_params(_flag(args, "affine"), _flag(args, "bias"), features)

    return count


def _norm_signature(lazy: bool, affine: bool, track: bool) -> tuple[Param, ...]:
    head = () if lazy else (Param("num_features"),)
    return (
        *head,
        Param("eps", 1e-5),
        Param("momentum", 0.1),
        Param("affine", affine),
        Param("track_running_stats", track),
        *_FACTORY,
        _BIAS,
    )


def _batchnorm(n: int, lazy: bool) -> LayerSpec:
    name = f"{'Lazy' if lazy else ''}BatchNorm{n}d"
    return LayerSpec(
        name=name,
        params=_norm_signature(lazy, True, True),
        infer=_bn_infer(name, n, lazy),
        count_params=_bn_params(n, lazy),
        check=_bn_check(name, lazy),
        ranks=None if n == 1 else _bn_ranks(n),
    )


# ---- InstanceNorm ------------------------------------------------------------


def _in_infer(name: str, n: int, lazy: bool):  # type: ignore[no-untyped-def]
    def infer(args: Args, shape: Shape) -> Shape:
        # The channel is the dimension before the n spatial ones, batched or not.
        channels = shape.dim(-(n + 1))
        # torch raises on a mismatch only when a per-channel tensor exists
        # (affine weights or running statistics); otherwise it only warns.
        checked = _any_flag(args, "affine", "track_running_stats") is True
        if lazy:
            # LazyInstanceNorm takes num_features from dim 1 even for an
            # unbatched input, where dim 1 is not the channel.
            features = shape.dim(1)
            if checked and is_known(features, channels) and features != channels:
                raise ShapeError(
                    "CNL002",
                    f"{name} infers num_features={features} from dim 1 of the unbatched input "
                    f"{format_shape(shape)}, whose channel dimension is {channels}; "
                    f"use InstanceNorm{n}d({channels}) or a batched input",
                    recovered=shape,
                )
        else:
            expected = args["num_features"]
            if checked and is_known(expected, channels) and expected != channels:
                raise ShapeError(
                    "CNL002",
                    f"{name} expects num_features={expected} but receives {channels_text(channels)}; "
                    f"input {format_shape(shape)}; set num_features={channels}",
                    fix=ArgFix("num_features", channels),  # type: ignore[arg-type]
                    recovered=shape,
                )
        spatial = product(shape.dims[-n:]) if shape.min_rank >= n else UNKNOWN
        if spatial == 1:
            raise ShapeError(
                "CNL005",
                f"{name} needs more than one spatial element per channel, but input "
                f"{format_shape(shape)} has a spatial size of 1",
                recovered=shape,
            )
        return shape

    return infer


def _in_params(lazy: bool):  # type: ignore[no-untyped-def]
    def count(args: Args, shape: Shape) -> Count:
        features = shape.dim(1) if lazy else args["num_features"]
        return _affine_params(_flag(args, "affine"), _flag(args, "bias"), features)

    return count


def _instancenorm(n: int, lazy: bool) -> LayerSpec:
    name = f"{'Lazy' if lazy else ''}InstanceNorm{n}d"
    # InstanceNorm defaults to affine=False, track_running_stats=False; the
    # Lazy forms default to True for both (torch's own signatures).
    return LayerSpec(
        name=name,
        params=_norm_signature(lazy, lazy, lazy),
        infer=_in_infer(name, n, lazy),
        count_params=_in_params(lazy),
        check=_bn_check(name, lazy),
        ranks=(n + 1, n + 2),
    )


# ---- GroupNorm ---------------------------------------------------------------


def _gn_check(args: Args) -> None:
    groups = int_arg("GroupNorm", args, "num_groups")
    channels = int_arg("GroupNorm", args, "num_channels")
    if is_known(groups) and groups < 1:  # type: ignore[operator]
        raise ShapeError("CNL005", f"GroupNorm num_groups must be >= 1, got {groups}")
    if is_known(groups, channels) and channels % groups != 0:  # type: ignore[operator]
        raise ShapeError("CNL005", f"GroupNorm num_channels ({channels}) must be divisible by num_groups ({groups})")
    if _flag(args, "affine") is True and is_known(channels) and channels < 0:  # type: ignore[operator]
        raise ShapeError("CNL005", f"GroupNorm num_channels must be >= 0, got {channels}")


def _gn_infer(args: Args, shape: Shape) -> Shape:
    if shape.rank is not None and shape.rank < 2:
        raise _rank_fail("GroupNorm", "2-D or higher", shape)
    groups, expected = args["num_groups"], args["num_channels"]
    channels = shape.dim(1)
    # torch first checks that each group has more than one value: (N * C // G) * prod(spatial) > 1
    if shape.rank is not None and is_known(groups, shape.dim(0), channels):
        values = product((shape.dim(0) * channels // groups, *shape.dims[2:]))  # type: ignore[operator]
        if values == 1:
            raise ShapeError(
                "CNL005",
                f"GroupNorm needs more than one value per group, but input {format_shape(shape)} "
                f"with num_groups={groups} has a single value in each",
                recovered=shape,
            )
    if _flag(args, "affine") is True and is_known(expected, channels) and expected != channels:
        divides = is_known(groups) and channels % groups == 0  # type: ignore[operator]
        fix = ArgFix("num_channels", channels) if divides else None  # type: ignore[arg-type]
        advice = f"; set num_channels={channels}" if divides else f" (not divisible by num_groups={groups})"
        raise ShapeError(
            "CNL002",
            f"GroupNorm expects num_channels={expected} but receives {channels_text(channels)}; "
            f"input {format_shape(shape)}{advice}",
            fix=fix,
            recovered=shape,
        )
    if is_known(channels, groups) and channels % groups != 0:  # type: ignore[operator]
        raise ShapeError(
            "CNL005",
            f"GroupNorm num_groups={groups} does not divide the {channels} incoming channels; "
            f"input {format_shape(shape)}",
            recovered=shape,
        )
    return shape


GROUP_NORM = LayerSpec(
    name="GroupNorm",
    params=(
        Param("num_groups"),
        Param("num_channels"),
        Param("eps", 1e-5),
        Param("affine", True),
        *_FACTORY,
        _BIAS,
    ),
    infer=_gn_infer,
    count_params=lambda args, shape: _affine_params(_flag(args, "affine"), _flag(args, "bias"), args["num_channels"]),
    check=_gn_check,
)


# ---- LayerNorm, RMSNorm ------------------------------------------------------


def _normalized_shape(name: str, args: Args) -> tuple[Dim, ...] | Any:
    """``normalized_shape`` as a tuple (torch turns an int into ``(int,)``), or UNKNOWN."""
    value = args["normalized_shape"]
    if value is UNKNOWN:
        return UNKNOWN
    items = (value,) if is_int(value) or isinstance(value, bool) else value
    if not isinstance(items, (tuple, list)):
        raise ShapeError("CNL005", f"{name} normalized_shape must be an int or a tuple of ints, got {value!r}")
    dims: list[Dim] = []
    for item in items:
        if item is UNKNOWN:
            dims.append(UNKNOWN)
            continue
        if not isinstance(item, int):
            raise ShapeError("CNL005", f"{name} normalized_shape must hold ints, got {value!r}")
        if item < 0:
            raise ShapeError("CNL005", f"{name} normalized_shape must not be negative, got {value!r}")
        dims.append(int(item))
    if not dims:
        raise ShapeError("CNL005", f"{name} normalized_shape must hold at least one dimension, got {value!r}")
    return tuple(dims)


def _trailing_infer(name: str):  # type: ignore[no-untyped-def]
    def infer(args: Args, shape: Shape) -> Shape:
        expected = _normalized_shape(name, args)
        if expected is UNKNOWN:
            return shape
        k = len(expected)
        if shape.rank is not None and shape.rank < k:
            raise ShapeError(
                "CNL002",
                f"{name} normalizes the last {k} dimensions {tuple(expected)} but receives "
                f"{shape.rank}-D {format_shape(shape)}",
                recovered=shape,
            )
        if shape.min_rank < k:
            return shape
        got = shape.dims[-k:]
        if any(is_known(e, g) and e != g for e, g in zip(expected, got)):
            single = not isinstance(args["normalized_shape"], (tuple, list))
            fix = ArgFix("normalized_shape", got[0]) if single and is_known(got[0]) else None  # type: ignore[arg-type]
            shown = expected[0] if single else tuple(expected)
            wanted = got[0] if single else tuple(got)
            raise ShapeError(
                "CNL002",
                f"{name} expects normalized_shape={shown} but the incoming trailing "
                f"dimensions are {wanted}; input {format_shape(shape)}",
                fix=fix,
                recovered=shape,
            )
        return shape

    return infer


def _trailing_params(name: str, with_bias: bool):  # type: ignore[no-untyped-def]
    def count(args: Args, shape: Shape) -> Count:
        affine = _flag(args, "elementwise_affine")
        bias = _flag(args, "bias") if with_bias else False
        if affine is UNKNOWN or bias is UNKNOWN:
            return UNKNOWN
        if not affine:
            return 0
        dims = _normalized_shape(name, args)
        size = UNKNOWN if dims is UNKNOWN else product(dims)
        return UNKNOWN if size is UNKNOWN else size * (1 + int(bias))  # type: ignore[operator]

    return count


LAYER_NORM = LayerSpec(
    name="LayerNorm",
    params=(
        Param("normalized_shape"),
        Param("eps", 1e-5),
        Param("elementwise_affine", True),
        Param("bias", True),
        *_FACTORY,
    ),
    infer=_trailing_infer("LayerNorm"),
    count_params=_trailing_params("LayerNorm", True),
    check=lambda args: _normalized_shape("LayerNorm", args) and None,
)

RMS_NORM = LayerSpec(
    name="RMSNorm",
    params=(Param("normalized_shape"), Param("eps", None), Param("elementwise_affine", True), *_FACTORY),
    infer=_trailing_infer("RMSNorm"),
    count_params=_trailing_params("RMSNorm", False),
    check=lambda args: _normalized_shape("RMSNorm", args) and None,
)


# ---- LocalResponseNorm -------------------------------------------------------


def _lrn_infer(args: Args, shape: Shape) -> Shape:
    if shape.rank is not None and shape.rank < 3:
        raise _rank_fail("LocalResponseNorm", "3-D or higher", shape)
    return shape


LOCAL_RESPONSE_NORM = LayerSpec(
    name="LocalResponseNorm",
    params=(Param("size"), Param("alpha", 1e-4), Param("beta", 0.75), Param("k", 1.0)),
    infer=_lrn_infer,
    check=lambda args: int_arg("LocalResponseNorm", args, "size", minimum=1) and None,
)


SPECS = [
    *(_batchnorm(n, lazy) for lazy in (False, True) for n in (1, 2, 3)),
    *(_instancenorm(n, lazy) for lazy in (False, True) for n in (1, 2, 3)),
    GROUP_NORM,
    LAYER_NORM,
    RMS_NORM,
    LOCAL_RESPONSE_NORM,
]
