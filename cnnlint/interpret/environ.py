"""``os.environ`` / ``os.getenv``: read as an environment where the variable is not set.

Model code reads feature flags from the environment (timm:
``os.environ.get('TIMM_USE_NAFLEXVIT', 'false')`` picks the ViT class). cnnlint
checks the model its code builds by default: a result must not depend on the
machine or editor that checks it (the result cache and CI would disagree), so
the checking process's own environment is never read.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, Sym, is_plain

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ENVIRON = "os.environ"


def _key(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Sym)


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``os.environ.get(key, default)`` / ``os.getenv(key, default)``; unknown for anything else."""
    if name not in ("os.environ.get", "os.getenv") or kwargs or not 1 <= len(args) <= 2 or not _key(args[0]):
        return UNKNOWN
    default = args[1] if len(args) == 2 else None
    return default if is_plain(default) or default is UNKNOWN else UNKNOWN


def contains(key: Any) -> Any:
    """``key in os.environ``."""
    return False if _key(key) else UNKNOWN
