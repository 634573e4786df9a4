"""Input-free checking of sequence models (``seqsearch``) against torch.

A model whose input goes first into an RNN/LSTM/GRU or an Embedding, with no input declared: what
cnnlint reports must fail in torch at every length (and batch) tried, the lengths it says are accepted
must be exactly those torch runs, and the bugs that hold at every length must be reported.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")

LENGTHS = range(1, 41)

TEXT_RNN = """\
import torch
import torch.nn as nn

class TextRNN(nn.Module):
    def __init__(self, vocab=1000, dim=64, hidden=128, classes=5):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.rnn = nn.LSTM(dim, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(hidden, classes)
    def forward(self, tokens):
        h0 = torch.zeros(LAYERS, tokens.size(0), 128)
        c0 = torch.zeros(LAYERS, tokens.size(0), 128)
        out, _ = self.rnn(self.embed(tokens), (h0, c0))
        return self.fc(out[:, -1])
"""

AUDIO = """\
import torch.nn as nn

class Audio(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(40, 64, batch_first=True)
        self.fc = nn.Linear(FEATURES, 10)
    def forward(self, x):
        out, h = self.rnn(x)
        return self.fc(out[:, -1])
"""


def _check(source: str) -> tuple[dict[str, list[int]], object]:
    """The rows of each error or warning (notes left out), and what input-free checking found."""
    result = check_bytes(source.encode(), "model.py", CheckOptions(want_models=True, accepted_ranges=True))
    codes: dict[str, list[int]] = {}
    for d in result.diagnostics:
        if d.code != "CNL100":
            codes.setdefault(d.code, []).append(d.location.row)
    accepts = getattr(result.models[0].model, "accepts", None) if result.models else None
    return codes, accepts


def _torch_lengths(source: str, make: object) -> set[int]:
    """The lengths torch runs the model's class on, at batch 1 and 3 (``make(batch, length)``: the input)."""
    namespace: dict = {}
    exec(compile(source, "<model>", "exec"), namespace)  # noqa: S102 - the test's own text
    cls = next(v for k, v in namespace.items() if isinstance(v, type) and issubclass(v, torch.nn.Module) and k != "nn")
    torch.manual_seed(0)
    net = cls()
    ok = set()
    for length in LENGTHS:
        try:
            with torch.no_grad():
                for batch in (1, 3):
                    net(make(batch, length))  # type: ignore[operator]
        except Exception:  # noqa: BLE001 - any torch error: the length is not accepted
            continue
        ok.add(length)
    return ok


def _tokens(batch: int, length: int) -> object:
    return torch.randint(0, 10, (batch, length))


def _features(dim: int, batch_first: bool = True) -> object:
    def make(batch: int, length: int) -> object:
        return torch.randn(batch, length, dim) if batch_first else torch.randn(length, batch, dim)

    return make


@pytest.mark.parametrize("layers", [1, 3])
def test_wrong_state_layers_is_reported_at_every_length(layers: int) -> None:
    source = TEXT_RNN.replace("LAYERS", str(layers))
    assert _torch_lengths(source, _tokens) == set()
    codes, _ = _check(source)
    assert codes == {"CNL017": [13]}


def test_right_state_is_accepted_at_every_length() -> None:
    source = TEXT_RNN.replace("LAYERS", "2")
    assert _torch_lengths(source, _tokens) == set(LENGTHS)
    codes, accepts = _check(source)
    assert not codes
    assert accepts.status == "some" and accepts.template == ("B", "T")  # type: ignore[attr-defined]
    assert accepts.ranges == ((1, 2**20),)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("features", "fires"), [(128, True), (64, False)])
def test_rnn_first_linear(features: int, fires: bool) -> None:
    source = AUDIO.replace("FEATURES", str(features))
    assert (_torch_lengths(source, _features(40)) == set()) is fires
    codes, accepts = _check(source)
    assert ("CNL001" in codes) is fires
    if not fires:
        assert accepts.words() == "accepts (B, T, 40), T in 1..1048576"  # type: ignore[attr-defined]


def test_summary_shows_the_sequence_input(tmp_path: object) -> None:
    from click.testing import CliRunner

    from cnnlint.commands import cli as main

    path = tmp_path / "audio.py"  # type: ignore[operator]
    path.write_text(AUDIO.replace("FEATURES", "64"))
    text = CliRunner().invoke(main, ["summary", str(path)]).output
    assert "Input shape: [B, T, 40]" in text
    assert "Output shape: [B, 10]" in text
    assert "Input size: accepts (B, T, 40), T in 1..1048576" in text
    data = json.loads(CliRunner().invoke(main, ["summary", "--output-format", "json", str(path)]).output)
    model = data["models"][0]
    assert model["input_shape"] == ["B", "T", 40] and model["accepted_input"] == [[1, 2**20]]


FLAT = """\
import torch.nn as nn

class Flat(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, HIDDEN, batch_first=True)
        self.fc = nn.Linear(FEATURES, 3)
    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out.flatten(1))
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hidden=st.integers(1, 6), length=st.integers(1, 40), delta=st.integers(-3, 3))
def test_flattened_length_is_searched(hidden: int, length: int, delta: int) -> None:
    """A Flatten of (B, T, H) into a Linear fixes T: one length, or none at all (CNL013)."""
    features = max(1, hidden * length + delta)
    source = FLAT.replace("HIDDEN", str(hidden)).replace("FEATURES", str(features))
    want = _torch_lengths(source, _features(4))
    codes, accepts = _check(source)
    if features % hidden:
        assert want == set()
        assert "CNL013" in codes, source
    else:
        assert want == ({features // hidden} & set(LENGTHS))
        assert not codes
        assert accepts.ranges == ((features // hidden,) * 2,)  # type: ignore[attr-defined]


GENERATED = """\
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
{embed}        self.rnn = nn.{kind}({dim}, {hidden}, num_layers={layers}, batch_first={bf}, bidirectional={bi})
        self.fc = nn.Linear({features}, 2)
    def forward(self, x):
{first}{state}        out, _ = self.rnn(x{given})
        return self.fc({last})
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["RNN", "LSTM", "GRU"]),
    embed=st.booleans(),
    hidden=st.integers(1, 5),
    layers=st.integers(1, 3),
    state_layers=st.one_of(st.none(), st.integers(1, 4)),
    bf=st.booleans(),
    bi=st.booleans(),
    wrong=st.integers(-1, 1),
)
def test_generated_sequence_models(
    kind: str, embed: bool, hidden: int, layers: int, state_layers: int | None, bf: bool, bi: bool, wrong: int
) -> None:
    dirs = 2 if bi else 1
    features = max(1, dirs * hidden + wrong)
    batch = "x.size(0)" if bf else "x.size(1)"
    state = ""
    given_state = ""
    if state_layers is not None:
        state = f"        h = torch.zeros({state_layers * dirs}, {batch}, {hidden})\n"
        given_state = ", (h, h)" if kind == "LSTM" else ", h"
    source = GENERATED.format(
        embed="        self.embed = nn.Embedding(10, 3)\n" if embed else "",
        kind=kind,
        dim=3,
        hidden=hidden,
        layers=layers,
        bf=bf,
        bi=bi,
        features=features,
        first="        x = self.embed(x)\n" if embed else "",
        state=state,
        given=given_state,
        last="out[:, -1]" if bf else "out[-1]",
    )
    if embed and not bf:  # indices (B, T) embed to (B, T, 3): a seq-first RNN reads B as the length
        source = source.replace("x = self.embed(x)", "x = self.embed(x).transpose(0, 1)")
    make = _tokens if embed else _features(3, bf)
    want = _torch_lengths(source, make)
    codes, accepts = _check(source)
    errors = set(codes)
    if errors:
        assert want == set(), f"{errors}, but torch runs lengths {sorted(want)}\n{source}"
    else:
        assert want in (set(), set(LENGTHS)), source
        if want:
            assert accepts.status == "some" and accepts.ranges == ((1, 2**20),), source  # type: ignore[attr-defined]
    # Every bug here holds at every length: it must be found. Not for indices without a state: there a 1-D
    # input of exactly in_features indices runs (the RNN reads it unbatched), so (B, T) is not certain.
    if want == set() and (not embed or state_layers is not None):
        assert errors, f"torch fails at every length, cnnlint says nothing\n{source}"


