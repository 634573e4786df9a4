"""Gitignore-style globs, compiled once, matched without backtracking.

``*`` and ``?`` and ``[...]`` stay within one path component, ``**/`` spans
any number of leading directories and a trailing ``/**`` everything below.
A pattern is compiled when the configuration loads; an invalid one
(``[z-a]``) raises ``GlobError``. Matching never backtracks: a literal
pattern is a string comparison, one with at most one star is a regular
expression (linear in the name for a fixed pattern), anything else runs as a
set-of-states automaton, O(len(name) x len(pattern)) whatever the input
(``*a*a*a*a*a*a*a*a*b`` against a long name included).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["Glob", "GlobError", "compile_glob"]


class GlobError(ValueError):
    """A pattern that cannot be compiled (the message says why)."""


_Token = tuple  # ("lit", c) | ("any",) | ("cls", ((lo, hi), ...), negated) | ("star",) | ("all",) | ("dirs",)


def _class(pattern: str, i: int) -> tuple[_Token, int] | None:
    """The ``[...]`` at ``i`` and the index after it; None when it is not closed (then ``[`` is literal)."""
    j = i + 1
    negated = j < len(pattern) and pattern[j] in "!^"
    if negated:
        j += 1
    body_start = j
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 1
    if j >= len(pattern):
        return None
    body = pattern[body_start:j]
    ranges: list[tuple[str, str]] = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            lo, hi = body[k], body[k + 2]
            if lo > hi:
                raise GlobError(f"invalid range {lo}-{hi} in {pattern!r}")
            ranges.append((lo, hi))
            k += 3
        else:
            ranges.append((body[k], body[k]))
            k += 1
    return ("cls", tuple(ranges), negated), j + 1


def _tokens(pattern: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                before_ok = i == 0 or pattern[i - 1] == "/"
                j = i + 2
                if before_ok and j < n and pattern[j] == "/":
                    out.append(("dirs",))
                    i = j + 1
                    continue
                if before_ok and j == n:
                    out.append(("all",))
                    i = j
                    continue
                out.append(("star",))
                i = j
                continue
            if not out or out[-1] != ("star",):  # "**" inside a name and "a**b" are one star
                out.append(("star",))
        elif c == "?":
            out.append(("any",))
        elif c == "[":
            found = _class(pattern, i)
            if found is None:
                out.append(("lit", c))
            else:
                out.append(found[0])
                i = found[1]
                continue
        else:
            out.append(("lit", c))
        i += 1
    return out


def _in_class(token: _Token, c: str) -> bool:
    if c == "/":
        return False
    inside = any(lo <= c <= hi for lo, hi in token[1])
    return inside != token[2]


def _regex(tokens: list[_Token]) -> re.Pattern[str]:
    parts = []
    for token in tokens:
        kind = token[0]
        if kind == "lit":
            parts.append(re.escape(token[1]))
        elif kind == "any":
            parts.append("[^/]")
        elif kind == "cls":
            body = "".join(re.escape(lo) if lo == hi else f"{re.escape(lo)}-{re.escape(hi)}" for lo, hi in token[1])
            parts.append(f"(?![/])[{'^' if token[2] else ''}{body}]" if body else ("[^/]" if token[2] else "(?!)"))
        elif kind == "star":
            parts.append("[^/]*")
        elif kind == "all":
            parts.append(".*")
        else:
            parts.append("(?:.*/)?")
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


class Glob:
    """One compiled pattern; ``match(text)`` is a full match."""

    __slots__ = ("pattern", "_tokens", "_literal", "_regex")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._tokens = _tokens(pattern)
        self._literal: str | None = None
        self._regex: re.Pattern[str] | None = None
        if all(t[0] == "lit" for t in self._tokens):
            self._literal = "".join(t[1] for t in self._tokens)
        elif sum(1 for t in self._tokens if t[0] in ("star", "all", "dirs")) <= 1:
            self._regex = _regex(self._tokens)  # one unbounded repeat: no exponential backtracking

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def match(self, text: str) -> bool:
        if self._literal is not None:
            return text == self._literal
        if self._regex is not None:
            return self._regex.match(text) is not None
        return self._run(text)

    def _closure(self, states: set[int]) -> set[int]:
        """Add the states reachable without reading: past a star / ``**`` / ``**/`` that matches nothing."""
        tokens = self._tokens
        todo = list(states)
        while todo:
            state = todo.pop()
            i = state >> 1
            if state & 1 or i >= len(tokens) or tokens[i][0] not in ("star", "all", "dirs"):
                continue
            nxt = (i + 1) << 1
            if nxt not in states:
                states.add(nxt)
                todo.append(nxt)
        return states

    def _run(self, text: str) -> bool:
        tokens = self._tokens
        states = self._closure({0})
        for c in text:
            nxt: set[int] = set()
            for state in states:
                i = state >> 1
                if state & 1:  # inside "**/": anything, until a "/" ends it
                    nxt.add(state)
                    if c == "/":
                        nxt.add((i + 1) << 1)
                    continue
                if i >= len(tokens):
                    continue
                token = tokens[i]
                kind = token[0]
                if kind == "lit":
                    if c == token[1]:
                        nxt.add((i + 1) << 1)
                elif kind == "any":
                    if c != "/":
                        nxt.add((i + 1) << 1)
                elif kind == "cls":
                    if _in_class(token, c):
                        nxt.add((i + 1) << 1)
                elif kind == "star":
                    if c != "/":
                        nxt.add(state)
                elif kind == "all":
                    nxt.add(state)
                else:  # dirs
                    nxt.add(state | 1)
                    if c == "/":
                        nxt.add((i + 1) << 1)
            if not nxt:
                return False
            states = self._closure(nxt)
        return (len(tokens) << 1) in states


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """The compiled pattern (cached); ``GlobError`` when it is invalid."""
    return Glob(pattern)
