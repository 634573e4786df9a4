"""What the front end hands on: models as plain data, with source spans.

Nothing here knows libcst or the engine: values are plain Python values
(int, float, bool, str, None, tuples of those) or ``UNKNOWN``.
"""

from __future__ import annotations

from cnnlint.diagnostics import Location
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class Span:
    """A source range: 1-based rows and columns, end column exclusive."""

    start: Location
    end: Location

    @classmethod
    def at(cls, row: int, column: int, end_row: int, end_column: int) -> Span:
        return cls(Location(row, column), Location(end_row, end_column))


@dataclass
class Arg:
    """One argument of a layer call: its resolved value and where it is written."""

    value: Any  # a plain value, or UNKNOWN
    span: Span
    keyword: str | None = None


@dataclass
class LayerCall:
    """One entry of a model: a layer constructor call, or something else.

    ``qualname`` is the resolved dotted name ("torch.nn.Conv2d",
    "torch.nn.functional.relu", "torch.flatten", "Tensor.view") or None when
    the entry is not something cnnlint recognises (a variable, a lambda, a
    user-defined class); ``callee`` is the text as written, for messages.
    ``children`` is set for a nested nn.Sequential.
    """

    callee: str
    qualname: str | None
    span: Span
    args: list[Arg] = field(default_factory=list)
    kwargs: list[Arg] = field(default_factory=list)
    star: bool = False  # *args or **kwargs in the call: arguments cannot be bound
    name: str | None = None  # OrderedDict key or self attribute
    children: list[LayerCall] | None = None
    reason: str | None = None  # why it is not resolvable, for CNL100
    code: str = ""  # the call's source text, for the runtime check ("nn.Conv2d(3, 96, 11, stride=4)")


@dataclass
class InputDecl:
    """A declared input size: ints and symbols (identifiers)."""

    dims: tuple[int | str, ...]
    source: str  # "pragma", "inferred", "cli", "config"
    span: Span | None = None
    # The forward's further positional inputs, as the code feeds them with the inferred one
    # (``model(features, adj)``): each a dims tuple, or None for a value that is not a known tensor.
    others: tuple[tuple[int | str, ...] | None, ...] = ()
    via: str | None = None  # for "inferred": the call it was read from ("summary(...)", "net(...)")


@dataclass
class ModelDef:
    """A model found in a file.

    ``name`` is the assignment target ("net", "self.features") or the class
    name. ``span`` is the whole defining statement (pragma lookup uses its
    first row). ``layers`` is the chain the input flows through.
    """

    name: str
    kind: str  # "sequential" or "module"
    span: Span
    layers: list[LayerCall]
    input: InputDecl | None = None
    nested: bool = False  # a Sequential that is also part of a larger model found in the file
    # For the runtime check: local name -> dotted module or object it stands for
    # ("nn" -> "torch.nn", "F" -> "torch.nn.functional", "Conv2d" -> "torch.nn.Conv2d"),
    # and the constants resolved statically (name -> value) that layer code may mention.
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceProblem:
    """A problem the front end finds in the file itself (bad pragma)."""

    code: str
    message: str
    span: Span
