"""The parts of an imported file that a check read, each with its own hash, so a result cache is exact.

A checked file depends on an imported module through two kinds of code:

- its *top-level code* (``top``): the statements that run when the module is
  loaded (imports, definitions with their decorators, defaults and
  signatures, class bodies, module-level side effects such as a registry
  filled by a decorator), with every function body cut out;
- the *body* of each function or method of that module that the check
  interpreted (``f0``, ``f1``, ... in the order their ``def`` appears).

Nothing else in the file can change a result: spans and source lines in a
report are always the checked file's own (``Session.span_of``), the text of
imported code reaches a message only through the segment of a node (inside
one of the fragments), comments and blank lines between statements are never
read, and a body that never ran was never read. So a change to a function
body re-checks exactly the files that ran it; a change to top-level code,
every file that loaded the module; a comment between definitions, none.

A dependency travels in ``FileResult.dependencies`` as one string,
``PATH\\0FRAGMENT\\0FRAGMENT_HASH\\0FILE_HASH`` (a bare path is the whole file,
as before); the file hash is of the bytes the check read, so the cache
revalidates a fragment (parsing the file) only when the file changed.
"""

from __future__ import annotations

import ast
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

try:  # hashlib would load OpenSSL (~4 ms at start-up) for a hash that CPython builds in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

TOP = "top"
NAMES = "names"  # what a star import of the module binds, and whether it may be bound lazily (``stars.py``)
EXISTS = "exists"  # only that the file is there (a package's ``__init__.py`` found by the package walk)
SEP = "\0"
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


class Fragments:
    """One parsed file cut into its top-level code and its function bodies."""

    __slots__ = ("top", "bodies", "index", "file", "exports")

    def __init__(self, text: str, tree: ast.Module, file: str = "") -> None:
        self.file = file  # the hash of the file's bytes these fragments were cut from
        self.exports: Any = None  # ``stars.Exports``, worked out on the first star import of the module
        data = text.encode("utf-8", "surrogatepass")
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(data))

        def offset(row: int, column: int) -> int:
            return starts[row - 1] + column

        defs = owned_defs(tree)
        cuts = [(offset(d.body[0].lineno, d.body[0].col_offset), offset(d.end_lineno, d.end_col_offset)) for d in defs]  # type: ignore[arg-type]
        self.bodies = [digest(data[a:b]) for a, b in cuts]
        self.index = {id(d): i for i, d in enumerate(defs)}
        # Each top-level statement's own text (what lies between statements is comments and blank lines),
        # with the bodies cut out; a statement's extent starts at its first decorator.
        pieces: list[bytes] = []
        cut = 0
        for stmt in tree.body:
            first = min([stmt, *getattr(stmt, "decorator_list", ())], key=lambda n: (n.lineno, n.col_offset))
            a, b = offset(first.lineno, first.col_offset), offset(stmt.end_lineno, stmt.end_col_offset)  # type: ignore[arg-type]
            piece = bytearray()
            while cut < len(cuts) and cuts[cut][1] <= b:
                piece += data[a : cuts[cut][0]] + b"\0body\0"
                a = cuts[cut][1]
                cut += 1
            piece += data[a:b]
            pieces.append(bytes(piece))
        self.top = digest(b"\0\n".join(pieces))

    def hash_of(self, fragment: str) -> str | None:
        """The hash of ``top``, ``f<i>`` or ``exists``; None when the file has no such fragment."""
        if fragment == TOP:
            return self.top
        if fragment == EXISTS:
            return EXISTS
        if fragment == NAMES:
            return self.exports.hash if self.exports is not None else None
        if fragment.startswith("f") and fragment[1:].isdigit() and int(fragment[1:]) < len(self.bodies):
            return self.bodies[int(fragment[1:])]
        return None


def owned_defs(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions whose body is a fragment of its own: every ``def`` outside a function body, in source order.

    A ``def`` inside a function body is part of that body (the body ran to define it).
    """
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):  # statements in source order; a def is only ever a statement
            if isinstance(child, _DEFS):
                found.append(child)
            elif isinstance(child, (ast.stmt, ast.ExceptHandler, ast.match_case)):
                visit(child)

    visit(tree)
    return found


def key(path: str, fragment: str | None, fragment_hash: str, file_hash: str) -> str:
    return SEP.join((path, fragment, fragment_hash, file_hash)) if fragment else path


def split(dependency: str) -> tuple[str, str | None, str, str]:
    """(path, fragment, fragment hash, file hash); fragment None for a whole-file dependency."""
    if SEP not in dependency:
        return dependency, None, "", ""
    path, fragment, fragment_hash, file_hash = dependency.split(SEP)
    return path, fragment, fragment_hash, file_hash


def current_hash(path: str, fragment: str) -> str | None:
    """The hash ``fragment`` of ``path`` has now; None when the file cannot be read or parsed."""
    from cnnlint.interpret.imports import exported, parsed

    try:
        return exported(path)[0].hash if fragment == NAMES else parsed(path)[2].hash_of(fragment)
    except Exception:  # noqa: BLE001 - unreadable, unparsable, anything: not the same, so checked again
        return None
