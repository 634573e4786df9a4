"""Functional norms keep their input's shape: ``F.rms_norm`` (timm's RmsNorm), ``F.layer_norm``, ``F.group_norm``.

Each model is run by torch first (meta device); cnnlint's summary must give
the same output shape and parameter count, following to the end.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import summary_model, torch_built

torch = pytest.importorskip("torch")

SOURCE = textwrap.dedent(
    """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    try:
        from torch.nn.functional import rms_norm
    except ImportError:
        rms_norm = None


    class Norms(nn.Module):
        def __init__(self, dim=48):
            super().__init__()
            self.proj = nn.Linear(16, dim)
            self.weight = nn.Parameter(torch.ones(dim))
            self.head = nn.Linear(dim, 5)

        def forward(self, x):
            x = self.proj(x)
            x = rms_norm(x, (x.shape[-1],), self.weight, 1e-6)
            x = F.rms_norm(x, [48])
            x = F.layer_norm(x, (48,))
            x = F.group_norm(x.transpose(1, 2), 4).transpose(1, 2)
            return self.head(x)
    """
)


def test_functional_norms_are_followed_and_match_torch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "norms.py"
    expected, params = torch_built(SOURCE, path, "Norms", (2, 7, 16))
    model = summary_model(path, "Norms", "2,7,16")
    assert model["output_shape"] == expected
    assert model["total_params"] == params
