"""Known-valued tensors (``cnnlint/interpret/tensor_values.py``) against torch on the CPU.

A known element must be torch's own value, dtype included; an element with an
error bound must hold torch's value within it; anything the model cannot vouch
for is unknown. End to end, widths computed with tensor ops in ``__init__``
(RegNet's ``from_init_params``) reach the layers exactly, and a tensor changed
in place is never read with stale values.
"""

from __future__ import annotations

import math
import runpy
import struct
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.interpret import tensor_value_calls as tvc
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.approx import Approx
from cnnlint.interpret.values import UNKNOWN, ListVal, QualName, TensorVal

torch = pytest.importorskip("torch")
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32}


def known(values: list, dtype: str) -> TensorVal:
    return tvc.call_torch("torch.tensor", [ListVal(values)], {"dtype": QualName(f"torch.{dtype}")})


def matches_torch(model: object, real: object) -> bool:
    """Every known element equals torch's (or holds it within its bound); the dtype is torch's."""
    assert isinstance(real, torch.Tensor)
    if not isinstance(model, tv.KnownTensor):
        return False
    assert DTYPES.get(model.dtype, torch.bool) == real.dtype
    assert list(model.dims) == list(real.shape)
    errs = model.errs or [0.0] * len(model.values)
    for value, err, truth in zip(model.values, errs, real.flatten().tolist()):
        assert abs(value - truth) <= err, (value, err, truth)
    return True


numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1000, 1000, allow_nan=False, width=32))
positive = st.floats(0.0625, 1000, width=32)


@SETTINGS
@given(
    st.sampled_from(sorted(DTYPES)),
    st.lists(numbers, min_size=1, max_size=6),
    st.sampled_from(["+", "-", "*", "/", "//", "%"]),
    st.one_of(numbers, st.sampled_from(sorted(DTYPES))),
    st.booleans(),
)
def test_binary_ops_are_torchs(dtype: str, values: list, op: str, other: object, swap: bool) -> None:
    left = torch.tensor(values).to(DTYPES[dtype])
    mine = known(left.tolist(), dtype)
    if isinstance(other, str):  # a second tensor of another dtype, broadcast from one element
        right_real = torch.tensor([values[0]]).to(DTYPES[other])
        right_mine = known(right_real.tolist(), other)
    else:
        right_real = right_mine = other
    a, b = (right_mine, mine) if swap else (mine, right_mine)
    ra, rb = (right_real, left) if swap else (left, right_real)
    try:
        real = {"+": ra + rb, "-": ra - rb, "*": ra * rb, "/": ra / rb}.get(op)
        if real is None:
            real = ra // rb if op == "//" else ra % rb
    except (RuntimeError, ZeroDivisionError):
        return  # torch refuses (integer division by zero): the model must not claim a value
    result = tvc.binop(op, a, b)
    finite = all(math.isfinite(v) for v in real.flatten().tolist())
    if isinstance(result, tv.KnownTensor):
        assert finite, f"a value for a non-finite result: {result.values}"
        assert matches_torch(result, real)
    else:  # only float floor division / remainder (not modelled) and non-finite results are unknown
        assert not finite or (op in ("//", "%") and real.is_floating_point()), (a, op, b)


@SETTINGS
@given(st.lists(positive, min_size=1, max_size=8), st.sampled_from(["log", "exp", "sqrt", "round", "floor", "ceil"]))
def test_unary_ops_hold_torchs_value(values: list, name: str) -> None:
    real = getattr(torch, name)(torch.tensor(values, dtype=torch.float32) / 7)
    mine = tvc.call_method(tvc.binop("/", known(values, "float32"), 7), name, [], {})
    if name in ("round", "floor", "ceil"):  # of an exact quotient: exact
        assert isinstance(mine, tv.KnownTensor) and not mine.errs
    if isinstance(mine, tv.KnownTensor):
        assert matches_torch(mine, real)


# torchvision's ``BlockParams.from_init_params`` arithmetic (the torch side of the oracle)
REGNET_WIDTHS = """
widths_cont = torch.arange(depth) * w_a + w_0
block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), 8)) * 8).int().tolist()
"""


