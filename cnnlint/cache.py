"""The result cache: a file whose text, dependencies and settings are unchanged is not checked again.

Laid out like ruff's ``.ruff_cache``::

    .cnnlint_cache/            at the project root (or ``cache-dir``, ``CNNLINT_CACHE_DIR``)
        .gitignore             "*": git never sees the cache
        CACHEDIR.TAG           backup tools skip it
        0.1.0/                 one directory per cnnlint version
            <32 hex>.json      one entry per (file path, settings that affect it)
            empty.json         the entries whose result is empty, in one file (below)

An entry holds the blake2b hash of the file's bytes, the hash of every
project file the check read (``FileResult.dependencies``), or of the part of it
that it read (its top-level code, a function body: ``interpret/fragments.py``;
a changed file is parsed once per run to compare those), a fingerprint of
the cnnlint code that produced it, the diagnostics (with their fixes)
without the file name, which is the run's own spelling of the path, and the
models found (``FileResult.checked``: the closing count, unmatched ``--input``). It is a
hit only when every hash matches the current bytes, so a change in an
imported file invalidates its importers, and a dependency that did not
exist (recorded as absent) invalidates them when it appears.

Concurrent runs cannot corrupt it: an entry is written to a private
temporary file in the same directory and moved into place with
``os.replace`` (atomic), so a reader sees a whole old entry or a whole new
one. An entry that cannot be read or does not look like ours is a miss, and
is overwritten. When the directory cannot be written, the run goes on
uncached. Traces are never cached: runs that need them bypass the cache.

Most files of a tree hold no model and read no other file: their result is
empty. Their entries are one name -> hash map in ``empty.json``, read once
and written once per run (merged with what is on disk then), because
creating an entry file costs more than checking such a file: 5,000 tiny
modules took 3-4 s to cache one file each, most of it in ``open(O_CREAT)``.
Two runs that write it at once lose one run's additions, which are then
misses, never wrong hits.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

from cnnlint import __version__
from cnnlint.check import CheckOptions, FileResult
from cnnlint.checked import valid_record
from cnnlint.diagnostics import Diagnostic, Edit, Fix, Location
from cnnlint.interpret import fragments
from cnnlint.records import dataclass, field, fields

TYPE_CHECKING = False

try:  # hashlib would load OpenSSL (~4 ms at start-up) for a hash that CPython builds in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.settings import Settings

DIR_NAME = ".cnnlint_cache"
ENV_DIR = "CNNLINT_CACHE_DIR"
FORMAT = 3  # bump when the entry layout changes
ABSENT = "-"  # the hash of a dependency that does not exist
MISSING = object()
EMPTY_INDEX = "empty.json"
MAX_EMPTY_ENTRIES = 200_000  # beyond this the index starts again from this run's entries
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by cnnlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def cache_dir(settings: Settings, override: str | os.PathLike | None = None) -> Path:
    """Where the cache lives: ``--cache-dir`` / ``CNNLINT_CACHE_DIR`` (relative to the working
    directory), else ``cache-dir`` from the configuration, else ``.cnnlint_cache`` at the project root."""
    if override:
        return Path(os.path.abspath(os.fspath(override)))
    configured = getattr(settings, "cache_dir", None)
    if configured is not None:
        return configured if configured.is_absolute() else settings.root / configured
    return settings.root / DIR_NAME


def _code_fingerprint() -> str:
    """The cnnlint code in use: its version, the Python running it, and every package file's size and mtime.

    The version alone would let an edited or reinstalled checkout reuse results
    that older code produced; a stat of the package's modules (well under a
    millisecond) catches that too.
    """
    package = Path(__file__).resolve().parent
    stamp: list[str] = [__version__, sys.implementation.name, "{}.{}".format(*sys.version_info[:2]), str(FORMAT)]
    stack = [str(package)]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                stack.append(entry.path)
            elif entry.is_file() and not entry.name.endswith((".pyc", ".pyo")):  # modules and any data files
                st = entry.stat()
                stamp.append(f"{entry.path[len(str(package)) :]}:{st.st_size}:{st.st_mtime_ns}")
    return digest("\n".join(stamp).encode())


def options_fingerprint(options: CheckOptions) -> str:
    """Everything in ``options`` that can change a file's result, as one hash.

    The enabled codes (select, ignore, per-file-ignores and --show-info,
    resolved for this file) and every other field by value, so a field added
    to ``CheckOptions`` later takes part without an edit here (a field whose
    repr is not stable only costs misses, never a stale hit).
    """
    from cnnlint.rules import RULES

    parts = [",".join(code for code in RULES if options.is_enabled(code))]
    for f in fields(options):
        if f.name != "is_enabled":
            parts.append(f"{f.name}={getattr(options, f.name)!r}")
    return digest("\n".join(parts).encode())


@dataclass
class ResultCache:
    """One run's view of the cache; ``lookup`` before checking a file, ``store`` after."""

    root: Path
    writable: bool = True
    hits: int = 0
    misses: int = 0
    _dir: Path = field(init=False)
    _code: str = field(init=False)
    _ready: bool = False
    _hashes: dict[str, str] = field(default_factory=dict)
    _entries: dict[str, Path] = field(default_factory=dict)
    _fragments: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _serial: int = 0
    _empty: dict[str, str] | None = None  # entry name -> file hash, as read from ``empty.json``
    _empty_new: dict[str, str] = field(default_factory=dict)  # this run's additions

    def __post_init__(self) -> None:
        self._dir = self.root / __version__
        self._code = _code_fingerprint()

    # ---- hashes -----------------------------------------------------------

    def file_hash(self, path: str, data: bytes | None = None) -> str:
        """The hash of ``data``, or of ``path``'s bytes read once per run (a dependency's)."""
        if data is not None:
            known = self._hashes[path] = digest(data)
            return known
        known = self._hashes.get(path)
        if known is None:
            try:
                with open(path, "rb") as handle:
                    known = digest(handle.read())
            except (OSError, ValueError):
                known = ABSENT
            self._hashes[path] = known
        return known

    def _entry_path(self, path: str, options: CheckOptions) -> Path:
        """One entry per file and settings (a run's options for a file never change, so once per run)."""
        known = self._entries.get(path)
        if known is None:
            known = self._dir / (digest(f"{path}\0{options_fingerprint(options)}".encode()) + ".json")
            self._entries[path] = known
        return known

    # ---- reading ----------------------------------------------------------

    def lookup(self, path: Path, data: bytes, options: CheckOptions) -> FileResult | None:
        """The cached result for ``path`` with these bytes and options, or None (a miss)."""
        name = os.path.abspath(path)
        own = self.file_hash(name, data)
        entry_path = self._entry_path(name, options)
        if self._empty_index().get(entry_path.name) == own:
            self.hits += 1
            return FileResult(str(path))
        try:
            with open(entry_path, "rb") as handle:
                entry = json.loads(handle.read())
            result = self._decode(entry, str(path), own)
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            result = None  # missing, unreadable, corrupt or foreign: checked again and rewritten
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def _empty_index(self) -> dict[str, str]:
        if self._empty is None:
            self._empty = self._read_empty_index()
        return self._empty

    def _read_empty_index(self) -> dict[str, str]:
        """``empty.json``'s map; {} when it is missing, damaged, foreign or from other cnnlint code."""
        try:
            with open(self._dir / EMPTY_INDEX, "rb") as handle:
                index = json.loads(handle.read())
            if set(index) != {"format", "code", "empty"} or index["format"] != FORMAT or index["code"] != self._code:
                return {}
            empty = index["empty"]
            if not isinstance(empty, dict) or not all(isinstance(v, str) for v in empty.values()):
                return {}
            return empty
        except (OSError, ValueError, TypeError, AttributeError, RecursionError):
            return {}

    def _decode(self, entry: Any, filename: str, own: str) -> FileResult | None:
        if entry["format"] != FORMAT or entry["code"] != self._code or entry["hash"] != own:
            return None
        deps = [[str(part) for part in dep] for dep in entry["dependencies"]]
        if not all(self._unchanged(*dep) for dep in deps):
            return None
        diagnostics = [_decode_diagnostic(item, filename) for item in entry["diagnostics"]]
        models = [valid_record(item) for item in entry["models"]]
        return FileResult(filename, diagnostics, dependencies=[fragments.key(*dep) for dep in deps], checked=models)

    def _unchanged(self, path: str, fragment: str, fragment_hash: str, file_hash: str) -> bool:
        """Whether the part of ``path`` a check read is as it was: the same bytes, else the same fragment."""
        now = self.file_hash(path)
        if fragment == fragments.EXISTS:
            return now != ABSENT
        if not fragment or now in (file_hash, ABSENT):
            return now == file_hash
        known = self._fragments.get((path, fragment), MISSING)
        if known is MISSING:
            known = self._fragments[(path, fragment)] = fragments.current_hash(path, fragment)
        return known == fragment_hash

    # ---- writing ----------------------------------------------------------

    def store(self, path: Path, data: bytes, options: CheckOptions, result: FileResult) -> None:
        """Remember ``result``; an internal error (CNL998) is not remembered, nor is anything when unwritable."""
        if not self.writable or result.failed:
            return
        name = os.path.abspath(path)
        if not (result.diagnostics or result.dependencies or result.checked):
            self._empty_new[self._entry_path(name, options).name] = self.file_hash(name, data)
            return
        deps = [fragments.split(dep) for dep in result.dependencies]
        entry = {
            "format": FORMAT,
            "code": self._code,
            "hash": self.file_hash(name, data),
            "dependencies": [
                [os.path.abspath(path), fragment or "", fragment_hash, file_hash if fragment else self.file_hash(path)]
                for path, fragment, fragment_hash, file_hash in deps
            ],
            "diagnostics": [_encode_diagnostic(d, str(path)) for d in result.diagnostics],
            "models": result.checked,  # the closing line's counts and the --input checks need them
        }
        try:
            payload = json.dumps(entry, separators=(",", ":")).encode()
        except (TypeError, ValueError):
            return  # something in a diagnostic JSON cannot hold: left uncached
        self._write(self._entry_path(name, options), payload)

    def flush(self) -> None:
        """Write this run's empty results into ``empty.json``, merged with what other runs wrote since."""
        if not self._empty_new or not self.writable:
            return
        merged = self._read_empty_index()
        if len(merged) + len(self._empty_new) > MAX_EMPTY_ENTRIES:
            merged = {}
        merged.update(self._empty_new)
        self._empty_new = {}
        payload = json.dumps({"format": FORMAT, "code": self._code, "empty": merged}, separators=(",", ":"))
        self._write(self._dir / EMPTY_INDEX, payload.encode())

    def _write(self, target: Path, payload: bytes) -> None:
        try:
            if not self._ready:
                self._prepare()
            self._atomic_write(target, payload)
        except OSError:
            self.writable = False  # read-only, full, or not a directory: the run goes on uncached

    def _prepare(self) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# Automatically created by cnnlint.\n*\n"), ("CACHEDIR.TAG", TAG)):
            marker = self.root / name
            if not marker.exists():
                self._atomic_write(marker, text.encode())
        self._ready = True

    def _atomic_write(self, target: Path, payload: bytes) -> None:
        self._serial += 1
        tmp = target.parent / f".{target.name}.{os.getpid()}.{self._serial}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


