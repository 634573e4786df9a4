"""``# noqa`` comments as ruff and flake8 read them: which codes a line suppresses."""

from __future__ import annotations

import functools
import re


class _All:
    """``parse_noqa``'s answer for a bare ``# noqa``: every code."""

    _instance: _All | None = None

    def __new__(cls) -> _All:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __contains__(self, code: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"

    def __reduce__(self) -> str:
        return "ALL"


ALL = _All()

_CODE = r"[A-Za-z]+[0-9]+"


@functools.cache
def _noqa_pattern() -> re.Pattern[str]:
    """Compiled when a line first says noqa (1 ms that most runs never need)."""
    return re.compile(
        r"#\s*noqa(?![\w-])"  # the marker, any case, space after the hash optional
        r"(?:\s*:\s*(?P<codes>" + _CODE + r"(?:(?:\s*,\s*|\s+)" + _CODE + r")*))?",
        re.IGNORECASE,
    )


def parse_noqa(line: str) -> None | frozenset[str] | _All:
    """The codes a line's ``# noqa`` comment suppresses (ruff/flake8 syntax).

    ``None`` without a noqa comment; ``ALL`` for a bare ``# noqa`` (or one
    whose list cannot be read, as flake8 does); otherwise the upper-cased
    codes: ``# noqa: CNL001,CNL002``, ``# NOQA:CNL001``, ``# noqa: CNL001 E501``.
    A noqa naming only other tools' codes (``# noqa: E501``) gives
    ``frozenset({"E501"})``, which suppresses none of ours. Both answers
    support ``code in answer``.
    """
    if "noqa" not in line.lower():
        return None
    found = None
    for match in _noqa_pattern().finditer(line):
        codes = match.group("codes")
        if codes is None:
            return ALL
        parsed = frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)
        found = parsed if found is None else found | parsed
    return found


def is_suppressed(code: str, line: str) -> bool:
    """Whether ``line``'s noqa comment suppresses ``code``."""
    noqa = parse_noqa(line)
    return noqa is not None and code in noqa
