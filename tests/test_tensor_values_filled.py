"""``torch.ones/zeros/full``, comparisons and one-element writes of known-valued tensors, against torch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_interpret_tensor_values import DTYPES, SETTINGS, known, matches_torch

from cnnlint.interpret import tensor_elements as te
from cnnlint.interpret import tensor_value_calls as tvc
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.values import UNKNOWN, ListVal, QualName

torch = pytest.importorskip("torch")
sizes = st.lists(st.integers(0, 4), min_size=0, max_size=3)
fills = st.one_of(st.integers(-300, 300), st.floats(-300, 300, allow_nan=False, width=32), st.booleans())


@SETTINGS
@given(st.sampled_from(["ones", "zeros", "full"]), sizes, fills, st.sampled_from([None, *sorted(DTYPES)]),
       st.sampled_from(["args", "tuple", "list", "keyword"]))  # fmt: skip
def test_filled_tensors_are_torchs(name: str, size: list, fill: object, dtype: str | None, spelling: str) -> None:
    kwargs: dict = {} if dtype is None else {"dtype": QualName(f"torch.{dtype}")}
    real_kwargs: dict = {} if dtype is None else {"dtype": DTYPES[dtype]}
    if name == "full":
        args, real = (
            [tuple(size) if spelling != "list" else ListVal(list(size)), fill],
            torch.full(tuple(size), fill, **real_kwargs),
        )
    elif spelling == "keyword":
        args, real = [], getattr(torch, name)(size=tuple(size), **real_kwargs)
        kwargs["size"] = tuple(size)
    else:
        args = {"args": list(size), "tuple": [tuple(size)], "list": [ListVal(list(size))]}[spelling]
        try:
            real_args = {"args": list(size), "tuple": [tuple(size)], "list": [list(size)]}[spelling]
            real = getattr(torch, name)(*real_args, **real_kwargs)
        except TypeError:  # torch.ones(): a size is required
            assert tvc.call_torch(f"torch.{name}", args, kwargs) is NotImplemented
            return
    mine = tvc.call_torch(f"torch.{name}", args, kwargs)
    assert matches_torch(mine, real)


@SETTINGS
@given(st.sampled_from(sorted(DTYPES)), st.lists(st.integers(-50, 50) | st.floats(-50, 50, width=32), min_size=1,
       max_size=5), st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.integers(-50, 50) | st.floats(-50, 50),
       st.booleans())  # fmt: skip
def test_comparisons_are_torchs(dtype: str, values: list, op: str, other: float, swap: bool) -> None:
    real_t = torch.tensor(values).to(DTYPES[dtype])
    mine_t = known(real_t.tolist(), dtype)
    a, b = (other, mine_t) if swap else (mine_t, other)
    ra, rb = (other, real_t) if swap else (real_t, other)
    real = {"<": ra < rb, "<=": ra <= rb, ">": ra > rb, ">=": ra >= rb, "==": ra == rb, "!=": ra != rb}[op]
    mine = tvc.binop(op, a, b)
    assert isinstance(mine, tv.KnownTensor) and mine.dtype == "bool" and mine.values == real.tolist()


def test_inexact_elements_are_compared_only_where_their_bounds_decide() -> None:
    third = tvc.binop("/", known([1.0, 4.0], "float32"), 3)  # 1/3 rounded in float32: an error bound
    real = torch.tensor([1.0, 4.0]) / 3
    for other in (0.3333333, 1 / 3, 0.34, 1.3333333, 2):
        mine = tvc.binop("<", third, other)
        truth = (real < other).tolist()
        if isinstance(mine, tv.KnownTensor) and mine.known:
            assert mine.values == truth
    assert tvc.binop("<", third, 2).values == [True, True]  # far from either: decided


@pytest.mark.parametrize(
    ("key", "value", "dtype"),
    [(1, 3.5, "float32"), (-1, 7, "int64"), ((1, 0), 2.7, "int32"), ((0, -1), True, "float64"), (0, -3.9, "int64")],
)
def test_one_element_writes_are_torchs(key: object, value: object, dtype: str) -> None:
    shape = (2, 2) if isinstance(key, tuple) else (3,)
    real = torch.ones(shape, dtype=DTYPES[dtype])
    mine = tvc.call_torch("torch.ones", list(shape), {"dtype": QualName(f"torch.{dtype}")})
    real[key] = value
    assert te.set_item(mine, key, value) and matches_torch(mine, real)


def test_writes_not_followed_leave_the_tensor_to_be_forgotten() -> None:
    t = tvc.call_torch("torch.ones", [3], {})
    assert not te.set_item(t, slice(0, 2), 5)  # a slice: several elements
    assert not te.set_item(t, 3, 5)  # out of range: torch raises
    assert not te.set_item(t, 0, known([1.0], "float32"))  # a tensor value
    view = tvc.index(t, slice(0, 2))
    assert not te.set_item(view, 0, 5)  # a view: the write is its base's too
    assert te.set_item(t, 0, 5) and not view.known  # the view's copy of the elements is stale: unknown


def test_truth_of_one_element() -> None:
    assert te.truth(known([0.0], "float32")) is False and te.truth(known([2], "int64")) is True
    assert te.truth(known([1.0, 2.0], "float32")) is UNKNOWN  # torch raises: not claimed
    tiny = tvc.binop("-", tvc.binop("/", known([1.0], "float32"), 3), 1 / 3)  # near 0 within its bound
    assert te.truth(tiny) in (UNKNOWN, bool((torch.tensor([1.0]) / 3 - 1 / 3).item()))


MVIT_LIKE = """
import math

