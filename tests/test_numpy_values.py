"""Known-valued NumPy arrays (``cnnlint/interpret/numpy_values.py``) against NumPy itself, and end to end against torch.

A known element must be NumPy's own value, dtype included (int64, float64,
bool); an element with an error bound must hold NumPy's value within it;
anything not modelled is unknown. pytorchcv's ``get_regnet`` computes its
stage widths this way, and the layers built from them must be torch's.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.interpret import tensor_value_calls as tvc
from cnnlint.interpret import tensor_values as tv
from cnnlint.interpret.values import Builtin, ListVal, QualName

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
SETTINGS = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
DTYPES = ("int64", "float64")


def known(values: list, dtype: str) -> tv.KnownTensor:
    return tvc.call_torch("numpy.array", [ListVal(values)], {"dtype": QualName(f"numpy.{dtype}")})


def matches_numpy(model: object, real: object) -> bool:
    """Every known element equals NumPy's (or holds it within its bound); the dtype is NumPy's."""
    real = np.asarray(real)
    if not isinstance(model, tv.KnownTensor):
        return False
    assert model.numpy and model.dtype == str(real.dtype), (model.dtype, real.dtype)
    assert list(model.dims) == list(real.shape)
    errs = model.errs or [0.0] * len(model.values)
    for value, err, truth in zip(model.values, errs, real.flatten().tolist()):
        assert abs(value - truth) <= err, (value, err, truth)
    return True


numbers = st.one_of(st.integers(-1000, 1000), st.floats(-1000, 1000, allow_nan=False))


@SETTINGS
@given(
    st.sampled_from(DTYPES),
    st.lists(numbers, min_size=1, max_size=6),
    st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]),
    st.one_of(numbers, st.sampled_from(DTYPES)),
    st.booleans(),
)
def test_binary_ops_are_numpys(dtype: str, values: list, op: str, other: object, swap: bool) -> None:
    left = np.array(values).astype(dtype)
    mine = known(left.tolist(), dtype)
    if isinstance(other, str):  # a second array of another dtype, broadcast from one element
        right_real = np.array([values[0]]).astype(other)
        right_mine = known(right_real.tolist(), other)
    else:
        right_real = right_mine = other
    a, b = (right_mine, mine) if swap else (mine, right_mine)
    ra, rb = (right_real, left) if swap else (left, right_real)
    with np.errstate(all="ignore"):
        try:
            real = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}.get(op)
            real = real(ra, rb) if real else {"//": np.floor_divide, "%": np.remainder, "**": np.power}[op](ra, rb)
        except (ValueError, OverflowError):
            real = None  # NumPy refuses (an integer to a negative power): the model must not claim a value
    result = tvc.binop(op, a, b)
    if real is None:
        assert not isinstance(result, tv.KnownTensor)
        return
    if isinstance(result, tv.KnownTensor):
        assert all(math.isfinite(v) for v in np.asarray(real, dtype=float).flatten().tolist())
        assert matches_numpy(result, real)


@SETTINGS
@given(
    st.lists(st.floats(0.0625, 1000), min_size=1, max_size=8),
    st.sampled_from(["log", "exp", "sqrt", "round", "around", "rint", "floor", "ceil", "trunc", "abs", "negative"]),
    st.sampled_from(DTYPES),
)
def test_unary_functions_hold_numpys_value(values: list, name: str, dtype: str) -> None:
    base = np.array(values).astype(dtype)
    with np.errstate(all="ignore"):
        try:
            real = getattr(np, name)(base / 7)
        except TypeError:
            return
    mine = tvc.call_torch(f"numpy.{name}", [tvc.binop("/", known(base.tolist(), dtype), 7)], {})
    if name in ("round", "around", "rint", "floor", "ceil", "trunc"):  # of an exact quotient: exact
        assert isinstance(mine, tv.KnownTensor) and not mine.errs
    if isinstance(mine, tv.KnownTensor):
        assert matches_numpy(mine, real)


@pytest.mark.parametrize("dtype", [int, float, bool, "int64", "float64"])
def test_astype_and_rounding_integers(dtype: object) -> None:
    real = np.array([3.7, -1.2, 0.0]).astype(dtype)
    spelled = Builtin(dtype.__name__) if isinstance(dtype, type) else dtype
    mine = tvc.call_method(known([3.7, -1.2, 0.0], "float64"), "astype", [spelled], {})
    assert matches_numpy(mine, real)
    assert matches_numpy(tvc.call_torch("numpy.round", [known([3, -1], "int64")], {}), np.round(np.array([3, -1])))
    assert not isinstance(tvc.call_method(mine, "astype", [QualName("numpy.float16")], {}), tv.KnownTensor)


def test_unique_and_iteration() -> None:
    values, counts = tvc.call_torch("numpy.unique", [known([5, 1, 5, 3], "int64")], {"return_counts": True})
    real_values, real_counts = np.unique(np.array([5, 1, 5, 3]), return_counts=True)
    assert matches_numpy(values, real_values) and matches_numpy(counts, real_counts)
    assert tv.rows(values) == [1, 3, 5] and values.known  # NumPy scalars are copies: the array keeps its values
    assert matches_numpy(tvc.call_torch("numpy.log", [2.49], {}), np.log(2.49))  # a NumPy scalar: a 0-d array


# pytorchcv's ``get_regnet`` (regnet.py), the NumPy side of the oracle
PYTORCHCV_REGNET = """
channels_cont = np.arange(depth) * channels_slope + channels_init
channels_exps = np.round(np.log(channels_cont / channels_init) / np.log(channels_mult))
channels = channels_init * np.power(channels_mult, channels_exps)
channels = (np.round(channels / divisor) * divisor).astype(int)
channels_per_stage, layers = np.unique(channels, return_counts=True)
groups_per_stage = [min(groups, c) for c in channels_per_stage]
channels_per_stage = [int(round(c / g) * g) for c, g in zip(channels_per_stage, groups_per_stage)]
channels = [[ci] * li for (ci, li) in zip(channels_per_stage, layers)]
"""

MODEL = """
import numpy as np
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, depth={depth}, channels_init={init}, channels_slope={slope}, channels_mult={mult},
                 groups={groups}):
        super().__init__()
        divisor = 8
{code}
        self.fc = nn.Linear(4, sum(channels_per_stage) + int(sum(layers)))

    def forward(self, x):
        return self.fc(x)
