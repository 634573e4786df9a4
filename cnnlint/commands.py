"""The click commands. Heavy modules (torch, pygls, libcst) load only inside the commands that need them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cnnlint import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OUTPUT_FORMATS = ("text", "concise", "json", "github", "sarif")


class UsageFailure(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"cnnlint: error: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cnnlint")
def cli() -> None:
    """Find PyTorch shape bugs before anything runs."""


def _parse_inputs(values: tuple[str, ...]) -> dict[str, tuple]:
    from cnnlint.inputs import parse_shape

    inputs: dict[str, tuple] = {}
    for value in values:
        name, sep, shape = value.partition("=")
        if not sep or not name.strip():
            raise UsageFailure(f"--input takes NAME=SHAPE (e.g. net=1,3,224,224), got {value!r}")
        try:
            inputs[name.strip()] = parse_shape(shape)
        except ValueError as err:
            raise UsageFailure(f"--input {value!r}: {err}") from None
    return inputs


def _split_codes(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _settings(config: str | None, first_path: Path, select, ignore, extend_select) -> Any:
    from cnnlint.config import load_settings
    from cnnlint.config_file import find_config
    from cnnlint.settings import ConfigError

    try:
        config_path = Path(config) if config else find_config(first_path)
        return load_settings(
            config_path,
            cli_select=_split_codes(select),
            cli_ignore=_split_codes(ignore),
            cli_extend_select=_split_codes(extend_select),
        )
    except ConfigError as err:
        raise UsageFailure(str(err)) from None


def _timeout(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A positive, finite number of seconds (``inf``, ``nan``, 0 and negatives are refused, exit 2)."""
    import math

    if not math.isfinite(value) or value <= 0 or value > 86_400:
        raise UsageFailure(f"--runtime-timeout must be a positive number of seconds (at most 86400), got {value!r}")
    return value


