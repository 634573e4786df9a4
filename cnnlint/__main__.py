import os
import sys

# `python -m cnnlint` puts the working directory first on sys.path: a `typing.py` or
# `click.py` in the directory being checked would then be imported, i.e. run. cnnlint
# itself is already imported (its submodules load through the package's own path), so
# the entry can go before anything else is imported.
try:
    _cwd = os.getcwd()
except OSError:  # the working directory was deleted
    _cwd = None
if sys.path and sys.path[0] in ("", _cwd):
    del sys.path[0]

from cnnlint.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
