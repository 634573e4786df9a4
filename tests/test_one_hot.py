"""``F.one_hot(index, num_classes)``: the index's shape and one more dim, against torch."""

from __future__ import annotations

import textwrap

import pytest
from conftest import summary_model
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

SOURCE = textwrap.dedent(
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F


    class OneHot(nn.Module):
        def __init__(self, classes={classes}):
            super().__init__()
            self.classes = classes
            self.table = nn.Parameter(torch.zeros(classes, 6))

        def forward(self, x):
            ids = torch.arange(x.shape[1]).unsqueeze(0).expand(x.shape[0], -1) % self.classes
            return F.one_hot(ids, num_classes=self.classes).float() @ self.table + x
    """
)


@settings(max_examples=8, deadline=None)
@given(classes=st.integers(1, 9), tokens=st.integers(1, 7), batch=st.integers(1, 3))
def test_one_hot_positions_match_torch(tmp_path_factory, classes: int, tokens: int, batch: int) -> None:  # type: ignore[no-untyped-def]
    source = SOURCE.replace("{classes}", str(classes))
    path = tmp_path_factory.mktemp("one_hot") / "one_hot.py"
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)  # the truth comes from torch (on the CPU: data-dependent)
    net = namespace["OneHot"]()
    expected = list(net(torch.zeros(batch, tokens, 6)).shape)
    model = summary_model(path, "OneHot", f"{batch},{tokens},6")
    assert model["output_shape"] == expected
    symbolic = summary_model(path, "OneHot", f"B,{tokens},6")
    assert symbolic["output_shape"] == ["B", tokens, 6]
