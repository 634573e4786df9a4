"""A DataLoader's smaller last batch (corpus F #17, Udacity's sentiment RNN: ``Expected hidden[0] size
(2, 36, 256), got [2, 64, 256]``): the state built for ``batch_size`` meets the last batch. The truth: torch
running the same script."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import findings, script_error

SCRIPT = """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

batch_size = 8
data = TensorDataset(torch.randint(0, 50, ({samples}, 6)), torch.randint(0, 2, ({samples},)))
loader = DataLoader(data, batch_size=batch_size, shuffle=True{drop_last})


class Sentiment(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 16)
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x, hidden):
        out, hidden = self.lstm(self.embed(x), hidden)
        return self.fc(out[:, -1]), hidden

    def init_hidden(self, batch):
        return (torch.zeros(2, batch, 32), torch.zeros(2, batch, 32))


net = Sentiment()
for epoch in range(2):
    h = net.init_hidden(batch_size)
    for inputs, labels in loader:
{guard}        h = tuple(each.detach() for each in h)
        out, h = net(inputs, h)
"""


@pytest.mark.parametrize(
    ("samples", "drop_last", "guard", "wrong"),
    [
        (20, "", "", True),  # 8, 8, then 4: the state is for 8
        (6, "", "", True),  # one batch of 6
        (20, ", drop_last=True", "", False),
        (24, "", "", False),  # every batch full
        (20, "", "        if inputs.size(0) != batch_size:\n            continue\n", False),
        (20, "", "        h = net.init_hidden(inputs.size(0))\n", False),
        (20, "", "        if epoch == 0:\n            break\n", True),  # the second epoch reaches the last batch
    ],
)
def test_the_last_batch_is_checked(tmp_path: Path, samples: int, drop_last: str, guard: str, wrong: bool) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(samples=samples, drop_last=drop_last, guard=guard))
    error = script_error(path)
    got = [(row, code, message) for row, code, message in findings(path) if code != "CNL100"]
    if not wrong:
        assert error is None
        assert got == []
        return
    last = samples % 8 if samples > 8 else samples
    assert error is not None and f"Expected hidden[0] size (2, {last}, 32), got [2, 8, 32]" in error
    ((row, code, message),) = got
    assert (row, code) == (19, "CNL017")
    assert f"(2, {last}, 32)" in message and "(2, 8, 32)" in message
    if samples > 8:
        assert f"the loader's last batch: {samples} samples in batches of 8" in message


def test_a_loop_that_leaves_after_its_first_batch_never_meets_the_last(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    source = SCRIPT.format(samples=20, drop_last="", guard="").replace(
        "        out, h = net(inputs, h)\n", "        out, h = net(inputs, h)\n        break\n"
    )
    path.write_text(source)
    assert script_error(path) is None
    assert [code for _, code, _ in findings(path) if code != "CNL100"] == []


BATCHNORM = """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

loader = DataLoader(TensorDataset(torch.randn({samples}, 10), torch.randint(0, 2, ({samples},))), batch_size=8)
net = nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(net(x), y)
"""


@pytest.mark.parametrize("samples", [17, 18])
def test_a_last_batch_of_one_in_a_training_batchnorm(tmp_path: Path, samples: int) -> None:
    """17 samples in batches of 8 leave one: BatchNorm cannot normalise a single value per channel."""
    path = tmp_path / "train.py"
    path.write_text(BATCHNORM.format(samples=samples))
    error = script_error(path, ValueError)
    got = [(row, code) for row, code, _ in findings(path) if code != "CNL100"]
    if samples == 18:
        assert error is None and got == []
    else:
        assert error is not None and "Expected more than 1 value per channel when training" in error
        assert got == [(7, "CNL005")]
