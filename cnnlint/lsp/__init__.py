"""The language server package (``cnnlint server``): pygls is imported in this package only.

The names are loaded lazily so that the worker process (``cnnlint.lsp.worker``)
never imports pygls.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["create_server", "serve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cnnlint.lsp import handlers

        return getattr(handlers, name)
    raise AttributeError(name)
