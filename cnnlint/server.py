"""The language server: ``cnnlint server`` speaks LSP over stdio.

What an editor gets:

- diagnostics on open, change and save (cleared on close), with the rule's
  severity (error, warning; CNL100 as information only when asked for with
  the ``showInfo`` initialization option and selected by the config), the
  code, a link to the rule's documentation and ``source = "cnnlint"``;
- a preferred quick fix for every diagnostic that carries a fix (CNL001
  ``in_features``, CNL002 ``in_channels`` / ``num_features``) and a
  ``source.fixAll.cnnlint`` action applying them all;
- inlay hints with each layer's output shape at the end of its constructor
  call (``→ (1, 96, 55, 55)``) for models with a declared or inferred input,
  only where the whole shape is known;
- hover on a layer call: input → output shape, parameters and MACs.

Settings come from the nearest ``pyproject.toml`` with ``[tool.cnnlint]``
above the document (``select``, ``ignore``, ``per-file-ignores``,
``exclude``, ``inputs``), re-read when it changes. Positions are converted
from cnnlint's 1-based rows and code-point columns to the negotiated LSP
position encoding (UTF-16 unless the client offers another), rows split on
exactly ``\\r\\n``, ``\\r`` and ``\\n`` as in the LSP and Python's tokenizer.

No handler lets an exception through: it is logged with ``window/logMessage``
and the document gets no diagnostics (requests get an empty answer). pygls
is imported here and nowhere else; torch never is.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from cnnlint import __version__
from cnnlint.diagnostics import Diagnostic, Edit, Location

logger = logging.getLogger("cnnlint.server")

SOURCE = "cnnlint"
FIX_ALL_KIND = "source.fixAll.cnnlint"
ARROW = "\u2192"

_NEWLINE = re.compile(r"\r\n|\r|\n")

F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------------------------
# Positions: cnnlint's 1-based rows and code-point columns <-> LSP's 0-based lines and code units


def split_lines(text: str) -> list[str]:
    """Lines without their endings, split as the LSP and Python's tokenizer do (not on form feeds)."""
    return _NEWLINE.split(text)


def _units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in the LSP position encoding."""
    if encoding == lsp.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == lsp.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    # UTF-16: one unit per code point, two beyond the Basic Multilingual Plane.
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class Positions:
    """Converts positions within one version of a document's text."""

    lines: list[str]
    encoding: str = lsp.PositionEncodingKind.Utf16
    first_row_shift: int = 0  # a BOM the editor keeps in its buffer but cnnlint stripped

    @classmethod
    def of(
        cls, text: str, encoding: str = lsp.PositionEncodingKind.Utf16, checked_text: str | None = None
    ) -> Positions:
        shift = 1 if text.startswith("\ufeff") and not (checked_text or "").startswith("\ufeff") else 0
        return cls(split_lines(text), encoding, shift)

    def to_lsp(self, loc: Location) -> lsp.Position:
        if not self.lines:
            return lsp.Position(line=0, character=0)
        line = loc.row - 1
        if line < 0:
            return lsp.Position(line=0, character=0)
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return lsp.Position(line=last, character=_units(self.lines[last], self.encoding))
        text = self.lines[line]
        column = loc.column - 1 + (self.first_row_shift if line == 0 else 0)
        column = max(0, min(column, len(text)))
        return lsp.Position(line=line, character=_units(text[:column], self.encoding))

    def range(self, start: Location, end: Location) -> lsp.Range:
        return lsp.Range(start=self.to_lsp(start), end=self.to_lsp(end))

    def from_lsp(self, pos: lsp.Position) -> Location:
        """The 1-based code-point location of an LSP position (a position inside a character rounds down)."""
        if not self.lines:
            return Location(1, 1)
        line = max(0, min(pos.line, len(self.lines) - 1))
        text = self.lines[line]
        units = 0
        column = 0
        for ch in text:
            step = _units(ch, self.encoding)
            if units + step > pos.character:
                break
            units += step
            column += 1
        if line == 0:
            column = max(0, column - self.first_row_shift)
        return Location(line + 1, column + 1)


def _key(pos: lsp.Position) -> tuple[int, int]:
    return (pos.line, pos.character)


def overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    """Ranges that share a position, ends included (a cursor at either end of a diagnostic touches it)."""
    return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)


def kind_matches(kind: str, only: Sequence[str] | None) -> bool:
    """LSP kinds are hierarchical: ``source`` asks for ``source.fixAll.cnnlint`` too."""
    if only is None:
        return True
    return any(kind == want or kind.startswith(want + ".") for want in only)


