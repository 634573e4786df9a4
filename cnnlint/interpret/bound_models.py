"""The models a file binds to names: ``net = ...`` at module level, and instances built under a pragma.

Step 2 of ``cnnlint.interpret.models``. A module-level Sequential or instance of an imported class is a model
of its own, under its name. An instance of a class of the file is not: the class is checked (as the instance
the code feeds, or built with its defaults), unless a pragma sits above the statement that built it, at module
level or in a function the script runs (``def main():`` ... ``model = Net(64)``): that instance is then the
model its class is checked as (``under_pragma``).
"""

from __future__ import annotations

from cnnlint.interpret.candidates import Candidate
from cnnlint.interpret.values import TorchLayer
from cnnlint.model import ModelDef
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from typing import Any

    from cnnlint.interpret.positions import Lines


@dataclass
class BoundModels:
    candidates: list[Candidate] = field(default_factory=list)
    more_fed: list[Candidate] = field(default_factory=list)  # instances of the file's classes the code feeds
    under_pragma: dict[int, Candidate] = field(default_factory=dict)  # id(instance) -> its statement's model


def bound_models(session: Any, lines: Lines, pragma_rows: dict[int, int] | None) -> BoundModels:
    """``pragma_rows``: where the pragmas sit (``inputs.pragma_rows``)."""
    main = session.main
    found = BoundModels()
    candidates, more_fed, under_pragma = found.candidates, found.more_fed, found.under_pragma
    assigned: set[int] = set()
    for name, stmt, value in session.top_assigns:
        if isinstance(value, TorchLayer) and (value.spec is None or id(value) not in session.inputs):
            continue  # a lone layer is a model where the code feeds it (``conv = nn.Conv1d(...); conv(x)``)
        if getattr(value, "kind", None) == "object" or id(value) in assigned:
            continue  # a plain object, or the same model under another name (``model = net``)
        assigned.add(id(value))
        candidate = _bound_candidate(name, stmt, value, lines)
        if getattr(value, "cls", None) is not None and value.cls.module is main:
            if pragma_rows and _owns_pragma(stmt, pragma_rows):
                under_pragma[id(value)] = candidate
            elif id(value) in session.inputs:
                more_fed.append(candidate)  # unless it is the instance its class is checked as (below)
            continue  # the class is a model of its own, built with these arguments if it needs them
        candidates.append(candidate)
    for value, name, stmt in list(session.local_bindings.values()) if pragma_rows else ():
        # ``def main():`` with the pragma above its ``model = Net(64)``: as at module level
        if id(value) in assigned or getattr(value, "kind", None) == "object" or not _owns_pragma(stmt, pragma_rows):
            continue
        if isinstance(value, TorchLayer) and value.spec is None:
            continue
        assigned.add(id(value))
        candidate = _bound_candidate(name, stmt, value, lines)
        if getattr(value, "cls", None) is not None and value.cls.module is main:
            under_pragma[id(value)] = candidate
        else:
            candidates.append(candidate)
    return found


def _bound_candidate(name: str, stmt: ast.stmt, value: Any, lines: Lines) -> Candidate:
    """The model ``name = ...`` binds, defined by that statement."""
    kind = "sequential" if getattr(value, "kind", None) == "Sequential" else "module"
    model = ModelDef(name, kind, lines.span(stmt), [])
    return Candidate(model, value, (stmt.lineno, stmt.end_lineno or stmt.lineno), node=stmt)


def _owns_pragma(stmt: ast.stmt, pragma_rows: dict[int, int]) -> bool:
    """A pragma on the row above ``stmt`` (alone on its row), or after the code on its first row."""
    if pragma_rows.get(stmt.lineno - 1) == 0:
        return True
    column = pragma_rows.get(stmt.lineno)
    return column is not None and column > stmt.col_offset + 1
