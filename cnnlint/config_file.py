"""Finding and reading the configuration file: the nearest ``pyproject.toml`` with a ``[tool.cnnlint]``
table, read bounded and parsed as TOML; a standalone ``--config`` file holds the keys at top level."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from cnnlint.settings import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError("reading pyproject.toml on Python < 3.11 needs `tomli` (pip install tomli)") from None
    return tomllib


#: Bytes of a configuration file worth reading; anything larger (or not a regular file) is refused.
CONFIG_LIMIT = 16 * 1024 * 1024


def _read_config_bytes(path: Path | str) -> bytes:
    """A regular file's bytes, bounded: a FIFO or a link to ``/dev/zero`` is never read."""
    from cnnlint.source import read_source

    return read_source(path, CONFIG_LIMIT)


_last_parsed: tuple[bytes, dict] | None = None  # finding the file and reading its table parse the same bytes


def _read_toml(path: Path) -> dict:
    """The file's TOML (not to be changed by the caller: the same bytes read again give the same dict)."""
    global _last_parsed
    try:
        raw = _read_config_bytes(path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    if _last_parsed is not None and _last_parsed[0] == raw:
        return _last_parsed[1]
    tomllib = _toml()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({err.reason})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    _last_parsed = (raw, data)
    return data


@lru_cache(maxsize=256)
def _has_section_cached(path: str, mtime_ns: int, size: int) -> bool:
    raw = _read_config_bytes(path)
    if b"cnnlint" not in raw:  # cheap: most pyproject.toml files never mention us
        return False
    data = _read_toml(Path(path))
    tool = data.get("tool")
    return isinstance(tool, dict) and "cnnlint" in tool


def _has_section(path: Path) -> bool:
    try:
        st = path.stat()
        return _has_section_cached(str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        return False


def find_config(path: os.PathLike | str) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.cnnlint]`` table, from ``path`` upwards.

    ``path`` may be a file (its directory is the start), a directory, or a
    name that does not exist (``--stdin-filename``). ``ConfigError`` if a
    candidate mentioning cnnlint is not valid TOML.
    """
    start = Path(os.path.abspath(os.fspath(path)))
    directory = start if start.is_dir() else start.parent
    while True:
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_section(candidate):
            return candidate
        if directory.parent == directory:
            return None
        directory = directory.parent


def _table(config_path: Path) -> dict:
    data = _read_toml(config_path)
    tool = data.get("tool")
    section = tool.get("cnnlint") if isinstance(tool, dict) else None
    if config_path.name == "pyproject.toml":
        if section is None:
            return {}
    elif section is None:
        return data  # a standalone file: the keys at top level
    if not isinstance(section, dict):
        raise ConfigError(f"{config_path}: `tool.cnnlint` must be a table")
    return section
