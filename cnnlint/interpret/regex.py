"""``re.split`` / ``re.sub`` / ``re.findall`` on known strings (timm decodes ``'ir_r2_k3_s2_e6_c24'`` with them).

The standard library's own ``re`` runs on the constants the checked code
gives it: that is Python's semantics, exactly. Regular expressions can take
exponential time, so only small inputs and patterns without nested or many
repeats (no backtracking blow-up) are evaluated; anything else is unknown.
"""

from __future__ import annotations

import re

from cnnlint.interpret.values import UNKNOWN, ListVal, Sym

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_TEXT = 200
MAX_PATTERN = 100
MAX_REPEATS = 3


def _safe(pattern: str) -> bool:
    try:
        import re._parser as parser  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        parsed = parser.parse(pattern)
    except Exception:  # noqa: BLE001 - a pattern Python rejects: unknown
        return False
    repeats = [0]

    def walk(items: Any, inside_repeat: bool) -> bool:
        for op, value in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                repeats[0] += 1
                if inside_repeat or repeats[0] > MAX_REPEATS or not walk(value[2], True):
                    return False
            elif name in ("GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
                return False
            elif name == "SUBPATTERN":
                if not walk(value[3], inside_repeat):
                    return False
            elif name == "BRANCH" and not all(walk(branch, inside_repeat) for branch in value[1]):
                return False
        return True

    return walk(parsed, False)


def _text(value: Any, limit: int) -> bool:
    return isinstance(value, str) and not isinstance(value, Sym) and len(value) <= limit


def re_call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``re.<name>(pattern, ...)`` with known plain arguments, else unknown."""
    if kwargs or len(args) < 2 or not _text(args[0], MAX_PATTERN) or not _safe(args[0]):
        return UNKNOWN
    pattern = args[0]
    try:
        if name == "split" and len(args) == 2 and _text(args[1], MAX_TEXT):
            return ListVal(re.split(pattern, args[1]))
        if name == "findall" and len(args) == 2 and _text(args[1], MAX_TEXT):
            return ListVal(re.findall(pattern, args[1]))
        if name == "sub" and len(args) == 3 and _text(args[1], MAX_TEXT) and _text(args[2], MAX_TEXT):
            return re.sub(pattern, args[1], args[2])
    except (re.error, TypeError, ValueError):
        return UNKNOWN
    return UNKNOWN
