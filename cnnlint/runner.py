"""A run over many files: discovery, per-file checks (in parallel when it pays), fixes, reports."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cnnlint.check import CheckOptions, FileResult, check_bytes
from cnnlint.diagnostics import Diagnostic
from cnnlint.rules import severity
from cnnlint.source import read_regular_file

# Below this much model-bearing source, a second process costs more than it saves.
PARALLEL_MIN_BYTES = 400_000


def _err(message: str) -> None:
    print(f"cnnlint: {message}", file=sys.stderr)


@dataclass
class Run:
    settings: Any
    cli_inputs: dict[str, tuple] = field(default_factory=dict)
    show_info: bool = False
    fix: bool = False
    diff: bool = False
    runtime: bool = False
    runtime_timeout: float = 10.0
    keep_models: bool = False
    results: list[FileResult] = field(default_factory=list)
    failed: bool = False
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    stdin_output: bytes | None = None
    stamps: dict[Path, Any] = field(default_factory=dict)  # path -> safewrite.Stamp, as read

    def options_for(self, path: Path) -> CheckOptions:
        from cnnlint import config

        settings = self.settings
        show_info = self.show_info

        def is_enabled(code: str) -> bool:
            if code == "CNL100" and not show_info:
                return False
            return config.is_enabled(settings, code, path)

        return CheckOptions(
            cli_inputs=self.cli_inputs,
            config_inputs=config.inputs_for(settings, path),
            is_enabled=is_enabled,
            want_models=self.keep_models or self.runtime,
        )

    # ---- checking ---------------------------------------------------------

    def check_paths(self, paths: list[Path]) -> None:
        from cnnlint import config
        from cnnlint.discover import discover

        work: list[tuple[Path, bytes]] = []
        for found in discover(paths, lambda p: config.is_excluded(self.settings, p)):
            if found.problem:
                _err(f"{found.path}: {found.problem}")
                self.failed = True
                continue
            try:
                data, st = read_regular_file(found.path)
            except (OSError, ValueError) as err:
                _err(f"{found.path}: cannot read file: {getattr(err, 'strerror', None) or err}")
                self.failed = True
                continue
            if self.fix:
                from cnnlint.safewrite import Stamp

                self.stamps[found.path] = Stamp.of(st)
            work.append((found.path, data))
        for path, data, result in self._check_all(work):
            self._finish(path, data, result)

    def check_stdin(self, data: bytes, path: Path) -> None:
        result = check_bytes(data, str(path), self.options_for(path))
        self._finish(path, data, result, stdin=True)

    def _check_all(self, work: list[tuple[Path, bytes]]):  # type: ignore[no-untyped-def]
        from cnnlint.source import may_define_model

        heavy = sum(len(d) for _, d in work if may_define_model(d))
        jobs = min(os.cpu_count() or 1, 8)
        if heavy < PARALLEL_MIN_BYTES or jobs < 2 or self.keep_models or self.runtime:
            for path, data in work:
                yield path, data, check_bytes(data, str(path), self.options_for(path))
            return
        from concurrent.futures import ProcessPoolExecutor
        from dataclasses import replace

        # Jobs are pickled lazily, while results accumulate: send a copy without them,
        # or each job would carry every earlier file's text (quadratic in the run's size).
        light = replace(self, results=[], diffs=[], stdin_output=None, stamps={})
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_check_job, light, path, data) for path, data in work]
            for (path, data), future in zip(work, futures):
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its file only
                    result = check_bytes(data, str(path), self.options_for(path))
                    if not result.diagnostics and not result.failed:
                        _err(f"{path}: worker failed ({type(exc).__name__}); checked again in-process")
                yield path, data, result

    def _finish(self, path: Path, data: bytes, result: FileResult, stdin: bool = False) -> None:
        if self.runtime and result.models:
            from cnnlint.runtime import runtime_diagnostics

            extra = runtime_diagnostics(result, timeout=self.runtime_timeout)
            opts = self.options_for(path)
            result.diagnostics.extend(d for d in extra if opts.is_enabled(d.code))
            result.diagnostics.sort(key=lambda d: d.sort_key)
        if result.failed:
            self.failed = True
        if (self.fix or self.diff) and any(d.fix for d in result.diagnostics):
            from cnnlint.fix import plan_fix, unified_diff

            plan = plan_fix(data, result.diagnostics)
            if plan.refused:
                _err(f"{path}: {plan.refused}")
                self.failed = True
            if plan.count:
                if self.diff:
                    self.diffs.append(unified_diff(str(path), data, plan.fixed))
                else:
                    if stdin:
                        self.stdin_output = plan.fixed
                    elif not self._write(path, data, plan.fixed):
                        self.results.append(result)
                        return
                    self.fixed += plan.count
                    result = check_bytes(plan.fixed, str(path), self.options_for(path))
            elif stdin and self.fix:
                self.stdin_output = data
        elif stdin and self.fix:
            self.stdin_output = data
        self.results.append(result)

    def _write(self, path: Path, original: bytes, fixed: bytes) -> bool:
        """Write a fix safely (see ``cnnlint.safewrite``); False, with a message, when nothing was written."""
        from cnnlint.safewrite import Changed, write_fixed

        try:
            write_fixed(path, fixed, original, self.stamps.get(path))
        except Changed as err:
            _err(f"{path}: {err}")
            self.failed = True
            return False
        except OSError as err:
            _err(f"{path}: cannot write fix: {err.strerror or err}; the file is unchanged")
            self.failed = True
            return False
        return True

    # ---- reporting --------------------------------------------------------

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def report(self, output_format: str, *, quiet: bool = False, statistics: bool = False) -> int:
        from cnnlint.report import render, render_statistics

        diagnostics = self.diagnostics
        if self.diff:
            sys.stdout.write("".join(self.diffs))
            status = 1 if self.diffs else 0
            return 2 if self.failed else status
        if self.stdin_output is not None:
            sys.stdout.buffer.write(self.stdin_output)
            sys.stdout.flush()
            out = render(diagnostics, "text", quiet=True, fixed=self.fixed)
            if out:
                sys.stderr.write(out if out.endswith("\n") else out + "\n")
        elif statistics:
            sys.stdout.write(render_statistics(diagnostics))
        else:
            out = render(diagnostics, output_format, quiet=quiet, fixed=self.fixed)
            if out:
                sys.stdout.write(out if out.endswith("\n") else out + "\n")
        sys.stdout.flush()
        if self.failed:
            return 2
        return 1 if any(severity(d.code) in ("error", "warning") for d in diagnostics) else 0

    def summary(self, output_format: str) -> int:
        from cnnlint.report.summary import render_summary

        sys.stdout.write(render_summary(self.results, output_format, runtime=self.runtime))
        sys.stdout.flush()
        return 2 if self.failed else 0


def _check_job(run: Run, path: Path, data: bytes) -> FileResult:
    return check_bytes(data, str(path), run.options_for(path))