LABELS = """\
import torch
import torch.nn as nn

class Labels(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 32)
        self.fc = nn.Linear(40, 2)
    def forward(self, y):
        x = self.embed(y)
        return self.fc(torch.cat([x, torch.zeros(x.size(0), 8)], 1))
"""


def test_embedding_of_another_rank_is_not_claimed() -> None:
    """Indices (B,) work; (B, T) fail: the (B, T) guess is ours, so nothing is reported."""
    namespace: dict = {}
    exec(compile(LABELS, "<model>", "exec"), namespace)  # noqa: S102
    assert namespace["Labels"]()(torch.randint(0, 10, (3,))).shape == (3, 2)
    assert _torch_lengths(LABELS, _tokens) == set()
    codes, _ = _check(LABELS)
    assert not codes


TEXT_CNN = """\
import torch.nn as nn

class TextCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 32)
        self.conv = nn.Conv1d(32, 8, KERNEL)
        self.fc = nn.Linear(8, 2)
    def forward(self, x):
        h = self.conv(self.embed(x).transpose(1, 2))
        return self.fc(h.amax(2))
"""


@pytest.mark.parametrize("kernel", [1, 5, 9])
def test_embedding_then_conv_lengths(kernel: int) -> None:
    source = TEXT_CNN.replace("KERNEL", str(kernel))
    want = _torch_lengths(source, _tokens)
    codes, accepts = _check(source)
    assert not codes
    lo, hi = accepts.ranges[0]  # type: ignore[attr-defined]
    assert {t for t in LENGTHS if lo <= t <= hi} == want


def test_declared_symbolic_batch_state() -> None:
    """The state check compares sizes known on both sides: the batch symbol is the same batch."""
    source = "# cnnlint: input=(B, T)\n" + TEXT_RNN.replace("LAYERS", "1")
    codes, _ = _check(source)
    assert codes.get("CNL017") == [14]
    assert "CNL017" not in _check("# cnnlint: input=(B, T)\n" + TEXT_RNN.replace("LAYERS", "2"))[0]


STATE_RANK = """\
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.KIND(4, 8, batch_first=True)
    def forward(self, x):
        h = torch.zeros(DIMS)
        return self.rnn(x, STATE)[0]
"""


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize(("dims", "fires"), [("x.size(0), 8", True), ("1, x.size(0), 8", False), ("8", True)])
def test_state_of_another_rank(kind: str, dims: str, fires: bool) -> None:
    """torch: ``For batched 3-D input, hx should also be 3-D``; the input searched, the batch a symbol."""
    state = "(h, h)" if kind == "LSTM" else "h"
    source = STATE_RANK.replace("KIND", kind).replace("DIMS", dims).replace("STATE", state)
    assert (_torch_lengths(source, _features(4)) == set()) is fires
    codes, _ = _check(source)
    assert (codes == {"CNL017": [10]}) is fires
    assert fires or not codes
