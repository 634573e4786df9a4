"""The language server: ``cnnlint server`` speaks LSP over stdio.

What an editor gets:

- diagnostics on open, change and save (cleared on close), with the rule's
  severity (CNL100 as information only with the ``showInfo`` initialization
  option), the code, a link to the rule's documentation and
  ``source = "cnnlint"``;
- a preferred quick fix for every diagnostic that carries a fix and a
  ``source.fixAll.cnnlint`` action applying them all;
- inlay hints: in ``forward``, one per statement, at its end, with the shape of
  the assigned value; in ``nn.Sequential(...)``, one per layer at the end of its
  constructor (models with a declared or inferred input, whole shapes only);
- hover on a layer call (in ``forward`` or where it is built): input -> output
  shape, parameters and MACs.

Checks run in worker processes (``cnnlint.lsp.pool``), never on the protocol
loop, each within a per-document time budget (``checkTimeoutMs``, 5 s): a
document over budget gets one CNL100 saying so. Changes are coalesced: while a
document is being checked, newer versions wait and only the latest is checked
next (superseded versions are never checked or published); ``changeDelayMs``
adds a debounce delay (0 by default). A worker re-checks only the parts of a
document whose text changed (``cnnlint.lsp.incremental``): the findings of the
others are kept, moved with their rows. While the text does not parse, the
syntax error is shown together with the last good version's diagnostics on
the rows the edit did not touch (``cnnlint.lsp.carry``).

Settings come from the nearest ``pyproject.toml`` with ``[tool.cnnlint]``
above the document, re-read when it changes. No handler lets an exception
through: it is logged with ``window/logMessage`` and the request gets an empty
answer. pygls is imported in this package only; torch never is.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import logging
import traceback
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from cnnlint import __version__
from cnnlint.lsp import carry
from cnnlint.lsp.documents import Linted, encode_buffer, file_note
from cnnlint.lsp.features import Features
from cnnlint.lsp.pool import DEFAULT_COMMAND, Overrun, Pool, WorkerDied
from cnnlint.lsp.positions import Positions
from cnnlint.lsp.protocol import StrictProtocol
from cnnlint.lsp.settings import SettingsCache
from cnnlint.records import dataclass, field

logger = logging.getLogger("cnnlint.server")

F = TypeVar("F", bound=Callable[..., Any])
MEMO_SIZE = 32  # checked versions remembered, across documents


@dataclass
class _DocState:
    running: bool = False
    dirty: bool = False
    timer: asyncio.TimerHandle | None = None
    waiters: list[asyncio.Future] = field(default_factory=list)


class CnnlintServer(LanguageServer, Features):
    def __init__(self, worker_command: Sequence[str] = DEFAULT_COMMAND, workers: int = 2) -> None:
        # Full sync: pygls applies incremental edits on lines cut by str.splitlines, which also breaks
        # on form feeds and U+2028 where the LSP does not, so an edit near one would land in the wrong place.
        super().__init__(
            "cnnlint",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=StrictProtocol,
        )
        self.show_info = False
        self.change_delay = 0.0  # seconds of debounce before a check; coalescing alone keeps typing cheap
        self.budget = 5.0  # seconds one document's check may take
        self.linted: dict[str, Linted] = {}  # the latest published result per document
        self.good: dict[str, Linted] = {}  # the latest result whose text parsed
        self.states: dict[str, _DocState] = {}
        self._memo: OrderedDict[tuple, tuple[dict, list]] = OrderedDict()  # job key -> (diagnostics, records)
        self.exit_status = 0  # 1 after an exit notification that no shutdown request came before
        self.settings = SettingsCache(self)
        self.pool = Pool(worker_command, workers)
        atexit.register(self.pool.close)

    # ---- logging ----------------------------------------------------------------------------

    def log(self, message: str, level: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=level, message=message))
        except Exception:  # noqa: BLE001 - the connection may be gone; never raise from logging
            logger.exception("cannot send window/logMessage")

    def log_exception(self, what: str) -> None:
        self.log(f"cnnlint: {what} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)

    # ---- options ----------------------------------------------------------------------------

    def apply_options(self, options: Any) -> bool:
        """``{"showInfo", "changeDelayMs", "checkTimeoutMs"}``, bare or under ``"cnnlint"``; True if changed."""
        if not isinstance(options, dict):
            return False
        if isinstance(options.get("cnnlint"), dict):
            options = options["cnnlint"]
        before = (self.show_info, self.change_delay, self.budget)
        if isinstance(options.get("showInfo"), bool):
            self.show_info = options["showInfo"]
        delay = options.get("changeDelayMs")
        if isinstance(delay, (int, float)) and not isinstance(delay, bool) and 0 <= delay <= 10_000:
            self.change_delay = delay / 1000.0
        budget = options.get("checkTimeoutMs")
        if isinstance(budget, (int, float)) and not isinstance(budget, bool) and 0 < budget <= 600_000:
            self.budget = budget / 1000.0
        return (self.show_info, self.change_delay, self.budget) != before

    def republish(self) -> None:
        """Check every open document again (settings changed)."""
        self.linted.clear()
        for uri in list(self.workspace.text_documents):
            if not uri.endswith(".toml"):
                self.request_check(uri, 0)

    # ---- scheduling -------------------------------------------------------------------------

    def request_check(self, uri: str, delay: float) -> None:
        """Check the document's latest version soon; superseded versions are never checked."""
        state = self.states.setdefault(uri, _DocState())
        state.dirty = True
        if state.timer is not None:
            state.timer.cancel()
            state.timer = None
        if state.running:
            return  # the running loop picks the latest version up when it finishes
        loop = asyncio.get_running_loop()
        if delay > 0:
            state.timer = loop.call_later(delay, self._start, uri)
        else:
            self._start(uri)

    def _start(self, uri: str) -> None:
        state = self.states.get(uri)
        if state is None or state.running:
            return
        state.timer = None
        state.running = True
        asyncio.ensure_future(self._check_loop(uri, state))

    async def _check_loop(self, uri: str, state: _DocState) -> None:
        try:
            while state.dirty:
                state.dirty = False
                document = self.workspace.text_documents.get(uri)
                if document is None:
                    break
                try:
                    linted = await self._lint(uri, document.source, document.version)
                except Exception:  # noqa: BLE001 - never crash: log, and show nothing rather than stale results
                    self.log_exception(f"checking {uri}")
                    linted = Linted(uri, document.version, document.source, Positions.of(document.source))
                if state.dirty or self.states.get(uri) is not state:
                    continue  # superseded (or closed) while it ran: never published
                self.linted[uri] = linted
                self._publish(linted)
                _wake(state)
        finally:
            state.running = False
            _wake(state)

    def _publish(self, linted: Linted) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=linted.uri, diagnostics=linted.lsp_diagnostics(), version=linted.version)
        )

    async def current(self, uri: str) -> Linted | None:
        """The result for the document's current text, waiting for the check under way (requests use it)."""
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        linted = self.linted.get(uri)
        if linted is not None and linted.text == document.source:
            return await self._with_records(linted)
        state = self.states.setdefault(uri, _DocState())
        if not state.running and not state.dirty:
            self.request_check(uri, 0)
        elif state.timer is not None:  # a debounced check: a request wants it now
            self._start(uri)
        waiter = asyncio.get_running_loop().create_future()
        state.waiters.append(waiter)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(waiter, self.budget + 2.0)
        linted = self.linted.get(uri)
        return None if linted is None else await self._with_records(linted)

    async def _with_records(self, linted: Linted) -> Linted:
        """Wait (at most the budget) for the hover/inlay records that follow the diagnostics."""
        records = linted.records
        if records is not None and not records.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(records), self.budget)
        if records is not None and records.done():
            # Attached here, not only by the done-callback: a request read before that callback ran
            # (both queued on the loop when the records arrived) would otherwise find no views.
            self._attach_records(linted, records)
        return linted

    def forget(self, uri: str) -> None:
        state = self.states.pop(uri, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()
        self.linted.pop(uri, None)
        self.good.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ---- checking ---------------------------------------------------------------------------

    async def _lint(self, uri: str, text: str, version: int | None) -> Linted:
        from cnnlint import per_file
        from cnnlint.rules import RULES

        path, real = self.settings.document_path(uri)
        settings = self.settings.settings_for(path)
        encoding = self.workspace.position_encoding or lsp.PositionEncodingKind.Utf16
        stamp = (settings, self.show_info)
        if real and per_file.is_excluded(settings, path):
            return Linted(uri, version, text, Positions.of(text, encoding), stamp=stamp)
        enabled = [
            code for code in RULES if per_file.is_enabled(settings, code, path) and (code != "CNL100" or self.show_info)
        ]
        job = {
            "data": encode_buffer(text),
            "filename": str(path),
            "enabled": enabled,
            "inputs": per_file.inputs_for(settings, path),
        }
        loop = asyncio.get_running_loop()
        key = _job_key(job)
        memo = self._memo.get(key)
        if memo is not None:  # the same bytes under the same settings: an undo, a save, a typo typed back
            self._memo.move_to_end(key)
            answer = memo[0]
            records: asyncio.Future = loop.create_future()
            records.set_result({"views": memo[1]})
        else:
            first: asyncio.Future = loop.create_future()

            def on_first(answer: dict) -> None:  # on the worker's thread
                loop.call_soon_threadsafe(lambda: first.done() or first.set_result(answer))

            records = asyncio.ensure_future(self.pool.check(job, self.budget, on_first))
            await asyncio.wait({first, records}, return_when=asyncio.FIRST_COMPLETED)
            try:
                answer = first.result() if first.done() else records.result()
            except Overrun:
                note = file_note(
                    str(path),
                    "CNL100",
                    f"not analysed: checking this file took longer than {self.budget:g} s "
                    "(the server's checkTimeoutMs); other files are not affected",
                )
                return Linted(uri, version, text, Positions.of(text, encoding), [note], stamp=stamp)
            except WorkerDied as died:
                note = file_note(
                    str(path),
                    "CNL998",
                    f"not analysed: cnnlint's checking process {died} on this file; please report it",
                    "error",
                )
                return Linted(uri, version, text, Positions.of(text, encoding), [note], stamp=stamp)
            if "error" not in answer:
                records.add_done_callback(lambda task: self._remember(key, answer, task))
        if "error" in answer:
            detail = answer.get("traceback") or answer["error"]
            self.log(f"cnnlint: checking {uri} failed: {detail}", lsp.MessageType.Error)
            return Linted(uri, version, text, Positions.of(text, encoding), stamp=stamp)
        linted = Linted(
            uri,
            version,
            text,
            Positions.of(text, encoding, answer["text"]),
            answer["diagnostics"],
            seconds=answer["seconds"],
            stamp=stamp,
        )
        linted.records = records
        records.add_done_callback(lambda task: self._attach_records(linted, task))
        if any(d.code == "CNL999" for d in linted.diagnostics):
            linted.parsed = False
            good = self.good.get(uri)
            if good is not None and good.stamp == stamp:
                rows = carry.row_map(good.text, text)
                linted.diagnostics = [d for d in linted.diagnostics if d.code == "CNL999"] + carry.carry_diagnostics(
                    good.diagnostics, rows
                )
                linted.carried = (good, rows)
        else:
            self.good[uri] = linted
        return linted

    def _remember(self, key: tuple, answer: dict, task: asyncio.Future) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        self._memo[key] = (answer, list(task.result().get("views", [])))
        while len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)

    def _attach_records(self, linted: Linted, task: asyncio.Future) -> None:
        """The hover/inlay records arrive after the diagnostics (or never: a worker over budget)."""
        if linted.attached:
            return
        linted.attached = True
        if task.cancelled() or task.exception() is not None:
            if task.exception() is not None and not isinstance(task.exception(), (Overrun, WorkerDied)):
                self.log(f"cnnlint: hover records for {linted.uri} failed: {task.exception()!r}")
            return
        answer = task.result()
        if linted.carried is not None:
            good, rows = linted.carried
            linted.views = carry.carry_views(good.views, rows)
        else:
            linted.views = list(answer.get("views", []))
        self._refresh_inlay_hints()

    def _refresh_inlay_hints(self) -> None:
        """Ask the editor to fetch inlay hints again: the shapes arrive after the diagnostics."""
        workspace = getattr(self.client_capabilities, "workspace", None)
        inlay = getattr(workspace, "inlay_hint", None)
        if not getattr(inlay, "refresh_support", False):
            return
        with contextlib.suppress(Exception):  # an editor that refuses is no reason to fail the check
            self.workspace_inlay_hint_refresh(None)


