"""Packed sequences: ``pack_padded_sequence`` into an RNN, ``pad_packed_sequence`` out of it.

NLP models feed their recurrent layers a ``PackedSequence`` so the padding is never read; torch then
checks the input's features and the initial state against the batch the packing holds
(``Expected hidden[0] size (1, 32, 32), got [2, 32, 32]``). The packing is held here as the padded
tensor it came from, time first (T, B, *features), with the lengths when they are known:

- ``pack_padded_sequence(x, lengths, batch_first)``: x is (T, B, *) or (B, T, *); the packing is the
  same whichever it was.
- an RNN, LSTM or GRU over it runs as over the padded tensor in its own layout (the same checks of
  ``input_size`` and of the initial state, against the batch); its output is packed again, its
  states are ``(layers x directions, B, hidden)``. MACs are unknown: torch runs only ``sum(lengths)``
  steps.
- ``pad_packed_sequence(packed, batch_first, total_length)`` gives back a tensor whose time is
  ``total_length`` if given, else the longest length, unknown when the lengths are not known (not the
  padded input's T), and the lengths, a (B,) integer tensor.

A length list torch refuses (its size is not the batch, a length over T or below 1, unsorted with
``enforce_sorted``) makes the packing unknown here, never a report.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, ListVal, TensorVal
from cnnlint.records import dataclass
from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM
from cnnlint.shapes.dims import Shape, is_known

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

NAMES = frozenset({"torch.nn.utils.rnn.pack_padded_sequence", "torch.nn.utils.rnn.pad_packed_sequence"})
_PACK = ("input", "lengths", "batch_first", "enforce_sorted")
_PAD = ("sequence", "batch_first", "padding_value", "total_length")


@dataclass(frozen=True)
class PackedVal:
    """A ``PackedSequence``: the padded tensor it holds, time first, and its lengths when known."""

    padded: Shape  # (T, B, *features)
    lengths: tuple[int, ...] | None = None
    tainted: bool = False


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name.endswith("pack_padded_sequence"):
        return _pack(_bound(_PACK, args, kwargs))
    return _pad(_bound(_PAD, args, kwargs))


def _bound(names: tuple[str, ...], args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    if len(args) > len(names) or set(kwargs) - set(names):
        return None
    bound = dict(zip(names, args))
    if set(bound) & set(kwargs):
        return None
    bound.update(kwargs)
    return bound


def _pack(bound: dict[str, Any] | None) -> Any:
    if bound is None:
        return UNKNOWN
    x, batch_first = bound.get("input"), bound.get("batch_first", False)
    if not isinstance(x, TensorVal) or x.shape.open or x.shape.rank is None or x.shape.rank < 2:
        return UNKNOWN
    if not isinstance(batch_first, bool):
        return UNKNOWN
    dims = list(x.shape.dims)
    if batch_first:
        dims[0], dims[1] = dims[1], dims[0]
    lengths = _lengths(bound.get("lengths"), dims[1])
    if lengths is False:
        return UNKNOWN
    if lengths is not None and not _accepted(lengths, dims[0], dims[1], bound.get("enforce_sorted", True)):
        return UNKNOWN
    return PackedVal(Shape(*dims), lengths or None, x.tainted)


def _lengths(value: Any, batch: Any) -> tuple[int, ...] | None | bool:
    """The lengths when known, None when not, False when they are not lengths torch takes (None, a
    number, a tensor of another size)."""
    if value is UNKNOWN:
        return None
    if isinstance(value, TensorVal):
        sizes = value.shape.dims if not value.shape.open else None
        if sizes is None or len(sizes) != 1:
            return None if sizes is None else False
        return False if is_known(sizes[0], batch) and sizes[0] != batch else None
    items = value.items if isinstance(value, ListVal) else value
    if not isinstance(items, (list, tuple)) or not items:
        return False
    if getattr(value, "uncertain", False) or not all(type(n) is int for n in items):
        return None if any(n is UNKNOWN for n in items) or getattr(value, "uncertain", False) else False
    return tuple(items)


def _accepted(lengths: tuple[int, ...], steps: Any, batch: Any, enforce_sorted: Any) -> bool:
    """What torch checks of known lengths; anything it might refuse is not accepted."""
    if not is_known(batch) or len(lengths) != batch or min(lengths) < 1:
        return False
    if not is_known(steps) or max(lengths) > steps:
        return False
    return enforce_sorted is False or (enforce_sorted is True and list(lengths) == sorted(lengths, reverse=True))


def _pad(bound: dict[str, Any] | None) -> Any:
    if bound is None or not isinstance(bound.get("sequence"), PackedVal):
        return UNKNOWN
    packed: PackedVal = bound["sequence"]
    batch_first, total = bound.get("batch_first", False), bound.get("total_length")
    if not isinstance(batch_first, bool):
        return UNKNOWN
    longest = max(packed.lengths) if packed.lengths is not None else None
    if total is None:
        steps: Any = longest if longest is not None else UNKNOWN_DIM
    elif type(total) is int and (longest is None or total >= longest):
        steps = total
    else:
        return UNKNOWN  # (torch raises when total_length is below the longest length)
    batch, *features = packed.padded.dims[1:]
    dims = (batch, steps, *features) if batch_first else (steps, batch, *features)
    return (TensorVal(Shape(*dims), tainted=packed.tainted), TensorVal(Shape(batch), integer=True))


def through_rnn(recurrent: Any, forward: Any, interp: Any, layer: Any, args: list, kwargs: dict, node: Any) -> Any:
    """An RNN over a packing: ``recurrent`` (``multi._recurrent``) over the padded tensor in the layer's
    layout, its output packed again."""
    packed = args[0] if args else kwargs.get("input")
    batch_first = layer.args.get("batch_first", False)
    unknown_state = (_unknown(), _unknown()) if layer.type_name == "LSTM" else _unknown()
    if not isinstance(batch_first, bool):
        return (UNKNOWN, unknown_state)
    dims = list(packed.padded.dims)
    if batch_first:
        dims[0], dims[1] = dims[1], dims[0]
    x = TensorVal(Shape(*dims), tainted=packed.tainted)
    rec = forward.recording
    first = len(rec.steps) if rec is not None else 0
    rest = {k: v for k, v in kwargs.items() if k != "input"}
    out, state = recurrent(forward, interp, layer, [x, *args[1:]], rest, node)
    if rec is not None:
        for step in rec.steps[first:]:
            step.macs = UNKNOWN_DIM  # torch runs sum(lengths) steps, not T x B
    if not isinstance(out, TensorVal) or out.shape.open or out.shape.rank != 3:
        return (UNKNOWN, state)
    out_dims = list(out.shape.dims)
    if batch_first:
        out_dims[0], out_dims[1] = out_dims[1], out_dims[0]
    return (PackedVal(Shape(*out_dims), packed.lengths, out.tainted), state)


def _unknown() -> TensorVal:
    return TensorVal(Shape.unknown())
