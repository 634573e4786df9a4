"""``os.environ`` / ``os.getenv``: the environment cnnlint runs in.

Model code reads feature flags from the environment (timm:
``os.environ.get('TIMM_USE_NAFLEXVIT', 'false')`` picks the ViT class). The
model a user runs is built in their environment; the one cnnlint checks is
built in the environment cnnlint is run in, read as Python would read it.
"""

from __future__ import annotations

import os
from typing import Any

from cnnlint.interpret.values import UNKNOWN, Sym, is_plain

ENVIRON = "os.environ"


def _key(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Sym)


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``os.environ.get(key, default)`` / ``os.getenv(key, default)``; unknown for anything else."""
    if name not in ("os.environ.get", "os.getenv") or kwargs or not 1 <= len(args) <= 2 or not _key(args[0]):
        return UNKNOWN
    default = args[1] if len(args) == 2 else None
    found = os.environ.get(args[0])
    if found is not None:
        return found
    return default if is_plain(default) or default is UNKNOWN else UNKNOWN


def contains(key: Any) -> Any:
    """``key in os.environ``."""
    return key in os.environ if _key(key) else UNKNOWN
