"""JSON-RPC strictness pygls leaves out: errors for bad params and for requests after shutdown.

pygls logs a request whose params do not fit the method's schema and answers
nothing (the client waits forever), and drops requests after ``shutdown`` in
silence. Here the first gets an InvalidParams error response and the second
an InvalidRequest one. ``exit`` without ``shutdown`` exits 1 (pygls's rule).
"""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol

from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass
class _Unreadable:
    """A request whose params could not be read: answered with an error, never handled."""

    id: Any
    method: str
    reason: str
    jsonrpc: str = "2.0"


class StrictProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and isinstance(data.get("method"), str):
                cause = exc.__cause__
                reason = str(cause).splitlines()[0] if cause is not None else exc.message
                return _Unreadable(data["id"], data["method"], reason)
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Unreadable):
            error = JsonRpcInvalidParams(message=f"invalid params for {message.method}: {message.reason}")
            self._send_response(message.id, None, error.to_response_error())
            return
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        if self._shutdown and is_request and method != lsp.EXIT:
            error = JsonRpcInvalidRequest(message=f"{method}: the server has been shut down")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)
