"""The cache's dependencies are exact: a change to code a result read re-checks it; any other change does not.

Each scenario edits one file of a small package, then checks the project with
the cache and without it: the outputs must be equal (a stale hit would differ),
and only the files that read the edited code are checked again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_cli

import cnnlint.schedule
from cnnlint.interpret.fragments import Fragments, owned_defs

TALLY = re.compile(r"(\d+) files: (\d+) checked, (\d+) from cache")

PACKAGE = {
    "pkg/__init__.py": """\
from .acts import *
from .blocks import Block
from .other import Other
""",
    "pkg/acts.py": """\
import torch.nn as nn

SLOPE = 0.1


def act():
    return nn.LeakyReLU(SLOPE)
""",
    "pkg/blocks.py": """\
import torch.nn as nn

WIDTH = 8


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, WIDTH, 3)

    def forward(self, x):
        return self.conv(x)


def unused():
    return nn.Linear(1, 2)
""",
    "pkg/other.py": """\
import torch.nn as nn


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
""",
    "pkg/registry.py": """\
SIZES = {}


def register(name, n):
    SIZES[name] = n
""",
    "pkg/zoo.py": """\
import torch.nn as nn

from .registry import register


class Small(nn.Module):
    def forward(self, x):
        return x


register("Small", 16)
""",
    "pkg/sub/__init__.py": "",
    "pkg/sub/relative.py": """\
import torch.nn as nn

from ..blocks import Block

net = nn.Sequential(Block(3), nn.Flatten(), nn.Linear(8 * 6 * 6, 2))  # cnnlint: input=(1, 3, 8, 8)
""",
    "uses_block.py": """\
import torch.nn as nn

from pkg import Block

net = nn.Sequential(Block(3), nn.Flatten(), nn.Linear(8 * 6 * 6, 2))  # cnnlint: input=(1, 3, 8, 8)
""",
    "uses_other.py": """\
import torch.nn as nn

from pkg import Other

net = nn.Sequential(Other(), nn.Linear(2, 2))  # cnnlint: input=(1, 4)
""",
    "uses_star.py": """\
import torch.nn as nn

from pkg.acts import *

net = nn.Sequential(nn.Linear(4, 4), act(), nn.Linear(4, 2))  # cnnlint: input=(1, 4)
""",
    "uses_registry.py": """\
import torch.nn as nn

from pkg.registry import SIZES
from pkg.zoo import Small

net = nn.Sequential(Small(), nn.Linear(SIZES["Small"], 2))  # cnnlint: input=(1, 16)
""",
}
USERS = ["relative.py", "uses_block.py", "uses_other.py", "uses_registry.py", "uses_star.py"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CNNLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CNNLINT_NO_CACHE", raising=False)
    (tmp_path / "pyproject.toml").write_text("[tool.cnnlint]\n")
    for name, text in PACKAGE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the checker runs on (cache misses), as they happen."""
    real = cnnlint.schedule.check_bytes
    names: list[str] = []

    def recording(data, filename, options):  # type: ignore[no-untyped-def]
        names.append(Path(filename).name)
        return real(data, filename, options)

    monkeypatch.setattr(cnnlint.schedule, "check_bytes", recording)
    return names


def _run(project: Path, *args: str) -> str:
    result = run_cli("check", "-v", "--jobs", "1", "--output-format", "concise", *args, str(project))
    assert result.exit_code in (0, 1), result.stderr
    assert TALLY.search(result.stderr), result.stderr
    return result.stdout


def _edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))


def _users_rechecked(project: Path, monkeypatch: pytest.MonkeyPatch, name: str, old: str, new: str) -> list[str]:
    """Edit, check with the cache: the users checked again; the output must equal an uncached run's."""
    checked = _checked(monkeypatch)
    _run(project)
    assert sorted(n for n in checked if n in USERS) == USERS
    checked.clear()
    _run(project)
    assert checked == []
    _edit(project, name, old, new)
    cached = _run(project)
    again = sorted(n for n in checked if n in USERS)
    assert cached == _run(project, "--no-cache")
    return again


