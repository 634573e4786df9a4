"""Relative imports read as Python binds them, checked against Python's own import of the same files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import findings

from cnnlint.check import check_bytes


def _python_says(root: Path, code: str) -> list[str]:
    """What Python prints running ``code`` with ``root`` as the working directory (its imports the truth)."""
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.split()


@pytest.mark.parametrize("level", [".", ".."], ids=["own-package", "parent-package"])
def test_a_package_init_imports_relative_to_the_package_itself(tmp_path: Path, level: str) -> None:
    """torchxrayvision's ``baseline_models/chestx_anatomy/__init__.py`` does ``from ... import utils``: the
    dots count from the package the ``__init__.py`` is, not from its parent."""
    inner = tmp_path / "top" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "top" / "__init__.py").write_text("")
    (tmp_path / "top" / "utils.py").write_text("WIDTH = 12\n")
    (inner / "utils.py").write_text("WIDTH = 16\n")
    (inner / "__init__.py").write_text(
        f"import torch.nn as nn\nfrom {level} import utils\n\n"
        "net = nn.Sequential(nn.Linear(utils.WIDTH, 2))  # cnnlint: input=(1, 8)\n"
    )
    truth = subprocess.run(
        [sys.executable, "-c", "import top.sub as s; print(s.utils.__name__, s.utils.WIDTH)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    width = "16" if level == "." else "12"
    assert truth.stdout.split() == [f"top{'.sub' if level == '.' else ''}.utils", width]
    found = findings(inner / "__init__.py")
    assert [(row, code) for row, code, _ in found] == [(4, "CNL001")]
    assert f"in_features={width}" in found[0][2]


def test_a_name_a_star_import_brings_back_to_its_package_is_the_submodule(tmp_path: Path) -> None:
    """geffnet: the package star-imports ``acts``, which does ``from pkg import config`` while the package is
    half-built; no ``config`` is bound yet, so Python imports the submodule ``pkg.config`` (run here too)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .acts import *\nfrom .config import is_wide\n")
    (tmp_path / "pkg" / "acts.py").write_text(
        "from pkg import config\n\ndef width():\n    return 16 if config.is_wide() else 4\n"
    )
    (tmp_path / "pkg" / "config.py").write_text("_WIDE = True\n\ndef is_wide():\n    return _WIDE\n")
    text = "import torch.nn as nn\nfrom pkg import config, width\n\n"
    text += "net = nn.Sequential(nn.Linear(width(), 2))  # cnnlint: input=(1, 8)\n"
    path = tmp_path / "user.py"
    path.write_text(text)
    assert _python_says(tmp_path, "import pkg; print(pkg.width(), pkg.config.__name__)") == ["16", "pkg.config"]
    result = check_bytes(text.encode(), str(path))
    assert [d.code for d in result.diagnostics] == ["CNL001"]
    assert "in_features=16" in result.diagnostics[0].message
