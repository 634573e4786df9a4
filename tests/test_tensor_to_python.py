"""``.tolist()`` and ``.item()`` of a tensor whose values are not known give Python data (a list of numbers, a
number), never a tensor: a model that counts padding with ``mask[i].tolist().count(0)`` (JointNLU's encoder,
corpus G #12) is followed past it. The truth: torch running the same script."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, script_and_check

pytest.importorskip("torch")

ENCODER = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(8, 16, batch_first=True)
            self.fc = nn.Linear({in_features}, 4)

        def forward(self, x, mask):
            out, _ = self.lstm(x)
            picked = []
            for i, o in enumerate(out):
                n = mask[i].tolist().count(0) + int(mask[i].sum().item())
                picked.append(o[-1] if n > 0 else o[0])
            return self.fc(torch.stack(picked))


    enc = Encoder()
    enc(torch.randn(3, 5, 8), torch.zeros(3, 5))
    """
)


@pytest.mark.parametrize("in_features", [16, 12])
def test_python_data_read_from_a_tensor_does_not_stop_following(tmp_path: Path, in_features: int) -> None:
    path = tmp_path / "encoder.py"
    path.write_text(ENCODER.format(in_features=in_features))
    error, found = script_and_check(path)
    if in_features == 16:
        assert error is None and found == []
        assert not any(code == "CNL100" for _, code, _ in findings(path))  # followed to the end
    else:
        assert error is not None and "3x16 and 12x4" in error
        assert found == [(9, "CNL001")]
