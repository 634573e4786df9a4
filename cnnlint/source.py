"""Bytes -> text -> syntax tree. Every failure becomes a ``SourceError`` (CNL999).

``decode``, ``check_syntax``, ``parse_ast`` and ``may_define_model`` never
import libcst: a run over files without a model never pays for it (and the
interpreter itself works on the ``ast`` tree, see ``cnnlint/interpret``). Only
``parse`` imports libcst, for callers that still want a libcst tree.

``check_syntax`` compiles with ``ast.PyCF_ONLY_AST`` and keeps the last tree
it built, so the same text is not parsed twice.
"""

from __future__ import annotations

import ast
import atexit
import codecs
import errno
import os
import re
import stat

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    import libcst

__all__ = [
    "SourceError",
    "check_syntax",
    "decode",
    "detect_encoding",
    "line_starts",
    "may_define_model",
    "newer_syntax",
    "parse",
    "parse_ast",
    "read_regular_file",
    "read_source",
    "split_lines",
]

# PEP 263, exactly as ``tokenize.detect_encoding``: the cookie is on line 1, or on line 2
# when line 1 is blank or a comment; lines end at b"\n" (readline's rule); no byte cut-off.
_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_TOO_DEEP = "too deeply nested: the file is nested too deeply to parse"

#: Never read more than this from one file: a device or a runaway file is refused, not read.
MAX_FILE_BYTES = 64 * 1024 * 1024


