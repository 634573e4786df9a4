"""Exclusions that reach pre-commit (--force-exclude) and .gitignore when walking (issue 13, item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_cli

from cnnlint import gitignore

BUGGY = textwrap.dedent(
    """\
    import torch.nn as nn

    net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
        nn.Flatten(),
        nn.Linear(9216, 4096),
    )
    """
)


@pytest.mark.parametrize(
    ("lines", "path", "is_dir", "ignored"),
    [
        (["*.py"], "a/b/m.py", False, True),
        (["/m.py"], "a/m.py", False, False),
        (["/m.py"], "m.py", False, True),
        (["a/m.py"], "a/m.py", False, True),
        (["a/m.py"], "x/a/m.py", False, False),  # a "/" inside anchors the pattern
        (["build/"], "build", True, True),
        (["build/"], "build", False, False),  # directories only
        (["*.py", "!keep.py"], "keep.py", False, False),
        (["!keep.py", "*.py"], "keep.py", False, True),  # the last match wins
        (["**/gen/*.py"], "x/y/gen/m.py", False, True),
        (["docs/**"], "docs/a/m.py", False, True),
        (["m?.py"], "m1.py", False, True),
        (["m[0-9].py"], "mx.py", False, False),
        (["# comment", "", "\\#x.py"], "#x.py", False, True),
        (["trailing.py   "], "trailing.py", False, True),
    ],
)
def test_gitignore_semantics(tmp_path, lines, path, is_dir, ignored):
    rules = gitignore.parse("\n".join(lines) + "\n", str(tmp_path))
    assert gitignore.is_ignored(rules, str(tmp_path / path), is_dir) is ignored


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()  # a repository root, as far as the walk is concerned
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(BUGGY)
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "model.py").write_text(BUGGY)
    (tmp_path / "src" / "scratch_model.py").write_text(BUGGY)
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "src" / ".gitignore").write_text("scratch_*.py\n")
    return tmp_path


def _rows(result) -> list[str]:
    return sorted(os.path.relpath(d["filename"]) for d in result.json())


def test_walk_respects_gitignore_files_and_the_flag_turns_it_off(project, monkeypatch):
    monkeypatch.chdir(project)
    assert _rows(run_cli("check", "--output-format", "json", ".")) == [os.path.join("src", "model.py")]
    everything = _rows(run_cli("check", "--output-format", "json", "--no-respect-gitignore", "."))
    assert len(everything) == 3


def test_gitignore_above_the_walk_root_applies(project, monkeypatch):
    monkeypatch.chdir(project / "src")
    (project / ".gitignore").write_text("generated/\nscratch_*.py\n")
    (project / "src" / ".gitignore").unlink()
    assert _rows(run_cli("check", "--output-format", "json", ".")) == ["model.py"]


def test_git_info_exclude_applies(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / ".git" / "info").mkdir()
    (project / ".git" / "info" / "exclude").write_text("src/model.py\n")
    assert _rows(run_cli("check", "--output-format", "json", ".")) == []


def test_a_named_file_is_checked_even_when_ignored(project, monkeypatch):
    monkeypatch.chdir(project)
    assert _rows(run_cli("check", "--output-format", "json", "generated/model.py")) == ["generated/model.py"]


VENDOR_CONFIG = '[tool.cnnlint]\nextend-exclude = ["vendor"]\n'


def test_force_exclude_applies_exclusions_to_named_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(VENDOR_CONFIG)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.py").write_text(BUGGY)
    (tmp_path / "model.py").write_text(BUGGY)
    assert run_cli("check", "vendor/lib.py").exit_code == 1  # named: checked, as ruff does
    result = run_cli("check", "--force-exclude", "--output-format", "json", "vendor/lib.py", "model.py")
    assert _rows(result) == ["model.py"]
    assert run_cli("check", "--force-exclude", "vendor/lib.py").exit_code == 0
    stdin = run_cli("check", "--force-exclude", "--stdin-filename", "vendor/lib.py", "-", input=BUGGY)
    assert stdin.exit_code == 0 and "CNL001" not in stdin.stdout


def test_fast_path_accepts_force_exclude(tmp_path):
    clean = tmp_path / "util.py"
    clean.write_text("def f():\n    return 1\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = "import sys; from cnnlint.fastpath import try_fast_check; sys.exit(try_fast_check(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "check", "--force-exclude", str(clean)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0 and done.stdout == "All checks passed! Checked 0 models in 1 file\n"
