"""Where each file of a run is checked: taken from the result cache, in this process, or in workers.

Results come back in the order the files were found, whatever the number of
workers, so the output of ``--jobs 4`` is the output of ``--jobs 1``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

from cnnlint.check import FileResult
from cnnlint.records import dataclass, replace

TYPE_CHECKING = False


def check_bytes(data: bytes, filename: str, options: Any) -> FileResult:
    """One file, as the runner checks it (a notebook through ``cnnlint.notebook``)."""
    from cnnlint.runner import check_bytes as check_file

    global _files_checked
    if settle_heap and _files_checked:  # the previous file's garbage, now that another file follows
        _settle()
    _files_checked += 1
    return check_file(data, filename, options)


# A process that only checks files, one after another (a worker, the command line): before each file after
# the first, the previous one's cyclic garbage is collected once, then what survives it (parse caches,
# cnnlint's own modules) is frozen out of the collector's sight; a single file pays nothing. Without this,
# every later collection walked the survivors again: 30% of the time spent collecting on torchvision +
# timm. Off in long-lived processes (the editor, tests), where frozen objects that later become cyclic
# garbage would never be freed.
settle_heap = False
_files_checked = 0


def _settle() -> None:
    import gc

    gc.collect()
    gc.freeze()
    gc.disable()  # the next file's garbage waits for the next settling: walked once, not by each collection


if TYPE_CHECKING:
    from typing import Any

    from cnnlint.cache import ResultCache
    from cnnlint.runner import Run

# Without --jobs: below this much model-bearing source to check, a second process costs more than it saves.
PARALLEL_MIN_BYTES = 400_000


@dataclass
class Tally:
    """What a run did, for ``--verbose`` and the benchmarks."""

    files: int = 0
    checked: int = 0
    cached: int = 0
    workers: int = 1
    cache: str = "off"  # the cache directory, "off", or "off (runs that need traces bypass it)"

    def line(self) -> str:
        return (
            f"cnnlint: {self.files} files: {self.checked} checked, {self.cached} from cache; "
            f"{self.workers} worker{'s' if self.workers != 1 else ''}; cache: {self.cache}"
        )


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except OSError:  # pragma: no cover
            pass
    return os.cpu_count() or 1


def check_all(run: Run, work: list[tuple[Path, bytes]]) -> Iterator[tuple[Path, bytes, FileResult]]:
    """(path, data, result) for every file of ``work``, in order; fills ``run.tally``."""
    tally = run.tally
    tally.files += len(work)
    options = [run.options_for(path) for path, _ in work]
    results: list[FileResult | None] = [None] * len(work)
    cache = _open_cache(run)
    if cache is not None:
        for i, (path, data) in enumerate(work):
            results[i] = cache.lookup(path, data, options[i])
    todo = [i for i, result in enumerate(results) if result is None]
    tally.cached += len(work) - len(todo)
    tally.checked += len(todo)
    workers = _workers(run, work, todo)
    tally.workers = max(tally.workers, workers)
    if workers > 1:
        checked = _in_workers(run, work, todo, workers)
    else:
        checked = ((i, check_bytes(work[i][1], str(work[i][0]), options[i])) for i in todo)
    done = 0
    for i, result in checked:
        results[i] = result
        if cache is not None:
            cache.store(work[i][0], work[i][1], options[i], result)
        while done < len(work) and results[done] is not None:  # on in the order found, as soon as possible
            yield (*work[done], results[done])  # type: ignore[misc]
            done += 1
    for k in range(done, len(work)):
        yield (*work[k], results[k])  # type: ignore[misc]
    if cache is not None:
        cache.flush()
    if cache is not None and not cache.writable:
        tally.cache = f"{cache.root} (not writable: this run was not cached)"


def _open_cache(run: Run) -> ResultCache | None:
    if not run.use_cache:
        return None
    if run.keep_models or run.runtime:
        run.tally.cache = "off (runs that need traces bypass it)"
        return None
    from cnnlint.cache import open_cache

    cache = open_cache(run.settings, run.cache_dir)
    run.tally.cache = str(cache.root)
    return cache


def _workers(run: Run, work: list[tuple[Path, bytes]], todo: list[int]) -> int:
    """``--jobs`` if given, else every CPU once enough model source waits; never more than the files."""
    if len(todo) < 2 or run.keep_models or run.runtime:
        return 1  # traces stay in this process
    if run.jobs is not None:
        return min(run.jobs, len(todo))
    from cnnlint.source import may_define_model

    heavy = sum(len(work[i][1]) for i in todo if may_define_model(work[i][1]))
    if heavy < PARALLEL_MIN_BYTES:
        return 1
    return min(cpu_count(), len(todo))


def _in_workers(
    run: Run, work: list[tuple[Path, bytes]], todo: list[int], workers: int
) -> Iterator[tuple[int, FileResult]]:
    from concurrent.futures import ProcessPoolExecutor

    # The run goes to each worker once; it must not carry results (each job would pickle them all).
    light = replace(run, results=[], diffs=[], stdin_output=None)
    order = sorted(todo, key=lambda i: -len(work[i][1]))  # biggest first: the workers finish together
    pool = None
    try:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(light,))
        futures = {i: pool.submit(_check_job, str(work[i][0]), work[i][1]) for i in order}
    except (OSError, NotImplementedError, ImportError, RuntimeError):  # no processes here (a sandbox): serial
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        for i in todo:
            yield i, check_bytes(work[i][1], str(work[i][0]), run.options_for(work[i][0]))
        return
    with pool:
        for i in todo:
            path, data = work[i]
            try:
                result = futures[i].result()
            except Exception as exc:  # noqa: BLE001 - a dead worker fails its file only
                result = check_bytes(data, str(path), run.options_for(path))
                if not result.diagnostics and not result.failed:
                    print(f"cnnlint: {path}: worker failed ({type(exc).__name__}); checked again in-process",
                          file=sys.stderr)  # fmt: skip
            yield i, result


_worker_run: Any = None


def _init_worker(run: Run) -> None:
    global _worker_run, settle_heap
    _worker_run = run
    settle_heap = True


def _check_job(filename: str, data: bytes) -> FileResult:
    result = check_bytes(data, filename, _worker_run.options_for(Path(filename)))
    result.text = None  # nobody reads it on this path, and it would double what comes back
    return result