def model_widths(depth: int, w_0: int, w_a: float, w_m: float) -> object:
    arange = tvc.call_torch("torch.arange", [depth], {})
    cont = tvc.binop("+", tvc.binop("*", arange, w_a), w_0)
    logs = tvc.call_torch("torch.log", [tvc.binop("/", cont, w_0)], {})
    capacity = tvc.call_torch("torch.round", [tvc.binop("/", logs, math.log(w_m))], {})
    scaled = tvc.binop("*", w_0, tvc.call_torch("torch.pow", [w_m, capacity], {}))
    quant = tvc.binop("*", tvc.call_torch("torch.round", [tvc.call_torch("torch.divide", [scaled, 8], {})], {}), 8)
    return tvc.call_method(quant, "int", [], {})


@pytest.mark.parametrize(
    "params", [(16, 48, 27.89, 2.09), (14, 56, 38.84, 2.4), (22, 24, 24.48, 2.54), (16, 56, 35.73, 2.28)]
)
def test_torchvision_regnet_widths_are_known(params: tuple) -> None:
    env = dict(zip(("depth", "w_0", "w_a", "w_m"), params), torch=torch, math=math)
    exec(REGNET_WIDTHS, env)  # noqa: S102 - the torch side of the oracle
    assert tv.tolist(model_widths(*params)).items == env["widths"]


@settings(max_examples=40, deadline=None, database=None)
@given(
    st.integers(1, 40),
    st.integers(1, 40).map(lambda k: 8 * k),
    st.floats(0, 200, width=16),
    st.floats(1.125, 3.5, width=16),
)
def test_regnet_widths_are_torchs_or_unknown(depth: int, w_0: int, w_a: float, w_m: float) -> None:
    env = {"torch": torch, "math": math, "depth": depth, "w_0": w_0, "w_a": w_a, "w_m": w_m}
    exec(REGNET_WIDTHS, env)  # noqa: S102 - the torch side of the oracle
    mine = model_widths(depth, w_0, w_a, w_m)
    if isinstance(mine, tv.KnownTensor):
        assert tv.tolist(mine).items == env["widths"]


def test_construction_and_read_back() -> None:
    t = tvc.call_torch("torch.tensor", [ListVal([[1, 2], [3, 4]])], {})
    assert isinstance(t, tv.KnownTensor) and t.dtype == "int64" and t.dims == (2, 2)
    assert [row.items for row in tv.tolist(t).items] == [[1, 2], [3, 4]]
    assert tvc.call_torch("torch.tensor", [ListVal([1, 2.5])], {}).dtype == "float32"
    assert tvc.call_torch("torch.arange", [2, 11, 3], {}).values == [2, 5, 8]
    diff = tvc.call_torch("torch.diff", [tvc.call_torch("torch.tensor", [ListVal([0, 3, 4, 9])], {})], {})
    assert tv.tolist(diff).items == [3, 1, 5]
    unique = tvc.call_torch("torch.unique", [tvc.call_torch("torch.tensor", [ListVal([5, 1, 5, 3])], {})], {})
    assert tv.tolist(unique).items == [1, 3, 5]
    assert tvc.call_method(tvc.call_torch("torch.tensor", [ListVal([2, 5])], {}), "sum", [], {}).values == [7]
    assert tvc.call_method(tvc.call_torch("torch.tensor", [7], {}), "item", [], {}) == 7


def test_uncertain_rounding_is_unknown() -> None:
    """A value whose bound straddles a rounding boundary is not guessed."""
    t = tv.make((1,), "float32", [(2.5, 1e-6)])
    assert not isinstance(tvc.call_method(t, "round", [], {}), tv.KnownTensor)
    assert isinstance(tvc.call_method(tv.make((1,), "float32", [(2.3, 1e-6)]), "round", [], {}), tv.KnownTensor)
    (inexact,) = tvc.call_method(tv.make((1,), "float32", [(2.3, 1e-6)]), "tolist", [], {}).items
    assert isinstance(inexact, Approx) and inexact.lo < 2.3 < inexact.hi  # read back as an interval
    assert inexact.compare(">", 2.0) is True and inexact.compare("==", 2.3) is UNKNOWN


def test_a_float_of_unknown_value_stays_a_float() -> None:
    """``float(t)`` of a one-element tensor: a float whose value is unknown; ``+ - * /`` with numbers keep it one."""
    from cnnlint.interpret import approx

    assert approx.arith("/", approx.ANY_FLOAT, 0.5) == approx.ANY_FLOAT
    assert approx.arith("*", 2, approx.ANY_FLOAT) == approx.ANY_FLOAT
    assert approx.arith("**", approx.ANY_FLOAT, 0.5) is UNKNOWN  # may be complex
    assert approx.arith("+", approx.ANY_FLOAT, "a") is UNKNOWN
    assert approx.ANY_FLOAT.compare(">", 0) is UNKNOWN and approx.ANY_FLOAT.truth() is UNKNOWN


