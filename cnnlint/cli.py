"""The entry point: a fast path for the commonest hook call, then the click commands.

A pre-commit hook runs ``cnnlint check a.py b.py`` on every commit, and most
files hold no model. Importing click and the command modules costs more than
checking such files, so a call with file arguments and no options is first
tried by ``cnnlint.fastpath``, which answers only "all clean", then by
``cnnlint.plain_check``, which runs the check command's own code with its
defaults; anything else goes to the full command line.
"""

from __future__ import annotations

import os
import sys


def __getattr__(name: str) -> object:
    if name == "cli":
        from cnnlint.commands import cli

        return cli
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    console = argv is None  # the console command: a process that checks and exits
    argv = sys.argv[1:] if argv is None else argv
    from cnnlint.fastpath import try_fast_check
    from cnnlint.plain_check import try_plain_check

    try:
        status = try_fast_check(argv)
        if status is None:
            status = try_plain_check(argv, console=console)
    except KeyboardInterrupt:
        sys.exit(130)
    if status is not None:
        if console and _process_is_the_command():
            _leave(status)
        sys.exit(status)
    if console:
        from cnnlint import schedule

        schedule.settle_heap = True
    import click

    from cnnlint.commands import cli

    try:
        cli.main(args=argv, standalone_mode=False, prog_name="cnnlint")
    except click.UsageError as exc:
        exc.show()
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)


def _process_is_the_command() -> bool:
    """Is this process the ``cnnlint`` console script or ``python -m cnnlint`` (not a program calling main)?"""
    entry = sys.modules.get("__main__")
    spec = getattr(entry, "__spec__", None)
    if spec is not None:
        return spec.name == "cnnlint.__main__"
    return os.path.basename(getattr(entry, "__file__", None) or "") == "cnnlint"


def _leave(status: int) -> None:
    """Exit without tearing down the interpreter: a checking process has nothing left to release, and
    freeing its ~250 modules and their objects one by one costs ~15 ms of a 160 ms hook call. Only when
    the process is the command itself: a program that calls ``main()`` still gets its ``SystemExit``."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: leave as Python would, reporting nothing more
        sys.exit(status)
    os._exit(status)


if __name__ == "__main__":
    main()
