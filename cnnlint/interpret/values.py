"""Abstract values: what a name holds while model code is interpreted.

Plain Python values (int, float, bool, str, None, tuple, slice) stand for
themselves. ``UNKNOWN`` is the one value nothing is known about: it flows on
silently and never produces a finding (astroid's ``Uninferable``). The other
values model the objects model code builds: lists and dicts (mutable),
functions and classes of the checked code, torch layers bound to a catalogue
entry, user module instances, containers, and tensors (a ``Shape``).
"""

from __future__ import annotations

import ast

from cnnlint.records import dataclass, field
from cnnlint.shapes.dims import UNKNOWN, Shape, _Unknown
from cnnlint.shapes.spec import LayerSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["UNKNOWN", "Unknown", "Sym"]

Unknown = _Unknown


class Sym(str):
    """A symbolic dimension (``B``) read from a tensor: a str to the engine, opaque to arithmetic."""

    __slots__ = ()


class ListVal:
    """A Python list. ``uncertain``: changed where the interpreter could not follow (its items are unknown)."""

    __slots__ = ("items", "uncertain", "born")

    def __init__(self, items: list[Any] | None = None) -> None:
        self.items: list[Any] = list(items) if items is not None else []
        self.uncertain = False
        self.born: Any = None  # the write log of the branch it was written in (``Interpreter.uncertain_change``)

    def __repr__(self) -> str:
        return f"ListVal({self.items!r}{', uncertain' if self.uncertain else ''})"


