"""Hostile variations of fuzzgen's programs, the input shapes of issue 10.

``hostile(ch, text)`` returns the file's *bytes* with one or more of:

- deep nesting: a long chain (``not``, ``lambda:``, ``+``, ``.b``, ``()``,
  ``[0]``, parentheses), sometimes with a syntax error after it or a
  newer-syntax statement (``type T = int``) next to it;
- huge folded constants: ``round(1, -10**9)``, ``(A,)*10000`` nested,
  ``2**4000``, ``'a'*9999`` used as layer arguments;
- odd line separators (FF, VT, FS, NEL, U+2028) before a ``# noqa``, and the
  file's newlines turned into ``\\r`` or ``\\r\\n``;
- encodings: a PEP 263 cookie on line 2 after code or after a long comment,
  a BOM, a latin-1 body.

The result need not compile: the pipeline must still neither crash nor hang.
Nothing here imports cnnlint.
"""

from __future__ import annotations

from fuzzgen import Chooser

CHAINS = (
    ("not ", "x = {}1"),
    ("lambda: ", "x = {}1"),
    ("1 + ", "x = {}1"),
    (".b", "x = a{}"),
    ("()", "x = f{}"),
    ("[0]", "x = a{}"),
    ("(", ""),
)
DEPTHS = (10, 90, 300, 1_000, 5_000, 20_000)
SEPARATORS = ("\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
CONSTANTS = (
    "round(1, -10**9)",
    "round(2.5, 10**6)",
    "2**4000",
    "2**4000 * 2**4000",
    "1 << 5000",
    "'a' * 9999",
    "(0,) * 10000",
    "((0,) * 10000,) * 10000",
    "(((0,) * 100,) * 100,) * 100",
    "len('a' * 9999) * 10**300",
    "int('9' * 4000)",
    "sum((2**4000,) * 9999)",
    "10**-10000",
)


def _chain(ch: Chooser) -> str:
    piece, template = ch.choice(CHAINS)
    depth = ch.choice(DEPTHS)
    if piece == "(":
        return "x = " + "(" * depth + "1" + ")" * depth
    line = template.format(piece * depth)
    if ch.chance(15):  # over several lines, inside brackets
        line = "x = (" + line[4:].replace(piece, piece + "\n", depth // 2) + ")"
    return line


def _deep(ch: Chooser, lines: list[str]) -> None:
    at = ch.int(0, len(lines))
    extra = [_chain(ch)]
    if ch.chance(40):
        extra.append("x = = 1")  # CPython rejects the file: is it newer syntax? (never ask libcst blindly)
    if ch.chance(30):
        extra.insert(0, "type T = int")
    lines[at:at] = extra


def _constants(ch: Chooser, lines: list[str]) -> None:
    value = ch.choice(CONSTANTS)
    layer = ch.choice(("Linear({}, 3)", "Conv2d(3, 8, {})", "LayerNorm({})", "MaxPool2d({})", "Unflatten(1, {})"))
    name = f"H{ch.int(0, 999)}"
    lines.append(f"{name} = {value}")
    lines.append(f"hostile_{name} = nn.Sequential(nn.Flatten(), nn.{layer.format(name)}, nn.Linear(4, 2))")


def _separators(ch: Chooser, lines: list[str]) -> None:
    sep = ch.choice(SEPARATORS)
    at = ch.int(0, len(lines))
    where = ch.int(0, 2)
    if where == 0:
        lines.insert(at, f"x = 1  # a{sep}# noqa")
    elif where == 1:
        lines.insert(at, f"s = 'a{sep}b'  # noqa: CNL001")
    else:
        lines.insert(at, f"# {sep} cnnlint: input=(1, 3, 8, 8){sep}")


def _encode(ch: Chooser, text: str) -> bytes:
    roll = ch.int(0, 5)
    if roll == 0:  # a cookie on line 2 after code: CPython ignores it (UTF-8)
        return ("s = 'é'; t = 1\n# -*- coding: latin-1 -*-\n" + text).encode("utf-8")
    if roll == 1:  # a cookie on line 2 after a long comment: honoured
        return b"# " + b"x" * ch.choice((10, 4090, 5000)) + b"\n# -*- coding: latin-1 -*-\n# \xe9\n" + text.encode()
    if roll == 2:
        return b"\xef\xbb\xbf" + text.encode()
    if roll == 3:  # a BOM and a conflicting cookie: a CNL999
        return b"\xef\xbb\xbf# coding: latin-1\n" + text.encode()
    if roll == 4:
        return text.replace("\n", ch.choice(("\r", "\r\n"))).encode()
    return text.encode()


def hostile(ch: Chooser, text: str) -> bytes:
    """``text`` with hostile shapes mixed in, as bytes (see the module docstring)."""
    lines = text.split("\n")
    for _ in range(ch.int(1, 3)):
        kind = ch.int(0, 2)
        if kind == 0:
            _deep(ch, lines)
        elif kind == 1:
            _constants(ch, lines)
        else:
            _separators(ch, lines)
    return _encode(ch, "\n".join(lines))
