"""The pre-commit hook with the real pre-commit: fails on a buggy model, passes on a clean one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BUGGY = """import torch.nn as nn

net = nn.Sequential(  # cnnlint: input=(1, 256, 5, 5)
    nn.Flatten(),
    nn.Linear(9216, 4096),
)
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _pre_commit() -> list[str]:
    script = Path(sys.executable).parent / "pre-commit"
    if not script.exists():
        pytest.skip("pre-commit is not installed (dev extra)")
    return [str(script)]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    """A pre-commit home shared by both runs, so the hook's environment is built once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    env.pop("PRE_COMMIT", None)
    return env


def _try_repo(project: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_pre_commit(), "try-repo", str(ROOT), "cnnlint", "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_pre_commit_hook_fails_on_a_buggy_model_and_passes_when_fixed(tmp_path, hook_env):
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this checkout to be a git repository")
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "model.py").write_text(BUGGY)
    _git(project, "add", "model.py")

    failing = _try_repo(project, hook_env)
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "model.py:5:5: CNL001 Linear expects in_features=9216 but receives 6400" in output

    (project / "model.py").write_text(BUGGY.replace("9216", "6400"))
    _git(project, "add", "model.py")
    passing = _try_repo(project, hook_env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


@pytest.mark.slow
def test_pre_commit_hook_skips_an_excluded_vendored_file(tmp_path, hook_env):
    """pre-commit names every file; --force-exclude in the hook makes extend-exclude apply to them."""
    if not (ROOT / ".git").exists():
        pytest.skip("try-repo needs this checkout to be a git repository")
    project = tmp_path / "project"
    (project / "vendor").mkdir(parents=True)
    _git(project, "init", "-q")
    (project / "pyproject.toml").write_text('[tool.cnnlint]\nextend-exclude = ["vendor"]\n')
    (project / "vendor" / "lib.py").write_text(BUGGY)
    (project / "model.py").write_text(BUGGY.replace("9216", "6400"))
    _git(project, "add", ".")

    result = _try_repo(project, hook_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CNL001" not in result.stdout + result.stderr

    (project / "model.py").write_text(BUGGY)  # the same bug outside vendor/ is still caught
    _git(project, "add", "model.py")
    failing = _try_repo(project, hook_env)
    assert failing.returncode == 1
    assert "model.py:5:5: CNL001" in failing.stdout and "vendor" not in failing.stdout


def _readme_pre_commit_config() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]


def test_readme_installs_only_what_exists():
    """cnnlint is not on PyPI and has no release tag: the README must not send users there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install cnnlint" not in text and '"cnnlint[' not in text
    assert "rev:" not in text
    assert "pre-commit try-repo path/to/cnnlint cnnlint --all-files" in text


@pytest.mark.slow
def test_readme_local_hook_config_runs(tmp_path, hook_env):
    project = tmp_path / "project"
    (project / "vendor").mkdir(parents=True)
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(_readme_pre_commit_config())
    (project / "pyproject.toml").write_text('[tool.cnnlint]\nextend-exclude = ["vendor"]\n')
    (project / "vendor" / "lib.py").write_text(BUGGY)
    (project / "model.py").write_text(BUGGY)
    _git(project, "add", ".")
    env = {**hook_env, "PATH": str(Path(sys.executable).parent) + os.pathsep + hook_env.get("PATH", "")}
    done = subprocess.run([*_pre_commit(), "run", "--all-files"], cwd=project, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "model.py:5:5: CNL001" in done.stdout and "vendor" not in done.stdout
