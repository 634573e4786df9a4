"""A conv grouped by a symbolic batch (CondConv): ``F.conv2d(x.reshape(1, B * C, H, W), w, groups=g * B)``.

Against torch for several batches: whatever cnnlint answers at a symbolic
batch B must be torch's shape for each batch, with the batch put back into the
channels; a configuration torch refuses is unknown, never a guess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import summary_model, torch_built
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

SOURCE = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class CondConv(nn.Module):
    def __init__(self, cin={cin}, cout={cout}, groups={groups}, k={k}, stride={stride}, experts=3):
        super().__init__()
        self.cin, self.cout, self.groups, self.k, self.stride = cin, cout, groups, k, stride
        self.route = nn.Linear(cin, experts)
        self.weight = nn.Parameter(torch.zeros(experts, cout * (cin // groups) * k * k))

    def forward(self, x):
        B, C, H, W = x.shape
        r = torch.sigmoid(self.route(x.mean((2, 3))))
        w = torch.matmul(r, self.weight).view(B * self.cout, self.cin // self.groups, self.k, self.k)
        x = x.reshape(1, B * C, H, W)
        out = F.conv2d(x, w, None, self.stride, self.k // 2, 1, self.groups * B)
        return out.permute([1, 0, 2, 3]).view(B, self.cout, out.shape[-2], out.shape[-1])
"""


@settings(max_examples=6, deadline=None)
@given(
    groups=st.sampled_from([1, 2, 4]),
    per_group=st.integers(1, 3),
    out_per_group=st.integers(1, 3),
    k=st.sampled_from([1, 3]),
    stride=st.sampled_from([1, 2]),
)
def test_a_conv_grouped_by_the_batch_matches_torch(
    tmp_path_factory, groups: int, per_group: int, out_per_group: int, k: int, stride: int
) -> None:  # type: ignore[no-untyped-def]
    cin, cout = groups * per_group, groups * out_per_group
    source = SOURCE.format(cin=cin, cout=cout, groups=groups, k=k, stride=stride)
    path: Path = tmp_path_factory.mktemp("condconv") / "condconv.py"
    shapes = {}
    for batch in (1, 3):  # the truth comes from torch, batch by batch
        shapes[batch], params = torch_built(source, path, "CondConv", (batch, cin, 9, 9))
    model = summary_model(path, "CondConv", f"B,{cin},9,9")
    assert model["output_shape"] == ["B", *shapes[1][1:]]
    assert shapes[3] == [3, *shapes[1][1:]]
    assert model["total_params"] == params
