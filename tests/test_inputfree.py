"""Input-free checking (issue 12) against torch: the input sizes a model with no declared input accepts.

For random conv/pool/flatten/linear Sequentials (and nn.Module classes) with
no input, torch runs every square size in a range on the meta device; the
sizes cnnlint says are accepted must be exactly those, and CNL013 (no size
at all) must only be reported where torch accepts none.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")

RANGE = range(1, 65)

conv = st.fixed_dictionaries(
    {
        "kind": st.just("conv"),
        "out": st.integers(1, 8),
        "k": st.integers(1, 5),
        "s": st.integers(1, 3),
        "p": st.integers(0, 2),
        "d": st.integers(1, 2),
    }
)
pool = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["max", "avg"]),
        "k": st.integers(2, 3),
        "s": st.integers(1, 3),
        "ceil": st.booleans(),
    }
)
up = st.fixed_dictionaries({"kind": st.just("up"), "f": st.integers(2, 3)})


def _layers(spec: list[dict], c: int) -> tuple[list[str], int]:
    out = []
    for item in spec:
        if item["kind"] == "conv":
            p = min(item["p"], (item["d"] * (item["k"] - 1)) // 2 + 1)
            out.append(
                f"nn.Conv2d({c}, {item['out']}, {item['k']}, stride={item['s']}, padding={p}, dilation={item['d']})"
            )
            c = item["out"]
        elif item["kind"] == "up":
            out.append(f"nn.Upsample(scale_factor={item['f']})")
        else:
            name = "MaxPool2d" if item["kind"] == "max" else "AvgPool2d"
            out.append(f"nn.{name}({item['k']}, stride={item['s']}, ceil_mode={item['ceil']})")
        out.append("nn.ReLU()")
    return out, c


def _torch_accepts(source: str) -> set[int]:
    namespace: dict = {}
    with torch.device("meta"):
        exec(compile(source, "<model>", "exec"), namespace)  # noqa: S102 - the test's own text, built above
    net, channels = namespace["net"], namespace["CHANNELS"]
    valid = set()
    for s in RANGE:
        try:
            net(torch.empty(2, channels, s, s, device="meta"))
        except Exception:  # noqa: BLE001 - any torch error means the size is invalid
            continue
        valid.add(s)
    return valid


def _cnnlint(source: str) -> tuple[object, set[str]]:
    result = check_bytes(source.encode(), "model.py", CheckOptions(want_models=True))
    codes = {d.code for d in result.diagnostics}
    accepts = getattr(result.models[0].model, "accepts", None) if result.models else None
    return accepts, codes


def _compare(source: str) -> str:
    want = _torch_accepts(source)
    accepts, codes = _cnnlint(source)
    status = getattr(accepts, "status", "unknown")
    if status == "some":
        a, b = accepts.square
        got = {s for s in RANGE if a <= s <= b}
        assert got == want, f"cnnlint square sizes {a}..{b}, torch {sorted(want)}\n{source}"
        assert "CNL013" not in codes
    elif status == "none":
        assert codes - {"CNL003"}, "no size works, but nothing is reported"
        assert want == set(), f"CNL013, but torch accepts {sorted(want)}\n{source}"
    else:
        assert "CNL013" not in codes
        # Unknown only where no square size works (a non-square one may) or an error is already certain.
        assert want == set() or codes - {"CNL003"}, f"unknown, but torch accepts {sorted(want)}\n{source}"
    return status


def _sequential(spec: list[dict], c_in: int, features: int) -> str:
    layers, _ = _layers(spec, c_in)
    body = ",\n    ".join([*layers, "nn.Flatten()", f"nn.Linear({features}, 10)"])
    return f"import torch.nn as nn\n\nCHANNELS = {c_in}\nnet = nn.Sequential(\n    {body},\n)\n"


def _features(spec: list[dict], c_in: int, size: int) -> int | None:
    """C x h x w after the layers for a ``size`` x ``size`` input (torch's answer), or None when it fails."""
    layers, _ = _layers(spec, c_in)
    source = "import torch.nn as nn\nnet = nn.Sequential(" + ", ".join([*layers, "nn.Flatten()"]) + ")\n"
    namespace: dict = {}
    with torch.device("meta"):
        exec(compile(source, "<model>", "exec"), namespace)  # noqa: S102
        try:
            return namespace["net"](torch.empty(2, c_in, size, size, device="meta")).shape[1]
        except Exception:  # noqa: BLE001
            return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.lists(st.one_of(conv, conv, pool, up), min_size=1, max_size=4),
    c_in=st.integers(1, 3),
    size=st.integers(1, 80),
    delta=st.sampled_from([0, 0, 0, 1, -1, 7, None]),
)
def test_accepted_sizes_equal_torchs(spec, c_in, size, delta):
    spec = [{"kind": "conv", "out": 4, "k": 3, "s": 1, "p": 0, "d": 1}, *spec]
    features = _features(spec, c_in, size)
    features = 4 * 5 * 5 + (delta or 3) if features is None or delta is None else max(1, features + delta)
    _compare(_sequential(spec, c_in, features))