# --------------------------------------------------------------------------------------------
# What the editor buffer becomes for cnnlint

_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def encode_buffer(text: str) -> bytes:
    """The bytes the file would have: UTF-8, or the encoding a coding cookie declares when it can hold the text."""
    for line in split_lines(text)[:2]:
        match = _COOKIE.match(line.lstrip("\ufeff"))
        if match:
            name = match.group(1).lower().replace("_", "-")
            if name not in ("utf-8", "utf8", "utf-8-sig"):
                try:
                    return text.encode(name)
                except (LookupError, UnicodeError):
                    break
            break
    return text.encode("utf-8", "replace")


def shape_text(shape: Any) -> str | None:
    """A shape every dimension of which is known (an int or a symbol), or None."""
    if shape is None or getattr(shape, "open", True):
        return None
    dims = tuple(shape.dims)
    if not all((isinstance(d, int) and not isinstance(d, bool)) or isinstance(d, str) for d in dims):
        return None
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"


def _partial_shape_text(shape: Any) -> str:
    from cnnlint.shapes.dims import format_shape

    return format_shape(shape)


def _count(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return None


# --------------------------------------------------------------------------------------------
# One checked version of a document


@dataclass
class Linted:
    uri: str
    version: int | None
    text: str
    positions: Positions
    diagnostics: list[Diagnostic] = field(default_factory=list)
    models: list[Any] = field(default_factory=list)
    seconds: float = 0.0
    stamp: Any = None  # the settings it was checked with

    def lsp_diagnostic(self, diag: Diagnostic) -> lsp.Diagnostic:
        from cnnlint.rules import RULES

        rule = RULES.get(diag.code)
        level = rule.severity if rule is not None else "error"
        severity = {
            "error": lsp.DiagnosticSeverity.Error,
            "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information,
        }.get(level, lsp.DiagnosticSeverity.Error)
        return lsp.Diagnostic(
            range=self.positions.range(diag.location, diag.end_location),
            message=diag.message,
            severity=severity,
            code=diag.code,
            code_description=lsp.CodeDescription(href=rule.url) if rule is not None else None,
            source=SOURCE,
        )

    def lsp_diagnostics(self) -> list[lsp.Diagnostic]:
        return [self.lsp_diagnostic(d) for d in self.diagnostics]

    def text_edit(self, edit: Edit) -> lsp.TextEdit:
        return lsp.TextEdit(range=self.positions.range(edit.location, edit.end_location), new_text=edit.content)

    def steps(self) -> Iterable[tuple[Any, Any, Any]]:
        """(model result, step, layer call) for every step that comes from a call in the source.

        Top-level models come before models that are also part of a larger one.
        """
        ordered = sorted(self.models, key=lambda m: bool(getattr(m.model, "nested", False)))
        for model in ordered:
            for step in model.trace.steps:
                call = step.layer.origin
                if call is None or getattr(call, "span", None) is None:
                    continue
                yield model, step, call


# --------------------------------------------------------------------------------------------
# The server


@dataclass
class _ConfigEntry:
    stamp: tuple
    settings: Any
    error: str | None


class CnnlintServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: pygls applies incremental edits on lines cut by str.splitlines, which also breaks
        # on form feeds and U+2028 where the LSP does not, so an edit near one would land in the wrong
        # place. Model files are small; sending the whole text costs nothing noticeable.
        super().__init__("cnnlint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.show_info = False
        self.change_delay = 0.0  # seconds; cnnlint is fast enough to check on every change
        self.linted: dict[str, Linted] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._configs: dict[str, _ConfigEntry] = {}
        self._reported_config_errors: set[str] = set()
        self._warm: threading.Thread | None = None

    def start_warm_up(self) -> None:
        """Import the checking pipeline in the background while the client finishes its handshake."""
        if self._warm is None:
            self._warm = threading.Thread(target=_warm_up, name="cnnlint-warm-up", daemon=True)
            self._warm.start()

    def wait_warm(self) -> None:
        """Never import the pipeline from two threads at once: the first check waits for the warm-up."""
        if self._warm is not None and self._warm.is_alive():
            self._warm.join(timeout=60)

    # ---- logging ----------------------------------------------------------------------------

    def log(self, message: str, level: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=level, message=message))
        except Exception:  # noqa: BLE001 - the connection may be gone; never raise from logging
            logger.exception("cannot send window/logMessage")

    def log_exception(self, what: str) -> None:
        self.log(f"cnnlint: {what} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)

    # ---- settings ---------------------------------------------------------------------------

    def apply_options(self, options: Any) -> bool:
        """``{"showInfo": bool, "changeDelayMs": number}``, bare or under ``"cnnlint"``; True if it changed."""
        if not isinstance(options, dict):
            return False
        if isinstance(options.get("cnnlint"), dict):
            options = options["cnnlint"]
        before = (self.show_info, self.change_delay)
        if isinstance(options.get("showInfo"), bool):
            self.show_info = options["showInfo"]
        delay = options.get("changeDelayMs")
        if isinstance(delay, (int, float)) and not isinstance(delay, bool) and delay >= 0:
            self.change_delay = delay / 1000.0
        return (self.show_info, self.change_delay) != before

    def republish(self) -> None:
        """Check every open document again (settings changed)."""
        self.linted.clear()
        for uri in list(self.workspace.text_documents):
            if not uri.endswith(".toml"):
                self.publish(uri)

    def _root(self) -> Path:
        try:
            root = self.workspace.root_path
        except Exception:  # noqa: BLE001 - no workspace before initialize
            root = None
        return Path(root) if root else Path.cwd()

    def document_path(self, uri: str) -> tuple[Path, bool]:
        """The file's path (or a stand-in next to the workspace root for unsaved buffers), and whether it is real."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return Path(path), True
        name = uri.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] or "untitled.py"
        return self._root() / name, False

    def settings_for(self, path: Path) -> Any:
        from cnnlint import config

        try:
            source = config.find_config(path)
        except config.ConfigError as err:
            self._config_error(str(err))
            source = None
        key = str(source) if source is not None else f"<defaults:{self._root()}>"
        try:
            stat = source.stat() if source is not None else None
            stamp = (stat.st_mtime_ns, stat.st_size) if stat is not None else ()
        except OSError:
            stamp = ("missing",)
        entry = self._configs.get(key)
        if entry is None or entry.stamp != stamp:
            try:
                settings = config.load_settings(source, cwd=self._root())
                entry = _ConfigEntry(stamp, settings, None)
            except config.ConfigError as err:
                entry = _ConfigEntry(stamp, config.load_settings(None, cwd=self._root()), str(err))
            self._configs[key] = entry
        if entry.error:
            self._config_error(entry.error)
        return entry.settings

    def _config_error(self, message: str) -> None:
        if message in self._reported_config_errors:
            return
        self._reported_config_errors.add(message)
        text = f"cnnlint: configuration error, using the defaults: {message}"
        self.log(text, lsp.MessageType.Error)
        try:
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=text))
        except Exception:  # noqa: BLE001
            logger.exception("cannot send window/showMessage")

    # ---- checking ---------------------------------------------------------------------------

    def lint(self, uri: str) -> Linted:
        """The document's current text, checked (cached per version)."""
        self.wait_warm()
        document = self.workspace.get_text_document(uri)
        text = document.source
        path, real = self.document_path(uri)
        settings = self.settings_for(path)
        stamp = (settings, self.show_info)
        cached = self.linted.get(uri)
        if cached is not None and cached.version == document.version and cached.text == text and cached.stamp == stamp:
            return cached
        from cnnlint import config
        from cnnlint.check import CheckOptions, check_bytes

        encoding = self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16
        started = time.perf_counter()
        if real and config.is_excluded(settings, path):
            linted = Linted(uri, document.version, text, Positions.of(text, encoding))
        else:
            show_info = self.show_info

            def is_enabled(code: str) -> bool:
                if code == "CNL100" and not show_info:
                    return False
                return config.is_enabled(settings, code, path)

            options = CheckOptions(
                config_inputs=config.inputs_for(settings, path),
                is_enabled=is_enabled,
                want_models=True,
            )
            result = check_bytes(encode_buffer(text), str(path), options)
            linted = Linted(
                uri,
                document.version,
                text,
                Positions.of(text, encoding, result.text),
                list(result.diagnostics),
                list(result.models),
            )
        linted.seconds = time.perf_counter() - started
        linted.stamp = stamp
        self.linted[uri] = linted
        return linted

    def publish(self, uri: str) -> None:
        self._pending.pop(uri, None)
        version: int | None = None
        try:
            version = self.workspace.get_text_document(uri).version
            linted = self.lint(uri)
            diagnostics = linted.lsp_diagnostics()
        except Exception:  # noqa: BLE001 - never crash: log, and show nothing rather than stale results
            self.log_exception(f"checking {uri}")
            self.linted.pop(uri, None)
            diagnostics = []
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def schedule(self, uri: str, delay: float) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if delay <= 0:
            self.publish(uri)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.publish(uri)
            return
        self._pending[uri] = loop.call_later(delay, self._publish_safely, uri)

    def _publish_safely(self, uri: str) -> None:
        try:
            self.publish(uri)
        except Exception:  # noqa: BLE001
            self.log_exception(f"publishing diagnostics for {uri}")

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.linted.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ---- code actions -----------------------------------------------------------------------

    def _workspace_edit(self, linted: Linted, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
        caps = self.client_capabilities
        workspace = getattr(caps, "workspace", None)
        workspace_edit = getattr(workspace, "workspace_edit", None)
        if getattr(workspace_edit, "document_changes", False):
            document = lsp.OptionalVersionedTextDocumentIdentifier(uri=linted.uri, version=linted.version)
            return lsp.WorkspaceEdit(
                document_changes=[
                    lsp.TextDocumentEdit(
                        text_document=document,
                        edits=list(edits),
                    )
                ]
            )
        return lsp.WorkspaceEdit(changes={linted.uri: list(edits)})

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        linted = self.lint(uri)
        only = params.context.only
        actions: list[lsp.CodeAction] = []
        fixable = [d for d in linted.diagnostics if d.fix is not None and d.fix.edits]
        if not fixable:
            return actions
        if kind_matches(lsp.CodeActionKind.QuickFix, only):
            sent = params.context.diagnostics or []
            for diag in fixable:
                ours = linted.lsp_diagnostic(diag)
                if diag.fix is None or not overlaps(ours.range, params.range):
                    continue
                match = next(
                    (
                        d
                        for d in sent
                        if d.source == SOURCE and d.code == diag.code and _key(d.range.start) == _key(ours.range.start)
                    ),
                    ours,
                )
                actions.append(
                    lsp.CodeAction(
                        title=f"{diag.fix.message} ({diag.code})",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[match],
                        is_preferred=True,
                        edit=self._workspace_edit(linted, [linted.text_edit(e) for e in diag.fix.edits]),
                    )
                )
        if kind_matches(FIX_ALL_KIND, only):
            edits = _non_overlapping(e for d in fixable for e in d.fix.edits)  # type: ignore[union-attr]
            if edits:
                actions.append(
                    lsp.CodeAction(
                        title="cnnlint: fix all auto-fixable problems",
                        kind=FIX_ALL_KIND,
                        edit=self._workspace_edit(linted, [linted.text_edit(e) for e in edits]),
                    )
                )
        return actions

    # ---- inlay hints and hover --------------------------------------------------------------

    def inlay_hints(self, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        linted = self.lint(params.text_document.uri)
        labels: dict[tuple[int, int], list[str]] = {}
        tooltips: dict[tuple[int, int], list[str]] = {}
        positions: dict[tuple[int, int], lsp.Position] = {}
        for model, step, call in linted.steps():
            if getattr(model.model, "input", None) is None:
                continue
            out = shape_text(step.out_shape)
            if out is None:
                continue
            pos = linted.positions.to_lsp(call.span.end)
            if not (_key(params.range.start) <= _key(pos) <= _key(params.range.end)):
                continue
            key = _key(pos)
            positions[key] = pos
            if out not in labels.setdefault(key, []):
                labels[key].append(out)
                tooltips.setdefault(key, []).append(_step_summary(step))
        return [
            lsp.InlayHint(
                position=positions[key],
                label=f"{ARROW} " + " | ".join(labels[key]),
                kind=lsp.InlayHintKind.Type,
                padding_left=True,
                tooltip="\n".join(tooltips[key]),
            )
            for key in sorted(labels)
        ]

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        linted = self.lint(params.text_document.uri)
        here = linted.positions.from_lsp(params.position)
        best: list[tuple[Any, Any, Any]] = []
        best_span: tuple | None = None
        for model, step, call in linted.steps():
            span = call.span
            if not (span.start <= here < span.end):
                continue
            # innermost call: the latest start, then the earliest end
            rank = (span.start.row, span.start.column, -span.end.row, -span.end.column)
            if best_span is None or rank > best_span:
                best, best_span = [(model, step, call)], rank
            elif rank == best_span:
                best.append((model, step, call))
        if not best:
            return None
        parts: list[str] = []
        seen: set[str] = set()
        for model, step, call in best:
            text = _hover_text(model, step, call)
            if text and text not in seen:
                seen.add(text)
                parts.append(text)
        if not parts:
            return None
        call = best[0][2]
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
            range=linted.positions.range(call.span.start, call.span.end),
        )


def _non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.location, e.end_location)):
        if out and edit.location < out[-1].end_location:
            continue
        out.append(edit)
    return out


def _step_summary(step: Any) -> str:
    in_text = shape_text(step.in_shape)
    out_text = shape_text(step.out_shape) or "?"
    name = getattr(step.layer, "type_name", "layer")
    return f"{name}: {in_text or '?'} {ARROW} {out_text}"


def _hover_text(model: Any, step: Any, call: Any) -> str | None:
    out_shape = step.out_shape
    in_shape = step.in_shape
    lines: list[str] = []
    name = getattr(step.layer, "type_name", None) or getattr(call, "callee", "layer")
    model_name = getattr(model.model, "name", None)
    header = f"**{name}**" + (f" in `{model_name}`" if model_name else "")
    lines.append(header)
    if not getattr(out_shape, "is_unknown", True) or not getattr(in_shape, "is_unknown", True):
        lines.append(f"`{_partial_shape_text(in_shape)}` {ARROW} `{_partial_shape_text(out_shape)}`")
    facts = []
    params = _count(step.params)
    if params is not None:
        facts.append(f"params {params}")
    macs = _count(step.macs)
    if macs is not None:
        facts.append(f"MACs {macs}")
    if facts:
        lines.append(" · ".join(facts))
    if len(lines) == 1:
        return None
    if getattr(model.model, "input", None) is None:
        lines.append("_no input size declared: `# cnnlint: input=(1, 3, 224, 224)`_")
    return "  \n".join(lines)


def _guard(what: str, default: Callable[[], Any]) -> Callable[[F], F]:
    """Run a handler; an exception is logged and ``default()`` answered instead."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(server: CnnlintServer, params: Any) -> Any:
            try:
                return func(server, params)
            except Exception:  # noqa: BLE001 - never crash the server
                server.log_exception(what)
                return default()

        return wrapper  # type: ignore[return-value]

    return decorate


def _uri(params: Any) -> str:
    return params.text_document.uri


def create_server() -> CnnlintServer:
    server = CnnlintServer()

    @server.feature(lsp.INITIALIZE)
    @_guard("initialize", lambda: None)
    def initialize(ls: CnnlintServer, params: lsp.InitializeParams) -> None:
        ls.apply_options(params.initialization_options)
        ls.start_warm_up()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guard("didChangeConfiguration", lambda: None)
    def did_change_configuration(ls: CnnlintServer, params: lsp.DidChangeConfigurationParams) -> None:
        if ls.apply_options(params.settings):
            ls.republish()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @_guard("didOpen", lambda: None)
    def did_open(ls: CnnlintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(_uri(params), 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @_guard("didChange", lambda: None)
    def did_change(ls: CnnlintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(_uri(params), ls.change_delay)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @_guard("didSave", lambda: None)
    def did_save(ls: CnnlintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = _uri(params)
        if uri.endswith("/pyproject.toml"):  # the settings of every open file may have changed
            ls.republish()
            return
        ls.linted.pop(uri, None)
        ls.schedule(uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guard("didClose", lambda: None)
    def did_close(ls: CnnlintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(_uri(params))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=False),
    )
    @_guard("codeAction", list)
    def code_action(ls: CnnlintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.code_actions(params)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @_guard("inlayHint", list)
    def inlay_hint(ls: CnnlintServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        return ls.inlay_hints(params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guard("hover", lambda: None)
    def hover(ls: CnnlintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        return ls.hover(params)

    return server


# What the first check would otherwise import while the editor waits (libcst alone is ~0.5 s).
_WARM_MODULES = (
    "cnnlint.config",
    "cnnlint.rules",
    "cnnlint.check",
    "cnnlint.source",
    "cnnlint.extract",
    "cnnlint.inputs",
    "cnnlint.build",
    "cnnlint.shapes.propagate",
    "cnnlint.shapes.catalogue",
    "libcst",
)


def _warm_up() -> None:
    import importlib

    for name in _WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing stage shows up (and is logged) at the first check
            logger.debug("warm-up import of %s failed", name, exc_info=True)


def serve() -> None:
    """Run the language server on stdin/stdout until the client says exit."""
    if os.environ.get("CNNLINT_LSP_LOG"):
        logging.basicConfig(filename=os.environ["CNNLINT_LSP_LOG"], level=logging.DEBUG)
    create_server().start_io()
