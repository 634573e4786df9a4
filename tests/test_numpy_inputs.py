"""A script's input made with NumPy (``torch.FloatTensor(np.random.randn(...))``, ``torch.from_numpy``): the
array's shape is the input's. Each program is run by torch first: it raises where cnnlint reports the
error, and the fixed program runs where cnnlint is quiet."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest
from conftest import expected_markers, found_and_fixed, reported
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret import numpy_arrays
from cnnlint.interpret.numpy_arrays import ShapedArray

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


IDENTITY = """
class Transform(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.fc = nn.Linear(8, k * k)

    def forward(self, x):
        iden = torch.from_numpy({identity}).view(1, self.k * self.k).repeat(x.size(0), 1)
        return (self.fc(x) + iden).view(-1, self.k, self.k)


net = Transform({k})
net(torch.randn(4, 8))
"""
IDENTITIES = [
    "np.eye(self.k).flatten().astype(np.float32)",
    "np.identity(self.k, dtype=np.float32).flatten()",
    "np.eye(self.k, self.k, dtype=np.float32).reshape(-1)",
    "np.array([1, 0, 0, 0, 1, 0, 0, 0, 1]).astype(np.float32)",
]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_pointnets_identity_matrix_is_followed(tmp_path: Path, identity: str) -> None:
    """PointNet's STN adds a flattened identity, made with NumPy and cast to float32 (a dtype whose values are
    not modelled: its shape still is): followed to the end, an error where torch raises."""
    from cnnlint.check import CheckOptions, check_bytes
    from cnnlint.report.summary import summary_records

    path = tmp_path / "net.py"
    path.write_text(HEADER + IDENTITY.format(identity=identity, k=3))
    namespace = runpy.run_path(str(path))
    everything = CheckOptions(is_enabled=lambda code: True, want_models=True)
    result = check_bytes(path.read_bytes(), str(path), everything)
    (model,) = summary_records([result])
    assert list(model.output_shape.dims) == list(namespace["net"](torch.randn(4, 8)).shape)
    assert [d.message for d in result.diagnostics] == []  # (no CNL100 either: followed to the end)
    if "[1, 0, 0" not in identity:  # (that identity is 3x3 whatever k is)
        wrong = HEADER + IDENTITY.format(identity=identity.replace("self.k", "4", 1), k=3)
        path.write_text(wrong)
        with pytest.raises(RuntimeError):
            runpy.run_path(str(path))
        found = check_bytes(wrong.encode(), str(path), CheckOptions()).diagnostics
        assert [(d.code, d.location.row) for d in found] == [("CNL005", 13)]  # view(1, 9) of 16 elements


def test_integer_arrays_index_an_embedding(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    path.write_text(HEADER + EMBEDDING.format(vocab=100))
    runpy.run_path(str(path))
    assert reported(path) == set()


def test_a_transposed_array_is_the_transposed_input(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = HEADER + NET.format(side=15) + "a = np.random.randn(2, 1, 64, 64)\nnet(torch.FloatTensor(a.T))\n"
    path.write_text(source)
    with pytest.raises(RuntimeError, match="channels"):
        runpy.run_path(str(path))  # (64, 64, 1, 2): torch refuses the channels
    assert reported(path) == {(5, "CNL002")}


def test_what_is_done_to_the_values_is_unknown(tmp_path: Path) -> None:
    """A NumPy function not modelled (``np.tanh``) makes the array unknown, and nothing is reported."""
    path = tmp_path / "net.py"
    source = HEADER + NET.format(side=20) + "a = np.random.randn(2, 1, 64, 64)\nnet(torch.FloatTensor(np.tanh(a)))\n"
    path.write_text(source)
    with pytest.raises(RuntimeError):
        runpy.run_path(str(path))
    assert reported(path) == set()


CLIP_LOADER = """
import numpy as np
import torch
import torch.nn as nn


def get_clip():
    clip = np.random.randint(0, 256, size=({frames}, 32, 32, 3)).astype(np.float64)
    clip = clip.transpose(3, 0, 1, 2)  # ch, fr, h, w
    clip = np.expand_dims(clip, axis=0)  # batch axis
    clip = np.float32(clip)
    return torch.from_numpy(clip)


