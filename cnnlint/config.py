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

The work is split by job: ``settings`` (the resolved ``Settings``, defaults,
``ConfigError``), ``config_file`` (finding and reading the file),
``config_values`` (checking each key's value), ``selection`` (which codes are
on) and ``per_file`` (what the settings say about one path). This module puts
them together with the command line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cnnlint import rules
from cnnlint.config_file import _table, find_config
from cnnlint.config_values import _cache_dir, _inputs, _per_file_ignores, _string_list, _where
from cnnlint.noqa import ALL, is_suppressed, parse_noqa  # noqa: F401 - re-exported: tests import them from here
from cnnlint.pathmatch import check_glob, glob_match  # noqa: F401 - glob_match re-exported: tests import it from here
from cnnlint.per_file import enabled_codes, inputs_for, is_enabled, is_excluded  # noqa: F401 - re-exported: tests
from cnnlint.selection import _Layer, _resolve, _split_codes, expand_selector
from cnnlint.settings import DEFAULT_EXCLUDE, ConfigError, Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "extend-include", "inputs",
    "cache-dir",
)  # fmt: skip


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
        import difflib  # only for a message: not imported by every run

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


def discover_settings(path: os.PathLike | str, *, config_path: os.PathLike | str | None = None, **cli: Any) -> Settings:
    """``load_settings(config_path or find_config(path), **cli)``."""
    return load_settings(config_path if config_path is not None else find_config(path), **cli)
