"""Is a file CPython rejects valid code for a newer Python? (libcst knows newer grammars.)

libcst's native parser is not safe on hostile input: it overflows its stack
(the whole process dies with SIGSEGV) on deep nesting, and it is super-linear
on long chains (``a[0][0]...``, ``1 + 1 + ...``: 2,000 links take seconds,
10,000 a minute), especially when the file has an error. So it is asked only

- when the running Python is older than 3.13 and rejected the file with a
  SyntaxError, not a RecursionError/MemoryError ("too deeply nested");
- when the rejected statement shows a newer construct (PEP 695 ``type X =``,
  ``def f[T]``, ``class C[T]``; PEP 701/750 f- and t-strings);
- when no comma-free chain is longer than ``MAX_CHAIN`` tokens and brackets
  nest at most ``MAX_DEPTH`` deep;

in this process for a file up to ``IN_PROCESS_BYTES``, else in a child process
with a time (``BUDGET``) and memory (``MEMORY``) limit, where neither a crash nor
a stall can take the run or the language server down.
"""

from __future__ import annotations

import re
import sys

MAX_CHAIN = 300  # tokens between two commas, semicolons or statements
MAX_DEPTH = 50  # bracket nesting
IN_PROCESS_BYTES = 50_000
MAX_BYTES = 2_000_000
BUDGET = 5.0  # seconds for the child process
MEMORY = 1 << 30  # its address space

_NEWER_MARKER = re.compile(
    r"\btype\s+[A-Za-z_]\w*\s*[\[=]|\b(?:def|class)\s+[A-Za-z_]\w*\s*\[|(?<!\w)(?:[fFtT][rR]?|[rR][fFtT])['\"]"
)
_PROBE = """
import sys
sys.path[:] = [p for p in sys.path if p not in ("", ".")]  # never the checked project's own modules
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
except Exception:
    pass
import libcst
try:
    libcst.parse_module(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
except Exception:
    sys.exit(1)
"""


def newer_syntax(text: str, row: int, too_deep: bool) -> bool:
    """True when libcst accepts ``text``, which this Python rejected at ``row``; False when unsure."""
    if sys.version_info >= (3, 13) or too_deep or len(text) > MAX_BYTES:
        return False
    lines = re.split(r"\r\n|\r|\n", text, maxsplit=row + 1)[max(0, row - 3) : row + 1]
    if not _NEWER_MARKER.search("\n".join(lines)):
        return False
    chain, depth = shape(text)
    if chain > MAX_CHAIN or depth > MAX_DEPTH:
        return False
    if len(text) <= IN_PROCESS_BYTES:
        return _parses(text)
    return _parses_in_child(text)


def shape(text: str) -> tuple[int, int]:
    """(longest comma-free chain of tokens, deepest bracket nesting), strings not excluded.

    One linear scan. A chain ends at a comma, a semicolon or a newline outside
    brackets; ``a[0][0]`` is six tokens, ``not not 1`` three. Counting stops
    once either figure is over its bound.
    """
    depth = deepest = count = longest = 0
    for match in _STRUCTURE.finditer(text):
        c = match.group()
        if c in "\r\n":
            if depth == 0:
                count = 0
            continue
        if c in ",;":
            count = 0
            continue
        count += 1
        if c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth = max(0, depth - 1)
        longest = max(longest, count)
        if longest > MAX_CHAIN or deepest > MAX_DEPTH:
            break
    return longest, deepest


_STRUCTURE = re.compile(r"\w+|[\r\n]|[^\s\w]")


def _parses(text: str) -> bool:
    try:
        import libcst

        libcst.parse_module(text)
    except BaseException as err:  # the native parser may panic (a BaseException)
        if isinstance(err, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return False
    return True


def _parses_in_child(text: str) -> bool:
    import subprocess

    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE.format(limit=MEMORY)],
            input=text.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=BUDGET,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return False
    return done.returncode == 0