import numpy
import torch
import torch.nn as nn


def round_width(width, multiplier, min_width=8, divisor=8):
    if not multiplier:
        return width
    width *= multiplier
    min_width = min_width or divisor
    width_out = max(min_width, int(width + divisor / 2) // divisor * divisor)
    if width_out < 0.9 * width:
        width_out += divisor
    return int(width_out)


class Stage(nn.Module):
    def __init__(self, dim, dim_out, kernel, stride):
        super().__init__()
        if kernel is not None and numpy.prod(kernel) == 1 and numpy.prod(stride) == 1:
            kernel = None
        padding = [k // 2 for k in kernel] if kernel is not None else None
        self.pool = None
        if kernel is not None:
            self.pool = nn.Conv2d(dim, dim, kernel, stride, padding, groups=dim)  # error: CNL002
        self.proj = nn.Linear(dim, dim_out)

    def forward(self, x):
        if self.pool is not None:
            x = self.pool(x)
        return self.proj(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class MViTLike(nn.Module):
    def __init__(self, depth=4, dim=24, pooled=((1, 2, 2), (3, 2, 2))):
        super().__init__()
        dim_mul = torch.ones(depth + 1)
        for i, m in [[1, 2.0], [3, 2.0]]:
            dim_mul[i] = m
        stride = [[] for _ in range(depth)]
        kernel = [[] for _ in range(depth)]
        for i, *s in pooled:
            stride[i] = s
            kernel[i] = [k + 1 if k > 1 else k for k in s]
        stages = []
        for i in range(depth):
            dim = round_width(dim, dim_mul[i])
            dim_out = round_width(dim, dim_mul[i + 1])
            stages.append(Stage(dim, dim_out, kernel[i], stride[i]))
            {carry}
        self.stages = nn.Sequential(*stages)

    def forward(self, x):
        return self.stages(x)


model = MViTLike()
model(torch.randn(1, 24, 32, 32))
"""


def test_an_mvit_like_model_is_followed_as_torch_builds_it(tmp_path) -> None:
    """pytorchvideo's MViT idiom end to end: widths from a filled tensor written element by element and
    ``round_width``, pooling only where ``numpy.prod(kernel) != 1`` (``numpy.prod([])`` is 1.0). Carrying the
    width over as well as recomputing it doubles it: torch raises at the pooling conv, and so does cnnlint."""
    import json
    import runpy

    from conftest import found_and_fixed, run_cli

    path = tmp_path / "mvit_like.py"
    found_and_fixed(path, MVIT_LIKE, {"carry": "dim = dim_out"}, {"carry": "pass"})
    real = runpy.run_path(str(path))["model"]  # the right one, left there by found_and_fixed
    expected_shape = list(real(torch.randn(1, 24, 32, 32)).shape)
    (summary,) = json.loads(run_cli("summary", str(path), "--output-format", "json").stdout)["models"]
    assert summary["output_shape"] == expected_shape
    assert summary["total_params"] == sum(p.numel() for p in real.parameters())