class SourceError(Exception):
    """The file cannot be decoded or parsed. ``row`` and ``column`` are 1-based."""

    def __init__(self, message: str, row: int = 1, column: int = 1, *, too_deep: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_deep = too_deep  # CPython gave up (RecursionError/MemoryError): never hand it to libcst
        self.row = max(1, int(row or 1))
        self.column = max(1, int(column or 1))

    def __repr__(self) -> str:
        return f"SourceError({self.message!r}, row={self.row}, column={self.column})"


# --------------------------------------------------------------------------- lines


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer sees them: split on \\r\\n, \\r and \\n only, ends dropped.

    ``str.splitlines`` also splits on U+2028, VT, FF, FS, NEL...: a ``# noqa``
    after such a character would then be read as a comment on another row.
    """
    lines = _NEWLINE.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def line_starts(text: str) -> list[int]:
    """The offset where each row starts (the same rows as ``split_lines``)."""
    starts = [0]
    starts.extend(m.end() for m in _NEWLINE.finditer(text))
    return starts


# --------------------------------------------------------------------------- decoding


def _normal_encoding(name: str) -> str:
    """tokenize's normalisation: utf-8 and latin-1 spellings collapse to one name."""
    enc = name[:12].lower().replace("_", "-")
    if enc == "utf-8" or enc.startswith("utf-8-"):
        return "utf-8"
    if enc in ("latin-1", "iso-8859-1", "iso-latin-1") or enc.startswith(("latin-1-", "iso-8859-1-", "iso-latin-1-")):
        return "iso-8859-1"
    return name


def _first_lines(data: bytes) -> list[bytes]:
    """The first two lines as ``readline`` returns them (ending at b"\\n")."""
    lines = []
    start = 0
    for _ in range(2):
        if start >= len(data):
            break
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end + 1
        lines.append(data[start:end])
        start = end
    return lines


def detect_encoding(data: bytes) -> str:
    """The codec name Python uses to read ``data``: ``utf-8-sig`` (BOM), the PEP 263 cookie, or ``utf-8``.

    The one place that decides a file's encoding (check, ``--fix`` and the
    language server all call it), with ``tokenize.detect_encoding``'s rule:
    line 2 counts only when line 1 is blank or a comment, a line holding a
    cookie must itself be UTF-8, and there is no byte limit. Raises
    ``SourceError`` for an unknown, non-text or conflicting declaration.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    default = "utf-8-sig" if bom else "utf-8"
    for row, line in enumerate(_first_lines(body), 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as err:
            column = len(line[: err.start].decode("utf-8", "replace")) + 1
            raise SourceError(
                f"the file is not valid UTF-8 (byte 0x{line[err.start : err.start + 1].hex()} on line {row}) "
                "before its coding declaration; see PEP 263",
                row,
                column,
            ) from None
        match = _COOKIE.match(text)
        if match:
            name = match.group(1)
            encoding = _normal_encoding(name)
            try:
                codec = codecs.lookup(encoding)
            except LookupError:
                raise SourceError(f"unknown encoding: {name}", row, 1) from None
            if not getattr(codec, "_is_text_encoding", True):
                raise SourceError(f"{name} is not a text encoding", row, 1)
            if bom:
                if encoding != "utf-8":
                    raise SourceError(f"encoding problem: the file starts with a UTF-8 BOM but declares {name}", row, 1)
                return "utf-8-sig"
            return encoding
        if not _BLANK_OR_COMMENT.match(line):
            break
    return default


def _position(data: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """Row and character column (1-based) of a byte offset."""
    before = data[:offset]
    row = 1 + before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    column = len(data[start:offset].decode(encoding, "replace")) + 1
    return row, column


def decode(data: bytes) -> str:
    """Source bytes -> text, as Python reads a file: BOM, PEP 263 cookie, else UTF-8.

    The BOM is dropped (rows and columns count from the first real character).
    Raises ``SourceError`` for an unknown or conflicting encoding and for bytes
    the encoding cannot decode (a non-UTF-8 file without a coding declaration).
    """
    if isinstance(data, str):
        return data
    data = bytes(data)
    encoding = detect_encoding(data)
    bom = encoding == "utf-8-sig"
    body = data[3:] if bom else data
    codec_name = "utf-8" if bom else codecs.lookup(encoding).name
    try:
        return body.decode(codec_name)
    except UnicodeDecodeError as err:
        row, column = _position(body, err.start, codec_name)
        byte = body[err.start : err.start + 1].hex()
        if encoding == "utf-8":
            message = (
                f"the file is not valid UTF-8 (byte 0x{byte} on line {row}) and has no coding declaration; see PEP 263"
            )
        else:
            message = f"the file cannot be decoded as {encoding}: byte 0x{byte} on line {row} ({err.reason})"
        raise SourceError(message, row, column) from None
    except Exception as err:  # a codec that fails in its own way
        raise SourceError(f"the file cannot be decoded as {encoding}: {err}", 1, 1) from None


def read_source(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; ``OSError`` otherwise."""
    return read_regular_file(path, limit)[0]


def read_regular_file(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its ``stat`` as read; ``OSError`` for anything else.

    Opened without blocking (a FIFO would wait for a writer forever) and
    checked with ``fstat`` on the open descriptor, so a FIFO, a device or a
    directory is refused whatever the name says, ``/dev/zero`` is never
    read, and no more than ``limit`` bytes are ever read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if st.st_size > limit:
            raise OSError(errno.EFBIG, f"file too large ({st.st_size} bytes; the limit is {limit})")
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(errno.EFBIG, f"file too large (over {limit} bytes)")
        return b"".join(chunks), st
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- syntax

_last_tree: tuple[str, str, ast.Module] | None = None  # (text, filename, tree) of the last check


@atexit.register
def _forget_last_tree() -> None:
    """Free the last tree before the interpreter shuts down: left to the shutdown, a 100k-layer
    file's tree (a million nodes) took 1.5 s to go, against 0.2 s freed here."""
    global _last_tree
    _last_tree = None


def check_syntax(text: str, filename: str = "<unknown>") -> ast.Module:
    """Compile to an ``ast`` tree (cheap: ~10x faster than libcst); raise ``SourceError`` on failure.

    Returns the tree (callers may ignore it); the last tree is also kept for
    ``parse_ast`` so the text is not parsed again.
    """
    global _last_tree
    if "\0" in text:  # Python's own position for this differs between versions
        raise _null_byte(text)
    try:
        tree = compile(text, filename, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:  # includes IndentationError and TabError
        message = (err.msg or "invalid syntax").strip().splitlines()[0] if err.msg else "invalid syntax"
        if err.lineno is None and "\0" in text:
            raise _null_byte(text) from None
        raise SourceError(message, err.lineno or 1, err.offset or 1) from None
    except ValueError as err:  # null bytes before Python 3.12
        if "\0" in text:
            raise _null_byte(text) from None
        raise SourceError(str(err).splitlines()[0] if str(err) else "invalid source", 1, 1) from None
    except (RecursionError, MemoryError):
        raise SourceError(_TOO_DEEP, 1, 1, too_deep=True) from None
    except Exception as err:  # anything else the compiler throws is still "cannot be parsed"
        raise SourceError(f"cannot be parsed ({type(err).__name__}: {err})".splitlines()[0], 1, 1) from None
    _last_tree = (text, filename, tree)
    return tree


def _null_byte(text: str) -> SourceError:
    index = text.index("\0")
    row = 1 + len(re.findall(r"\r\n|\r|\n", text[:index]))
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return SourceError("source code cannot contain null bytes", row, index - start + 1)


def parse_ast(text: str, filename: str = "<unknown>") -> ast.Module:
    """The ``ast`` tree of ``text``: the one ``check_syntax`` just built, or a fresh one."""
    cached = _last_tree
    if cached is not None and (cached[0] is text or cached[0] == text):
        return cached[2]
    return check_syntax(text, filename)


def parse(text: str) -> libcst.Module:
    """A libcst tree (imports libcst, ~300 ms the first time). Failures become ``SourceError``."""
    import libcst

    try:
        return libcst.parse_module(text)
    except libcst.ParserSyntaxError as err:
        message = (str(err.message).strip().splitlines() or ["invalid syntax"])[0]
        raise SourceError(message, err.raw_line, err.raw_column + 1) from None
    except (RecursionError, MemoryError):
        raise SourceError(_TOO_DEEP, 1, 1) from None
    except BaseException as err:  # the native parser can panic (a BaseException)
        if isinstance(err, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise SourceError(f"cannot be parsed ({type(err).__name__}: {err})".splitlines()[0], 1, 1) from None


# --------------------------------------------------------------------------- newer syntax


def newer_syntax(text: str, error: SourceError) -> bool:
    """Is ``text``, which this Python rejected with ``error``, valid code for a newer Python?

    Decided by libcst, bounded by size, depth and chain length, and in its own
    process for larger files (see ``cnnlint.newer``). Any failure to decide is "no".
    """
    from cnnlint.newer import newer_syntax as decide

    return decide(text, error.row, error.too_deep)


# --------------------------------------------------------------------------- pre-filter


def may_define_model(data: Any) -> bool:
    """The cheap text pre-filter: can this file hold an nn.Sequential or an nn.Module subclass?

    Every spelling cnnlint understands contains ``Sequential`` or ``Module``
    (``nn.Sequential``, ``from torch.nn import Sequential as S``, ``nn.Module``,
    ``from torch.nn import Module``), whatever the file's encoding; so does a
    file of registered factories that build a class defined elsewhere
    (timm's ``byoanet.py``: ``@register_model def botnet26t_256(...)``); and so does a script that
    builds a model imported from elsewhere and feeds it (``model = EfficientNet.from_name("b0")``,
    ``net = ResNet18(); net(torch.randn(1, 3, 32, 32))``), which names torch.
    """
    if isinstance(data, str):
        return "Sequential" in data or "Module" in data or "@register_model" in data or "torch" in data
    return b"Sequential" in data or b"Module" in data or b"@register_model" in data or b"torch" in data
