"""Settings per document: the nearest ``pyproject.toml`` with ``[tool.cnnlint]``, re-read when it changes.

Configuration is read on the server (small, and errors go to the editor as a
message once); the worker only receives the enabled codes and the inputs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from cnnlint.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

logger = logging.getLogger("cnnlint.server")


@dataclass
class _ConfigEntry:
    stamp: tuple
    settings: Any
    error: str | None


class SettingsCache:
    def __init__(self, server: Any) -> None:
        self.server = server
        self._configs: dict[str, _ConfigEntry] = {}
        self._reported: set[str] = set()

    def root(self) -> Path:
        try:
            root = self.server.workspace.root_path
        except Exception:  # noqa: BLE001 - no workspace before initialize
            root = None
        return Path(root) if root else Path.cwd()

    def document_path(self, uri: str) -> tuple[Path, bool]:
        """The file's path (or a stand-in next to the workspace root for unsaved buffers), and whether it is real."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return Path(path), True
        name = uri.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] or "untitled.py"
        return self.root() / name, False

    def settings_for(self, path: Path) -> Any:
        from cnnlint.config import load_settings
        from cnnlint.config_file import find_config
        from cnnlint.settings import ConfigError

        try:
            source = find_config(path)
        except ConfigError as err:
            self._error(str(err))
            source = None
        key = str(source) if source is not None else f"<defaults:{self.root()}>"
        try:
            stat = source.stat() if source is not None else None
            stamp = (stat.st_mtime_ns, stat.st_size) if stat is not None else ()
        except OSError:
            stamp = ("missing",)
        entry = self._configs.get(key)
        if entry is None or entry.stamp != stamp:
            try:
                entry = _ConfigEntry(stamp, load_settings(source, cwd=self.root()), None)
            except ConfigError as err:
                entry = _ConfigEntry(stamp, load_settings(None, cwd=self.root()), str(err))
            self._configs[key] = entry
        if entry.error:
            self._error(entry.error)
        return entry.settings

    def _error(self, message: str) -> None:
        if message in self._reported:
            return
        self._reported.add(message)
        text = f"cnnlint: configuration error, using the defaults: {message}"
        self.server.log(text, lsp.MessageType.Error)
        try:
            self.server.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=text))
        except Exception:  # noqa: BLE001
            logger.exception("cannot send window/showMessage")