@pytest.mark.parametrize(
    ("name", "old", "new", "users"),
    [
        # a package __init__ re-export: the importer depends on the defining module, not on its siblings
        ("pkg/blocks.py", "WIDTH = 8", "WIDTH = 9", ["relative.py", "uses_block.py"]),
        ("pkg/blocks.py", "nn.Conv2d(c, WIDTH, 3)", "nn.Conv2d(c, WIDTH, 5)", ["relative.py", "uses_block.py"]),
        ("pkg/other.py", "nn.Linear(4, 2)", "nn.Linear(4, 3)", ["uses_other.py"]),
        # a body that no check ran, a comment between definitions: nobody
        ("pkg/blocks.py", "nn.Linear(1, 2)", "nn.Linear(1, 3)", []),
        ("pkg/blocks.py", "\n\nclass Block", "\n\n# a comment\nclass Block", []),
        ("pkg/blocks.py", "return self.conv(x)\n", "return self.conv(x)\n\n# the end\n", []),
        # star imports: the importer of the module and the package re-exporting it with *
        ("pkg/acts.py", "SLOPE = 0.1", "SLOPE = 0.2", ["uses_star.py"]),
        ("pkg/acts.py", "nn.LeakyReLU(SLOPE)", "nn.Linear(4, 3)", ["uses_star.py"]),
        # a module-level side effect of another module (a registry it fills, through a function of the registry)
        ("pkg/zoo.py", 'register("Small", 16)', 'register("Small", 17)', ["uses_registry.py"]),
        ("pkg/registry.py", "SIZES[name] = n", "SIZES[name] = n + 1", ["uses_registry.py"]),
    ],
    ids=[
        "reexport-top",
        "reexport-body",
        "sibling-only",
        "unused-body",
        "comment",
        "trailing-comment",
        "star-top",
        "star-body",
        "registry-user",
        "registry-body",
    ],
)
def test_only_the_files_that_read_the_edited_code_are_checked_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, name: str, old: str, new: str, users: list[str]
) -> None:
    assert _users_rechecked(project, monkeypatch, name, old, new) == users


def test_an_edit_that_changes_a_finding_reaches_every_importer(project: Path) -> None:
    assert "CNL" not in _run(project)
    _edit(project, "pkg/blocks.py", "WIDTH = 8", "WIDTH = 9")
    out = _run(project)
    assert "uses_block.py" in out and "relative.py" in out and "uses_other.py" not in out
    _edit(project, "pkg/zoo.py", 'register("Small", 16)', 'register("Small", 17)')
    assert "uses_registry.py" in _run(project)


def test_a_module_that_appears_where_an_import_looks_re_checks_only_its_importer(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "uses_missing.py").write_text(
        "import torch.nn as nn\n\nfrom extra import WIDTH\n\n"
        "net = nn.Sequential(nn.Linear(4, WIDTH))  # cnnlint: input=(1, 4)\n"
    )
    checked = _checked(monkeypatch)
    _run(project)
    checked.clear()
    (project / "pkg" / "sub" / "blocks.py").write_text("X = 1\n")  # not where ``..blocks`` looks: nobody
    (project / "pkg" / "other").mkdir()
    (project / "pkg" / "other" / "__init__.py").write_text("")  # behind ``pkg/other.py``: nobody
    _run(project)
    assert [n for n in checked if n in [*USERS, "uses_missing.py"]] == []
    (project / "extra.py").write_text("WIDTH = 2\n")
    cached = _run(project)
    assert [n for n in checked if n in [*USERS, "uses_missing.py"]] == ["uses_missing.py"]
    assert cached == _run(project, "--no-cache")


def test_a_package_that_loses_its_init_re_checks_its_files(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _checked(monkeypatch)
    _run(project)
    checked.clear()
    (project / "pkg" / "sub" / "__init__.py").unlink()  # relative.py is no longer in package ``pkg.sub``
    cached = _run(project)
    assert "relative.py" in checked and cached == _run(project, "--no-cache")


# --------------------------------------------------------------------------- fragments


SOURCE = '''\
import torch.nn as nn


@decorate(1)
class A(nn.Module):
    """Doc."""

    width = 3

    def __init__(self, c):
        super().__init__()
        self.c = c

    def forward(self, x):
        def inner(y):
            return y

        return inner(x)


def helper(n=2):
    return n
'''


def _cut(text: str) -> Fragments:
    import ast

    return Fragments(text, ast.parse(text))


def test_fragments_are_the_top_level_code_and_each_owned_body() -> None:
    import ast

    names = [d.name for d in owned_defs(ast.parse(SOURCE))]
    assert names == ["__init__", "forward", "helper"]  # ``inner`` is part of forward's body
    base = _cut(SOURCE)
    same = [
        SOURCE.replace("\n\n\ndef helper", "\n\n# note\n\n\ndef helper"),
        SOURCE + "\n# appended\n",
        SOURCE.replace("import torch.nn as nn\n", "import torch.nn as nn  # torch\n"),
    ]
    for text in same:
        cut = _cut(text)
        assert (cut.top, cut.bodies) == (base.top, base.bodies), text
    top_edits = [
        SOURCE.replace("@decorate(1)", "@decorate(2)"),
        SOURCE.replace("width = 3", "width = 4"),
        SOURCE.replace("n=2", "n=3"),
        SOURCE.replace('"""Doc."""', '"""Doc!"""'),
        SOURCE.replace("def forward(self, x):", "def forward(self, x):  # fed a tensor"),
    ]
    for text in top_edits:
        cut = _cut(text)
        assert cut.top != base.top and cut.bodies == base.bodies, text
    cut = _cut(SOURCE.replace("return y", "return y + 1"))
    assert cut.top == base.top and [a != b for a, b in zip(cut.bodies, base.bodies)] == [False, True, False]
    cut = _cut(SOURCE.replace("super().__init__()", "super().__init__()  # kept"))
    assert cut.top == base.top and [a != b for a, b in zip(cut.bodies, base.bodies)] == [True, False, False]
