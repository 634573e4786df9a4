"""Path globs of the configuration (``exclude``, ``per-file-ignores``): normalised against the project
root, compiled once, matched per path component without backtracking (``cnnlint.globs``)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _glob(pattern: str) -> Any:
    """The compiled matcher of a normalised pattern (compiled once; see ``cnnlint.globs``)."""
    from cnnlint.globs import compile_glob

    return compile_glob(pattern)


def check_glob(pattern: str, where: str) -> None:
    """``ConfigError`` naming ``where`` when ``pattern`` cannot be compiled (``[z-a]``)."""
    from cnnlint.globs import GlobError
    from cnnlint.settings import ConfigError

    text = pattern.replace("\\", "/") if os.sep == "\\" else pattern
    try:
        _glob(text)
        if text.endswith("/**"):
            _glob(text[:-3])
    except GlobError as err:
        raise ConfigError(f"{where}: invalid glob {pattern!r}: {err}") from None


@lru_cache(maxsize=64)
def _real(path: str) -> str:
    """``realpath`` of a run's root, computed once."""
    return os.path.realpath(path)


@lru_cache(maxsize=512)
def _normalize_pattern(pattern: str, root: Path) -> str:
    text = pattern.replace("\\", "/") if os.sep == "\\" else pattern
    if os.path.isabs(text):
        try:
            text = Path(text).relative_to(root).as_posix()
        except ValueError:
            text = text.lstrip("/")
    while text.startswith("./"):
        text = text[2:]
    return text.strip("/") if text not in ("/", "") else ""


@lru_cache(maxsize=64)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


@lru_cache(maxsize=64)
def _abspath(path: str) -> str:
    return os.path.abspath(path)


class PatternSet:
    """Patterns that one question asks about every path of a walk (``exclude``): ``any(glob_match(...))``.

    A pattern without ``/`` is matched against each component's name, and a
    walk sees the same names over and over (``pkg``, ``__init__.py``), so
    each name's answer is kept.
    """

    def __init__(self, patterns: tuple[str, ...], root: Path) -> None:
        norms = [n for n in (_normalize_pattern(p, root) for p in patterns) if n]
        self.root = root
        self.names = [_glob(n) for n in norms if "/" not in n]
        self.paths = [n for n in norms if "/" in n]
        self._by_name: dict[str, bool] = {}

    def _name(self, part: str) -> bool:
        known = self._by_name.get(part)
        if known is None:
            known = self._by_name[part] = any(glob.match(part) for glob in self.names)
        return known

    def matches(self, path: os.PathLike | str) -> bool:
        parts = _relative_parts(path, self.root)
        if parts is None:
            return bool(self.names) and self._name(os.path.basename(os.path.abspath(os.fspath(path))))
        if not parts:
            return False
        if self.names and any(self._name(part) for part in parts):
            return True
        return any(_match_parts(norm, parts, path) for norm in self.paths)


@lru_cache(maxsize=16)
def pattern_set(patterns: tuple[str, ...], root: Path) -> PatternSet:
    return PatternSet(patterns, root)


def _relative_parts(path: os.PathLike | str, root: Path) -> tuple[str, ...] | None:
    """``path``'s components under ``root`` (trying the real paths once when the plain ones are outside)."""
    absolute = os.path.abspath(os.fspath(path))
    base = _abspath(os.fspath(root))
    if absolute.startswith(base) and absolute[len(base) : len(base) + 1] == os.sep and base != os.sep:
        return tuple(absolute[len(base) + 1 :].split(os.sep))  # the common case, without relpath
    for a, b in ((absolute, base), (None, base)):
        if a is None:
            a, b = os.path.realpath(absolute), _real(base)
        try:
            rel = os.path.relpath(a, b)
        except ValueError:
            continue
        if rel == ".":
            return ()
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return tuple(Path(rel).parts)
    return None


def glob_match(pattern: str, path: os.PathLike | str, root: os.PathLike | str) -> bool:
    """Whether a gitignore-style ``pattern`` (relative to ``root``) covers ``path``.

    A pattern without ``/`` matches any component's name (the file or one of
    its directories under ``root``); one with ``/`` matches the path relative
    to ``root`` or one of its parent directories. For a path outside
    ``root`` only a name pattern against its own name can match.
    """
    root_path = Path(root)
    return _match_parts(_normalize_pattern(pattern, root_path), _relative_parts(path, root_path), path)


def _match_parts(norm: str, parts: tuple[str, ...] | None, path: os.PathLike | str) -> bool:
    """``glob_match`` once ``path``'s components under the root are known (computed once per path)."""
    if not norm:
        return False
    glob = _glob(norm)
    if parts is None:
        return "/" not in norm and glob.match(os.path.basename(os.path.abspath(os.fspath(path))))
    if not parts:
        return False
    if "/" not in norm:
        return any(glob.match(part) for part in parts)
    prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    if norm.endswith("/**"):  # "dir/**" also covers the directory itself, so a walk can skip it
        base = _glob(norm[:-3])
        if any(base.match(prefix) for prefix in prefixes):
            return True
    return any(glob.match(prefix) for prefix in prefixes)
