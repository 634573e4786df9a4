"""What a catalogue entry is, and how a call's arguments bind to it.

A catalogue entry (``LayerSpec``) is data plus small pure functions:
torch's constructor signature, ``infer`` (input shape -> output shape, raising
``ShapeError`` where torch would raise), ``params`` and ``macs``. Binding
follows Python's own rules against torch's signature, so positional and
keyword arguments land where torch would put them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property

from cnnlint.records import dataclass, field
from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, _Unknown, is_known

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REQUIRED: Any = object()  # a parameter with no default


class Default:
    """A default torch gives as a non-literal object (a function, a tensor).

    ``text`` is how it is shown and how the signature test recognises it.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.text}>"


@dataclass(frozen=True)
class Param:
    """One constructor parameter; a name starting with ``*``/``**`` is a var-arg."""

    name: str
    default: Any = REQUIRED
    keyword_only: bool = False


def channels_text(count: object) -> str:
    """``1 channel`` / ``3 channels`` (a symbol or unknown reads as plural)."""
    return f"{count} channel" if count == 1 and not isinstance(count, bool) else f"{count} channels"


@dataclass(frozen=True)
class ArgFix:
    """A certain fix: set constructor argument ``param`` to ``value``.

    ``factors`` are the sizes ``value`` is the product of, when known (C, H, W
    merged by a Flatten), so a written product such as ``64 * 7 * 7`` can be
    fixed factor by factor (``cnnlint.fixes``).
    """

    param: str
    value: int
    factors: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Finding:
    """What the engine says about one layer. ``code`` is a SPEC rule code."""

    code: str
    message: str
    fix: ArgFix | None = None
    train_only: bool = field(default=False, compare=False)  # torch raises only in training mode
    # The failing layer's output is its input passed on (a BatchNorm with the wrong channels), not fixed by
    # its own arguments: what follows may be wrong only because of this error, so it is not reported.
    passes_input: bool = field(default=False, compare=False)


class ShapeError(Exception):
    """Raised by ``infer`` where torch would raise (an error code).

    ``recovered`` is the output shape the layer still has, fixed by its own
    arguments (a wrong ``in_features`` still yields ``out_features``), so that
    propagation can go on and report independent bugs further down; None
    when nothing after this layer can be trusted. ``train_only``: torch raises
    only in training mode (BatchNorm's one value per channel); what the layer
    computes, and so its MACs, is still defined.
    """

    def __init__(
        self,
        code: str,
        message: str,
        fix: ArgFix | None = None,
        recovered: Shape | None = None,
        train_only: bool = False,
    ) -> None:
        super().__init__(message)
        self.finding = Finding(code, message, fix, train_only)
        self.recovered = recovered
        self.train_only = train_only


Args = Mapping[str, "Any"]
Count = int | _Unknown

InferFn = Callable[[Args, Shape], Shape]
CountFn = Callable[[Args, Shape], Count]
MacsFn = Callable[[Args, Shape, Shape], Count]
CheckFn = Callable[[Args], None]
LintFn = Callable[[Args, Shape], Sequence[Finding]]


def _zero(args: Args, shape: Shape) -> Count:
    return 0


def _zero_macs(args: Args, in_shape: Shape, out_shape: Shape) -> Count:
    return 0


def _no_check(args: Args) -> None:
    return None


def _no_lint(args: Args, shape: Shape) -> Sequence[Finding]:
    return ()


@dataclass(frozen=True)
class LayerSpec:
    """One torch layer class, as data.

    ranks: the input ranks torch accepts (None: any). The largest is the
        batched rank; propagation checks ranks (CNL006) before ``infer``.
    check: construction-time argument checks (CNL005), independent of input.
    infer: output shape from input shape; raises ShapeError.
    lint: warnings that do not stop propagation (CNL003).
    chainable: False for layers that cannot sit in a Sequential chain
        (Bilinear takes two inputs): propagation stops with CNL100.
    """

    name: str
    params: tuple[Param, ...]
    infer: InferFn
    count_params: CountFn = _zero
    macs: MacsFn = _zero_macs
    check: CheckFn = _no_check
    lint: LintFn = _no_lint
    ranks: tuple[int, ...] | None = None
    chainable: bool = True
    inputs: int = 1  # the tensors forward requires (MaxUnpool: input and indices): the runtime check runs one
    integer_input: bool = False  # Embedding: the runtime oracle feeds indices
    # torch shows ``(*args, **kwargs)`` for layers that inherit Module.__init__, which
    # rejects any argument; only Identity really accepts and ignores them.
    accepts_extra: bool = False
    # torch shows ``(*args, **kwargs)`` for RNN/LSTM/GRU, which forward them to RNNBase:
    # ``params`` is that shown signature (the signature test), ``binds`` what arguments really bind to.
    binds: tuple[Param, ...] | None = None

    @property
    def call_params(self) -> tuple[Param, ...]:
        """The parameters a call's arguments bind to."""
        return self.binds if self.binds is not None else self.params

    @cached_property
    def binding(self) -> tuple[tuple[Param, ...], tuple[Param, ...], frozenset[str], bool, bool]:
        """What ``bind`` reads of the signature, worked out once per entry: (named parameters, the
        positional ones among them, their names, takes ``*args``, takes ``**kwargs``)."""
        params = tuple(p for p in self.call_params if not p.name.startswith("*"))
        var_positional = any(p.name.startswith("*") and not p.name.startswith("**") for p in self.call_params)
        var_keyword = any(p.name.startswith("**") for p in self.call_params)
        positional = tuple(p for p in params if not p.keyword_only)
        return params, positional, frozenset(p.name for p in params), var_positional, var_keyword

    @property
    def batched_rank(self) -> int | None:
        return max(self.ranks) if self.ranks else None

    def __call__(self, *args: Any, **kwargs: Any) -> Layer:
        """``Conv2d(3, 96, 11, stride=4)`` in a notebook: a bound layer."""
        return Layer(self, bind(self, args, list(kwargs.items())))


