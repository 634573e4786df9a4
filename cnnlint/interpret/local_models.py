"""Models a script builds and feeds inside its functions.

``def main(): model = torchvision.models.resnet18(); model.fc = ...; out = model(x)`` is how most
training scripts are written. The model is neither a module-level instance, nor a class of the file,
nor a factory's: it is a model because the code feeds it a tensor. It is checked under the name its
function bound it to (``model``), at the input it was fed.
"""

from __future__ import annotations

import ast

from cnnlint.interpret.values import ModuleObj, TorchLayer
from cnnlint.model import ModelDef, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def attribute_name(target: ast.expr) -> str | None:
    """``self.model`` (a trainer's attribute) as a model's name; None for any other target."""
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        return f"self.{target.attr}"
    return None


def local_models(session: Any, lines: Any, taken: set[int]) -> list[tuple[ModelDef, Any, Any]]:
    """(model, obj, node) for each model fed inside a function that no other candidate holds (``taken``:
    the ids of the other candidates' objects and of every module inside them)."""
    from cnnlint.interpret.models import submodules  # (models imports this module)

    out: list[tuple[ModelDef, Any, Any]] = []
    used: set[str] = set()
    for model, feed in session.fed_models:
        if id(model) in taken or not _is_model(session, model):
            continue
        taken.add(id(model))
        taken.update(id(s) for s in submodules(model))  # its layers, fed inside its methods (``net.embed(x)``)
        bound = session.local_bindings.get(id(model))
        if bound is not None:
            _, name, node = bound
        elif isinstance(feed, ast.Call) and isinstance(feed.func, (ast.Name, ast.Attribute)):
            name, node = ast.unparse(feed.func).removesuffix(".forward"), feed
        else:
            continue
        if name in used:
            name = f"{name}@{node.lineno}"  # two functions' ``model``: each its own
        used.add(name)
        kind = "sequential" if getattr(model, "kind", None) == "Sequential" else "module"
        out.append((ModelDef(name, kind, Span(lines.start(node), lines.end(node)), []), model, node))
    return out


def _is_model(session: Any, model: Any) -> bool:
    if isinstance(model, TorchLayer):
        return model.spec is not None  # a lone layer the code feeds (``conv = nn.Conv1d(...); conv(x)``)
    if not isinstance(model, ModuleObj) or model.kind == "object":
        return False
    # An instance of the file's own class is checked as that class, at this input.
    return model.cls is None or model.cls.module is not session.main
