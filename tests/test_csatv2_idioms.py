"""What CSATv2's DCT stem needed, each checked against torch or Python.

A list of ints as an index (``x[:, :, zigzag]``), ``torch.eye``, ``.real``,
a view whose every size is written out (its result is certain whenever torch
does not raise, even from a tensor whose shape is unknown), and iterators that
stay unknown where the interpreter cannot say how far they went.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import summary_model, torch_built

from cnnlint.shapes.dims import Shape
from cnnlint.shapes.tensor_ops import RESHAPE, SizeOf

torch = pytest.importorskip("torch")

MODEL = textwrap.dedent(
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class Stem(nn.Module):
        def __init__(self, order=(0, 5, 1, 4, 2, 3)):
            super().__init__()
            self.order = list(order)
            self.register_buffer("basis", torch.eye(6, 4))
            self.fc = nn.Linear(12, 3)

        def forward(self, x):
            x = F.linear(x, self.basis)  # (B, 2, 6)
            x = x[:, :, self.order]
            x = x[[0, 0]]
            x = x[:, [[0, 1], [1, 0]]]  # (2, 2, 2, 6)
            x = (x * 1j).real
            return self.fc(x.reshape(2, 2, 12))
    """
)


def test_list_indexes_eye_and_real_match_torch(tmp_path: Path) -> None:
    path = tmp_path / "stem.py"
    expected, _ = torch_built(MODEL, path, "Stem", (3, 2, 4))
    model = summary_model(path, "Stem", "3,2,4")
    assert model["output_shape"] == expected == [2, 2, 3]


@pytest.mark.parametrize(
    ("target", "written"),
    [((8, 8), True), (("B", 49, 3), True), ((0, 5), True), ((-1, 8), False), ((SizeOf(0), 8), False), ((), False)],
)
def test_a_view_of_an_unknown_shape_is_known_only_when_every_size_is_written(target: tuple, written: bool) -> None:
    out = RESHAPE.infer({"shape": target, "method": "view"}, Shape.unknown())
    assert (out.rank is not None) == written
    if written:
        assert out.dims == target


NOT_KNOWN = textwrap.dedent(
    """
    import random

    import torch.nn as nn

    def after_a_loop():
        it = iter([8, 16, 32])
        for w in it:
            if w == 8:
                break
        return next(it)  # Python: 16, the loop stopped early; cnnlint cannot tell how far it went

    def after_a_branch():
        it = iter([8, 16])
        if random.random() > 0.5:
            next(it)
        return next(it)

    def zipped_with_itself():
        it = iter([1, 2, 3, 4])
        return len(list(zip(it, it)))

    def known():
        it = iter([8, 16])
        next(it)
        return next(it)

    class A(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, WIDTH())

        def forward(self, x):
            return self.fc(x)
    """
)


@pytest.mark.parametrize(
    ("width", "expected"),
    [("after_a_loop", None), ("after_a_branch", None), ("zipped_with_itself", None), ("known", 16)],
)
def test_iterators_are_unknown_where_their_position_is(tmp_path: Path, width: str, expected: int | None) -> None:
    path = tmp_path / "iterators.py"
    path.write_text(NOT_KNOWN.replace("WIDTH", width))
    model = summary_model(path, "A", "1,4")
    assert model["output_shape"] == [1, expected]


MODULE_DICT_UPDATE = textwrap.dedent(
    """
    from collections import OrderedDict

    import torch.nn as nn


    class Info:  # a plain object: an attribute of the dict, not one of its layers
        def __init__(self):
            self.channels = [8, 16]


    class Features(nn.ModuleDict):
        def __init__(self):
            super().__init__()
            self.info = Info()
            layers = OrderedDict()
            layers["stem"] = nn.Conv2d(3, 8, 3, 2)
            layers["body"] = nn.Conv2d(8, 16, 3)
            self.update(layers)
            self.update([("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten())])

        def forward(self, x):
            for name, module in self.items():
                x = module(x)
            return x
    """
)


def test_module_dict_update_adds_each_layer_in_order(tmp_path: Path) -> None:
    path = tmp_path / "features.py"
    expected, params = torch_built(MODULE_DICT_UPDATE, path, "Features", (2, 3, 17, 17))
    model = summary_model(path, "Features", "2,3,17,17")
    assert model["output_shape"] == expected == [2, 16]
    assert model["total_params"] == params