def test_unmodelled_ops_forget_values() -> None:
    t = tvc.call_torch("torch.arange", [4], {})
    assert tvc.call_method(t, "size", [], {}) is NotImplemented and t.known  # harmless: kept
    assert tvc.call_method(t, "add_", [1], {}) is NotImplemented and not t.known  # in place: forgotten
    u = tvc.call_torch("torch.arange", [4], {})
    assert tvc.call_torch("torch.nn.init.zeros_", [u], {}) is NotImplemented and not u.known
    same = tvc.call_torch("torch.arange", [4], {})
    assert tvc.call_method(same, "long", [], {}) is same  # no copy: torch returns the tensor itself


def summary(tmp_path: Path, source: str, name: str = "Net") -> dict:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    result = run_cli("summary", str(path), "--input", f"{name}=2,4", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    (model,) = [m for m in result.json()["models"] if m["name"] == name]
    return model


MODEL = """
    import math
    import numpy as np
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            {body}
            self.fc = nn.Linear(4, {width})

        def forward(self, x):
            return self.fc(x)
"""


@pytest.mark.parametrize(
    ("body", "width", "expected"),
    [
        ("w = torch.arange(3).tolist()", "w[-1] + len(set(w))", 5),
        ("w = (torch.tensor([3, 5]) * 2).tolist()", "sum(w)", 16),
        ("w = len({x % 3 for x in range(10)})", "w", 3),  # a set comprehension drops duplicates
        ("w = [pow(2, i + 1) for i in range(3)]", "w[-1] + pow(3, 4, 5)", 9),  # the builtin pow
        ("w = pow(torch.tensor([3, 4]), 2).tolist()", "w[-1]", 16),
        ("w = tuple[int, int]([3, 4])", "w[1] + len(list[int]((1, 2)))", 6),  # a generic alias calls its origin
        ("w = [int(c) for c in (np.arange(4) * 2.5).astype(int)]", "w[-1] + sum(w)", 21),  # NumPy's arithmetic
        ("t = torch.arange(3); u = t; u += 1; w = t.tolist()", "w[-1] + 1", None),  # t changed through u
        ("t = torch.arange(3); t[0] = 5; w = t.tolist()", "w[0]", 5),  # one element set: followed
        # filled tensors (pytorchvideo's MViT: dim_mul = torch.ones(depth + 1); dim_mul[i] = 2.0; round_width)
        ("t = torch.ones(4); t[2] = 3; w = t.tolist()", "int(w[2] * 8)", 24),
        ("w = int(np.prod([]) * 4) + math.prod([])", "w", 5),  # an empty product: 1.0 in NumPy, 1 in math
        ("t = torch.zeros(3, dtype=torch.long); t[0] = 2.7; w = t.tolist()", "w[0] + 1", 3),  # cast as torch does
        ("t = torch.full((2, 2), 3); t[1, 0] = 4; t[-1, -1] = 1; w = t.tolist()", "w[1][0] + w[0][1] + w[1][1]", 8),
        ("t = torch.full([3], 1.5, dtype=torch.float64); w = t.tolist()", "int(w[0] * 2)", 3),
        ("t = torch.ones(3); w = 8 if t[1] else 4", "w", 8),
        ("t = torch.zeros(2); w = 5 if not t[0] else 9", "w", 5),
        ("t = torch.ones(3) * 2; w = 8 if 4 < 0.9 * (t[1] * 8) else 16", "w", 8),
        ("t = torch.arange(4); w = 3 if t[2] >= 2 and t[3] != 3.5 else 6", "w", 3),
        ("t = torch.tensor(0.1) * 3; w = 3 if t == 0.3 else 6", "w", 3),  # float32: 0.3 rounds to the same
        ("t = torch.ones(4); v = t[1]; t[1] = 5; w = int(v)", "w + 8", None),  # a view read after the write
        ("t = torch.ones(3); u = t.reshape(3, 1); t[1] = 4; w = u.tolist()", "int(w[1][0]) + 1", None),
        ("t = torch.ones(3); u = t[:2]; u[0] = 7; w = t.tolist()", "int(w[0]) + 1", None),  # a write to a view
        (
            "t = torch.ones(3)\n            if torch.randn(1).item() > 5:\n                t[0] = 9\n"
            "            w = t.tolist()",
            "int(w[0]) + 1",
            None,
        ),
        ("t = torch.arange(3); nn.ReLU(inplace=True)(t); w = t.tolist()", "w[0] + 1", None),
        ("t = torch.arange(3); t.mul_(2); w = t.tolist()", "w[-1]", None),
        ("t = torch.arange(3); v = t[1:]; v.fill_(9); w = t.tolist()", "w[-1]", None),
        ("t = torch.tensor([[0, 1], [2, 3]]); t.T.fill_(9); w = t.tolist()", "w[-1][-1]", None),
        ("t = torch.arange(3); t.data.fill_(9); w = t.tolist()", "w[-1]", None),
        (
            "t = torch.arange(3)\n            for r in t:\n                r.add_(1)\n            w = t.tolist()",
            "w[0] + 1",
            None,
        ),
    ],
)
def test_widths_in_init(tmp_path: Path, body: str, width: str, expected: int | None) -> None:
    env: dict = {}
    exec(textwrap.dedent(MODEL.format(body=body, width=width)), env)  # noqa: S102 - torch is the oracle
    real = env["Net"]().fc.out_features
    model = summary(tmp_path, MODEL.format(body=body, width=width))
    if expected is None:  # changed in place: never a stale value, and nothing reported
        assert model["output_shape"] in ([2, real], [2, None])
        assert not [d for layer in model["layers"] for d in layer.get("diagnostics", []) if d["code"] != "CNL100"]
    else:
        assert real == expected and model["output_shape"] == [2, expected]


@pytest.mark.parametrize("base", [2.25, 1.5, 0.5, 3.0, 1.125, 10.0])
def test_exactly_representable_powers_are_exact(base: float) -> None:
    """RegNet-X 1.6GF: 80 * 2.25 ** 1 / 8 = 22.5 is a rounding tie, so pow must be exact there (it is, in torch)."""
    exponents = tvc.call_torch("torch.tensor", [ListVal([float(k) for k in range(-4, 9)])], {})
    mine = tvc.call_torch("torch.pow", [base, exponents], {})
    real = torch.pow(base, torch.arange(-4, 9, dtype=torch.float32).repeat(2))[:13]  # 26 elements: the SIMD path
    assert isinstance(mine, tv.KnownTensor) and matches_torch(mine, real)
    for k, value, err in zip(range(-4, 9), mine.values, mine.errs or [0.0] * 13):
        exact = Fraction(base) ** k
        assert (err == 0) == (Fraction(struct.unpack("f", struct.pack("f", float(exact)))[0]) == exact), (k, value)


index_keys = st.one_of(
    st.integers(-4, 4),
    st.builds(slice, st.none() | st.integers(-5, 5), st.none() | st.integers(-5, 5), st.none() | st.integers(1, 3)),
)


@SETTINGS
@given(
    st.lists(st.integers(-50, 50), min_size=12, max_size=12),
    st.sampled_from([(12,), (3, 4), (2, 3, 2)]),
    st.lists(index_keys, min_size=1, max_size=3),
)
def test_indexing_with_ints_and_slices_is_torchs(values: list, dims: tuple, keys: list) -> None:
    mine = tvc.call_method(known(values, "int64"), "reshape", [dims], {})
    real = torch.tensor(values).reshape(dims)
    key = tuple(keys) if len(keys) > 1 else keys[0]
    try:
        expected = real[key]
    except IndexError:  # torch raises: left to the shape ops, no values claimed
        assert tvc.index(mine, key) is NotImplemented
        return
    assert matches_torch(tvc.index(mine, key), expected)


def test_an_index_is_a_view_a_change_to_either_forgets_both() -> None:
    t = known([1, 2, 3, 4], "int64")
    head = tvc.index(t, slice(0, 2))
    assert head.known and head.values == [1, 2]
    tv.forget(t)  # ``t += 1``
    assert not head.known
    u = known([1, 2, 3, 4], "int64")
    tv.forget(tvc.index(u, 1))  # ``u[1].add_(1)``
    assert not u.known


@SETTINGS
@given(st.lists(st.integers(-50, 50), min_size=6, max_size=6), st.sampled_from(["int64", "float32"]))
def test_stack_transpose_flatten_and_negation_are_torchs(values: list, dtype: str) -> None:
    a, b = known(values[:3], dtype), known(values[3:], dtype)
    real_a, real_b = torch.tensor(values[:3], dtype=DTYPES[dtype]), torch.tensor(values[3:], dtype=DTYPES[dtype])
    stacked = tvc.call_torch("torch.stack", [(a, b)], {})
    assert matches_torch(stacked, torch.stack((real_a, real_b)))
    assert matches_torch(tvc.call_method(stacked, "t", [], {}), torch.stack((real_a, real_b)).t())
    assert matches_torch(tvc.call_method(stacked, "flatten", [], {}), torch.stack((real_a, real_b)).flatten())
    assert matches_torch(tvc.unary_operator("USub", a), -real_a)
    assert matches_torch(tvc.unary_operator("UAdd", a), +real_a)
    assert tvc.call_torch("torch.stack", [(a, b)], {"dim": 1}) is NotImplemented  # not modelled: values unknown


def test_an_unmodelled_operator_gives_a_tensor_without_values() -> None:
    flags = known([1, 0], "int64")
    inverted = tvc.unary_operator("Invert", flags)
    assert not isinstance(inverted, tv.KnownTensor) and inverted.shape == flags.shape


NEGATED_SIZES = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        sizes = -torch.tensor([{a}, {b}])
        return x.view(-1, *sizes.tolist())


net = Net()
print(net(torch.randn(2, 4, 10, 10)).shape)
"""


def test_a_negated_known_tensor_holds_the_negated_values(tmp_path: Path) -> None:
    """``-t`` once kept ``t``'s values: view(-1, 5, 20) was followed where torch refuses view(-1, -5, -20)."""
    path = tmp_path / "model.py"
    path.write_text(NEGATED_SIZES.format(a=-5, b=-20))
    env = runpy.run_path(str(path))
    real = tuple(env["net"](torch.randn(2, 4, 10, 10)).shape)
    (model,) = run_cli("summary", str(path), "--output-format", "json").json()["models"]
    assert tuple(model["output_shape"]) == real == (8, 5, 20)
    path.write_text(NEGATED_SIZES.format(a=5, b=20))
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))
    (model,) = run_cli("summary", str(path), "--output-format", "json").json()["models"]
    assert model["output_shape"] != [8, 5, 20]


