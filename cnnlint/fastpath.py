"""``cnnlint check FILE...`` on files that hold no model, without importing click.

Answers only when the answer is certainly "All checks passed! Checked 0
models in N files": every argument is a distinct readable regular
``.py``/``.pyi`` file that cannot hold a model (the same text pre-filter the
full pipeline uses) and compiles, and the project's configuration loads.
With ``--force-exclude``, also only when no exclusion can apply (no
``tool.cnnlint`` configuration, no default-excluded directory in the path).
Anything else (an option, a directory, a model, a syntax error, a
configuration problem) returns None and the full command line runs, so both
paths always agree.
"""

from __future__ import annotations

import os
import sys

CLEAN = "All checks passed!"
# settings.DEFAULT_EXCLUDE (importing the configuration costs ~70 ms; a test keeps the two equal)
DEFAULT_EXCLUDE = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
        ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
        "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    }
)  # fmt: skip
CONFIG_LIMIT = 16 * 1024 * 1024  # bytes of a pyproject.toml worth reading


def plain_files(argv: list[str]) -> tuple[list[str], bool] | None:
    """``check [--force-exclude] FILE.py...`` with distinct files: the files and the flag; else None."""
    force = "--force-exclude" in argv
    argv = [a for a in argv if a != "--force-exclude"]
    if len(argv) < 2 or argv[0] != "check" or any(a.startswith("-") for a in argv[1:]):
        return None
    if not all(name.endswith((".py", ".pyi")) for name in argv[1:]):
        return None
    if len({os.path.realpath(a) for a in argv[1:]}) != len(argv) - 1:
        return None  # a file named twice is checked once: the full path counts it
    return argv[1:], force


def try_fast_check(argv: list[str]) -> int | None:
    plain = plain_files(argv)
    if plain is None:
        return None
    names, force = plain
    # --force-exclude (the pre-commit hook's) only skips files: answered when none can be skipped.
    if force and (_mentions_cnnlint_config(names[0]) or any(_maybe_excluded(a) for a in names)):
        return None
    from cnnlint import source

    for name in names:
        try:
            data = source.read_source(name)  # regular files only, bounded: never a FIFO or /dev/zero
        except (OSError, ValueError):
            return None
        if source.may_define_model(data):
            return None
        try:
            source.check_syntax(source.decode(data), name)
        except source.SourceError:
            return None
    if not _config_loads(names[0]):
        return None
    files = len(names)
    sys.stdout.write(f"{CLEAN} Checked 0 models in {files} file{'s' if files != 1 else ''}\n")
    return 0


def _maybe_excluded(name: str) -> bool:
    parts = set(os.path.abspath(name).split(os.sep)) | set(name.split(os.sep))
    return any(p in DEFAULT_EXCLUDE for p in parts)


def _config_loads(first: str) -> bool:
    """True when no configuration applies, or when the one that applies loads without error."""
    if not _mentions_cnnlint_config(first):
        return True
    from cnnlint.config import load_settings
    from cnnlint.config_file import find_config

    try:
        load_settings(find_config(first))
    except Exception:  # noqa: BLE001 - any problem is the full command line's to report
        return False
    return True


def _mentions_cnnlint_config(first: str) -> bool:
    """Is there a pyproject.toml above ``first`` whose text names ``tool.cnnlint``? (No TOML parsing.)"""
    from cnnlint.source import read_source

    directory = os.path.dirname(os.path.abspath(first))
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        try:  # a regular file, bounded: a committed `pyproject.toml -> /dev/zero` is never read
            if b"tool.cnnlint" in read_source(candidate, CONFIG_LIMIT):
                return True
        except (OSError, ValueError):
            pass
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
