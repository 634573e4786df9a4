"""Bytes -> text -> syntax tree. Every failure becomes a ``SourceError`` (CNL999).

``decode``, ``check_syntax``, ``parse_ast`` and ``may_define_model`` never
import libcst: a run over files without a model never pays for it (and the
extractor itself works on the ``ast`` tree, see ``cnnlint/extract``). Only
``parse`` imports libcst, for callers that still want a libcst tree.

``check_syntax`` compiles with ``ast.PyCF_ONLY_AST`` and keeps the last tree
it built, so the extractor does not parse the same text twice.
"""

from __future__ import annotations

import ast
import codecs
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import libcst

__all__ = ["SourceError", "check_syntax", "decode", "may_define_model", "parse", "parse_ast"]

# PEP 263: the cookie is on line 1, or on line 2 when line 1 is blank or a comment.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_TOO_DEEP = "the file is nested too deeply to analyse"


class SourceError(Exception):
    """The file cannot be decoded or parsed. ``row`` and ``column`` are 1-based."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.row = max(1, int(row or 1))
        self.column = max(1, int(column or 1))

    def __repr__(self) -> str:
        return f"SourceError({self.message!r}, row={self.row}, column={self.column})"


# --------------------------------------------------------------------------- decoding


def _normal_encoding(name: str) -> str:
    """tokenize's normalisation: utf-8 and latin-1 spellings collapse to one name."""
    enc = name[:12].lower().replace("_", "-")
    if enc == "utf-8" or enc.startswith("utf-8-"):
        return "utf-8"
    if enc in ("latin-1", "iso-8859-1", "iso-latin-1") or enc.startswith(("latin-1-", "iso-8859-1-", "iso-latin-1-")):
        return "iso-8859-1"
    return name


def _cookie(data: bytes) -> tuple[str, int] | None:
    """The declared encoding and the row it is on, or None."""
    lines = _LINE.findall(data, 0, min(len(data), 4096))[:2]
    for row, line in enumerate(lines, 1):
        match = _COOKIE.match(line)
        if match:
            return match.group(1).decode("ascii"), row
        if not _BLANK_OR_COMMENT.match(line):
            return None
    return None


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
    bom = data.startswith(codecs.BOM_UTF8)
    cookie = _cookie(data[3:] if bom else data)
    declared = _normal_encoding(cookie[0]) if cookie else None
    if bom:
        if declared is not None and declared != "utf-8":
            raise SourceError(
                f"encoding problem: the file starts with a UTF-8 BOM but declares {cookie[0]}", cookie[1], 1
            )
        body, encoding = data[3:], "utf-8"
    else:
        body, encoding = data, declared or "utf-8"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise SourceError(
            f"unknown encoding: {cookie[0] if cookie else encoding}", cookie[1] if cookie else 1, 1
        ) from None
    if not getattr(codec, "_is_text_encoding", True):
        raise SourceError(f"{encoding} is not a text encoding", cookie[1] if cookie else 1, 1)
    try:
        return body.decode(codec.name)
    except UnicodeDecodeError as err:
        row, column = _position(body, err.start, codec.name)
        byte = body[err.start : err.start + 1].hex()
        if cookie is None and not bom:
            message = (
                f"the file is not valid UTF-8 (byte 0x{byte} on line {row}) and has no coding declaration; see PEP 263"
            )
        else:
            message = f"the file cannot be decoded as {encoding}: byte 0x{byte} on line {row} ({err.reason})"
        raise SourceError(message, row, column) from None
    except Exception as err:  # a codec that fails in its own way
        raise SourceError(f"the file cannot be decoded as {encoding}: {err}", 1, 1) from None


# --------------------------------------------------------------------------- syntax

_last_tree: tuple[str, str, ast.Module] | None = None  # (text, filename, tree) of the last check


def check_syntax(text: str, filename: str = "<unknown>") -> ast.Module:
    """Compile to an ``ast`` tree (cheap: ~10x faster than libcst); raise ``SourceError`` on failure.

    Returns the tree (callers may ignore it); the last tree is also kept for
    ``parse_ast`` so extraction does not parse the text again.
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
        raise SourceError(_TOO_DEEP, 1, 1) from None
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


# --------------------------------------------------------------------------- pre-filter


def may_define_model(data: Any) -> bool:
    """The cheap text pre-filter: can this file hold an nn.Sequential or an nn.Module subclass?

    Every spelling cnnlint understands contains ``Sequential`` or ``Module``
    (``nn.Sequential``, ``from torch.nn import Sequential as S``, ``nn.Module``,
    ``from torch.nn import Module``), whatever the file's encoding.
    """
    if isinstance(data, str):
        return "Sequential" in data or "Module" in data
    return b"Sequential" in data or b"Module" in data
