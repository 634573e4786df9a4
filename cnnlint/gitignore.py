"""``.gitignore`` rules, so a directory walk skips what git ignores (ruff's ``respect-gitignore``).

Read: the ``.gitignore`` of every directory walked, those of the directories
above the walk root up to the repository root (the first with ``.git``), and
``.git/info/exclude``. The global excludes file (``core.excludesFile``) is
not read: that would mean running git. Semantics are git's: blank lines and
``#`` comments skipped, ``!`` re-includes, a trailing ``/`` matches
directories only, a pattern with a ``/`` before its end is anchored to its
file's directory, otherwise it matches a name at any depth; ``*`` and ``?``
stay within a component, ``**`` spans components; the last matching rule
wins. A file under an ignored directory stays ignored (the walk never enters
the directory), as in git.

Standard library only, and loaded only when a directory is walked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cnnlint.records import dataclass


@dataclass(frozen=True)
class Rule:
    base: str  # the directory of the file the rule came from (absolute)
    regex: re.Pattern[str]
    anchored: bool
    negate: bool
    dir_only: bool


def _translate(pattern: str) -> str:
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
                j = i + 2
                if j == n:
                    out.append(".*")
                    i = j
                    continue
                if pattern[j] == "/":
                    out.append("(?:.*/)?")
                    i = j + 1
                    continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                out.append("[" + ("^" + body[1:] if body[:1] == "!" else body).replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse(text: str, base: str) -> list[Rule]:
    """The rules of one ignore file whose directory is ``base``."""
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        while line.endswith(" ") and not line.endswith("\\ "):
            line = line[:-1]
        negate = line.startswith("!")
        if negate or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        try:
            regex = re.compile(_translate(line) + r"\Z", re.DOTALL)
        except re.error:
            continue  # git skips a pattern it cannot read; so do we
        rules.append(Rule(base, regex, anchored, negate, dir_only))
    return rules


def read(directory: str, name: str = ".gitignore", base: str | None = None) -> list[Rule]:
    """The rules of ``directory/name`` (none when it cannot be read), relative to ``base`` (default: ``directory``)."""
    try:
        with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
            return parse(handle.read(), base or directory)
    except OSError:
        return []


def initial_rules(root: Path) -> list[Rule]:
    """The rules in force at a walk's root: ``.git/info/exclude`` and the ``.gitignore`` files above it."""
    start = os.path.abspath(root)
    chain = []
    directory = start
    while True:
        chain.append(directory)
        if os.path.exists(os.path.join(directory, ".git")):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            chain = [start]  # not in a repository: only the walk root's own file
            break
        directory = parent
    top = chain[-1]
    rules = read(os.path.join(top, ".git", "info"), "exclude", base=top)
    for directory in reversed(chain):
        rules += read(directory)
    return rules


def is_ignored(rules: list[Rule], path: str, is_dir: bool) -> bool:
    """Whether the last rule matching the absolute ``path`` ignores it."""
    ignored = False
    for rule in rules:
        if rule.dir_only and not is_dir:
            continue
        rel = os.path.relpath(path, rule.base)
        if rel == os.curdir or rel.startswith(os.pardir):
            continue
        rel = rel.replace(os.sep, "/")
        target = rel if rule.anchored else rel.rsplit("/", 1)[-1]
        if rule.regex.match(target):
            ignored = not rule.negate
    return ignored
