"""A small LSP client for tests and benchmarks: runs a server over stdio, frames JSON-RPC messages.

Responses and notifications are read on a thread; every wait has a timeout, so
a broken server fails a test instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15.0


class LspClient:
    """Just enough of an LSP client: requests with ids, notifications, a reader thread."""

    def __init__(self, cwd: Path, command: list[str] | None = None) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            command or [sys.executable, "-m", "cnnlint", "server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(cwd),
            env=env,
            start_new_session=True,  # the server and its workers in one group, killed together
        )
        self._next_id = 0
        self.log: list[tuple[float, dict]] = []  # (arrival time, message) for every notification
        self._responses: dict[int, dict] = {}
        self._notifications: list[dict] = []
        self._cond = threading.Condition()
        self._stderr: list[bytes] = []
        self._closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ---- wire -----------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                if length is None:
                    continue
                message = json.loads(stream.read(length))
                with self._cond:
                    if "id" in message and "method" not in message:
                        self._responses[message["id"]] = message
                    elif "id" in message:  # a request from the server: answer it emptily
                        self._send({"id": message["id"], "result": None})
                        self._notifications.append(message)
                    else:
                        self._notifications.append(message)
                        self.log.append((time.perf_counter(), message))
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        with contextlib.suppress(OSError, ValueError):  # closed by kill()
            for chunk in iter(lambda: self.proc.stderr.read1(4096), b""):  # type: ignore[union-attr]
                self._stderr.append(chunk)

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    # ---- API ------------------------------------------------------------------------------

    def notify(self, method: str, params: dict | None = None) -> None:
        self._send({"method": method, "params": params or {}})

    def request(self, method: str, params: dict | None = None, timeout: float = TIMEOUT) -> object:
        response = self.call(method, params, timeout)
        assert "error" not in response, response
        return response.get("result")

    def call(self, method: str, params: object = None, timeout: float = TIMEOUT) -> dict:
        """The whole response to a request (``result`` or ``error``); ``params`` is sent as given."""
        self._next_id += 1
        msg_id = self._next_id
        self._send({"id": msg_id, "method": method, "params": {} if params is None else params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while msg_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError(f"no answer to {method} within {timeout}s; stderr:\n{self.stderr}")
                self._cond.wait(left)
            return self._responses.pop(msg_id)

    def wait_for(self, method: str, predicate=lambda params: True, timeout: float = TIMEOUT) -> dict:
        """The first unconsumed notification ``method`` whose params satisfy ``predicate`` (consumed)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for index, message in enumerate(self._notifications):
                    if message.get("method") == method and predicate(message.get("params")):
                        del self._notifications[index]
                        return message["params"]
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError(
                        f"no {method} within {timeout}s; got {self._notifications!r}; stderr:\n{self.stderr}"
                    )
                self._cond.wait(left)

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = TIMEOUT) -> list[dict]:
        def match(params: dict) -> bool:
            return params["uri"] == uri and (version is None or params.get("version") == version)

        return self.wait_for("textDocument/publishDiagnostics", match, timeout)["diagnostics"]

    def initialize(self, root: Path, capabilities: dict | None = None, options: dict | None = None) -> dict:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities if capabilities is not None else {},
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        assert isinstance(result, dict)
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}},
        )

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def shutdown(self, timeout: float = TIMEOUT) -> int:
        self.request("shutdown", None)
        self.notify("exit")
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # as an editor does: the server's reader sees the end of its input
        try:
            return self.proc.wait(timeout)
        finally:
            self.kill()

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        # A worker the server left running (the hostile test's endless one) would hold the server's pipes
        # open, and closing them below would then wait for an end of file that never comes.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
