"""Strategies for the conv family: ``(kwargs, in_shape)`` per torch class.

Mostly valid configurations (groups dividing the channels, kernels that fit),
with mismatched channels, collapsing sizes, wrong ranks, wrong tuple
lengths, zero/negative values, 'same'/'valid', padding modes and
output_padding at the edge of torch's rule drawn at a modest rate.
"""

from __future__ import annotations

import inspect
from typing import Any

from hypothesis import strategies as st

from strategies import mostly, near

SPATIAL = st.integers(1, 12)


def _window_arg(draw: st.DrawFn, n: int, values: st.SearchStrategy, bad: list[Any]) -> Any:
    """An int, an n-tuple (sometimes a list or a 1-tuple), or now and then a bad value."""
    style = draw(st.sampled_from(["int"] * 6 + ["tuple"] * 3 + ["one", "list", "bad"]))
    if style == "int":
        return draw(values)
    if style == "tuple":
        return tuple(draw(values) for _ in range(n))
    if style == "one":
        return (draw(values),)
    if style == "list":
        return [draw(values) for _ in range(n)]
    return draw(st.sampled_from(bad + [tuple(draw(values) for _ in range(n + 1)), ()]))


@st.composite
def _conv(draw: st.DrawFn, n: int, transposed: bool, lazy: bool) -> tuple[dict[str, Any], tuple[int, ...]]:
    groups = draw(mostly(1, st.integers(1, 3), weight=2))
    cin = groups * draw(st.integers(1, 3))
    cout = groups * draw(st.integers(1, 3))
    kwargs: dict[str, Any] = {}
    if not lazy:
        kwargs["in_channels"] = draw(mostly(cin, st.sampled_from([cin + 1, 0, -1]), weight=25))
    kwargs["out_channels"] = draw(mostly(cout, st.sampled_from([cout + 1, 0, -2, 2.0]), weight=25))
    kwargs["kernel_size"] = _window_arg(draw, n, st.integers(1, 4), [0, -1, 2.0, (0,) * n])
    names = ["stride", "dilation", "groups", "bias", "padding"] + (["output_padding"] if transposed else [])
    present = draw(st.sets(st.sampled_from(names)))
    chosen: dict[str, Any] = {}
    if "stride" in present:
        chosen["stride"] = _window_arg(draw, n, mostly(1, st.integers(1, 3), weight=1), [0, -1, 1.5])
    if "dilation" in present:
        chosen["dilation"] = _window_arg(draw, n, mostly(1, st.integers(1, 3), weight=2), [0, -1])
    if "groups" in present or groups > 1:
        chosen["groups"] = draw(mostly(groups, st.sampled_from([0, -1, groups + 1, 2 * groups]), weight=20))
    if "bias" in present:
        chosen["bias"] = draw(st.booleans())
    if "padding" in present:
        strings = [] if transposed else ["same", "valid", "same", "foo"]
        style = draw(st.sampled_from(["window"] * 4 + (["string"] if strings else [])))
        if style == "string":
            chosen["padding"] = draw(st.sampled_from(strings))
        else:
            chosen["padding"] = _window_arg(draw, n, st.integers(0, 3), [-1, (-1,) * n])
    if "output_padding" in present:
        chosen["output_padding"] = _window_arg(draw, n, mostly(0, st.integers(1, 2), weight=2), [-1])
    kwargs.update(chosen)
    if draw(st.integers(0, 15 if transposed else 4)) == 0:
        kwargs["padding_mode"] = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular", "foo"]))
    # the input: batched or unbatched, now and then the wrong rank
    rank = draw(mostly(None, st.integers(1, n + 3), weight=12))
    if rank is None:
        rank = draw(st.sampled_from([n + 2, n + 2, n + 1]))
    channels = draw(near(cin, 1, 7)) if not lazy else draw(mostly(cin, st.integers(1, 7), weight=3))
    dims = [draw(SPATIAL) for _ in range(rank)]
    if rank >= n + 1:
        dims[-(n + 1)] = channels
        if rank == n + 2:
            dims[0] = draw(st.integers(1, 2))
    case = (kwargs, tuple(dims))
    if transposed and _torch_undecided(n, kwargs, case[1]):
        # torch's slow CPU path raises here, its mkldnn path (chosen by batch
        # size, groups and thread count) does not: torch has no single answer,
        # so these are not drawn (the engine follows the slow path and SPEC)
        return draw(_conv(n, transposed, lazy))
    return case


