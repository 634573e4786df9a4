"""What the settings say about one path, as the pipeline asks: walked or excluded, the codes
reported there (``per-file-ignores`` applied), and the ``inputs`` declared for it."""

from __future__ import annotations

import os

from cnnlint.config_values import _split_input_key
from cnnlint.pathmatch import _match_parts, _normalize_pattern, _relative_parts, glob_match, pattern_set
from cnnlint.settings import UNSUPPRESSIBLE, Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _order(a: Any, b: Any) -> tuple[Settings, Any]:
    """Accept (settings, path) and (path, settings)."""
    return (a, b) if isinstance(a, Settings) else (b, a)


def is_excluded(settings: Settings, path: os.PathLike | str) -> bool:
    """Whether ``exclude`` / ``extend-exclude`` (or the defaults) cover ``path`` or a directory above it.

    Both argument orders are accepted. Meant for files and directories found
    while walking; whether a path named on the command line is subject to it
    is the caller's choice (ruff: not, unless ``--force-exclude``).
    """
    settings, path = _order(settings, path)
    return pattern_set(tuple(settings.exclude), settings.root).matches(path)


def is_included(settings: Settings, path: os.PathLike | str) -> bool:
    """Whether a directory walk takes ``path``: a Python file or notebook, or one ``extend-include`` names."""
    if os.fspath(path).endswith((".py", ".pyi", ".ipynb")):
        return True
    return any(glob_match(pattern, path, settings.root) for pattern in settings.extend_include)


def enabled_codes(settings: Settings, filename: os.PathLike | str) -> frozenset[str]:
    """The codes reported for ``filename``: ``select`` less its ``per-file-ignores``, plus CNL998/CNL999."""
    settings, filename = _order(settings, filename)
    codes = set(settings.select)
    parts = _relative_parts(filename, settings.root) if settings.per_file_ignores else None
    for entry in settings.per_file_ignores:
        if _match_parts(_normalize_pattern(entry.pattern, settings.root), parts, filename) != entry.negated:
            codes -= entry.codes
    return frozenset(codes) | UNSUPPRESSIBLE


def is_enabled(settings: Settings, code: str, filename: os.PathLike | str) -> bool:
    """Whether ``code`` is reported in ``filename``."""
    if not isinstance(settings, Settings):  # is_enabled(code, filename, settings)
        settings, code, filename = filename, settings, code  # type: ignore[assignment]
    if code in UNSUPPRESSIBLE:
        return True
    if code not in settings.select:
        return False
    return code in enabled_codes(settings, filename)


def inputs_for(settings: Settings, filename: os.PathLike | str) -> dict[str, tuple]:
    """Model name -> dimensions declared in ``inputs`` for ``filename``.

    A key's path is relative to the config's directory and may be a glob; a
    bare ``NAME`` applies to every file. The more precise key wins: an exact
    path over a glob over a bare name.
    """
    settings, filename = _order(settings, filename)
    if not settings.inputs:
        return {}
    ranked: list[tuple[int, str, tuple]] = []
    target = _relative_parts(filename, settings.root)
    for key, dims in settings.inputs.items():
        path, name = _split_input_key(key)
        if path is None:
            ranked.append((0, name, dims))
            continue
        norm = _normalize_pattern(path, settings.root)
        if target is not None and norm == "/".join(target):
            ranked.append((2, name, dims))
        elif glob_match(path, filename, settings.root):
            ranked.append((1, name, dims))
    return {name: dims for _rank, name, dims in sorted(ranked, key=lambda r: r[0])}


def input_key_scope(settings: Settings, path: str) -> str:
    """The directory (relative to the config's, POSIX, "" for itself) that holds every file an ``inputs``
    key's ``path`` part can name: its components before the first wildcard (a pattern without ``/``
    matches a name at any depth, so its scope is the whole project). A run that walked this directory
    saw every file the key could mean, so there a key matching none of them is a typo, not a file
    left out of a pre-commit run."""
    norm = _normalize_pattern(path, settings.root)
    if "/" not in norm:
        return ""
    literal = []
    for part in norm.split("/"):
        if any(c in part for c in "*?[\\"):
            break
        literal.append(part)
    return "/".join(literal)


def input_key_applies(settings: Settings, path: str, filename: os.PathLike | str) -> bool:
    """Whether an ``inputs`` key's ``path`` part names ``filename`` (exactly or as a glob), as ``inputs_for``."""
    target = _relative_parts(filename, settings.root)
    if target is not None and _normalize_pattern(path, settings.root) == "/".join(target):
        return True
    return glob_match(path, filename, settings.root)
