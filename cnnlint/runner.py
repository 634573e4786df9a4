"""A run over many files: discovery, per-file checks (in parallel when it pays), fixes, reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cnnlint import check
from cnnlint.check import NOT_ANALYSED, CheckOptions, FileResult
from cnnlint.diagnostics import Diagnostic
from cnnlint.records import dataclass, field
from cnnlint.rules import severity
from cnnlint.schedule import Tally, check_all
from cnnlint.source import read_regular_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def check_bytes(data: bytes, filename: str, options: CheckOptions | None = None) -> FileResult:
    """``check.check_bytes``, or ``notebook.check_notebook`` for an ``.ipynb`` (findings mapped to cells)."""
    if filename.endswith(".ipynb"):
        from cnnlint.notebook import check_notebook

        return check_notebook(data, filename, options)
    return check.check_bytes(data, filename, options)


def _err(message: str) -> None:
    print(f"cnnlint: {message}", file=sys.stderr)


@dataclass
class Run:
    settings: Any
    cli_inputs: dict[str, tuple] = field(default_factory=dict)
    show_info: bool = False
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False  # --unsafe-fixes: --fix also applies unsafe fixes
    force_exclude: bool = False  # --force-exclude: exclusions apply to paths named explicitly too
    respect_gitignore: bool = True  # --no-respect-gitignore turns it off
    runtime: bool = False
    runtime_timeout: float = 10.0
    keep_models: bool = False
    results: list[FileResult] = field(default_factory=list)
    failed: bool = False
    fixed: int = 0
    diffs: list[str] = field(default_factory=list)
    stdin_output: bytes | None = None
    use_cache: bool = True  # --no-cache turns it off; runs that need traces bypass it anyway
    cache_dir: str | None = None  # --cache-dir / CNNLINT_CACHE_DIR; else the setting, else .cnnlint_cache
    jobs: int | None = None  # --jobs; None: every CPU once there is enough to check
    tally: Tally = field(default_factory=Tally)
    stamps: dict[Path, Any] = field(default_factory=dict)  # path -> safewrite.Stamp, as read
    walked: list[Path] = field(default_factory=list)  # the directories walked: which inputs keys are checked
    nothing_found: bool = False  # the paths held no Python file: warned, and no "All checks passed!"

    def options_for(self, path: Path) -> CheckOptions:
        from cnnlint import per_file

        settings = self.settings
        show_info = self.show_info
        enabled: list[frozenset[str]] = []  # worked out once, when first asked

        def is_enabled(code: str) -> bool:
            if code == "CNL100" and not show_info and code not in getattr(settings, "named", ()):
                return False
            if not enabled:
                enabled.append(per_file.enabled_codes(settings, path))
            return code in enabled[0]

        return CheckOptions(
            cli_inputs=self.cli_inputs,
            config_inputs=per_file.inputs_for(settings, path),
            is_enabled=is_enabled,
            want_models=self.keep_models or self.runtime,
        )

    # ---- checking ---------------------------------------------------------

    def check_paths(self, paths: list[Path]) -> None:
        from cnnlint import per_file
        from cnnlint.discover import discover

        work: list[tuple[Path, bytes]] = []
        excluded = lambda p: per_file.is_excluded(self.settings, p)  # noqa: E731
        self.walked.extend(Path(os.path.abspath(p)) for p in paths if p.is_dir())
        problems = self.failed
        for found in discover(
            paths,
            excluded,
            force_exclude=self.force_exclude,
            respect_gitignore=self.respect_gitignore,
            is_included=lambda p: per_file.is_included(self.settings, p),
        ):
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
        if not work and self.failed == problems:  # as ruff: a warning, exit 0, and no "All checks passed!"
            print("cnnlint: warning: No Python files found under the given path(s)", file=sys.stderr)
            self.nothing_found = True
        for path, data, result in self._check_all(work):
            self._finish(path, data, result)

    def check_stdin(self, data: bytes, path: Path) -> None:
        from cnnlint import per_file

        if self.force_exclude and per_file.is_excluded(self.settings, path):
            self.stdin_output = data if self.fix else None
            return
        result = check_bytes(data, str(path), self.options_for(path))
        self._finish(path, data, result, stdin=True)

    def _check_all(self, work: list[tuple[Path, bytes]]):  # type: ignore[no-untyped-def]
        return check_all(self, work)  # the result cache, then this process or --jobs workers

    def _finish(self, path: Path, data: bytes, result: FileResult, stdin: bool = False) -> None:
        if self.runtime and result.models:
            from cnnlint.runtime import runtime_diagnostics

            extra = runtime_diagnostics(result, timeout=self.runtime_timeout)
            if str(path).endswith(".ipynb"):
                from cnnlint.notebook import map_diagnostics

                extra = map_diagnostics(data, extra)
            opts = self.options_for(path)
            result.diagnostics.extend(d for d in extra if opts.is_enabled(d.code))
            for d in extra:  # a model the runtime check could not finish (timeout): never silent
                if d.extra.get("runtime_failure") and not opts.is_enabled(d.code):
                    _err(f"{path}:{d.location.row}:{d.location.column}: {d.message}")
            result.diagnostics.sort(key=lambda d: d.sort_key)
        self._note_failure(path, result)
        if (self.fix or self.diff) and any(d.fix for d in result.diagnostics):
            from cnnlint.fix import fix_diffs, plan_fixes

            plan = plan_fixes(data, result.diagnostics, unsafe=self.unsafe_fixes, filename=str(path))
            if plan.refused:
                _err(f"{path}: {plan.refused}")
                self.failed = True
            if plan.count or self.diff:
                if self.diff:
                    self.diffs.extend(fix_diffs(str(path), data, result.diagnostics)[0])
                else:
                    if stdin:
                        self.stdin_output = plan.fixed
                    elif not self._write(path, data, plan.fixed):
                        self.results.append(result)
                        return
                    self.fixed += plan.count
                    result = check_bytes(plan.fixed, str(path), self.options_for(path))
                    self._note_failure(path, result)
        if stdin and self.fix and self.stdin_output is None:
            self.stdin_output = data  # nothing applied: the input goes back unchanged
        self.results.append(result)

    def _note_failure(self, path: Path, result: FileResult) -> None:
        """A file that failed makes the run exit 2, and an internal error says so on stderr too (SPEC §4):
        the CNL998 alone is lost in a JSON or SARIF report nobody reads when CI only shows the exit code."""
        if result.failed:
            self.failed = True
        if result.internal_error is not None:
            from cnnlint.check import ISSUES_URL

            message = " ".join(result.internal_error.split())
            _err(f"internal error while checking {path}: {message} (please report it at {ISSUES_URL})")

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

    def warn_inputs(self) -> None:
        """``--input`` and ``[tool.cnnlint.inputs]`` keys that no model took, on stderr (``cnnlint.unmatched``)."""
        from cnnlint.unmatched import cli_warnings, config_warnings

        if self.nothing_found:
            return
        for message in cli_warnings(self.cli_inputs, self.results) + config_warnings(
            self.settings, self.results, self.walked
        ):
            _err(f"warning: {message}")

    def closing_line(self) -> str:
        """How many models were checked, and how far (``cnnlint.checked``): the end of the text report's total."""
        from cnnlint.checked import closing_line

        records = [item for r in self.results for item in r.checked]
        skipped = sum(1 for r in self.results if any(_not_analysed(d) for d in r.diagnostics))
        return closing_line(records, len(self.results), show_info=self.show_info, not_analysed=skipped)

    def report(self, output_format: str, *, quiet: bool = False, statistics: bool = False) -> int:
        from cnnlint.report import render, render_statistics

        self.warn_inputs()
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
            stats_format = "json" if output_format == "json" else "text"
            sys.stdout.write(render_statistics(diagnostics, output_format=stats_format))
        else:
            # A path that could not be checked, or nothing to check, never ends in "All checks passed!".
            clean = not diagnostics and not self.fixed
            no_total = quiet or (clean and (self.failed or self.nothing_found))
            out = render(diagnostics, output_format, quiet=no_total, fixed=self.fixed)
            if output_format == "text" and not quiet and self.results:
                out = _with_count(out, self.closing_line(), joined=not no_total)
            if out:
                sys.stdout.write(out if out.endswith("\n") else out + "\n")
        sys.stdout.flush()
        if self.failed:
            return 2
        return 1 if any(severity(d.code) in ("error", "warning") for d in diagnostics) else 0

    def summary(self, output_format: str, depth: int | None = None) -> int:
        from cnnlint.report.summary_text import render_summary

        self.warn_inputs()
        sys.stdout.write(render_summary(self.results, output_format, runtime=self.runtime, depth=depth))
        sys.stdout.flush()
        if self.failed:
            return 2
        return 1 if any(severity(d.code) in ("error", "warning") for d in self.diagnostics) else 0


def _with_count(out: str, count: str, *, joined: bool) -> str:
    """The text report with how much was checked: on the total's line (SPEC §4: "then a one-line total",
    ``Found 1 error. Checked 3 models in 2 files (...)``), or alone where there is no total to join."""
    if joined and out.endswith("\n"):
        return f"{out[:-1]} {count}\n"
    return (out if not out or out.endswith("\n") else out + "\n") + count


def _not_analysed(d: Diagnostic) -> bool:
    """The CNL100 of a file written for a newer Python (read from the diagnostics: a cached result has them)."""
    return d.code == "CNL100" and d.message.startswith(NOT_ANALYSED)
