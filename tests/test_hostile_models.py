"""Hostile or strange model code: never a crash; the diagnostic torch's behaviour implies, or silence.

Each case says what cnnlint reports (errors and warnings; CNL100 info is
ignored) and, where it claims "torch raises" or "torch accepts", builds the
same thing with real torch to prove it (on CPU, tiny tensors). Silence is
always allowed where cnnlint cannot follow (lambdas, ``*layers``,
``**kwargs``): an unknown never produces an error.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import run_cli

from cnnlint.check import CheckOptions, check_bytes

HEADER = "import torch\nimport torch.nn as nn\n\n"  # models start on row 4


@dataclass(frozen=True)
class Case:
    id: str
    source: str  # after HEADER
    codes: tuple[str, ...]  # the error/warning codes reported, in order
    mention: str = ""  # what the first diagnostic's message names
    torch: Callable[[Any, Any], Any] | None = None  # (nn, torch) -> builds and runs the same thing
    raises: bool = True  # torch raises on it (at construction or forward)


def _x(torch: Any, *shape: int) -> Any:
    return torch.zeros(*shape)


CASES = [
    Case(
        "empty_sequential",
        "net = nn.Sequential()\n",
        (),
        torch=lambda nn, t: nn.Sequential()(_x(t, 1, 3)),
        raises=False,
    ),
    Case(
        "empty_sequential_inside",
        "net = nn.Sequential(nn.Sequential(), nn.Linear(3, 4), nn.Linear(5, 6))\n",
        ("CNL001",),
        "in_features=5",
        lambda nn, t: nn.Sequential(nn.Sequential(), nn.Linear(3, 4), nn.Linear(5, 6))(_x(t, 1, 3)),
    ),
    Case(
        "layers_as_variables",
        "first = nn.Linear(3, 4)\nact = nn.ReLU()\nnet = nn.Sequential(first, act, nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case(
        "lambda_layer",
        "net = nn.Sequential(nn.Linear(3, 4), (lambda x: x), nn.Linear(5, 2))\n",
        (),  # torch rejects a lambda in a Sequential; cnnlint stops following there
        torch=lambda nn, t: nn.Sequential(nn.Linear(3, 4), (lambda x: x), nn.Linear(5, 2)),
    ),
    # The interpreter follows factories, * and ** (0.2): these bugs are found, as torch finds them.
    Case(
        "lambda_factory",
        "make = lambda: nn.Linear(3, 4)\nnet = nn.Sequential(make(), nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case(
        "star_args",
        "layers = [nn.Linear(3, 4)]\nnet = nn.Sequential(*layers, nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case(
        "double_star_kwargs",
        "kw = dict(in_features=3, out_features=4)\nnet = nn.Sequential(nn.Linear(**kw), nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case(
        "star_args_in_layer",
        "sizes = (3, 4)\nnet = nn.Sequential(nn.Linear(*sizes), nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case(
        "unknown_keyword_linear",
        "net = nn.Sequential(nn.Linear(3, 4, bais=False), nn.Linear(4, 2))\n",
        ("CNL005",),
        "'bais'",
        lambda nn, t: nn.Linear(3, 4, bais=False),
    ),
    Case(
        "unknown_keyword_conv",
        "net = nn.Sequential(nn.Conv2d(3, 8, 3, strides=2))\n",
        ("CNL005",),
        "'strides'",
        lambda nn, t: nn.Conv2d(3, 8, 3, strides=2),
    ),
    Case(
        "keyword_and_positional",
        "net = nn.Sequential(nn.Linear(3, 4, in_features=3))\n",
        ("CNL005",),
        "in_features",
        lambda nn, t: nn.Linear(3, 4, in_features=3),
    ),
    Case(
        "missing_argument",
        "net = nn.Sequential(nn.Linear(3))\n",
        ("CNL005",),
        "out_features",
        lambda nn, t: nn.Linear(3),
    ),  # fmt: skip
    Case(
        "too_many_arguments",
        "net = nn.Sequential(nn.Linear(3, 4, True, 'cpu', None, 5))\n",
        ("CNL005",),
        "positional",
        lambda nn, t: nn.Linear(3, 4, True, "cpu", None, 5),
    ),
    Case(
        "float_out_channels",
        "net = nn.Sequential(nn.Conv2d(3, 64.0, 3))\n",
        ("CNL005",),
        "64.0",
        lambda nn, t: nn.Conv2d(3, 64.0, 3),
    ),
    Case(
        "float_kernel",
        "net = nn.Sequential(nn.Conv2d(3, 64, 3.0))\n",
        ("CNL005",),
        "3.0",
        lambda nn, t: nn.Conv2d(3, 64, 3.0),
    ),
    Case(
        "float_in_features",
        "net = nn.Sequential(nn.Linear(3.0, 4))\n",
        ("CNL005",),
        "3.0",
        lambda nn, t: nn.Linear(3.0, 4),
    ),
    Case(
        "float_from_arithmetic",
        "net = nn.Sequential(nn.Linear(3, 2 ** -1))\n",
        ("CNL005",),
        "0.5",
        lambda nn, t: nn.Linear(3, 2**-1),
    ),
    Case(
        "negative_features",
        "net = nn.Sequential(nn.Linear(3, -4))\n",
        ("CNL005",),
        "-4",
        lambda nn, t: nn.Linear(3, -4),
    ),
    Case(
        "negative_channels",
        "net = nn.Sequential(nn.Conv2d(3, -4, 3))\n",
        ("CNL005",),
        "-4",
        lambda nn, t: nn.Conv2d(3, -4, 3),
    ),
    Case(
        "zero_features_are_legal",
        "net = nn.Sequential(nn.Linear(3, 0), nn.Linear(0, 2))\nnet(torch.randn(1, 3))\n",
        (),
        torch=lambda nn, t: nn.Sequential(nn.Linear(3, 0), nn.Linear(0, 2))(_x(t, 1, 3)),
        raises=False,
    ),
    Case(
        "zero_out_channels",
        "# cnnlint: input=(1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 0, 3))\n",
        ("CNL005",),
        "out_channels",
        lambda nn, t: nn.Conv2d(3, 0, 3)(_x(t, 1, 3, 8, 8)),
    ),
    Case(
        "zero_kernel",
        "# cnnlint: input=(1, 3, 8, 8)\nnet = nn.Sequential(nn.Conv2d(3, 4, 0))\n",
        ("CNL005",),
        "kernel_size",
        lambda nn, t: nn.Conv2d(3, 4, 0)(_x(t, 1, 3, 8, 8)),
    ),
    Case(
        "zero_groups",
        "net = nn.Sequential(nn.Conv2d(4, 8, 3, groups=0))\n",
        ("CNL005",),
        "groups",
        lambda nn, t: nn.Conv2d(4, 8, 3, groups=0),
    ),
    Case(
        "bool_sizes_are_ints",
        "net = nn.Sequential(nn.Linear(True, 4), nn.Linear(4, 2))\nnet(torch.randn(1, 1))\n",
        (),
        torch=lambda nn, t: nn.Sequential(nn.Linear(True, 4), nn.Linear(4, 2))(_x(t, 1, 1)),
        raises=False,
    ),
    Case(
        "bool_kernel_and_int_bias",
        "net = nn.Sequential(nn.Conv2d(3, 4, True), nn.Conv2d(4, 4, 3, bias=3))\nnet(torch.randn(1, 3, 8, 8))\n",
        (),
        torch=lambda nn, t: nn.Sequential(nn.Conv2d(3, 4, True), nn.Conv2d(4, 4, 3, bias=3))(_x(t, 1, 3, 8, 8)),
        raises=False,
    ),
    Case(
        "string_size",
        "net = nn.Sequential(nn.Linear('3', 4))\n",
        ("CNL005",),
        "'3'",
        lambda nn, t: nn.Linear("3", 4),
    ),
    Case(
        "none_size",
        "net = nn.Sequential(nn.Linear(None, 4))\n",
        ("CNL005",),
        "None",
        lambda nn, t: nn.Linear(None, 4),
    ),
    Case(
        "complex_size",
        "net = nn.Sequential(nn.Linear(3 + 0j, 4))\n",
        (),  # torch raises; cnnlint does not follow complex numbers: silence is allowed
        torch=lambda nn, t: nn.Linear(3 + 0j, 4),
    ),
    Case(
        "dropout_out_of_range",
        "net = nn.Sequential(nn.Dropout(1.5))\n",
        ("CNL005",),
        "1.5",
        lambda nn, t: nn.Dropout(1.5),
    ),
    Case(
        "dropout_nan",
        "net = nn.Sequential(nn.Dropout(float('nan')))\n",
        ("CNL005",),
        "nan",
        lambda nn, t: nn.Dropout(float("nan")).train()(_x(t, 4)),  # accepted at construction, raises at forward
    ),
    Case(
        "same_padding_with_stride",
        "net = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding='same'))\n",
        ("CNL005",),
        "same",
        lambda nn, t: nn.Conv2d(3, 4, 3, stride=2, padding="same"),
    ),
    Case(
        "sequential_with_keywords",
        "net = nn.Sequential(a=nn.Linear(3, 4))\n",
        (),  # torch raises (Sequential takes no keywords); not a model cnnlint follows
        torch=lambda nn, t: nn.Sequential(a=nn.Linear(3, 4)),
    ),
    Case("layer_is_none", "net = nn.Sequential(None, nn.Linear(3, 2))\n", ()),
    Case("layer_is_an_int", "net = nn.Sequential(3, nn.Linear(3, 2))\n", ()),
    Case("self_reference", "net = nn.Sequential(net)\n", ()),
    Case("circular_names", "a = b\nb = a\nnet = nn.Sequential(a, nn.Linear(3, 2))\n", ()),
    Case("nn_rebound", "nn = None\nnet = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))\n", ()),
    Case(
        "getattr_layer",
        "net = nn.Sequential(getattr(nn, 'Linear')(3, 4), nn.Linear(5, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))(_x(t, 1, 3)),
    ),
    Case("division_by_zero", "net = nn.Sequential(nn.Linear(3, 4 // 0), nn.Linear(5, 2))\n", ()),
    Case("modulo_by_zero", "net = nn.Sequential(nn.Linear(3, 4 % 0), nn.Linear(5, 2))\n", ()),
    Case("negative_shift", "net = nn.Sequential(nn.Linear(3, 1 << -1), nn.Linear(5, 2))\n", ()),
    Case("ellipsis", "net = nn.Sequential(nn.Linear(..., 4), nn.Linear(4, ...))\n", ()),
    Case(
        "walrus",
        "net = nn.Sequential(nn.Linear((n := 3), 4), nn.Linear(n, 2))\n",
        ("CNL001",),
        "receives 4",
        lambda nn, t: nn.Sequential(nn.Linear(3, 4), nn.Linear(3, 2))(_x(t, 1, 3)),
    ),
    Case(
        "module_with_star_params",
        "class M(nn.Module):\n    def __init__(self, *a, **k):\n        super().__init__(*a, **k)\n"
        "        self.f = nn.Linear(*a)\n        self.g = nn.Linear(**k)\n\n"
        "    def forward(self, *x, **k):\n        return self.g(self.f(*x))\n",
        (),
    ),
    Case(
        "module_forward_lambda",
        "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.f = nn.Linear(3, 4)\n"
        "    forward = lambda self, x: self.f(x)\n",
        (),
    ),
    Case(
        "ordered_dict_junk",
        "from collections import OrderedDict\nnet = nn.Sequential(OrderedDict([('a', nn.Linear(3, 4)), (1, 2), 3]))\n",
        (),
    ),  # fmt: skip
    Case("module_containers", "net = nn.Sequential(nn.ModuleList([nn.Linear(3, 4)]), nn.ModuleDict({}))\n", ()),
]

# Huge integers: each must come back at once (arithmetic is capped), and never crash.
HUGE = [
    ("ten_to_the_hundred", "net = nn.Sequential(nn.Linear(3, 10**100), nn.Linear(5, 2))\n"),
    ("power_tower", "net = nn.Sequential(nn.Linear(3, 10**10**10), nn.Linear(5, 2))\n"),
    ("power_tower_via_name", "N = 10**10**10\nnet = nn.Sequential(nn.Linear(3, N * N), nn.Linear(5, 2))\n"),
    ("tall_tower", "net = nn.Sequential(nn.Linear(3, 2**2**2**2**2**2), nn.Linear(5, 2))\n"),
    ("tower_modulo", "net = nn.Sequential(nn.Linear(3, 9**9**9 % 7), nn.Linear(5, 2))\n"),
    ("huge_shift", "net = nn.Sequential(nn.Linear(3, 1 << 10**9), nn.Linear(5, 2))\n"),
    ("huge_string_length", "net = nn.Sequential(nn.Linear(3, len('a' * 10**10)), nn.Linear(5, 2))\n"),
    ("huge_int_literal", "net = nn.Sequential(nn.Linear(3, int('9' * 5000)), nn.Linear(5, 2))\n"),
    ("huge_int_from_string_op", "net = nn.Sequential(nn.Linear(3, int('9' * 10**8)), nn.Linear(5, 2))\n"),
    ("float_overflow", "net = nn.Sequential(nn.Linear(3, 1e308 * 10), nn.Linear(5, 2))\n"),
    (
        "huge_pragma",
        "# cnnlint: input=(1, 3, 10000000000000000000000, 224)\n"
        "net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(5, 2))\n",
    ),  # fmt: skip
    (
        "huge_dilation",
        "# cnnlint: input=(1, 3, 32, 32)\n"
        "net = nn.Sequential(nn.Conv2d(3, 4, 3, dilation=10**50), nn.MaxPool2d(10**50))\n",
    ),  # fmt: skip
    (
        "huge_rank",
        "net = nn.Sequential(nn.Flatten(), nn.Linear(3, 2))\nnet(torch.randn(" + ", ".join(["2"] * 300) + "))\n",
    ),  # fmt: skip
    ("huge_groups", "net = nn.Sequential(nn.Conv2d(4, 8, 3, groups=10**100))\n"),
]


def _check(source: str) -> list[Any]:
    result = check_bytes((HEADER + source).encode(), "hostile.py", CheckOptions(is_enabled=lambda code: True))
    assert not result.failed, result.diagnostics
    codes = [d.code for d in result.diagnostics]
    assert "CNL998" not in codes
    return [d for d in result.diagnostics if d.code != "CNL100"]


@pytest.fixture(scope="module")
def torch_modules() -> tuple[Any, Any]:
    torch = pytest.importorskip("torch")
    return torch.nn, torch


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_model_code(case: Case) -> None:
    diags = _check(case.source)
    assert tuple(d.code for d in diags) == case.codes, [(d.code, d.message) for d in diags]
    if case.mention:
        assert case.mention in diags[0].message, diags[0].message


@pytest.mark.parametrize("case", [c for c in CASES if c.torch is not None], ids=lambda c: c.id)
def test_torch_agrees(case: Case, torch_modules: tuple[Any, Any]) -> None:
    """Every "torch raises" (an error reported, or a silence cnnlint allows itself) is checked with torch."""
    nn, torch = torch_modules
    if case.raises:
        with pytest.raises((TypeError, ValueError, RuntimeError)):
            case.torch(nn, torch)  # type: ignore[misc]
    else:
        case.torch(nn, torch)  # type: ignore[misc]
    if case.codes and any(code.startswith("CNL00") for code in case.codes):
        assert case.raises, "an error code where torch accepts the code"


@pytest.mark.parametrize(("name", "source"), HUGE, ids=[h[0] for h in HUGE])
def test_huge_integers_never_hang_nor_crash(name: str, source: str) -> None:
    with _time_limit(20):  # a generous bound against a hang, not a timing assertion: each takes milliseconds
        diags = _check(source)
    assert {d.code for d in diags} <= {"CNL001", "CNL004", "CNL005"}, [(d.code, d.message) for d in diags]


def test_huge_in_features_is_an_error_where_torch_raises(torch_modules: tuple[Any, Any]) -> None:
    nn, torch = torch_modules
    with pytest.raises((TypeError, RuntimeError, OverflowError)):
        nn.Linear(3, 10**100, device="meta")
    diags = _check(HUGE[0][1])
    assert diags and diags[0].code in ("CNL001", "CNL005")


def test_duplicate_keywords_are_a_syntax_error() -> None:
    """Python itself rejects f(a=1, a=2) when compiling: one CNL999, as for any file that cannot be parsed."""
    source = "net = nn.Sequential(nn.Linear(3, 4, bias=True, bias=False))\n"
    with pytest.raises(SyntaxError, match="keyword argument repeated"):
        compile(HEADER + source, "dup.py", "exec")
    result = check_bytes((HEADER + source).encode(), "dup.py", CheckOptions())
    assert [(d.code, d.location.row) for d in result.diagnostics] == [("CNL999", 4)]
    assert "repeated" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, a):\n    pass\nnet = nn.Sequential(nn.Linear(3, 4))\n",
        "return 1\nnet = nn.Sequential(nn.Linear(3, 4))\n",
        "nonlocal x\nnet = nn.Sequential(nn.Linear(3, 4))\n",
        "a, *b, *c = 1, 2, 3\nnet = nn.Sequential(nn.Linear(3, 4))\n",
    ],
    ids=["duplicate_parameter", "return_outside_function", "module_nonlocal", "two_starred"],
)
def test_what_python_rejects_after_parsing_is_cnl999(source: str) -> None:
    with pytest.raises(SyntaxError):
        compile(HEADER + source, "x.py", "exec")
    result = check_bytes((HEADER + source).encode(), "x.py", CheckOptions())
    assert [d.code for d in result.diagnostics] == ["CNL999"]


def test_syntax_warnings_are_not_printed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Compiling a model file must not leak SyntaxWarnings (`x is 1`) to stderr, nor turn them into errors."""
    path = tmp_path / "warn.py"
    path.write_text(HEADER + "net = nn.Sequential(nn.Linear(3, 4))\nassert (net, 'm')\nok = net is 1\n")
    result = run_cli("check", str(path))
    assert result.exit_code == 0 and result.stderr == ""


