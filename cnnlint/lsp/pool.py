"""The server's side of the checking processes: start, send a job, wait at most the budget, kill.

Blocking calls here run on threads (``asyncio.to_thread``), never on the
protocol loop. A worker that overruns its budget or dies is killed and
replaced by a fresh one at the next job; its start-up (imports, ~0.3 s) is
waited for separately and never counted against a document's budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

from cnnlint.lsp.worker import write_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_HEADER = struct.Struct(">I")
START_TIMEOUT = 60.0  # seconds for a worker to import the pipeline on a loaded machine

# The worker never runs in the project's directory, nor with it first on sys.path (``-m`` would put it
# there, and so does an empty PYTHONPATH entry): a project's own ``typing.py`` or ``ast.py`` (the very
# files being edited) would be imported instead of the standard library's. It runs where cnnlint is.
_NEUTRAL_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKER_BOOT = (
    "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; import cnnlint.lsp.worker as w; w.main()"
)
DEFAULT_COMMAND = (sys.executable, "-c", WORKER_BOOT)


class Overrun(Exception):
    """The job took longer than its budget; the worker was killed."""


class WorkerDied(Exception):
    """The worker ended (a crash in native code, a kill) before answering."""


class Worker:
    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready = False
        self._lock = threading.Lock()
        self._ready_lock = threading.Lock()

    def start(self) -> None:
        """Start the process if it is not running (cheap when it is)."""
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                return
            self.ready = False
            self.proc = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,  # the server's stderr: the editor's log
                cwd=_NEUTRAL_DIR,
                close_fds=True,
            )

    def wait_ready(self) -> None:
        with self._ready_lock:
            self.start()
            if not self.ready:
                self._read(time.monotonic() + START_TIMEOUT)
                self.ready = True

    def run(self, job: dict, budget: float, on_first: Callable[[dict], None]) -> dict:
        """Hand the first answer (diagnostics) to ``on_first``; return the second (records).

        ``Overrun`` once ``budget`` seconds pass before both arrive; ``WorkerDied`` if the process ends.
        """
        self.wait_ready()
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        try:
            write_message(proc.stdin, job)
        except OSError:
            self.kill()
            raise WorkerDied(self._status()) from None
        deadline = time.monotonic() + budget
        on_first(self._read(deadline))
        return self._read(deadline)

    def _read(self, deadline: float) -> Any:
        import pickle

        proc = self.proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        header = self._read_exactly(fd, _HEADER.size, deadline)
        body = self._read_exactly(fd, _HEADER.unpack(header)[0], deadline)
        return pickle.loads(body)

    def _read_exactly(self, fd: int, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise Overrun
            readable, _, _ = select.select([fd], [], [], left)
            if not readable:
                continue
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                status = self._status()
                self.kill()
                raise WorkerDied(status)
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _status(self) -> str:
        proc = self.proc
        if proc is None:
            return "not started"
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(1)
        code = proc.returncode
        if code is None:
            return "stopped answering"
        if code < 0:
            return f"killed by signal {-code}"
        return f"exited with status {code}"

    def kill(self) -> None:
        with self._lock:
            proc, self.proc, self.ready = self.proc, None, False
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(5)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]


class Pool:
    """``size`` workers; a job waits for a free one. Different documents check in parallel.

    A document's next version goes to the worker that checked the last one: that
    worker keeps the document's parts and re-checks only what changed
    (``cnnlint.lsp.incremental``). When it is still sending the last version's
    hover records, the job waits for it rather than start cold elsewhere.
    """

    def __init__(self, command: Sequence[str] = DEFAULT_COMMAND, size: int = 2) -> None:
        self.workers = [Worker(command) for _ in range(size)]
        self._idle: list[Worker] = list(self.workers)
        self._free: asyncio.Semaphore | None = None
        self._last: dict[str, Worker] = {}  # document -> the worker that checked it last
        self._doing: dict[int, str] = {}  # id(worker) -> the document it is checking
        self._released: asyncio.Condition | None = None

    def warm(self, count: int = 1) -> None:
        """Start ``count`` workers in the background so that no check waits for imports."""
        todo = [w for w in self.workers[:count] if w.proc is None]
        if todo:
            threading.Thread(target=self._warm, args=(todo,), name="cnnlint-warm-up", daemon=True).start()

    @staticmethod
    def _warm(workers: list[Worker]) -> None:
        for worker in workers:  # one after another: start-up is CPU-bound
            with contextlib.suppress(Exception):
                worker.wait_ready()

    async def check(self, job: dict, budget: float, on_first: Callable[[dict], None]) -> dict:
        if self._free is None or self._released is None:
            self._free = asyncio.Semaphore(len(self.workers))
            self._released = asyncio.Condition()
            self.warm(len(self.workers))  # the first check: the others are ready before they are needed
        document = job.get("filename", "")
        preferred = self._last.get(document)
        if preferred is not None and self._doing.get(id(preferred)) == document:
            async with self._released:  # finishing this document's last version: its parts are the freshest
                await self._released.wait_for(lambda: self._doing.get(id(preferred)) != document)
        async with self._free:
            worker = preferred if preferred in self._idle else self._idle[0]
            self._idle.remove(worker)
            self._doing[id(worker)] = document
            self._last[document] = worker
            try:
                return await asyncio.to_thread(worker.run, job, budget, on_first)
            finally:
                self._doing.pop(id(worker), None)
                self._idle.insert(0, worker)
                async with self._released:
                    self._released.notify_all()

    def close(self) -> None:
        for worker in self.workers:
            worker.kill()
