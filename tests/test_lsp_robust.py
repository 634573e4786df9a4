"""The language server against hostile documents and bad JSON-RPC (issue 10, item 12).

The server runs with a test hook for a worker: a script that patches the
checker, then serves. A document holding ``# hostile: slow`` never finishes,
``# hostile: crash`` kills the worker with SIGSEGV (as libcst's native parser
can), ``# hostile: boom`` raises inside cnnlint, ``# hostile: memory`` asks for
3 GB. Other documents must keep
their diagnostics and hover throughout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lspclient import LspClient
from test_server import BUGGY, _by_code, _doc

pytest.importorskip("pygls")

BUDGET_MS = 4000

HOOKED_WORKER = """
import os, signal, time
import cnnlint.check
from cnnlint.lsp.worker import main

real = cnnlint.check.check_bytes

def hooked(data, *args, **kwargs):
    if b"# hostile: slow" in data:
        while True:
            time.sleep(0.05)
    if b"# hostile: crash" in data:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"# hostile: boom" in data:
        raise RuntimeError("boom from the test")
    if b"# hostile: memory" in data:
        hoard = bytearray(3 << 30)  # over the worker's address-space limit: MemoryError, not the machine's memory
    return real(data, *args, **kwargs)

cnnlint.check.check_bytes = hooked
main()
"""
HOOKED_SERVER = f"""
import sys
from cnnlint.lsp import serve
serve([sys.executable, "-c", {HOOKED_WORKER!r}])
"""


def _published(client: LspClient, uri: str) -> list[dict]:
    return [
        m for _, m in client.log if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]


def test_hostile_documents_do_not_block_others(tmp_path: Path) -> None:
    with LspClient(tmp_path, [sys.executable, "-c", HOOKED_SERVER]) as client:
        client.initialize(tmp_path, options={"checkTimeoutMs": BUDGET_MS})

        slow_text = BUGGY + "# hostile: slow\n"
        slow = _doc(tmp_path, "slow.py", slow_text)
        client.open(slow, slow_text)
        good = _doc(tmp_path, "good.py", BUGGY)
        client.open(good, BUGGY)

        # The good document is checked and hovered while the slow one is still running.
        assert _by_code(client.diagnostics(good), "CNL001")
        hover = client.request(
            "textDocument/hover", {"textDocument": {"uri": good}, "position": {"line": 4, "character": 10}}
        )
        assert hover is not None and "Conv2d" in hover["contents"]["value"]
        assert _published(client, slow) == []

        # The slow one gets one CNL100 saying so, whatever showInfo says.
        (note,) = client.diagnostics(slow, timeout=BUDGET_MS / 1000 + 20)
        assert note["code"] == "CNL100"
        assert note["severity"] == 3
        assert "longer than 4 s" in note["message"] and "not analysed" in note["message"]

        # A worker that dies: CNL998 for that document, and the next check gets a fresh worker.
        crash_text = BUGGY + "# hostile: crash\n"
        crash = _doc(tmp_path, "crash.py", crash_text)
        client.open(crash, crash_text)
        (died,) = client.diagnostics(crash)
        assert died["code"] == "CNL998" and "signal 11" in died["message"]

        # An exception inside cnnlint: logged, and no diagnostics rather than stale ones.
        boom_text = BUGGY + "# hostile: boom\n"
        boom = _doc(tmp_path, "boom.py", boom_text)
        client.open(boom, boom_text)
        assert client.diagnostics(boom) == []
        log = client.wait_for("window/logMessage", lambda p: "boom from the test" in p["message"])
        assert log["type"] == 1  # Error
        assert client.request("textDocument/inlayHint", {"textDocument": {"uri": boom}, "range": _all()}) == []

        memory_text = BUGGY + "# hostile: memory\n"
        memory = _doc(tmp_path, "memory.py", memory_text)
        client.open(memory, memory_text)
        assert client.diagnostics(memory) == []
        client.wait_for("window/logMessage", lambda p: "MemoryError" in p["message"])

        # Everything still works afterwards.
        client.change(good, BUGGY.replace("9216", "6400"), version=2)
        assert not _by_code(client.diagnostics(good, version=2), "CNL001")

        # Invalid params: a JSON-RPC error response, not silence.
        bad = client.call("textDocument/hover", {"textDocument": 5, "position": {"line": "x"}})
        assert bad["error"]["code"] == -32602
        assert "textDocument/hover" in bad["error"]["message"]
        missing = client.call("textDocument/inlayHint", {"textDocument": {"uri": good}})
        assert missing["error"]["code"] == -32602
        assert not [m for _, m in client.log if m.get("method") == "window/showMessage"]  # no popup either

        # exit without shutdown: status 1.
        client.notify("exit")
        assert client.proc.wait(15) == 1


def _all() -> dict:
    return {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}