def _ntuple(value: Any, n: int) -> tuple[Any, ...] | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return (value,) * n
    if isinstance(value, (list, tuple)) and len(value) in (1, n) and all(type(v) is int for v in value):
        return tuple(value) * (n // len(value))
    return None


def _torch_undecided(n: int, kwargs: dict[str, Any], shape: tuple[int, ...]) -> bool:
    """A transposed conv whose output has a spatial dim of exactly 0, or dilation 0 on a kernel of 1."""
    if len(shape) not in (n + 1, n + 2):
        return False
    k, s, p, d, op = (
        _ntuple(kwargs.get(key, default), n)
        for key, default in (
            ("kernel_size", None),
            ("stride", 1),
            ("padding", 0),
            ("dilation", 1),
            ("output_padding", 0),
        )
    )
    if k is None or s is None or p is None or d is None or op is None or len(k) != n:
        return False
    outs = [(i - 1) * s_ - 2 * p_ + d_ * (k_ - 1) + o_ + 1 for i, k_, s_, p_, d_, o_ in zip(shape[-n:], k, s, p, d, op)]
    return any(o == 0 for o in outs) or any(d_ == 0 and k_ == 1 for d_, k_ in zip(d, k))


STRATEGIES: dict[str, st.SearchStrategy] = {
    f"{'Lazy' if lazy else ''}Conv{'Transpose' if transposed else ''}{n}d": _conv(n, transposed, lazy)
    for lazy in (False, True)
    for transposed in (False, True)
    for n in (1, 2, 3)
}


# ---- oracles independent of the engine (CNL003, signatures); shared with test_shapes_pool ----------


def _per_dim(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    return value * n if len(value) == 1 else value


def torch_windows(module: Any, n: int) -> list[tuple[int, int, int, int]] | None:
    """(kernel, stride, dilation, left padding) per spatial dim, read from a built torch module.

    None when the input is cropped (negative F.pad widths), which CNL003 does not judge.
    """
    kernel = _per_dim(module.kernel_size, n)
    stride_attr = getattr(module, "stride", None)
    stride = kernel if stride_attr is None or stride_attr == () else _per_dim(stride_attr, n)
    dilation = _per_dim(getattr(module, "dilation", 1), n)
    padding: Any = getattr(module, "padding", 0)
    mode = getattr(module, "padding_mode", "zeros")
    if mode != "zeros":
        pads = list(module._reversed_padding_repeated_twice)
        if any(p < 0 for p in pads) or any(pads[2 * n :]):
            return None
        pads += [0, 0] * n
        left = tuple(pads[2 * (n - 1 - i)] for i in range(n))
    elif padding == "same":
        left = tuple(d * (k - 1) // 2 for d, k in zip(dilation, kernel))
    elif padding == "valid":
        left = (0,) * n
    else:
        left = _per_dim(padding, n)
    return list(zip(kernel, stride, dilation, left))


def last_row_unread(size: int, out: int, kernel: int, stride: int, dilation: int, left: int) -> bool:
    """Brute force: is the input's last real position (padded coordinate left + size - 1) unread while
    every real position before the last one read is read?"""
    reads = {o * stride + j * dilation for o in range(out) for j in range(kernel)}
    real = [r for r in reads if left <= r < left + size]
    if real and len(real) != max(real) - left + 1:
        return False  # windows skip rows by design (a 1x1 stride-2 shortcut): not an inexact stride
    return left + size - 1 not in reads


def check_signature(spec: Any, cls: Any) -> None:
    """Names, order, defaults and keyword-only flags of ``spec.params`` against the real class."""
    from cnnlint.shapes.spec import REQUIRED, Default

    torch_params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    assert [p.name for p in spec.params] == [p.name for p in torch_params]
    for ours, theirs in zip(spec.params, torch_params):
        assert ours.keyword_only == (theirs.kind is inspect.Parameter.KEYWORD_ONLY), ours.name
        if theirs.default is inspect.Parameter.empty:
            assert ours.default is REQUIRED, ours.name
        elif isinstance(ours.default, Default):
            assert ours.default.text in repr(theirs.default), ours.name
        else:
            assert ours.default == theirs.default and type(ours.default) is type(theirs.default), ours.name
