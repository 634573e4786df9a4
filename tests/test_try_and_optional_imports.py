"""What segmentation_models_pytorch's models lean on, read as Python runs it: a ``try`` body's effects,
list equality, export and compile questions, and a library's optional import of a module that is not
installed beside it.

Each case builds ``net`` from the construct; Python running the same file with torch is the truth for
the output shape and parameter count.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from conftest import assert_net_is_torchs, reported, run_cli

from cnnlint.interpret import libraries

torch = pytest.importorskip("torch")

PRELUDE = """
import torch
from torch import nn

"""

# The model is ``Net``, built from what each case binds to ``net``.
CASES = [
    "net = nn.Linear(4, 5 if [1, 2] == [1, 2] else 9)",
    "net = nn.Linear(4, 5 if [1, 2] == [1, 3] else 9)",
    "net = nn.Linear(4, 5 if [1] == (1,) else 9)",  # a list never equals a tuple
    "net = nn.Linear(4, 5 if [2 ** (i + 1) for i in range(3)] != [2, 4, 8] else 9)",
    "net = nn.Linear(4, 5 if [1, 2] != [1, 2, 3] else 9)",
    "net = nn.Linear(4, 5 if [[1], [2]] == [[1], [2]] else 9)",
    "net = nn.Linear(4, 5 if torch.onnx.is_in_onnx_export() or torch.compiler.is_compiling() else 9)",
    # a try body runs whole unless it raises: its changes to lists, dicts and containers are certain
    "layers = [nn.Linear(4, 8)]\ntry:\n    layers.append(nn.ReLU())\n    sizes = {'out': 6}\n"
    "    sizes['out'] += 1\nexcept Exception:\n    sizes = {'out': 2}\n"
    "net = nn.Sequential(*layers, nn.Linear(8, sizes['out']))",
    "net = nn.ModuleList([nn.Linear(4, 8)])\ntry:\n    net.extend([nn.ReLU(), nn.Linear(8, 3)])\n"
    "except ImportError:\n    pass\nnet = nn.Sequential(*net)",
    "blocks = nn.Sequential()\ntry:\n    blocks.add_module('fc', nn.Linear(4, 6))\nfinally:\n    pass\nnet = blocks",
]


@pytest.mark.parametrize("case", CASES)
def test_construct_matches_python(tmp_path: Path, case: str) -> None:
    assert_net_is_torchs(PRELUDE + case, tmp_path / "net.py")


def test_a_model_built_in_a_try_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "net.py"
    source = PRELUDE + (
        "layers = []\ntry:\n    layers.append(nn.Linear(4, 8))\nexcept ImportError:\n    pass\n"
        "net = nn.Sequential(*layers, nn.Linear(16, 2))\n"
    )
    path.write_text(source)
    with torch.device("meta"), pytest.raises(RuntimeError):
        runpy.run_path(str(path))["net"](torch.empty(2, 4))
    row = source.splitlines().index("net = nn.Sequential(*layers, nn.Linear(16, 2))") + 1
    assert reported(path, "--input", "net=2,4") == {(row, "CNL001")}


RAISING = (
    PRELUDE
    + """

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.side = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(3, 8, 1))  # a width 1 short at odd sizes

    def check(self, x):
        if x.shape[-1] % 2:
            raise RuntimeError("the width must be even")

    def forward(self, x):
        self.check(x)
        return self.down(x) + self.side(x)


out = Net()(torch.randn(2, 3, {size}, {size}))
"""
)


def test_nothing_is_found_after_the_code_raises_for_certain(tmp_path: Path) -> None:
    """Python runs nothing after the helper's ``raise``: that is the error (CNL014, at the raise), and the add
    it never reaches is not reported."""
    path = tmp_path / "net.py"
    path.write_text(RAISING.format(size=33))
    with pytest.raises(RuntimeError, match="even"):
        runpy.run_path(str(path))
    row = RAISING.splitlines().index('            raise RuntimeError("the width must be even")') + 1
    assert reported(path, "--show-info") == {(row, "CNL014")}
    path.write_text(RAISING.format(size=32))  # no raise: the add is checked (and fits)
    runpy.run_path(str(path))
    assert reported(path) == set()


LIBRARY = """
from torch import nn

try:
    from {optional} import FancyNorm
except ImportError:
    FancyNorm = None


def small_net(num_classes=1000):
    act = nn.Conv2d(8, 16, 1) if FancyNorm is not None else nn.ReLU()  # 16 features or 8
    return nn.Sequential(nn.Conv2d(3, 8, 3), act, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, num_classes))
"""

USER = """
import torch
from torch import nn
from fakeseg import small_net

model = small_net(num_classes=10)
model[4] = nn.Linear(16, 10)
out = model(torch.randn(2, 3, 32, 32))
"""


def _site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, optional: str) -> Path:
    site = tmp_path / "site-packages"
    (site / "fakeseg").mkdir(parents=True)
    (site / "fakeseg" / "__init__.py").write_text(LIBRARY.format(optional=optional))
    monkeypatch.setattr(libraries, "search_paths", lambda: (str(site),))
    monkeypatch.setattr(libraries, "LIBRARIES", libraries.LIBRARIES | {"fakeseg"})
    return site


def _codes(path: Path) -> list[tuple[int, str]]:
    result = run_cli("check", "--no-cache", "--output-format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    return [(d["location"]["row"], d["code"]) for d in result.json()]


def test_a_librarys_optional_import_of_a_missing_module_takes_the_except_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _site(tmp_path, monkeypatch, "cnnlint_test_never_installed_abn")
    path = tmp_path / "train.py"
    path.write_text(USER)
    assert _codes(path) == [(7, "CNL001")]  # ReLU, as Python picks: Linear(16, 10) receives 8 features


def test_an_optional_module_installed_beside_the_library_stays_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path, monkeypatch, "cnnlint_test_installed_abn")
    (site / "cnnlint_test_installed_abn").mkdir()
    (site / "cnnlint_test_installed_abn" / "__init__.py").write_text("FancyNorm = object\n")
    path = tmp_path / "train.py"
    path.write_text(USER)
    assert _codes(path) == []  # the import succeeds there: FancyNorm is not read, so ``act`` is unknown


def test_the_projects_own_optional_import_is_not_guessed(tmp_path: Path) -> None:
    """cnnlint may run where the project's dependencies are not installed (an isolated pre-commit
    environment): a missing import in the project's code is unknown, never the ``except`` branch."""
    path = tmp_path / "train.py"
    library = LIBRARY.format(optional="cnnlint_test_never_installed_abn")
    path.write_text(library + "\n\nmodel = small_net(10)\nmodel[4] = nn.Linear(16, 10)\n")
    assert _codes(path) == []


def test_absence_is_looked_for_as_python_would() -> None:
    assert libraries.absent("os") == ()  # the standard library
    assert libraries.absent("pytest") == ()  # installed where cnnlint runs
    assert libraries.absent("cnnlint_test_never_installed_abn")