net = nn.Sequential(
    nn.Conv3d(3, 8, 3, padding=1),
    nn.MaxPool3d(2),
    nn.Conv3d(8, 8, 3, padding=1),
    nn.MaxPool3d(2),  # error: CNL004
)
print(net(get_clip()).shape)
"""


def test_a_clip_loaders_transpose_and_expand_dims_give_the_input(tmp_path: Path) -> None:
    """C3D (DavideA/c3d-pytorch#10): too few frames for its pooling, made with NumPy."""
    found_and_fixed(tmp_path / "c3d.py", CLIP_LOADER, {"frames": 2}, {"frames": 4})


dims_strategy = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@settings(max_examples=80, deadline=None, database=None)
@given(dims_strategy, st.data())
def test_each_reshaping_is_numpys(dims: tuple, data: st.DataObject) -> None:
    array = np.zeros(dims)
    shaped = ShapedArray(dims)
    rank = len(dims)
    axes = tuple(data.draw(st.permutations(range(rank))))
    axis = data.draw(st.integers(-rank - 1, rank))
    new_shape = data.draw(st.lists(st.integers(-1, 6), min_size=1, max_size=3).map(tuple))
    cases = [
        (lambda: array.transpose(axes), lambda: numpy_arrays.method(shaped, "transpose", list(axes), {})),
        (lambda: array.T, lambda: numpy_arrays.attribute(shaped, "T")),
        (lambda: array.reshape(new_shape), lambda: numpy_arrays.method(shaped, "reshape", [new_shape], {})),
        (lambda: array.squeeze(), lambda: numpy_arrays.method(shaped, "squeeze", [], {})),
        (lambda: array.squeeze(axis), lambda: numpy_arrays.method(shaped, "squeeze", [axis], {})),
        (lambda: np.expand_dims(array, axis), lambda: numpy_arrays.call("expand_dims", [shaped, axis], {})),
        (lambda: np.stack([array, array], axis), lambda: numpy_arrays.call("stack", [[shaped, shaped], axis], {})),
        (
            lambda: np.concatenate([array, array], axis),
            lambda: numpy_arrays.call("concatenate", [[shaped, shaped]], {"axis": axis}),
        ),
        (lambda: array.ravel(), lambda: numpy_arrays.method(shaped, "ravel", [], {})),
    ]
    for real, mine in cases:
        try:
            expected = real().shape
        except (ValueError, IndexError, np.exceptions.AxisError):
            assert not isinstance(mine(), ShapedArray)  # NumPy raises: no shape is claimed
            continue
        got = mine()
        assert isinstance(got, ShapedArray) and got.dims == expected


index_keys = st.one_of(
    st.integers(-5, 5),
    st.none(),
    st.just(Ellipsis),
    st.builds(slice, st.none() | st.integers(-5, 5), st.none() | st.integers(-5, 5), st.none() | st.integers(-3, 3)),
)


@settings(max_examples=150, deadline=None, database=None)
@given(dims_strategy, st.lists(index_keys, min_size=1, max_size=4))
def test_basic_indexing_is_numpys(dims: tuple, keys: list) -> None:
    key = tuple(keys) if len(keys) > 1 else keys[0]
    mine = numpy_arrays.index(ShapedArray(dims), key)
    try:
        expected = np.zeros(dims)[key].shape
    except (IndexError, ValueError):
        assert not isinstance(mine, ShapedArray)
        return
    assert isinstance(mine, ShapedArray) and mine.dims == expected


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]),
    st.one_of(st.integers(-3, 3), st.floats(0.5, 3)),
    st.booleans(),
    st.booleans(),
)
def test_arithmetic_with_a_number_keeps_numpys_shape_and_kind(
    op: str, number: float, integer: bool, swap: bool
) -> None:
    array = np.ones((2, 3), dtype=np.int64 if integer else np.float64)
    left, right = (number, array) if swap else (array, number)
    mine_left, mine_right = (number, ShapedArray((2, 3), integer)) if swap else (ShapedArray((2, 3), integer), number)
    with np.errstate(all="ignore"):
        try:
            expected = eval(f"left {op} right")  # noqa: S307 - NumPy is the oracle
        except (ValueError, ZeroDivisionError):
            return
    mine = numpy_arrays.binop(op, mine_left, mine_right)
    if not isinstance(mine, ShapedArray):
        return  # not claimed (a negative power): nothing to compare
    assert mine.dims == expected.shape
    assert mine.integer == np.issubdtype(expected.dtype, np.integer)


DATASET = """
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class Cifar(Dataset):
    def __init__(self, n=16):
        self.data = np.random.randint(0, 256, size=(n, 3072))
        self.labels = np.random.randint(0, 10, size=(n,))
        self.data = self.data / 255

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.data[index, :].reshape(3, 32, 32).astype(np.float32), self.labels[index]


net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * {side} * {side}, 10))  # error: CNL001
for x, y in DataLoader(Cifar(), batch_size=8):
    net(x)
"""


def test_a_dataset_of_numpy_rows_gives_the_batch(tmp_path: Path) -> None:
    """SKNet (pppLang/SKNet#2): CIFAR rows kept as a NumPy array, reshaped in ``__getitem__``."""
    found_and_fixed(tmp_path / "train.py", DATASET, {"side": 31}, {"side": 30})