CLASS = """import torch.nn as nn
import torch.nn.functional as F

CHANNELS = 3


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, {k}, stride={s})
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear({features}, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return self.fc(x.view(x.size(0), -1))


net = Net()
"""


@pytest.mark.parametrize(
    ("k", "s", "features", "expected"),
    [
        (5, 1, 16 * 4 * 4, "some"),  # 22..23
        (3, 2, 16 * 6 * 6, "some"),
        (5, 1, 16 * 4 * 4 + 16, "unknown"),  # 16 x 17 = 1 x 17 is reachable: not certain
        (5, 1, 1000, "none"),  # not a multiple of 16
    ],
)
def test_module_classes(k, s, features, expected):
    assert _compare(CLASS.format(k=k, s=s, features=features)) == expected


ADAPTIVE = """import torch.nn as nn

CHANNELS = 3
net = nn.Sequential(
    nn.Conv2d(3, 64, 3, stride=2),
    nn.ReLU(),
    nn.{pool},
    nn.Flatten(),
    nn.Linear({features}, 10),
)
"""


@pytest.mark.parametrize(
    ("pool", "features", "expected"),
    [
        ("AdaptiveAvgPool2d(1)", 64, "some"),
        ("AdaptiveAvgPool2d(1)", 65, "none"),  # the ResNet head with the wrong width: 64 at every size
        ("AdaptiveMaxPool2d((2, 3))", 64 * 6, "some"),
        ("AdaptiveMaxPool2d((2, 3))", 64, "none"),
        ("MaxPool2d(2)", 64 * 5, "unknown"),  # h x w = 1 x 5 is reachable: not certain
    ],
)
def test_features_that_do_not_depend_on_the_size(pool, features, expected):
    source = ADAPTIVE.format(pool=pool, features=features)
    assert _compare(source) == expected
    if expected == "none":
        want = 64 if "(1)" in pool else 64 * 6
        _, codes = _cnnlint(source)
        assert codes == {"CNL001"}
        result = check_bytes(source.encode(), "model.py", CheckOptions())
        assert f"set in_features={want}" in result.diagnostics[0].message


def test_one_size_is_checked_and_summarised_with_it():
    source = _sequential([{"kind": "conv", "out": 8, "k": 3, "s": 1, "p": 0, "d": 1}], 3, 8 * 30 * 30)
    result = check_bytes(source.encode(), "model.py", CheckOptions(want_models=True))
    model = result.models[0]
    assert model.model.input.dims == ("B", 3, 32, 32) and model.model.input.source == "accepted"
    assert model.trace.output.dims == ("B", 10)
    assert not result.diagnostics  # CNL003 is never reported on a size nobody declared


LENET = (
    "import torch.nn as nn\n\nnet = nn.Sequential(\n"
    "    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),\n"
    "    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),\n"
    "    nn.Flatten(), nn.Linear(16 * 5 * 5, 10),\n)\n"
)


def test_summary_shows_the_accepted_sizes(tmp_path):
    import json

    from conftest import run_cli

    path = tmp_path / "lenet.py"
    path.write_text(LENET)
    text = run_cli("summary", str(path)).stdout
    assert "accepts H in 28..31, W in 28..31" in text
    data = json.loads(run_cli("summary", "--output-format", "json", str(path)).stdout)
    assert data["models"][0]["accepted_input"] == [[28, 31], [28, 31]]
    assert data["models"][0]["input_shape"] is None


@pytest.mark.parametrize(
    ("source", "example"),
    [
        (LENET, "(1, 1, 28, 28)"),  # only 28..31 is accepted: its smallest
        (  # adaptive pooling accepts any size: the usual one, not 1x1
            "import torch.nn as nn\n\nnet = nn.Sequential(\n    nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),\n"
            "    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10),\n)\n",
            "(1, 3, 224, 224)",
        ),
    ],
)
def test_the_suggested_input_is_one_the_model_accepts(tmp_path, source, example):
    from conftest import run_cli

    path = tmp_path / "net.py"
    path.write_text(source)
    assert f"# cnnlint: input={example}" in run_cli("summary", str(path)).stdout


