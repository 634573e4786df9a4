"""A script's input made with NumPy (``torch.FloatTensor(np.random.randn(...))``, ``torch.from_numpy``): the
array's shape is the input's. Each program is run by torch first: it raises where cnnlint reports the
error, and the fixed program runs where cnnlint is quiet."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import expected_markers, reported

torch = pytest.importorskip("torch")

HEADER = "import numpy as np\nimport torch\nimport torch.nn as nn\n\n"
NET = "net = nn.Sequential(nn.Conv2d(1, 8, 8, 4), nn.Flatten(), nn.Linear(8 * {side} * {side}, 10))  # error: CNL001\n"
FEEDS = [
    "net(torch.FloatTensor(np.random.randn(2, 1, 64, 64)))\n",
    "net(torch.from_numpy(np.random.rand(2, 1, 64, 64).astype(np.float32)))\n",
    "net(torch.tensor(np.zeros((2, 1, 64, 64)), dtype=torch.float32))\n",
    "obs = np.ones([2, 1, 64, 64], dtype=np.float32)\nnet(torch.as_tensor(obs.copy()))\n",
    "net(torch.Tensor(np.random.normal(0.0, 1.0, size=(2, 1, 64, 64))))\n",
]
EMBEDDING = """
tokens = torch.from_numpy(np.random.randint(0, {vocab}, size=(4, 7)))
net = nn.Embedding(100, 16)
net(tokens)
"""


@pytest.mark.parametrize("feed", FEEDS)
def test_the_array_shape_is_the_input(tmp_path: Path, feed: str) -> None:
    path = tmp_path / "net.py"
    source = HEADER + NET.format(side=20) + feed  # sized for 84x84, fed 64x64: 15x15 after the conv
    path.write_text(source)
    with pytest.raises(RuntimeError, match="mat1 and mat2"):
        runpy.run_path(str(path))
    assert reported(path) == expected_markers(source)
    path.write_text(HEADER + NET.format(side=15) + feed)
    runpy.run_path(str(path))
    assert reported(path) == set()


def test_integer_arrays_index_an_embedding(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(HEADER + EMBEDDING.format(vocab=100))
    runpy.run_path(str(path))
    assert reported(path) == set()


def test_what_is_done_to_the_values_is_unknown(tmp_path: Path) -> None:
    """A transposed or reshaped array is not followed: its shape is unknown, and nothing is reported."""
    path = tmp_path / "net.py"
    source = HEADER + NET.format(side=15) + "a = np.random.randn(2, 1, 64, 64)\nnet(torch.FloatTensor(a.T))\n"
    path.write_text(source)
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))  # (64, 64, 1, 2): torch refuses the channels
    assert reported(path) == set()
