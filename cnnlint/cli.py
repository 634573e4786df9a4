"""The entry point: a fast path for the commonest hook call, then the click commands.

A pre-commit hook runs ``cnnlint check a.py b.py`` on every commit, and most
files hold no model. Importing click and the command modules costs more than
checking such files, so a call with file arguments and no options is first
tried by ``cnnlint.fastpath``, which answers only "all clean" and hands
anything else to the full command line, so the two can never disagree.
"""

from __future__ import annotations

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

    status = try_fast_check(argv)
    if status is not None:
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


if __name__ == "__main__":
    main()
