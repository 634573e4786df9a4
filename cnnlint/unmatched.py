"""Input sizes given for models that do not take them: reported on stderr, never silently ignored (SPEC §2).

A ``--input NAME=...`` or ``[tool.cnnlint.inputs]`` key is reported when

- it names no model of the files it applies to (a typo, a renamed model):
  the warning names the key and the models that exist;
- it names a model whose input the file itself declares: SPEC §2's "first
  match wins" puts the pragma and the tensor the code builds before the
  command line and the configuration, so the key is not used, and says so.

- its path part matches no file the run checked, where the run walked a
  directory holding every file it could name (``model/a.py::net`` for
  ``models/a.py``, ``cnnlint check .``): the warning suggests the closest path.

A run that did not walk such a directory (a pre-commit run names a few files)
says nothing about keys for files it was not given, and a bare ``NAME`` key
is checked only when the run walked a directory. The models come from
``FileResult.checked``, so results taken from the cache count too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_NAMES = 12
_FROM_FILE = {"pragma": "the pragma", "inferred": "the file itself (a tensor it feeds the model, or its timm config)"}


def _names(results: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for r in results:
        for item in r.checked:
            seen.setdefault(item[0], None)
    return list(seen)


def _listing(names: list[str]) -> str:
    if not names:
        return "no model was found"
    shown = ", ".join(names[:MAX_NAMES])
    more = f", ... ({len(names) - MAX_NAMES} more)" if len(names) > MAX_NAMES else ""
    return f"the models are: {shown}{more}"


def _dims(value: Any) -> str:
    return ",".join(str(d) for d in value) if isinstance(value, (tuple, list)) else str(value)


def _not_used(results: list[Any], name: str, source: str, what: str) -> list[str]:
    """``what`` is not used where the file declared ``name``'s input before it in SPEC §2's order."""
    out = []
    for r in results:
        for item in r.checked:
            if item[0] == name and item[2] in _FROM_FILE:
                where = f" on line {item[3]}" if item[3] is not None else ""
                out.append(
                    f"{what} is not used for {name} in {r.filename}: its input comes from "
                    f"{_FROM_FILE[item[2]]}{where}, which comes first (first match wins: pragma, code, {source})"
                )
    return out


def cli_warnings(cli_inputs: dict[str, Any], results: list[Any]) -> list[str]:
    """``--input`` keys: each applies to every file of the run."""
    out: list[str] = []
    names = _names(results)
    for key, dims in cli_inputs.items():
        what = f"--input {key}={_dims(dims)}"
        if key not in names:
            out.append(f"{what} matches no model; {_listing(names)}")
        else:
            out.extend(_not_used(results, key, "--input", what))
    return out


def config_warnings(settings: Any, results: list[Any], walked: Sequence[Path]) -> list[str]:
    """``[tool.cnnlint.inputs]`` keys, against the files each applies to; ``walked``: the directories walked."""
    from cnnlint.per_file import input_key_applies

    out: list[str] = []
    for key in getattr(settings, "inputs", {}):
        path, _, name = key.rpartition("::")
        what = f'[tool.cnnlint.inputs] "{key}"'
        applies = [r for r in results if not path or input_key_applies(settings, path, Path(r.filename))]
        if not applies:
            if path and _walked_over(settings, path, walked):
                hint = _closest(settings, path, results)
                out.append(f'{what} matches no model: no file checked matches "{path}"{hint}')
            continue
        if not path and not walked:
            continue
        names = _names(applies)
        if name not in names:
            where = f" in {applies[0].filename}" if len(applies) == 1 else ""
            out.append(f"{what} matches no model{where}; {_listing(names)}")
        else:
            out.extend(_not_used(applies, name, "configuration", what))
    return out


def _walked_over(settings: Any, path: str, walked: Sequence[Path]) -> bool:
    """Whether a walked directory holds every file ``path`` can name (``per_file.input_key_scope``)."""
    from cnnlint.pathmatch import _relative_parts
    from cnnlint.per_file import input_key_scope

    scope = Path(settings.root, input_key_scope(settings, path))
    return any(_relative_parts(scope, directory) is not None for directory in walked)


def _closest(settings: Any, path: str, results: list[Any]) -> str:
    """`` (did you mean "models/a.py"?)`` when a checked file's path is close to the key's (not a glob's)."""
    from cnnlint.pathmatch import _relative_parts

    if any(c in path for c in "*?["):
        return ""

    checked = ["/".join(parts) for r in results if (parts := _relative_parts(r.filename, settings.root))]
    import difflib  # only for a message: not imported by every run

    close = difflib.get_close_matches(path.replace(os.sep, "/").removeprefix("./"), checked, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
