"""Star imports bound lazily from the syntax only when running the module later changes nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cnnlint.check import check_bytes
from cnnlint.interpret.imports import KNOWN_ROOTS
from cnnlint.interpret.stars import exports


def _exports(text: str):  # type: ignore[no-untyped-def]
    return exports(ast.parse(text), KNOWN_ROOTS)


@pytest.mark.parametrize(
    "text",
    [
        "import torch.nn as nn\n\nclass A(nn.Module):\n    width = len((1, 2))\n    def f(self):\n        X[0] = 1\n",
        "from torch import nn\nACT = nn.ReLU(inplace=True)\nSIZES = dict(a=1)\nT = tuple([1] * 3)\n",
        "try:\n    from torchvision.ops import misc\n    HAS = True\nexcept ImportError:\n    HAS = False\n",
        "from .layers import Conv\n\n@register_model\ndef f(x=lambda: Conv()):\n    return Conv()\n",
    ],
    ids=["class-body", "torch-calls", "try-import", "project-names-not-called"],
)
def test_top_level_code_that_reaches_nothing_outside_is_inert(text: str) -> None:
    assert _exports(text).inert


@pytest.mark.parametrize(
    "text",
    [
        "from .registry import SIZES\nSIZES['a'] = 16\n",
        "from .registry import register\nregister('a', 16)\n",
        "from .registry import REG\nREG.a = 1\n",
        "from . import registry\n\n@registry.register(16)\nclass A:\n    pass\n",
        "def make():\n    return 1\nVALUE = make()\n",
        "import functools\nfrom .registry import fill\nX = functools.reduce(fill, [1, 2])\n",
        "from .registry import SIZES\ndel SIZES\n",
        "__all__ = ['a'] + OTHER\n",
    ],
    ids=["item", "call", "attribute", "decorator-call", "own-function", "passes-a-callable", "del", "dynamic-all"],
)
def test_top_level_code_that_may_change_another_module_is_not(text: str) -> None:
    assert not _exports(text).inert


def test_the_names_a_star_import_binds() -> None:
    found = _exports(
        "import torch.nn as nn\nfrom .x import *\nA = 1\n_B = 2\ndef c():\n    pass\nclass D:\n    E = 3\n"
    )
    assert sorted(found.names) == ["A", "D", "c", "nn"]
    assert found.stars == (("x", 1),) and not found.explicit
    found = _exports("__all__ = ['A', '_b']\n__all__ += ['c']\nA = _b = c = d = 1\n")
    assert found.names == ("A", "_b", "c") and found.explicit


@pytest.fixture
def package(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "registry.py").write_text("SIZES = {'a': 8}\n")
    (tmp_path / "pkg" / "fill.py").write_text("from .registry import SIZES\n\nSIZES['a'] = 16\n")
    (tmp_path / "pkg" / "consts.py").write_text("WIDTH = 16\n")
    (tmp_path / "pkg" / "__init__.py").write_text(
        "from .fill import *\nfrom .consts import *\nfrom .registry import SIZES\n"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("use", "width"),
    [("SIZES['a']", 16), ("WIDTH", 16)],
    ids=["side-effect-of-a-star-import", "name-of-a-star-import"],
)
def test_a_star_import_in_a_package_keeps_its_meaning(package: Path, use: str, width: int) -> None:
    """``fill`` changes ``registry`` when the package is imported: it still runs; ``consts`` is bound lazily."""
    text = "import torch.nn as nn\nfrom pkg import *\n\n"
    text += f"net = nn.Sequential(nn.Linear({use}, 2))  # cnnlint: input=(1, 8)\n"
    path = package / "user.py"
    path.write_text(text)
    result = check_bytes(text.encode(), str(path))
    assert [d.code for d in result.diagnostics] == ["CNL001"]
    assert f"in_features={width}" in result.diagnostics[0].message
    consts = str(package / "pkg" / "consts.py")
    assert any(dep.startswith(consts + "\0names") for dep in result.dependencies)
