"""Which files a run checks: named files always, directories walked for *.py."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# ruff's default exclusions, so a repository walk never descends into tooling.
SKIP_DIRS = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
        ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
        ".vscode", "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules",
        "site-packages", "venv",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Found:
    path: Path
    problem: str | None = None  # why it cannot be checked (missing, broken link)


def discover(paths: list[Path], is_excluded: Callable[[Path], bool]) -> Iterator[Found]:
    seen: set[Path] = set()
    for path in paths:
        if not os.path.lexists(path):
            yield Found(path, "No such file or directory")
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError:
            yield Found(path, _link_problem(path))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, is_excluded, seen)
        elif not stat.S_ISREG(mode):  # a FIFO (reading it would block), a socket, a device such as /dev/zero
            yield Found(path, "not a regular file")
        else:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield Found(path)


def _walk(root: Path, is_excluded: Callable[[Path], bool], seen: set[Path]) -> Iterator[Found]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not _is_venv(here / d) and not is_excluded(here / d)
        )
        # A directory named x.py is walked, not read; os.walk already lists it in dirnames.
        for name in sorted(filenames):
            if not name.endswith((".py", ".pyi")):
                continue
            path = here / name
            if is_excluded(path):
                continue
            if not path.exists():
                yield Found(path, _link_problem(path))
                continue
            if not path.is_file():  # a FIFO (reading it would block), a socket, a device
                yield Found(path, "not a regular file")
                continue
            try:
                key = path.resolve()
            except (OSError, RuntimeError):
                yield Found(path, "symbolic link loop")
                continue
            if key in seen:
                continue
            seen.add(key)
            yield Found(path)


def _link_problem(path: Path) -> str:
    """Why a path that is listed cannot be followed: a dangling link, a link loop, or another OS error."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(path):
            return "broken symbolic link"
        return err.strerror or str(err)
    return "cannot be read"


def _is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()