CENTER_CROP_UNET = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Up(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.up = nn.ConvTranspose2d(channels, channels // 2, 2, stride=2)
        self.conv = nn.Conv2d(channels, channels // 2, 3, padding=1)

    def forward(self, skip, x):
        x = self.up(x)
        skip = self.center_crop(skip, x)
        return self.conv(torch.cat((skip, x), dim=1))  # error: CNL009

    def center_crop(self, skip, x):
        skip_shape = torch.tensor(skip.shape)
        x_shape = torch.tensor(x.shape)
        crop = skip_shape[2:] - x_shape[2:]
        half_crop = crop // 2
        pad = -torch.stack((half_crop, half_crop)).t().flatten()
        return F.pad(skip, pad.tolist())


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(1, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)  # expect: CNL003
        self.bottom = nn.Conv2d(8, 16, 3, padding=1)
        self.up = Up(16)

    def forward(self, x):
        skip = self.down(x)
        return self.up(skip, self.bottom(self.pool(skip)))


net = UNet()
print(net(torch.randn(2, 1, {side}, {side})).shape)
"""


def test_center_crop_sizes_computed_with_tensors_reach_the_pad(tmp_path: Path) -> None:
    """fepegar/unet#29: the crop is worked out as tensors and read back with ``.tolist()`` into ``F.pad``."""
    from conftest import expected_markers, reported

    path = tmp_path / "unet.py"
    source = CENTER_CROP_UNET.format(side=63)  # 63 -> pool 31 -> up 62: the crop is odd, the cat fails
    path.write_text(source)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match"):
        runpy.run_path(str(path))
    assert reported(path) == expected_markers(source)
    path.write_text(CENTER_CROP_UNET.format(side=64))
    env = runpy.run_path(str(path))
    assert reported(path) == set()
    (model,) = run_cli("summary", str(path), "--output-format", "json").json()["models"]
    assert tuple(model["output_shape"]) == tuple(env["net"](torch.randn(2, 1, 64, 64)).shape)
