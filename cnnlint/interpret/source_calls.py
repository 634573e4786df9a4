"""Layer-call records whose source positions and texts are worked out when first read.

Every layer the interpreter builds gets a ``LayerCall`` (what reports, fixes, noqa,
summary and the runtime check read), but most are never reported: on a 100k-layer
file, computing each call's span, callee text and constructor text up front was a
third of the interpreter's time. Here they are computed on first access and kept.
"""

from __future__ import annotations

import ast

from cnnlint.model import Arg, LayerCall, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NOWHERE = Span.at(1, 1, 1, 1)


def source_text(lines: Any, node: Any) -> str:
    """A node's source on one line, cut to 60 characters (``?`` for a position outside the text)."""
    try:
        text = lines.segment(node)
    except Exception:  # noqa: BLE001 - a position outside the text: no text
        return "?"
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "\u2026"


class SourceCall(LayerCall):
    """A ``LayerCall`` built from a call node: ``span``, ``callee`` and ``code`` on demand.

    ``located`` is the node whose span the call has (the call itself in the checked file, else the
    call there that led to it), ``callee_node`` the written callee (None: the qualname's last part),
    ``code_node`` the call whose text is its code (None: no text). ``bound_code`` sets a code made
    from the bound arguments, preferred to the written text when it is not empty.
    """

    def __init__(
        self,
        qualname: str,
        args: list[Arg],
        kwargs: list[Arg],
        lines: Any,
        located: ast.AST | None,
        callee_node: ast.AST | None,
        code_node: ast.AST | None,
    ) -> None:
        self.qualname = qualname
        self.args = args
        self.kwargs = kwargs
        self.star = False
        self.name = None
        self.children = None
        self.reason = None
        self._lines = lines
        self._located = located
        self._callee_node = callee_node
        self._code_node = code_node
        self._bound: tuple[str, dict[str, Any]] | None = None
        self.place = ""  # where another file builds it, for messages: `` (in torchvision.models.resnet, line 197)``
        self.library = False  # built by an installed library's code, which the user does not edit
        self.where = ""  # ``torchvision.models.resnet, line 198``: the file and line that build it, if not this one
        self._span: Span | None = None
        self._callee: str | None = None
        self._code: str | None = None

    @property  # type: ignore[override]
    def span(self) -> Span:
        if self._span is None:
            self._span = self._lines.span(self._located) if self._located is not None else _NOWHERE
        return self._span

    @span.setter
    def span(self, value: Span) -> None:
        self._span = value

    @property  # type: ignore[override]
    def callee(self) -> str:
        if self._callee is None:
            node = self._callee_node
            self._callee = source_text(self._lines, node) if node is not None else self.qualname.rsplit(".", 1)[-1]
        return self._callee

    @callee.setter
    def callee(self, value: str) -> None:
        self._callee = value

    @property  # type: ignore[override]
    def code(self) -> str:
        if self._code is None:
            from cnnlint.interpret.torch_api import layer_code

            made = layer_code(*self._bound) if self._bound is not None else ""
            self._code = made or (self._lines.segment(self._code_node) if self._code_node is not None else "")
        return self._code

    @code.setter
    def code(self, value: str) -> None:
        self._code = value

    def bound_code(self, name: str, args: dict[str, Any]) -> None:
        """The code is ``torch.nn.<name>(...)`` with these bound values, when they are all plain."""
        self._bound = (name, args)
        self._code = None

    def __reduce__(self) -> tuple:
        plain = (self.callee, self.qualname, self.span, self.args, self.kwargs, self.star, self.name, self.children)
        return (LayerCall, (*plain, self.reason, self.code))  # a plain LayerCall: no syntax tree in a pickle
