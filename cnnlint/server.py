"""``cnnlint server``: the language server lives in ``cnnlint.lsp``; this name stays importable."""

from cnnlint.lsp.documents import Linted, buffer_encoding, encode_buffer
from cnnlint.lsp.handlers import create_server, serve
from cnnlint.lsp.positions import Positions, kind_matches, overlaps, split_lines
from cnnlint.lsp.server import CnnlintServer

__all__ = [
    "CnnlintServer",
    "Linted",
    "Positions",
    "buffer_encoding",
    "create_server",
    "encode_buffer",
    "kind_matches",
    "overlaps",
    "serve",
    "split_lines",
]
