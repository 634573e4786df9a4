"""A model candidate: what step 2 of ``cnnlint.interpret.models`` found, and how its input was fed."""

from __future__ import annotations

from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from cnnlint.interpret.values import ClassVal
    from cnnlint.model import ModelDef


@dataclass
class Candidate:
    model: ModelDef
    obj: Any
    region: tuple[int, int]  # source rows the model's definition covers
    cls: ClassVal | None = None
    more_inputs: list[Any] | None = None  # the other arguments of the call that fed the inferred input
    in_eval: bool = False  # the code fed the inferred input after ``model.eval()``
    borrowed: bool = False  # the inferred input was fed to a model this factory built with other arguments
    factory: Any = None  # the factory function's node: what its calls in the file returned was fed an input
    node: Any = None  # the statement that defines the model: where what happens in imported code is reported
    later_feeds: list[Any] = field(default_factory=list)  # other inputs the code feeds it (``session.LaterFeed``)
    more_named: dict[str, Any] | None = None  # the keyword arguments of the call that fed the inferred input
    entry: Any = None  # the method the code runs the model by, when it never calls it (``MethodFeed``)
    built_at: Any = None  # the module-level statement under a pragma that built the instance checked as the class