def test_all_hostile_cases_in_one_file_through_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = "\n".join(f"def case_{i}():\n" + "".join(f"    {ln}\n" for ln in c.source.splitlines())
                     for i, c in enumerate(CASES))  # fmt: skip
    module = HEADER + "from collections import OrderedDict\n\n" + body + "\n" + "\n".join(src for _, src in HUGE)
    path = tmp_path / "all.py"
    path.write_text(module)
    buggy = tmp_path / "buggy.py"
    buggy.write_text(HEADER + "net = nn.Sequential(nn.Flatten(), nn.Linear(10, 5), nn.Linear(7, 2))\n")
    result = run_cli("check", "--output-format", "json", "--show-info", str(path), str(buggy))
    assert result.exit_code == 1, result.stderr
    diags = result.json()
    assert "CNL998" not in {d["code"] for d in diags}
    assert [d["code"] for d in diags if d["filename"].endswith("buggy.py")] == ["CNL001"]


# --------------------------------------------------------------------------- known engine bugs (reported)


class _Hang(BaseException):
    pass


class _time_limit:  # noqa: N801 - used as a context manager
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        def handler(signum: int, frame: Any) -> None:
            raise _Hang

        self.previous = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: Any) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


def test_upsample_overflowing_scale_factor(torch_modules: tuple[Any, Any]) -> None:
    nn, torch = torch_modules
    with pytest.raises(RuntimeError):
        nn.Upsample(scale_factor=1e308)(torch.zeros(1, 3, 8, 8, device="meta"))
    diags = _check("# cnnlint: input=(1, 3, 8, 8)\nnet = nn.Sequential(nn.Upsample(scale_factor=1e308))\n")
    assert [d.code for d in diags] == ["CNL005"]