# ---- diagnostics as JSON lists ------------------------------------------------


def _loc(location: Location) -> list[int]:
    return [location.row, location.column]


def _encode_diagnostic(d: Diagnostic, filename: str) -> list[Any]:
    fix = None
    if d.fix is not None:
        edits = [[e.content, *_loc(e.location), *_loc(e.end_location)] for e in d.fix.edits]
        fix = [d.fix.message, d.fix.applicability, edits]
    own_name = None if d.filename == filename else d.filename
    return [d.code, d.message, *_loc(d.location), *_loc(d.end_location), fix, d.extra, own_name]


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _location(row: Any, column: Any) -> Location:
    return Location(_typed(row, int), _typed(column, int))


def _decode_diagnostic(item: list[Any], filename: str) -> Diagnostic:
    """The inverse of ``_encode_diagnostic``; TypeError or ValueError for anything it did not write."""
    code, message, row, col, end_row, end_col, fix, extra, own_name = item
    decoded_fix = None
    if fix is not None:
        fix_message, applicability, edits = fix
        decoded_fix = Fix(
            _typed(fix_message, str),
            tuple(Edit(_typed(c, str), _location(r, k), _location(er, ek)) for c, r, k, er, ek in edits),
            _typed(applicability, str),
        )
    return Diagnostic(
        _typed(code, str),
        _typed(message, str),
        filename if own_name is None else _typed(own_name, str),
        _location(row, col),
        _location(end_row, end_col),
        decoded_fix,
        _typed(extra, dict),
    )


def open_cache(settings: Settings, override: str | os.PathLike | None = None) -> ResultCache:
    return ResultCache(cache_dir(settings, override))
