"""The LSP methods the server answers, wired to ``CnnlintServer``."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from lsprotocol import types as lsp

from cnnlint.lsp.features import FIX_ALL_KIND
from cnnlint.lsp.pool import DEFAULT_COMMAND
from cnnlint.lsp.server import CnnlintServer, _guard

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


def _uri(params: Any) -> str:
    return params.text_document.uri


def create_server(worker_command: Sequence[str] = DEFAULT_COMMAND, workers: int = 2) -> CnnlintServer:
    """A server whose checks run in ``workers`` processes started with ``worker_command`` (a test hook)."""
    server = CnnlintServer(worker_command, workers)

    @server.feature(lsp.INITIALIZE)
    @_guard("initialize", lambda: None)
    def initialize(ls: CnnlintServer, params: lsp.InitializeParams) -> None:
        ls.apply_options(params.initialization_options)
        ls.pool.warm()

    @server.feature(lsp.EXIT)
    def exit_(ls: CnnlintServer, *args: Any) -> None:
        ls.exit_status = 0 if getattr(ls.protocol, "_shutdown", False) else 1  # the LSP's rule
        ls.pool.close()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guard("didChangeConfiguration", lambda: None)
    def did_change_configuration(ls: CnnlintServer, params: lsp.DidChangeConfigurationParams) -> None:
        if ls.apply_options(params.settings):
            ls.republish()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guard("didOpen", lambda: None)
    def did_open(ls: CnnlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.request_check(_uri(params), 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guard("didChange", lambda: None)
    def did_change(ls: CnnlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.request_check(_uri(params), ls.change_delay)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @_guard("didSave", lambda: None)
    def did_save(ls: CnnlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = _uri(params)
        if uri.endswith("/pyproject.toml"):  # the settings of every open file may have changed
            ls.republish()
            return
        ls.request_check(uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guard("didClose", lambda: None)
    def did_close(ls: CnnlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(_uri(params))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False),
    )
    @_guard("codeAction", list)
    async def code_action(ls: CnnlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @_guard("inlayHint", list)
    async def inlay_hint(ls: CnnlintServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        return await ls.inlay_hints(params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guard("hover", lambda: None)
    async def hover(ls: CnnlintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        return await ls.hover(params)

    return server


def serve(worker_command: Sequence[str] = DEFAULT_COMMAND) -> None:
    """Run the language server on stdin/stdout until the client says exit."""
    if os.environ.get("CNNLINT_LSP_LOG"):
        logging.basicConfig(filename=os.environ["CNNLINT_LSP_LOG"], level=logging.DEBUG)
    server = create_server(worker_command)
    try:
        server.start_io()  # pygls swallows the SystemExit of its own exit handler
    finally:
        server.pool.close()
    if server.exit_status:
        sys.exit(server.exit_status)