@pytest.mark.parametrize(
    "layer",
    [
        "nn.Conv2d(3, 4, 3, stride=10**30)",
        "nn.Conv2d(3, 4, 3, stride=10**6)",
        "nn.Conv2d(3, 4, 3, padding=10**30, stride=10**30)",
        "nn.MaxPool2d(3, stride=10**9)",
        "nn.AvgPool2d(5, 10**12)",
    ],
)
def test_huge_stride_does_not_hang(layer: str) -> None:
    """The CNL003 test and its suggestion used to scan 2 x stride input sizes (fixed in shapes/windows.py)."""
    with _time_limit(20):  # a bound against a hang: each takes milliseconds
        diags = _check(f"# cnnlint: input=(1, 3, 32, 32)\nnet = nn.Sequential({layer})\n")
    assert {d.code for d in diags} <= {"CNL003", "CNL005"}


def test_huge_stride_torch_behaviour(torch_modules: tuple[Any, Any]) -> None:
    nn, torch = torch_modules
    with pytest.raises((TypeError, RuntimeError)):  # torch: the stride overflows int64
        nn.Conv2d(3, 4, 3, stride=10**30)(torch.zeros(1, 3, 32, 32, device="meta"))
    assert nn.Conv2d(3, 4, 3, stride=10**6)(torch.zeros(1, 3, 32, 32, device="meta")).shape == (1, 4, 1, 1)
