"""``cnnlint check [--force-exclude] [--no-cache] FILE.py...`` run without click: the pre-commit hook's call.

Importing click 8.5 costs about 55 ms, a third of checking a file with one model. This path runs the
command's own ``Run`` with the options' defaults, so its output and exit status are the full command
line's; anything it would answer differently (an option, an environment setting of the cache, a
configuration that does not load) is handed to the full command line instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from cnnlint.fastpath import plain_files

# The environment settings the click options read: with one of them set, click's path applies it.
_OPTION_ENVIRONMENT = ("CNNLINT_NO_CACHE", "CNNLINT_CACHE_DIR")


def try_plain_check(argv: list[str], *, console: bool = False) -> int | None:
    """The exit status, after printing the report; None when the full command line must answer."""
    use_cache = "--no-cache" not in argv
    plain = plain_files([a for a in argv if a != "--no-cache"])
    if plain is None or any(name in os.environ for name in _OPTION_ENVIRONMENT):
        return None
    names, force = plain
    from cnnlint.config import load_settings
    from cnnlint.config_file import find_config
    from cnnlint.settings import ConfigError

    paths = [Path(name) for name in names]
    try:
        settings = load_settings(find_config(paths[0]))
    except ConfigError:
        return None  # reported, with its exit status, by the full command line
    from cnnlint import schedule
    from cnnlint.runner import Run

    if console:
        schedule.settle_heap = True
    run = Run(settings=settings, force_exclude=force, use_cache=use_cache)
    run.check_paths(paths)
    return run.report("text")
