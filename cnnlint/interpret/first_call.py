"""A model's state before the script first called it: the forward it is followed through runs from there.

A stateful forward (``out, self.hidden = self.lstm(x, self.hidden)``) replaces its own attributes each
call. The script's call runs first, during module interpretation; following the model afterwards would
start from the replaced state, which torch's first call never sees.
"""

from __future__ import annotations

from cnnlint.interpret.values import ModuleObj

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def attributes_of(model: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(attrs, a copy of them) for ``model`` and every module inside it."""
    from cnnlint.interpret.models import submodules

    return [(m.attrs, dict(m.attrs)) for m in [model, *submodules(model)] if isinstance(m, ModuleObj)]


def restore_attributes(saved: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    for attrs, copy in saved:
        if attrs != copy:
            attrs.clear()
            attrs.update(copy)
