"""Frames and the write log that makes unknown branches joinable.

An unknown condition runs both branches. Every write made while a branch
runs (a local name, an object attribute, a container item) is logged with
the value it replaced, so the first branch can be undone before the second
runs and the two outcomes joined: a value both branches agree on is kept,
anything else becomes unknown (pytype's join at branch points, kept to one
value so messages stay certain).
"""

from __future__ import annotations

from cnnlint.interpret.values import MISSING, UNKNOWN, FuncVal, ModuleNS, is_plain
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@dataclass(eq=False)
class Frame:
    """One activation: locals, the enclosing function frames, the module, the function running."""

    locals: dict[str, Any]
    module: ModuleNS
    closure: tuple[dict[str, Any], ...] = ()
    func: FuncVal | None = None
    is_class_body: bool = False
    pending_returns: list[Any] = field(default_factory=list)  # returns taken in only one branch
    yields: Any = None  # a generator function's ``generators.Yields``


ITEMS = "<items>"  # the key under which a log holds a list's items (``WriteLog.record_items``)


class WriteLog:
    """Writes made during one branch: (container, key, old value) in order.

    ``branch``: False for a ``try`` body, which runs whole unless it raises: its changes to lists,
    dicts and containers stay certain, unlike those of a branch that may not run at all.
    ``joins``: an ``if`` branch, joined with its other branch when both have run: a list's items are logged
    (``record_items``) so the join keeps what the two agree on."""

    __slots__ = ("branch", "entries", "joins", "listed")

    def __init__(self, branch: bool = True, joins: bool = False) -> None:
        self.entries: list[tuple[Any, Any, Any]] = []
        self.branch = branch
        self.joins = joins
        self.listed: set[int] = set()

    def record(self, container: dict[str, Any], key: Any, old: Any) -> None:
        self.entries.append((container, key, old))

    def record_items(self, lst: Any) -> None:
        """``lst`` (a ListVal) is about to change in place: its items as they were, once per branch."""
        if id(lst) not in self.listed:
            self.listed.add(id(lst))
            self.entries.append((lst, ITEMS, list(lst.items)))

    def undo(self) -> dict[tuple[int, Any], tuple[dict, Any, Any]]:
        """Restore every logged write; return {(id(container), key): (container, key, value written last)}."""
        final: dict[tuple[int, Any], tuple[dict, Any, Any]] = {}
        for container, key, _ in self.entries:
            now = list(container.items) if key is ITEMS else container.get(key, MISSING)
            final[(id(container), key)] = (container, key, now)
        for container, key, old in reversed(self.entries):
            if key is ITEMS:
                container.items = list(old)
            elif old is MISSING:
                container.pop(key, None)
            else:
                container[key] = old
        return final


def same(a: Any, b: Any) -> bool:
    """Both branches agree on this value (identity, or equal plain values/tuples of them)."""
    if a is b:
        return True
    if is_plain(a) and is_plain(b):
        return type(a) is type(b) and a == b
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and len(a) <= 64:
        return all(same(x, y) for x, y in zip(a, b))
    from cnnlint.interpret.values import TensorVal

    if isinstance(a, TensorVal) and isinstance(b, TensorVal):
        from cnnlint.interpret.tensor_values import same as same_values

        return a.shape == b.shape and a.integer == b.integer and same_values(a, b)
    return False


def join(a: Any, b: Any) -> Any:
    """One value for two branches: kept where they agree, unknown elsewhere."""
    if same(a, b):
        return a
    from cnnlint.interpret.values import TensorVal
    from cnnlint.shapes.dims import Shape

    if isinstance(a, TensorVal) and isinstance(b, TensorVal):
        return TensorVal(Shape.unknown())
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and len(a) <= 64:
        return tuple(join(x, y) for x, y in zip(a, b))
    either_float = _float_between(a, b)
    if either_float is not None:
        return either_float
    from cnnlint.interpret.layer_join import either

    layer = either(a, b)  # ``nn.Identity() if use_abn else nn.ReLU()``: either does the same to any input
    return layer if layer is not None else UNKNOWN


def _float_between(a: Any, b: Any) -> Any:
    """Two floats (``eps = 1e-5 if x.dtype == torch.float32 else 1e-3``): a float between them, whichever
    branch ran (``approx.Approx``: a tensor plus it keeps the tensor's shape); None for anything else."""
    from cnnlint.interpret.approx import Approx

    bounds = []
    for v in (a, b):
        if type(v) is float and v == v:  # (not NaN: no interval holds it)
            bounds.append((v, v))
        elif isinstance(v, Approx):
            bounds.append((v.lo, v.hi))
        else:
            return None
    return Approx(min(lo for lo, _ in bounds), max(hi for _, hi in bounds))


def join_states(
    first: dict[tuple[int, Any], tuple[dict, Any, Any]], second: dict[tuple[int, Any], tuple[dict, Any, Any]]
) -> list[tuple[dict, Any, Any]]:
    """The writes that join two undone branches onto the (restored) state; MISSING means delete."""
    writes = []
    for key in list(first) + [k for k in second if k not in first]:
        container, name, _ = first.get(key) or second[key]
        if name is ITEMS:
            base = list(container.items)
            a = first[key][2] if key in first else base
            b = second[key][2] if key in second else base
            writes.append((container, name, _join_items(container, a, b)))
            continue
        base = container.get(name, MISSING)
        a = first[key][2] if key in first else base
        b = second[key][2] if key in second else base
        if a is MISSING and b is MISSING:
            writes.append((container, name, MISSING))
        elif a is MISSING or b is MISSING:
            writes.append((container, name, UNKNOWN))
        else:
            writes.append((container, name, join(a, b)))
    return writes


def _join_items(lst: Any, a: list[Any], b: list[Any]) -> list[Any]:
    """Two branches' items of one list: item by item where they have as many, else the list is uncertain."""
    if len(a) != len(b):
        lst.uncertain = True  # one branch appended, the other did not: how many there are, the data decides
        return a if len(a) > len(b) else b
    return [join(x, y) for x, y in zip(a, b)]