@cli.command(short_help="Check files or directories for shape bugs.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True)
@click.option("--fix", is_flag=True, help="Apply safe fixes in place (CNL001 in_features, CNL002 channels).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix, also apply the unsafe fixes.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff (unsafe ones labelled) instead.")
@click.option("--stdin-filename", help="Lint standard input as if it were this file (for editors).")
@click.option("--runtime", is_flag=True, help="Also build each model with torch on the meta device and compare.")
@click.option(
    "--runtime-timeout", type=float, default=10.0, show_default=True, callback=_timeout, help="Seconds per model."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable (comma-separated).")
@click.option("--extend-select", multiple=True, help="Codes to enable on top of the selection.")
@click.option("--show-info", is_flag=True, help="Also show CNL100: where shape following stopped.")
@click.option("--input", "inputs", multiple=True, metavar="NAME=SHAPE", help="Input size of a model: net=1,3,224,224.")
@click.option("--config", type=click.Path(dir_okay=False), help="Use this pyproject.toml.")
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary line.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per code.")
@click.option("--force-exclude", is_flag=True, help="Apply exclude settings to paths named explicitly (pre-commit).")
@click.option("--no-respect-gitignore", is_flag=True, help="Also walk into what .gitignore files ignore.")
@click.option("--no-cache", is_flag=True, envvar="CNNLINT_NO_CACHE", help="Check every file; read and write no cache.")
@click.option("--cache-dir", envvar="CNNLINT_CACHE_DIR", help="Cache directory (default: .cnnlint_cache at the root).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the CPUs, when it pays).")
@click.option("-v", "--verbose", is_flag=True, help="Also print how many files were checked and taken from cache.")
def check(
    paths: tuple[Path, ...],
    output_format: str,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    stdin_filename: str | None,
    runtime: bool,
    runtime_timeout: float,
    exit_zero: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    show_info: bool,
    inputs: tuple[str, ...],
    config: str | None,
    quiet: bool,
    statistics: bool,
    force_exclude: bool,
    no_respect_gitignore: bool,
    no_cache: bool,
    cache_dir: str | None,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Check PATHS (files or directories; default: .) for shape bugs; `-` reads standard input."""
    from cnnlint.runner import Run

    if stdin_filename and any(str(p) != "-" for p in paths):  # "-" names standard input itself
        names = " ".join(str(p) for p in paths if str(p) != "-")
        raise UsageFailure(f"--stdin-filename reads standard input: give no other paths with it (got {names})")
    if stdin_filename:
        paths = ()
    if runtime:
        _require_torch()
        from cnnlint.runtime_client import start_worker

        start_worker()  # torch loads in the worker while this process reads and checks the files
    if not stdin_filename and list(paths) == [Path("-")]:
        stdin_filename = "-"  # `cnnlint check -`: standard input, named "-"
    targets = list(paths) or ([] if stdin_filename else [Path(".")])
    first = Path(stdin_filename) if stdin_filename else targets[0]
    settings = _settings(config, first, select, ignore, extend_select)
    run = Run(
        settings=settings,
        cli_inputs=_parse_inputs(inputs),
        show_info=show_info,
        fix=fix and not diff,
        diff=diff,
        unsafe_fixes=unsafe_fixes,
        force_exclude=force_exclude,
        respect_gitignore=not no_respect_gitignore,
        runtime=runtime,
        runtime_timeout=runtime_timeout,
        use_cache=not no_cache,
        cache_dir=cache_dir,
        jobs=jobs,
    )
    if stdin_filename:
        from cnnlint.source import MAX_FILE_BYTES

        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)  # bounded: `< /dev/zero` is refused, not read
        if len(data) > MAX_FILE_BYTES:
            raise UsageFailure(f"standard input is larger than {MAX_FILE_BYTES} bytes")
        run.check_stdin(data, Path(stdin_filename))
    else:
        run.check_paths(targets)
        if verbose:
            click.echo(run.tally.line(), err=True)
    status = run.report(output_format, quiet=quiet, statistics=statistics)
    if exit_zero and status == 1:
        status = 0
    sys.exit(status)


def _require_torch() -> None:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise UsageFailure("--runtime needs torch: pip install torch (or the runtime extra: pip install '.[runtime]')")


@cli.command(short_help="Per-layer shapes, parameters and MACs of each model.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--input", "inputs", multiple=True, metavar="NAME=SHAPE", help="Input size of a model.")
@click.option("--runtime", is_flag=True, help="Confirm each layer's shape with torch on the meta device.")
@click.option("--runtime-timeout", type=float, default=10.0, show_default=True, callback=_timeout)
@click.option("--config", type=click.Path(dir_okay=False))
@click.option(
    "--depth", type=click.IntRange(min=1), help="Show the module tree this many levels deep (totals stay whole)."
)
def summary(
    paths: tuple[Path, ...], output_format: str, inputs: tuple[str, ...], runtime: bool, runtime_timeout: float,
    config: str | None, depth: int | None,
) -> None:  # fmt: skip
    """Per-layer output shapes, parameters and MACs of every model in PATHS (default: .).

    Exits 1 when a layer has an error or a warning, as `check` does.
    """
    from cnnlint.runner import Run

    if runtime:
        _require_torch()
        from cnnlint.runtime_client import start_worker

        start_worker()  # torch loads in the worker while this process reads and checks the files
    paths = paths or (Path("."),)
    settings = _settings(config, paths[0], (), (), ())
    run = Run(settings=settings, cli_inputs=_parse_inputs(inputs), keep_models=True, runtime=runtime,
              runtime_timeout=runtime_timeout)  # fmt: skip
    run.check_paths(list(paths))
    sys.exit(run.summary(output_format, depth=depth))


@cli.command(short_help="Print a rule's documentation, or list every rule.")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(("text", "json", "markdown")), default="text", show_default=True)
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Print the documentation of rule CODE (e.g. CNL001); `--all --output-format markdown` writes docs/rules.md."""
    from cnnlint.rules import RULES, render_rule, rules_json

    if show_all:
        if output_format == "markdown":
            from cnnlint.rules_doc import render_markdown

            click.echo(render_markdown(), nl=False)
        elif output_format == "json":
            click.echo(rules_json(list(RULES.values())))
        else:
            for r in RULES.values():
                click.echo(f"{r.code}  {r.name:<22} {r.severity:<8} {r.summary}")
        return
    if not code:
        raise UsageFailure("name a rule code (e.g. cnnlint rule CNL001) or use --all")
    found = RULES.get(code.upper())
    if found is None:
        raise UsageFailure(f"unknown rule code {code!r}; `cnnlint rule --all` lists them")
    click.echo(rules_json([found]) if output_format == "json" else render_rule(found))


@cli.command(short_help="Run the language server over stdio (LSP).")
def server() -> None:
    """Run the language server over stdio (needs pygls: pip install "pygls>=2,<3")."""
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        raise UsageFailure('the language server needs pygls: pip install "pygls>=2,<3" (the lsp extra)')
    from cnnlint.server import serve

    serve()