class SetVal(ListVal):
    """A Python set or frozenset: its distinct members in insertion order (``sets.py`` keeps them distinct)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"SetVal({self.items!r}{', uncertain' if self.uncertain else ''})"


class DictVal:
    """A Python dict with plain (hashable) keys."""

    __slots__ = ("items", "uncertain")

    def __init__(self, items: dict[Any, Any] | None = None) -> None:
        self.items: dict[Any, Any] = dict(items) if items is not None else {}
        self.uncertain = False

    def __repr__(self) -> str:
        return f"DictVal({self.items!r})"


class ModulesView(DictVal):
    """``module._modules``: the children torch registered, by name. Writing a key registers that child on
    ``module`` (``model._modules[name] = nn.ReLU()`` replaces a layer, as torch's ``__setattr__`` would)."""

    __slots__ = ("module",)

    def __init__(self, module: Any, items: dict[Any, Any]) -> None:
        super().__init__(items)
        self.module = module


@dataclass(frozen=True)
class ModuleDictView:
    """``models.__dict__``: a module's names by key (``models.__dict__[args.arch]()``, pytorch/examples'
    ImageNet script); each key is read as ``getattr(module, key)`` is, its package's lazy names included."""

    module: ModuleNS


class AttrDictVal(DictVal):
    """A dict whose keys are attributes too (``attr_dicts.py``: EasyDict, yacs' CfgNode, ConfigDict, Munch).
    ``converts``: when a nested dict becomes one ("always", "built", "never")."""

    __slots__ = ("converts",)

    def __init__(self, items: dict[Any, Any] | None = None, converts: str = "never") -> None:
        super().__init__(items)
        self.converts = converts

    def __repr__(self) -> str:
        return f"AttrDictVal({self.items!r})"


class DictInstance(DictVal):
    """An instance of a class of the checked code that derives from ``dict`` (a project's own AttrDict,
    ``dict_subclasses.py``): its keys are the dict's; ``attrs`` is its instance ``__dict__``, or the dict
    itself once ``self.__dict__ = self`` (``attrs_are_items``)."""

    __slots__ = ("cls", "attrs", "attrs_are_items")

    def __init__(self, cls: Any, items: dict[Any, Any] | None = None) -> None:
        super().__init__(items)
        self.cls = cls
        self.attrs: dict[str, Any] = {}
        self.attrs_are_items = False

    def __repr__(self) -> str:
        return f"DictInstance({self.cls.name}, {self.items!r})"


class DequeVal(ListVal):
    """A ``collections.deque``: a list that also grows and shrinks at its left end."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"DequeVal({self.items!r}{', uncertain' if self.uncertain else ''})"


class IteratorVal:
    """``iter(items)``: the items and how many ``next`` has taken. The count lives in ``state``, written
    through the interpreter, so an unknown branch that advances the iterator joins as unknown."""

    __slots__ = ("items", "state")

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.state: dict[str, Any] = {"taken": 0}

    def __repr__(self) -> str:
        return f"IteratorVal({self.items!r}, taken={self.state.get('taken')!r})"


class DefaultDictVal(DictVal):
    """A ``collections.defaultdict``: reading a missing key stores and returns ``factory()``
    (registries fill ``defaultdict(list)`` and ``defaultdict(set)`` with ``d[k].append``)."""

    __slots__ = ("factory",)

    def __init__(self, factory: Any, items: dict[Any, Any] | None = None) -> None:
        super().__init__(items)
        self.factory = factory

    def __repr__(self) -> str:
        return f"DefaultDictVal({self.factory!r}, {self.items!r})"


@dataclass(eq=False)
class ModuleNS:
    """A Python module of the checked project (or a file being checked): its namespace."""

    path: str
    package: str | None  # the dotted package for relative imports, None when unknown
    globals: dict[str, Any] = field(default_factory=dict)
    lines: Any = None  # cnnlint.interpret.positions.Lines of the file
    text: str = ""
    dotted: str | None = None  # the module's dotted name, when it is part of a package
    library = False  # an installed library's file (libraries.py), not the project's
    reexporting = False  # a package whose ``__init__`` is not run (libraries.REEXPORTING)


@dataclass(eq=False)
class FuncVal:
    """A function or lambda of the checked code, with the scopes it closes over."""

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    module: ModuleNS
    closure: tuple[dict[str, Any], ...]  # enclosing function frames, innermost first
    defaults: tuple[Any, ...] = ()
    kw_defaults: dict[str, Any] = field(default_factory=dict)
    owner: ClassVal | None = None  # the class whose body defined it (for super())
    kind: str = "function"  # "function", "staticmethod", "classmethod", "property"
    # The function a decorator returned in its place (torchvision's ``@handle_legacy_interface``): calls go
    # through it; the name stays bound to this one, the definition that model discovery reads.
    wrapper: Any = None

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "<lambda>")


@dataclass(eq=False)
class BoundMethod:
    func: Any
    self_obj: Any


@dataclass(eq=False)
class ClassVal:
    """A class of the checked code. ``bases`` may hold ClassVals, TorchClasses or UNKNOWN."""

    name: str
    node: ast.ClassDef | None
    module: ModuleNS | None
    bases: list[Any]
    ns: dict[str, Any] = field(default_factory=dict)
    _mro: list[Any] | None = None

    def mro(self) -> list[Any]:
        if self._mro is None:
            seen: list[Any] = [self]
            for base in self.bases:
                chain = base.mro() if isinstance(base, ClassVal) else [base]
                for c in chain:
                    if not any(c is s for s in seen):
                        seen.append(c)
            self._mro = seen
        return self._mro

    def lookup(self, name: str) -> tuple[Any, ClassVal | None]:
        """The attribute from the first class in the MRO that defines it, and that class."""
        for c in self.mro():
            if isinstance(c, ClassVal) and name in c.ns:
                return c.ns[name], c
        return _MISSING, None

    def torch_base(self) -> str | None:
        """The torch.nn class this class derives from ("Module", "Sequential", ...), if any."""
        for c in self.mro():
            if isinstance(c, QualName) and c.name.startswith("torch.nn."):
                return c.name[len("torch.nn.") :]
        return None

    @property
    def has_unknown_base(self) -> bool:
        return any(c is UNKNOWN for c in self.mro())


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
MISSING = _MISSING


@dataclass(frozen=True)
class QualName:
    """A dotted name outside the checked code: ``torch.nn.Conv2d``, ``math.ceil``, ``functools.partial``."""

    name: str

    def attr(self, attr: str) -> QualName:
        return QualName(f"{self.name}.{attr}")


@dataclass(eq=False)
class Origin:
    """Where a layer or module object was built: the constructor call, in which file."""

    node: ast.Call | None
    module: ModuleNS
    call: Any = None  # cnnlint.model.LayerCall, made lazily for reports

    @property
    def path(self) -> str:
        return self.module.path


@dataclass(eq=False)
class TorchLayer:
    """A torch.nn layer: a catalogue entry with its bound arguments (or an unknown torch class)."""

    spec: LayerSpec | None
    args: dict[str, Any]
    origin: Origin | None
    type_name: str
    note: str | None = None  # why it cannot be followed, when spec is None
    bind_error: Any = None  # a Finding from binding the arguments
    own: dict[str, Any] = field(default_factory=dict)  # attributes the code set on it (``stage.do_output = True``)
    own_unknown: bool = False  # one was set under a name that is not known


@dataclass(eq=False)
class ModuleObj:
    """A module object: a user nn.Module instance, or a torch container.

    ``kind``: "instance" (a user class; ``cls`` set), "Sequential",
    "ModuleList", "ModuleDict". ``attrs`` holds the instance attributes in
    assignment order (submodules register in that order, as in torch);
    ``items`` the container's children in order (Sequential/ModuleList),
    ``keys`` their names.
    """

    kind: str
    cls: ClassVal | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    items: list[Any] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    origin: Origin | None = None
    uncertain: bool = False  # children changed where the interpreter could not follow
    born: Any = None  # the write log of the branch it was made in (``Interpreter.uncertain_change``)

    @property
    def type_name(self) -> str:
        return self.cls.name if self.cls is not None else self.kind

    @property
    def is_sequential(self) -> bool:
        return self.kind == "Sequential" or (
            self.cls is not None and self.cls.torch_base() == "Sequential" and bool(self.items or self.keys)
        )


@dataclass(eq=False)
class TensorVal:
    """An abstract tensor: its shape (possibly partly unknown). ``integer``: holds indices (for Embedding)."""

    shape: Shape
    integer: bool = False
    param: bool = False  # an nn.Parameter / buffer: counted in the module's parameters
    # Downstream of an error whose output is not fixed by the failing layer's own arguments (a BatchNorm
    # with the wrong num_features passes its input on): torch never gets here, so nothing more is reported.
    tainted: bool = False
    mask: bool = False  # a bool tensor (a comparison's result): as an index it selects, it does not gather
    producer: Any = None  # the torch layer whose output this is, when it is one's (``producers.py``)
    relayed: bool = False  # ... passed on by layers that keep its channels (ReLU, pooling, dropout)


@dataclass(frozen=True)
class TensorType:
    """``type(t)`` of a tensor: torch.Tensor or a subclass of it (a Parameter), never a Python builtin type."""


TENSOR_TYPE = TensorType()


@dataclass(eq=False)
class Partial:
    """``functools.partial(func, *args, **kwargs)``."""

    func: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass(eq=False)
class Builtin:
    """A builtin function modelled by the interpreter."""

    name: str


class Sentinel:
    """``object()``: nothing but its identity (torchvision's ``sentinel = object()``); true, not callable,
    an instance of ``object`` only, equal to itself alone."""

    __slots__ = ()


@dataclass(eq=False)
class SuperVal:
    """``super()`` inside a method: look-ups start after ``owner`` in ``obj``'s class MRO."""

    owner: ClassVal
    obj: Any


@dataclass(eq=False)
class LazyImport:
    """A name imported from another file of the project, loaded on first use."""

    module: str  # absolute dotted module name
    attr: str | None  # None: the module itself
    importer: ModuleNS


@dataclass(eq=False)
class DataclassInit:
    """The ``__init__`` a ``@dataclass`` decorator writes: fields bound to arguments, then ``__post_init__``."""

    cls: ClassVal
    obj: Any


@dataclass(eq=False)
class FieldDefault:
    """``dataclasses.field(default=...)`` or ``field(default_factory=...)``, as a dataclass body binds it."""

    default: Any
    factory: Any


@dataclass(eq=False)
class MethodOf:
    """A method of a value the interpreter models natively (``list.append``, ``x.view``)."""

    obj: Any
    name: str


def is_plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, complex))


# torch's module containers: their children are their items, in order.
CONTAINERS = ("Sequential", "ModuleList", "ModuleDict")


def is_module(value: Any) -> bool:
    """An nn.Module: a torch layer or a module instance; a plain object (``FeatureInfo``) is an attribute."""
    return isinstance(value, TorchLayer) or (isinstance(value, ModuleObj) and value.kind != "object")