@dataclass
class Layer:
    """A catalogue entry with its arguments bound.

    ``spec`` None means a layer cnnlint does not know: propagation stops
    there (CNL100) with ``note`` as the reason. ``children`` holds the layers
    of a nested Sequential. ``origin`` is opaque to the engine: the front end
    keeps its source node there.
    """

    spec: LayerSpec | None
    args: dict[str, Any] = field(default_factory=dict)
    children: list[Layer] | None = None
    origin: Any = None
    note: str | None = None
    bind_error: Finding | None = None
    extra_params: Any = 0  # parameters a wrapper adds (``weight_norm``'s ``weight_g``): counted after the memo

    @property
    def type_name(self) -> str:
        if self.spec is not None:
            return self.spec.name
        if self.children is not None:
            return "Sequential"
        return self.note or "?"


def sequential(*layers: Layer, origin: Any = None) -> Layer:
    return Layer(None, children=list(layers), origin=origin)


def unknown_layer(reason: str, origin: Any = None) -> Layer:
    return Layer(None, origin=origin, note=reason)


class BindError(Exception):
    pass


def bind(spec: LayerSpec, positional: Sequence[Any], keywords: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """Bind arguments like Python would against torch's signature.

    Raises ShapeError(CNL005) for what Python/torch would reject: too many
    positional arguments, an unexpected or repeated keyword, a missing
    required argument.
    """
    params, positional_params, names, var_positional, var_keyword = spec.binding
    bound: dict[str, Any] = {}
    if len(positional) > len(positional_params) and not var_positional:
        raise ShapeError(
            "CNL005",
            f"{spec.name} takes at most {len(positional_params)} positional arguments but {len(positional)} were given",
        )
    if len(positional) > len(positional_params) and not spec.accepts_extra:
        raise ShapeError("CNL005", f"{spec.name} takes no positional arguments but {len(positional)} were given")
    for p, value in zip(positional_params, positional):
        bound[p.name] = value
    seen: set[str] = set()
    for key, value in keywords:
        if key in seen:
            raise ShapeError("CNL005", f"{spec.name} got multiple values for keyword argument '{key}'")
        seen.add(key)
        if key not in names:
            if var_keyword and spec.accepts_extra:
                continue
            raise ShapeError("CNL005", f"{spec.name} got an unexpected keyword argument '{key}'")
        if key in bound:
            raise ShapeError("CNL005", f"{spec.name} got multiple values for argument '{key}'")
        bound[key] = value
    for p in params:
        if p.name not in bound:
            if p.default is REQUIRED:
                raise ShapeError("CNL005", f"{spec.name} is missing the required argument '{p.name}'")
            bound[p.name] = p.default
    return bound


# ---- argument readers: shared by every family --------------------------------


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


INT64_MAX = 2**63 - 1


def _short(value: int) -> str:
    digits = len(str(abs(value))) if value.bit_length() < 4096 else None
    return f"an integer of {digits} digits" if digits else "an integer of over 1,000 digits"


def int_arg(spec_name: str, args: Args, name: str, *, minimum: int | None = None) -> int | _Unknown:
    """An int argument, UNKNOWN if unresolved; CNL005 if torch would reject its type or value.

    torch rejects floats and strings for sizes (a float channel count fails
    in ``torch.empty``); bools are ints to torch and are accepted.
    """
    value = args[name]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int):
        raise ShapeError("CNL005", f"{spec_name} argument '{name}' must be an int, got {value!r}")
    if abs(value) > INT64_MAX:
        raise ShapeError("CNL005", f"{spec_name} argument '{name}' does not fit in torch's int64: {_short(value)}")
    if minimum is not None and value < minimum:
        raise ShapeError("CNL005", f"{spec_name} argument '{name}' must be >= {minimum}, got {value}")
    return value


def tuple_arg(
    spec_name: str, args: Args, name: str, n: int, *, minimum: int | None = None
) -> tuple[Dim, ...] | _Unknown:
    """An int-or-tuple argument expanded to ``n`` entries (torch's ``_ntuple``).

    A tuple of the wrong length is CNL005; unresolved entries are UNKNOWN.
    """
    value = args[name]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ShapeError(
                "CNL005", f"{spec_name} argument '{name}' needs {n} values, got {len(value)}: {tuple(value)!r}"
            )
        items: list[Dim] = []
        for v in value:
            if v is UNKNOWN:
                items.append(UNKNOWN)
                continue
            if isinstance(v, bool):
                v = int(v)
            if not isinstance(v, int):
                raise ShapeError("CNL005", f"{spec_name} argument '{name}' must hold ints, got {value!r}")
            if minimum is not None and v < minimum:
                raise ShapeError("CNL005", f"{spec_name} argument '{name}' must be >= {minimum}, got {value!r}")
            items.append(v)
        return tuple(items)
    single = int_arg(spec_name, args, name, minimum=minimum)
    return (single,) * n


def known_or_unknown(value: object) -> Dim:
    return value if is_known(value) else UNKNOWN  # type: ignore[return-value]