"""

PYTORCHCV_PARAMS = [  # regnetx002, regnetx016, regnety032, regnety320
    (13, 24, 36.44, 2.49, 8),
    (18, 80, 34.01, 2.25, 24),
    (21, 80, 42.63, 2.66, 24),
    (20, 232, 115.89, 2.53, 232),
]


@pytest.mark.parametrize("params", PYTORCHCV_PARAMS)
def test_pytorchcv_regnet_widths_reach_the_layers(tmp_path: Path, params: tuple) -> None:
    depth, init, slope, mult, groups = params
    source = MODEL.format(
        depth=depth, init=init, slope=slope, mult=mult, groups=groups, code=textwrap.indent(PYTORCHCV_REGNET, " " * 8)
    )
    env: dict = {}
    exec(source, env)  # noqa: S102 - torch and NumPy are the oracle
    real = env["Net"]().fc.out_features
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    result = run_cli("summary", str(path), "--input", "Net=2,4", "--output-format", "json")
    (model,) = result.json()["models"]
    assert model["output_shape"] == [2, real]


REGNET_PARAMS = st.tuples(
    st.integers(1, 40), st.integers(1, 40).map(lambda k: 8 * k), st.floats(0, 200), st.floats(1.125, 3.5)
)


@settings(max_examples=40, deadline=None, database=None)
@given(REGNET_PARAMS)
def test_regnet_widths_are_numpys_or_unknown(params: tuple) -> None:
    depth, init, slope, mult = params
    env = {"np": np, "depth": depth, "channels_init": init, "channels_slope": slope, "channels_mult": mult}
    env.update(divisor=8)
    exec("\n".join(PYTORCHCV_REGNET.splitlines()[:5]), env)  # noqa: S102 - NumPy is the oracle, up to .astype(int)
    arange = tvc.call_torch("numpy.arange", [depth], {})
    cont = tvc.binop("+", tvc.binop("*", arange, slope), init)
    logs = tvc.call_torch("numpy.log", [tvc.binop("/", cont, init)], {})
    exps = tvc.call_torch("numpy.round", [tvc.binop("/", logs, tvc.call_torch("numpy.log", [mult], {}))], {})
    scaled = tvc.binop("*", init, tvc.call_torch("numpy.power", [mult, exps], {}))
    quant = tvc.binop("*", tvc.call_torch("numpy.round", [tvc.binop("/", scaled, 8)], {}), 8)
    mine = tvc.call_method(quant, "astype", [Builtin("int")], {})
    if isinstance(mine, tv.KnownTensor):
        assert matches_numpy(mine, env["channels"])


def test_a_numpy_array_reversed_with_a_negative_step_is_not_a_torch_error(tmp_path: Path) -> None:
    """MONAI's DDIM and PNDM schedulers: ``np.arange(0, n)[::-1]`` (torch tensors refuse negative steps,
    NumPy arrays take them)."""
    path = tmp_path / "schedule.py"
    path.write_text(
        "import numpy as np\nimport torch\n\n"
        "steps = torch.from_numpy(np.arange(0, 1000)[::-1].astype(np.int64))\nprint(steps[:3])\n"
    )
    result = run_cli("check", "--output-format", "json", str(path))
    assert result.exit_code == 0 and result.json() == []
    head = tvc.index(tvc.call_torch("numpy.arange", [5], {}), slice(None, None, -2))
    assert head.values == [4, 2, 0]