def _wake(state: _DocState) -> None:
    """Requests waiting for a document's result: there is one (or there will be none)."""
    waiters, state.waiters = state.waiters, []
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(None)


def _job_key(job: dict) -> tuple:
    inputs = job["inputs"]
    return (
        hashlib.blake2b(job["data"], digest_size=16).digest(),
        job["filename"],
        tuple(job["enabled"]),
        tuple(sorted((str(k), repr(v)) for k, v in inputs.items())) if isinstance(inputs, dict) else repr(inputs),
    )


def _guard(what: str, default: Callable[[], Any]) -> Callable[[F], F]:
    """Run a handler; an exception is logged and ``default()`` answered instead."""

    def decorate(func: F) -> F:
        if asyncio.iscoroutinefunction(func):

            @wraps(func)
            async def awrapper(server: CnnlintServer, params: Any) -> Any:
                try:
                    return await func(server, params)
                except Exception:  # noqa: BLE001 - never crash the server
                    server.log_exception(what)
                    return default()

            return awrapper  # type: ignore[return-value]

        @wraps(func)
        def wrapper(server: CnnlintServer, params: Any) -> Any:
            try:
                return func(server, params)
            except Exception:  # noqa: BLE001 - never crash the server
                server.log_exception(what)
                return default()

        return wrapper  # type: ignore[return-value]

    return decorate