def test_no_valid_size_is_an_error_naming_the_constraint(tmp_path):
    from conftest import run_cli

    path = tmp_path / "m.py"
    path.write_text(
        "import torch.nn as nn\n\nnet = nn.Sequential(\n"
        "    nn.Conv2d(3, 16, 3, padding=1), nn.Upsample(scale_factor=2),\n"
        "    nn.Flatten(),\n    nn.Linear(16 * 30, 10),\n)\n"
    )
    out = run_cli("check", str(path)).stdout
    assert ":6:5: CNL013 Linear expects in_features=480 = 16 x H x W after Flatten" in out
    assert "no batched input size gives H x W = 30" in out


def test_the_switch_turns_it_off(monkeypatch):
    from cnnlint.interpret import inputsearch

    source = _sequential([], 3, 1000).replace("nn.Flatten()", "nn.Conv2d(3, 64, 3, stride=2), nn.Flatten()")
    assert "CNL013" in _cnnlint(source)[1]
    monkeypatch.setattr(inputsearch, "ENABLED", False)
    assert "CNL013" not in _cnnlint(source)[1]


def test_the_editor_hover_shows_the_accepted_sizes():
    from cnnlint.lsp.views import hover_markdown
    from cnnlint.lsp.worker import step_views

    result = check_bytes(LENET.encode(), "model.py", CheckOptions(want_models=True))
    texts = [hover_markdown(v) or "" for v in step_views(result)]
    assert texts and all("the model accepts H in 28..31, W in 28..31" in t for t in texts if t), texts


def test_the_editor_bisects_ranges_for_the_first_models_only():
    """Every keystroke re-checks: ranges (about 50 forwards a model) for the first EDITOR_RANGES models,
    the certain findings for all of them."""
    from cnnlint.lsp.worker import EDITOR_RANGES, run_job

    nets = "".join(
        f"net{i} = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(8 * 30 * 30, 10))\n" for i in range(5)
    )
    bad = "bad = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(), nn.Linear(1001, 10))\n"
    job = {
        "data": ("import torch.nn as nn\n" + nets + bad).encode(),
        "filename": "m.py",
        "enabled": ["CNL013"],
        "inputs": {},
    }
    answer, result = run_job(job)
    ranged = [m for m in result.models if getattr(m.model, "accepts", None) and m.model.accepts.ranges]
    assert len(ranged) == EDITOR_RANGES == 3
    assert [d.code for d in answer["diagnostics"]] == ["CNL013"]


ASSERTED = """
import torch
from torch import nn

CHANNELS = 3


class Embed(nn.Module):
    def __init__(self, img_size={size}):
        super().__init__()
        self.img_size = img_size
        self.proj = nn.Conv2d(3, 8, 4, 4)
        self.head = nn.Linear(8, 10)

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.img_size and W == self.img_size, "input size"
        return self.head(self.proj(x).flatten(2).transpose(1, 2).mean(1))


net = Embed()
"""


@pytest.mark.parametrize("size", [16, 32, 40])
def test_a_size_an_assert_pins_is_found_and_proven(size: int) -> None:
    """``assert H == self.img_size``: no size gives the bisection a direction (torch raises AssertionError at
    every other size); the asserted size is tried, and only a run at it makes it accepted."""
    source = ASSERTED.format(size=size)
    assert _torch_accepts(source) == {size}
    result = check_bytes(source.encode(), "model.py", CheckOptions(want_models=True))
    accepts = result.models[0].model.accepts
    assert accepts.status == "some" and accepts.square == (size, size) and accepts.single == (size, size)
    assert result.models[0].trace.output.dims == ("B", 10)


INDEXED_INPUT = """
import torch
from torch import nn


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 4, 1)

    def forward(self, feats):
        return self.conv(feats[-1])
"""


def test_an_input_indexed_before_its_first_layer_is_not_guessed() -> None:
    """``self.conv(feats[-1])``: the model takes a list of feature maps. The search read (B, 16, H, W) off the
    first conv and fed that; ``feats[-1]`` dropped its batch and a false CNL006 followed (zoo3)."""
    import torch

    namespace: dict = {}
    exec(INDEXED_INPUT, namespace)
    out = namespace["Head"]()([torch.zeros(2, 8, 4, 4), torch.zeros(2, 16, 5, 5)])
    assert tuple(out.shape) == (2, 4, 5, 5)  # torch runs it on what the code is meant to get
    result = check_bytes(INDEXED_INPUT.encode(), "model.py", CheckOptions(want_models=True))
    assert [d.code for d in result.diagnostics] == []
    assert result.models[0].model.accepts.status == "unknown"
