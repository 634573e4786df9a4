"""Which installed packages cnnlint reads, and that reading one never costs the checked file its own budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from cnnlint.interpret import libraries

ZOO = """
from torch import nn


def small_net(num_classes=1000):
    head = nn.Linear(8, num_classes)
    return nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
"""

USER = """
import torch
from torch import nn
from {package} import small_net

model = small_net(num_classes=10)
model[4] = nn.Linear(16, 10)
out = model(torch.randn(2, 3, 32, 32))
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site-packages directory holding ``fakezoo`` (a model library) and ``plainlib`` (not one)."""
    site = tmp_path / "site-packages"
    for package in ("fakezoo", "plainlib"):
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text(ZOO)
    monkeypatch.setattr(libraries, "search_paths", lambda: (str(site),))
    monkeypatch.setattr(libraries, "LIBRARIES", libraries.LIBRARIES | {"fakezoo"})
    return site


def _codes(path: Path) -> list[tuple[int, str]]:
    result = run_cli("check", "--no-cache", "--output-format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    return [(d["location"]["row"], d["code"]) for d in result.json()]


def test_a_model_library_is_read_from_site_packages(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(USER.format(package="fakezoo"))
    assert _codes(path) == [(7, "CNL001")]  # Linear(16, 10) receives 8 features


def test_other_installed_packages_are_not_read(site: Path, tmp_path: Path) -> None:
    """pandas, matplotlib and the like are imported by training scripts too: their code is never run."""
    path = tmp_path / "train.py"
    path.write_text(USER.format(package="plainlib"))
    assert _codes(path) == []


def test_a_library_that_runs_out_of_budget_leaves_the_file_its_own(site: Path, tmp_path: Path) -> None:
    """A library whose module code never ends is unknown; the file's own model is still checked."""
    burn = "x = 0\nfor i in range(4000):\n    for j in range(4000):\n        x += 1\n"
    (site / "fakezoo" / "__init__.py").write_text(burn + ZOO)
    path = tmp_path / "train.py"
    own = "\n\nclass Head(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    own += "        self.fc = nn.Linear(16, 10)\n\n    def forward(self, x):\n        return self.fc(x)\n"
    own += "\n\nHead()(torch.randn(2, 8))\n"
    path.write_text(USER.format(package="fakezoo") + own)
    row = path.read_text().splitlines().index("        self.fc = nn.Linear(16, 10)") + 1
    assert _codes(path) == [(row, "CNL001")]


def test_a_model_library_that_is_not_installed_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In an environment without the library (an isolated pre-commit hook), the script is not passed silently."""
    monkeypatch.setattr(libraries, "search_paths", lambda: ())
    monkeypatch.setattr(libraries, "LIBRARIES", libraries.LIBRARIES | {"fakezoo"})
    path = tmp_path / "train.py"
    path.write_text(USER.format(package="fakezoo"))
    result = run_cli("check", "--no-cache", "--show-info", "--output-format", "json", str(path))
    notes = [(d["location"]["row"], d["message"]) for d in result.json()]
    assert notes == [(4, notes[0][1])] and notes[0][1].startswith("fakezoo is not installed where cnnlint looks")
    assert run_cli("check", "--no-cache", str(path)).exit_code == 0  # an info note, never a finding
