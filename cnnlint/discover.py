"""Which files a run checks: named files (unless ``--force-exclude`` excludes them), directories walked.

A walk takes ``*.py``, ``*.pyi`` and ``*.ipynb`` files and skips the default
directories, the ``exclude`` settings and, unless ``respect_gitignore`` is
off, what ``.gitignore`` files ignore (``cnnlint.gitignore``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from cnnlint.records import dataclass

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


SUFFIXES = (".py", ".pyi", ".ipynb")


def discover(
    paths: list[Path],
    is_excluded: Callable[[Path], bool],
    *,
    force_exclude: bool = False,
    respect_gitignore: bool = True,
    is_included: Callable[[Path], bool] | None = None,
) -> Iterator[Found]:
    """The files to check. ``force_exclude``: a path named explicitly is also subject to ``is_excluded``.

    ``is_included`` decides which files a walk takes (default: the ``SUFFIXES``).
    """
    included = is_included or (lambda p: p.name.endswith(SUFFIXES))
    seen: set[Path] = set()
    for path in paths:
        if not os.path.lexists(path):
            yield Found(path, "No such file or directory")
            continue
        if force_exclude and is_excluded(path):
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError:
            yield Found(path, _link_problem(path))
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, is_excluded, seen, respect_gitignore, included)
        elif not stat.S_ISREG(mode):  # a FIFO (reading it would block), a socket, a device such as /dev/zero
            yield Found(path, "not a regular file")
        else:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield Found(path)


def _walk(
    root: Path, is_excluded: Callable[[Path], bool], seen: set[Path], gitignore: bool,
    is_included: Callable[[Path], bool],
) -> Iterator[Found]:  # fmt: skip
    ignores: dict[str, list] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        here = Path(dirpath)
        real_here: Path | None = None  # the directory resolved once: a plain file's key is real_here / name
        rules = _ignore_rules(ignores, dirpath, root) if gitignore else []
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS
            and not _is_venv(here / d)
            and not is_excluded(here / d)
            and not _git_ignored(rules, here / d, True)
        )
        # A directory named x.py is walked, not read; os.walk already lists it in dirnames.
        for name in sorted(filenames):
            path = here / name
            if not is_included(path) or is_excluded(path) or _git_ignored(rules, path, False):
                continue
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                yield Found(path, _link_problem(path))  # (gone since it was listed)
                continue
            if stat.S_ISREG(mode):  # the common case: one lstat, no walk up the path
                if real_here is None:
                    real_here = Path(os.path.realpath(dirpath))
                key = real_here / name
            else:
                if not path.exists():
                    yield Found(path, _link_problem(path))
                    continue
                if not path.is_file():  # a FIFO (reading it would block), a socket, a device
                    yield Found(path, "not a regular file")
                    continue
                try:
                    key = path.resolve()  # a symbolic link: where it leads
                except (OSError, RuntimeError):
                    yield Found(path, "symbolic link loop")
                    continue
            if key in seen:
                continue
            seen.add(key)
            yield Found(path)


def _ignore_rules(ignores: dict[str, list], dirpath: str, root: Path) -> list:
    """The .gitignore rules in force in ``dirpath``: its parent's plus its own file's."""
    from cnnlint import gitignore

    parent = os.path.dirname(dirpath)
    if parent in ignores and dirpath != os.fspath(root):
        rules = ignores[parent] + gitignore.read(dirpath)
    else:
        rules = gitignore.initial_rules(Path(dirpath))
    ignores[dirpath] = rules
    return rules


def _git_ignored(rules: list, path: Path, is_dir: bool) -> bool:
    if not rules:
        return False
    from cnnlint import gitignore

    return gitignore.is_ignored(rules, os.path.abspath(path), is_dir)


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
