"""``from package import module`` where the package is a directory without ``__init__.py`` (PEP 420), as a
checkout of pytorch-tabnet is used: Python imports the module, and cnnlint follows it (torch is the oracle)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import expected_markers, reported, run_cli

pytest.importorskip("torch")

BLOCKS = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn


    class Gate(nn.Module):
        def __init__(self, dim, dim_out):
            self.dim = dim
            super().__init__()
            self.fc = nn.Linear(dim, dim_out)

        def forward(self, x):
            return torch.sigmoid(self.fc(x)) * x[..., :1]
    """
)
MAIN = textwrap.dedent(
    """\
    import torch
    import torch.nn as nn
    from nets import blocks

    net = nn.Sequential(
        nn.Linear(4, 8),
        blocks.Gate(8, 16),
        nn.Linear({width}, 2),  # error: CNL001
    )
    print(net(torch.randn(3, 4)).shape)
    """
)


def _torch_runs(project) -> bool:
    done = subprocess.run([sys.executable, "main.py"], cwd=project, capture_output=True, text=True)
    return done.returncode == 0


@pytest.mark.parametrize("width", [16, 12])
def test_a_module_of_a_namespace_package_is_followed(tmp_path, width: int) -> None:
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "blocks.py").write_text(BLOCKS)
    source = MAIN.format(width=width)
    (tmp_path / "main.py").write_text(source)
    runs = _torch_runs(tmp_path)
    assert runs == (width == 16)
    assert reported(tmp_path / "main.py") == (set() if runs else expected_markers(source))
    if runs:
        text = run_cli("check", "--show-info", str(tmp_path / "main.py")).stdout
        assert "followed to the end" in text and "CNL100" not in text


def test_a_name_no_directory_holds_stays_unknown(tmp_path) -> None:
    (tmp_path / "main.py").write_text(MAIN.format(width=12).replace("from nets import", "from absent import"))
    assert reported(tmp_path / "main.py") == set()
