"""What a run's configuration holds once resolved (``Settings``), its defaults, and ``ConfigError``.

A leaf module: reading, validating and querying the configuration all build on
these types, so they live apart from the code that does those jobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cnnlint import rules
from cnnlint.records import dataclass, field


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and key."""


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
