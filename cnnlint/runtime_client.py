"""The parent's side of the torch worker (``runtime_worker.py``): one process, started once (early, so
that importing torch overlaps the static pass), asked one model at a time, killed and started again when
a model exceeds its time limit, and not tried again in the run once torch could not load."""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from cnnlint.runtime_worker import read_frame, write_frame

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.runtime import ModelCheck

WORKER_FILE = Path(__file__).with_name("runtime_worker.py")
STARTUP_TIMEOUT = 120.0  # importing torch on a cold disk


class WorkerError(Exception):
    pass


class WorkerStartError(WorkerError):
    """torch could not be loaded at all: not tried again in this run."""


class Worker:
    """One torch process; requests go one at a time."""

    def __init__(self) -> None:
        boot = (
            "import sys, runpy; "
            "sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
            f"runpy.run_path({str(WORKER_FILE)!r}, run_name='__main__')"
        )
        debug = os.environ.get("CNNLINT_RUNTIME_DEBUG")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", boot],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            cwd=str(WORKER_FILE.parent),
        )
        self.answers: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="cnnlint-runtime-reader", daemon=True)
        self.reader.start()
        self.ready: bool | None = None
        self.error: str | None = None

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            try:
                message = read_frame(stream)
            except BaseException:  # noqa: BLE001 - EOF, a broken pipe, a bad message: the worker is gone
                self.answers.put(EOFError)
                return
            self.answers.put(message)

    def wait_ready(self) -> None:
        if self.ready:
            return
        if self.ready is False:
            raise WorkerStartError(self.error or "the torch worker did not start")
        try:
            message = self.answers.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            message = {"ready": False, "error": f"torch did not load within {STARTUP_TIMEOUT:g} s"}
        if message is EOFError:
            message = {"ready": False, "error": f"the torch worker exited ({self._exit_code()})"}
        self.ready = bool(message.get("ready"))
        if not self.ready:
            self.error = message.get("error") or "the torch worker did not start"
            self.kill()
            raise WorkerStartError(self.error)

    def request(self, payload: Mapping[str, Any], timeout: float) -> dict:
        """Send one model; raises TimeoutError (the worker is then killed) or WorkerError."""
        self.wait_ready()
        try:
            write_frame(self.proc.stdin, payload)  # type: ignore[arg-type]
        except (OSError, ValueError) as exc:
            self.kill()
            raise WorkerError(f"the torch worker is gone ({exc})") from None
        try:
            answer = self.answers.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            self.kill()
            raise TimeoutError from None
        if answer is EOFError:
            self.kill()
            raise WorkerError(f"the torch worker exited ({self._exit_code()})")
        return answer

    def _exit_code(self) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "still running"
        return f"exit status {code}"

    @property
    def alive(self) -> bool:
        return self.ready is not False and self.proc.poll() is None

    def kill(self) -> None:
        self.ready = False
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def close(self) -> None:
        """Ask the worker to finish; kill it if it does not (at once if it is still loading torch)."""
        if self.ready is None and self.answers.empty():
            self.kill()  # started early and never asked: nothing to finish
            return
        if self.proc.poll() is None:
            try:
                write_frame(self.proc.stdin, None)  # type: ignore[arg-type]
                self.proc.stdin.close()  # type: ignore[union-attr]
                self.proc.wait(timeout=0.5)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        self.kill()


_lock = threading.RLock()
_worker: Worker | None = None
_broken: str | None = None  # why torch could not be loaded, once it failed


def start_worker() -> None:
    """Start the torch worker now, so that importing torch overlaps the static pass. Never blocks."""
    global _worker
    with _lock:
        if _broken is None and (_worker is None or not _worker.alive):
            _worker = Worker()


def _get_worker() -> Worker:
    if _broken is not None:
        raise WorkerStartError(_broken)
    start_worker()
    assert _worker is not None
    return _worker


@atexit.register
def shutdown() -> None:
    """Stop the worker (at exit, or from tests)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.close()
            _worker = None


def _ask(request: dict, timeout: float, check: ModelCheck) -> dict:
    """The worker's answer; on failure, sets ``check.failure`` and returns an empty answer."""
    global _broken
    with _lock:
        try:
            return _get_worker().request(request, timeout)
        except TimeoutError:
            check.failure = f"runtime check timed out after {timeout:g} s"
        except WorkerError as exc:
            if isinstance(exc, WorkerStartError):
                _broken = str(exc)
            check.failure = f"runtime check unavailable: {exc}"
            _warn_once(str(exc))
    return {}


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"cnnlint: --runtime: {message}", file=sys.stderr)
