"""An initial state given to LSTM / GRU / RNN (CNL017) against torch: the error exactly where torch raises."""

from __future__ import annotations

import itertools

import pytest

from cnnlint.interpret.multi import _state_mismatch
from cnnlint.interpret.values import TensorVal
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.rnn import rnn_outputs

torch = pytest.importorskip("torch")

LAYERS = [
    ("LSTM", {"num_layers": 2, "batch_first": True}),
    ("LSTM", {"bidirectional": True}),
    ("LSTM", {"proj_size": 3}),
    ("GRU", {"num_layers": 3, "bidirectional": True, "batch_first": True}),
    ("RNN", {}),
]
INPUTS = [(4, 5, 6), (5, 6)]  # batched (per batch_first) and unbatched
STATES = [(2, 4, 8), (4, 4, 8), (4, 5, 8), (2, 5, 8), (6, 4, 8), (6, 5, 8), (1, 5, 8)]
STATES += [(2, 8), (1, 8), (4, 3), (2, 4, 3)]


def _torch_raises(kind: str, options: dict, x: tuple, state: tuple) -> bool:
    layer = getattr(torch.nn, kind)(6, 8, **options)
    h = torch.zeros(*state)
    if kind == "LSTM":
        c = torch.zeros(*state[:-1], 8)
        hx = (h, c)
    else:
        hx = h
    try:
        layer(torch.zeros(*x), hx)
    except RuntimeError:
        return True
    return False


@pytest.mark.parametrize(("kind", "options"), LAYERS, ids=[f"{k}-{'-'.join(o)}" for k, o in LAYERS])
@pytest.mark.parametrize(("x", "state"), list(itertools.product(INPUTS, STATES)))
def test_an_initial_state_is_refused_where_torch_refuses_it(kind: str, options: dict, x: tuple, state: tuple) -> None:
    args = CATALOGUE[kind](6, 8, **options).args
    _, expected = rnn_outputs(args, Shape(*x))
    h = TensorVal(Shape(*state))
    given = (h, TensorVal(Shape(*state[:-1], 8))) if kind == "LSTM" else h
    said = _state_mismatch(kind, given, expected)
    assert (said is not None) == _torch_raises(kind, options, x, state)


SENTIMENT = """
import torch
import torch.nn as nn


class SentimentRNN(nn.Module):
    def __init__(self, vocab_size=100, embedding_dim=16, hidden_dim=32, n_layers=2):
        super().__init__()
        self.n_layers, self.hidden_dim = n_layers, hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x, hidden):
        out, hidden = self.lstm(self.embedding(x), hidden)  # error: CNL017
        return self.fc(out[:, -1]), hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        return (
            weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
            weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
        )


net = SentimentRNN()
h = net.init_hidden(64)
h = tuple([each.data for each in h])
output, h = net(torch.randint(0, 100, ({batch}, 20)), h)
"""


@pytest.mark.parametrize("batch", [4, 64])
def test_a_state_made_by_init_hidden_for_another_batch_is_found(tmp_path, batch: int) -> None:
    import runpy

    from conftest import reported

    source = SENTIMENT.replace("{batch}", str(batch))
    path = tmp_path / "sentiment.py"
    path.write_text(source)
    if batch == 64:
        runpy.run_path(str(path))
        assert reported(path) == set()
        return
    with pytest.raises(RuntimeError, match="Expected hidden"):
        runpy.run_path(str(path))
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "# error: CNL017" in line)
    assert reported(path) == {(row, "CNL017")}


STATEFUL = """
import torch
import torch.nn as nn


class Stateful(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, 2, batch_first=True)
        self.hidden = (torch.zeros(2, {batch}, 20), torch.zeros(2, {batch}, 20))

    def forward(self, x):
        out, self.hidden = self.lstm(x.view(1, 32, 10), self.hidden)  # error: CNL017
        return out


net = Stateful()
out = net(torch.randn(32, 10))
"""


@pytest.mark.parametrize("batch", [32, 1])
def test_a_state_the_forward_reassigns_is_checked_at_the_first_call(tmp_path, batch: int) -> None:
    """The script's own call already ran forward (and replaced ``self.hidden``): the model is followed from the
    state ``__init__`` left, as torch's first call sees it."""
    import runpy

    from conftest import reported

    source = STATEFUL.replace("{batch}", str(batch))
    path = tmp_path / "stateful.py"
    path.write_text(source)
    if batch == 1:
        runpy.run_path(str(path))
        assert reported(path) == set()
        return
    with pytest.raises(RuntimeError, match="Expected hidden"):
        runpy.run_path(str(path))
    row = next(i for i, line in enumerate(source.splitlines(), 1) if "# error: CNL017" in line)
    assert reported(path) == {(row, "CNL017")}
