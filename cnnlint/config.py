"""Configuration: ``[tool.cnnlint]`` in pyproject.toml, CLI overrides, ``# noqa``.

::

    [tool.cnnlint]
    select = ["CNL0"]                 # codes or prefixes; "ALL" for every rule (the default)
    extend-select = ["CNL100"]
    ignore = ["CNL003"]
    per-file-ignores = { "tests/**" = ["CNL005"], "__init__.py" = ["ALL"] }
    exclude = ["build", "third_party/**"]   # replaces the defaults (.git, .venv, build, ...)
    extend-exclude = ["legacy"]             # adds to them
    extend-include = ["*.pyw"]              # more files to walk, besides *.py, *.pyi, *.ipynb
    cache-dir = ".cache/cnnlint"            # default: .cnnlint_cache next to this file
    [tool.cnnlint.inputs]
    "models/alexnet.py::net" = [1, 3, 224, 224]
    "models/resnet.py::ResNet" = ["B", 3, 224, 224]

Semantics follow ruff:

- The settings come from ``--config PATH``, else from the nearest
  ``pyproject.toml`` with a ``[tool.cnnlint]`` table found from the checked
  path upwards (a pyproject without the table is passed over). Without one,
  the defaults apply and paths are relative to the current directory.
- Selection is resolved per layer (the file, then the command line): within
  a layer the more specific selector wins (``select = ["CNL0"]`` with
  ``ignore = ["CNL003"]`` drops CNL003; ``ignore = ["CNL0"]`` with
  ``extend-select = ["CNL003"]`` keeps it); at equal specificity ``ignore``
  wins. A layer with ``select`` replaces what came before; one with only
  ``extend-select`` / ``ignore`` adjusts it. ``--select`` thus overrides
  the file's ``select``. ``CNL998`` and ``CNL999`` (internal and syntax
  errors) cannot be turned off.
- Globs are relative to the config's directory, gitignore-style: a pattern
  without ``/`` matches a file or directory name at any depth (``build``,
  ``*_pb2.py``), one with ``/`` is anchored (``tests/data/**``,
  ``src/legacy``); ``*`` and ``?`` stay within one path component, ``**``
  spans any number; a match on a directory covers everything under it.
  ``per-file-ignores`` patterns starting with ``!`` apply to the files that
  do not match.

Unknown keys, values of the wrong type and unknown codes raise
``ConfigError`` naming the key (the CLI exits 2). Nothing here imports
libcst or torch.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Union

from cnnlint import rules
from cnnlint.noqa import ALL, _All, is_suppressed, parse_noqa  # noqa: F401 - re-exported
from cnnlint.pathmatch import (  # noqa: F401 - re-exported: the rest of the package imports them from here
    _glob,
    _match_parts,
    _normalize_pattern,
    _real,
    _realpath,
    _relative_parts,
    check_glob,
    glob_match,
    pattern_set,
)


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and key."""


# --------------------------------------------------------------------------------------------
# Defaults

#: Directories and files never walked unless ``exclude`` replaces this list (ruff's defaults).
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

#: Codes that no selection can turn off: a file that cannot be checked must say so.
UNSUPPRESSIBLE: frozenset[str] = frozenset({"CNL998", "CNL999"})

_KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "extend-include", "inputs",
    "cache-dir",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class PerFileIgnore:
    pattern: str  # as written, without a leading "!"
    codes: frozenset[str]
    negated: bool = False


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run.

    ``select`` is the set of enabled codes before per-file ignores (CLI
    overrides applied); ``ignore`` the known codes that are off. ``exclude``
    is the effective pattern list (defaults or ``exclude``, plus
    ``extend-exclude``). ``inputs`` maps ``"path::NAME"`` (or a bare
    ``NAME``) to its dimensions. ``root`` is the config's directory (the
    current directory without a config); ``source`` the file read, or None.
    """

    select: frozenset[str] = field(default_factory=lambda: frozenset(rules.RULES))
    ignore: frozenset[str] = frozenset()
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    inputs: Mapping[str, tuple] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    #: Codes a ``select`` / ``extend-select`` selector names (a code, a prefix, ``ALL``), in the
    #: file or on the command line: an info rule such as CNL100 is shown only when named.
    named: frozenset[str] = frozenset()
    #: Globs of more files a directory walk takes, besides *.py, *.pyi and *.ipynb (ruff's ``extend-include``).
    extend_include: tuple[str, ...] = ()
    cache_dir: Path | None = None  # `cache-dir`, relative to root (None: .cnnlint_cache there)


# --------------------------------------------------------------------------------------------
# Finding and reading the file


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


def _read_toml(path: Path) -> dict:
    tomllib = _toml()
    try:
        raw = _read_config_bytes(path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({err.reason})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None


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


# --------------------------------------------------------------------------------------------
# Values


def _where(source: Path | None, key: str) -> str:
    if source is None:
        return key
    prefix = "tool.cnnlint." if source.name == "pyproject.toml" else ""
    return f"{source}: `{prefix}{key}`"


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, got {value!r}")
    return list(value)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def expand_selector(selector: str, where: str = "selector") -> frozenset[str]:
    """The codes a selector names: ``ALL``, a full code, or a prefix (``CNL0``). ``ConfigError`` if none."""
    text = selector.strip().upper()
    if text == "ALL":
        return frozenset(rules.RULES)
    codes = frozenset(code for code in rules.RULES if text and code.startswith(text))
    if not codes:
        hint = difflib.get_close_matches(text, list(rules.RULES), n=1)
        suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
        raise ConfigError(f"{where}: unknown rule code or prefix `{selector}`{suggestion}")
    return codes


@dataclass
class _Layer:
    select: list[str] | None
    extend_select: list[str]
    ignore: list[str]
    where: Callable[[str], str]


def _resolve(layers: Iterable[_Layer]) -> frozenset[str]:
    enabled = set(rules.RULES)
    for layer in layers:
        entries: list[tuple[int, int, str, bool, str]] = []
        for key, selectors, flag in (
            ("select", layer.select or [], True),
            ("extend-select", layer.extend_select, True),
            ("ignore", layer.ignore, False),
        ):
            for selector in selectors:
                norm = selector.strip().upper()
                entries.append((_specificity(norm), 0 if flag else 1, selector, flag, key))
        updates: dict[str, bool] = {}
        for _spec, _order, selector, flag, key in sorted(entries, key=lambda e: (e[0], e[1])):
            for code in expand_selector(selector, layer.where(key)):
                updates[code] = flag
        if layer.select is not None:
            enabled = {code for code, on in updates.items() if on}
        else:
            for code, on in updates.items():
                (enabled.add if on else enabled.discard)(code)
    return frozenset(enabled)


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


def _split_codes(values: Iterable[str]) -> list[str]:
    """Command-line code lists: ``--select CNL001,CNL002 --select CNL005``."""
    if isinstance(values, str):
        values = [values]
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def load_settings(
    config_path: os.PathLike | str | None,
    *,
    cli_select: Sequence[str] | None = None,
    cli_ignore: Sequence[str] | None = None,
    cli_extend_select: Sequence[str] | None = None,
    cli_exclude: Sequence[str] | None = None,
    cli_extend_exclude: Sequence[str] | None = None,
    cwd: os.PathLike | str | None = None,
) -> Settings:
    """Read ``config_path`` (None: defaults, root = ``cwd``) and apply the command line over it.

    ``cli_select`` replaces the file's selection, ``cli_extend_select`` and
    ``cli_ignore`` adjust it, ``cli_exclude`` replaces the exclude list and
    ``cli_extend_exclude`` adds to it. Codes split on commas already. Raises
    ``ConfigError``.
    """
    source = Path(os.path.abspath(os.fspath(config_path))) if config_path is not None else None
    if source is not None and not source.is_file():
        raise ConfigError(f"{source}: config file not found")
    table = _table(source) if source is not None else {}
    root = source.parent if source is not None else Path(os.path.abspath(os.fspath(cwd) if cwd else os.getcwd()))

    unknown = [key for key in table if key not in _KEYS]
    if unknown:
        key = unknown[0]
        hint = difflib.get_close_matches(key.replace("_", "-"), _KEYS, n=1)
        suggestion = f" (did you mean `{hint[0]}`?)" if hint else f" (known keys: {', '.join(_KEYS)})"
        raise ConfigError(f"{_where(source, key)}: unknown key{suggestion}")

    def strings(key: str) -> list[str] | None:
        return _string_list(table[key], _where(source, key)) if key in table else None

    file_layer = _Layer(
        select=strings("select"),
        extend_select=strings("extend-select") or [],
        ignore=strings("ignore") or [],
        where=lambda key: _where(source, key),
    )
    cli_layer = _Layer(
        select=_split_codes(cli_select) if cli_select is not None else None,
        extend_select=_split_codes(cli_extend_select or []),
        ignore=_split_codes(cli_ignore or []),
        where=lambda key: f"--{key}",
    )
    select = _resolve([file_layer, cli_layer])
    named = frozenset(
        code
        for layer in (file_layer, cli_layer)
        for selector in (layer.select or []) + layer.extend_select
        for code in expand_selector(selector, layer.where("select"))
    )

    exclude = list(DEFAULT_EXCLUDE)
    if cli_exclude is not None:
        exclude = list(cli_exclude)
    elif "exclude" in table:
        exclude = strings("exclude") or []
    exclude += strings("extend-exclude") or []
    exclude += list(cli_extend_exclude or [])
    for pattern in exclude:
        check_glob(pattern, _where(source, "exclude / extend-exclude"))

    return Settings(
        select=select,
        ignore=frozenset(rules.RULES) - select,
        per_file_ignores=_per_file_ignores(table["per-file-ignores"], source) if "per-file-ignores" in table else (),
        exclude=tuple(exclude),
        inputs=_inputs(table["inputs"], source) if "inputs" in table else {},
        root=root,
        source=source,
        named=named,
        extend_include=tuple(strings("extend-include") or []),
        cache_dir=_cache_dir(table["cache-dir"], source) if "cache-dir" in table else None,
    )


def _cache_dir(value: Any, source: Path | None) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{_where(source, 'cache-dir')} must be a directory path (a string), got {value!r}")
    return Path(os.path.expanduser(value))


def discover_settings(path: os.PathLike | str, *, config_path: os.PathLike | str | None = None, **cli: Any) -> Settings:
    """``load_settings(config_path or find_config(path), **cli)``."""
    return load_settings(config_path if config_path is not None else find_config(path), **cli)


# --------------------------------------------------------------------------------------------
# Questions the pipeline asks


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


def input_key_applies(settings: Settings, path: str, filename: os.PathLike | str) -> bool:
    """Whether an ``inputs`` key's ``path`` part names ``filename`` (exactly or as a glob), as ``inputs_for``."""
    target = _relative_parts(filename, settings.root)
    if target is not None and _normalize_pattern(path, settings.root) == "/".join(target):
        return True
    return glob_match(path, filename, settings.root)
