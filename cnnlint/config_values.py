"""Validating and normalising the values of ``[tool.cnnlint]``: each key's type checked, with a
``ConfigError`` that names the file and key, and turned into what ``Settings`` holds."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cnnlint.pathmatch import check_glob
from cnnlint.selection import expand_selector
from cnnlint.settings import ConfigError, PerFileIgnore

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Union


def _where(source: Path | None, key: str) -> str:
    if source is None:
        return key
    prefix = "tool.cnnlint." if source.name == "pyproject.toml" else ""
    return f"{source}: `{prefix}{key}`"


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, got {value!r}")
    return list(value)


_DIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _dims(value: Any, where: str) -> tuple:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} must be a non-empty list of sizes, e.g. [1, 3, 224, 224], got {value!r}")
    dims: list[Union[int, str]] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise ConfigError(f"{where}: a size must be a positive integer or a symbol name, got {item!r}")
        if isinstance(item, int) and item < 1:
            raise ConfigError(f"{where}: a size must be a positive integer, got {item}")
        if isinstance(item, str) and not _DIM_NAME.match(item):
            raise ConfigError(f'{where}: a symbolic size must be an identifier such as "B", got {item!r}')
        dims.append(item)
    return tuple(dims)


def _split_input_key(key: str) -> tuple[str | None, str]:
    path, sep, name = key.rpartition("::")
    return (path, name) if sep else (None, key)


def _inputs(value: Any, source: Path | None) -> dict[str, tuple]:
    where = _where(source, "inputs")
    if not isinstance(value, dict):
        raise ConfigError(f'{where} must be a table of "path/to/file.py::NAME" = [sizes]')
    out: dict[str, tuple] = {}
    for key, dims in value.items():
        path, name = _split_input_key(key)
        if not name or not all(part.isidentifier() for part in name.split(".")) or path == "":
            raise ConfigError(f'{where}: key {key!r} must be "path/to/file.py::NAME" (or a bare NAME)')
        if path is not None:
            check_glob(path, f"{where}: {key!r}")
        out[key] = _dims(dims, f"{where}.{key!r}" if source is None else f"{where}: {key!r}")
    return out


def _per_file_ignores(value: Any, source: Path | None) -> tuple[PerFileIgnore, ...]:
    where = _where(source, "per-file-ignores")
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of glob = [codes]")
    out = []
    for pattern, codes in value.items():
        item_where = f"{where}: {pattern!r}"
        expanded: set[str] = set()
        for selector in _string_list(codes, item_where):
            expanded |= expand_selector(selector, item_where)
        negated = pattern.startswith("!")
        check_glob(pattern[1:] if negated else pattern, item_where)
        out.append(PerFileIgnore(pattern[1:] if negated else pattern, frozenset(expanded), negated))
    return tuple(out)


def _cache_dir(value: Any, source: Path | None) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{_where(source, 'cache-dir')} must be a directory path (a string), got {value!r}")
    return Path(os.path.expanduser(value))
