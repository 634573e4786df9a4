"""The input size ``summary`` suggests declaring for a model without one, and what input-free checking
found it accepts: shaped for the model's first layer, the usual 224x224 where the model takes it."""

from __future__ import annotations

from collections.abc import Sequence

from cnnlint.shapes.dims import is_known

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def example_input(layers: Sequence[Any]) -> tuple[int, ...]:
    """An input size to suggest, shaped for the first layer with a fixed rank (its channels if known)."""
    for layer in layers:
        if layer.children is not None:
            if layer.children:
                return example_input(layer.children)
            continue
        spec = layer.spec
        if spec is None:
            break
        args = layer.args
        if spec.name == "Embedding":  # integer indices (batch, length)
            return (1, 100)
        if spec.name in ("RNN", "LSTM", "GRU") and is_known(args.get("input_size")):
            features = args["input_size"]
            return (1, 100, features) if args.get("batch_first") is True else (100, 1, features)
        if "in_features" in args:
            features = args["in_features"]
            return (1, features if is_known(features) else 128)
        if not spec.ranks:
            continue
        channels = next((args[k] for k in ("in_channels", "num_features", "num_channels") if k in args), None)
        rank = spec.batched_rank or 4
        c = channels if is_known(channels) else 3
        spatial = {1: (1000,), 2: (224, 224), 3: (16, 112, 112)}.get(rank - 2, (224,) * max(rank - 2, 0))
        return (1, c, *spatial)
    return (1, 3, 224, 224)


def accepted(model: Any, model_result: Any) -> dict:
    """Input-free checking's answer for a model without an input (issue 12), when it found one. The example
    size is the usual one (224x224) when the model accepts it, else the smallest it accepts."""
    found = getattr(model, "accepts", None)
    if found is not None and found.status == "some" and found.template:
        return _sequence(found)
    if found is None or found.status != "some" or not found.ranges:
        return {}
    spatial = tuple(a for a, _ in found.ranges)
    usual = example_input(model_result.layers)[2:]
    if len(usual) == len(found.ranges) and all(lo <= d <= hi for d, (lo, hi) in zip(usual, found.ranges)):
        spatial = usual
    return {
        "accepts": found.words(),
        "accepted_ranges": [list(r) for r in found.ranges],
        "example_input": (1, found.channels, *spatial),
    }


def _sequence(found: Any) -> dict:
    """A sequence model's (``seqsearch``): its input with the length a symbol, and an example length (100
    where it works)."""
    (lo, hi), *_ = found.ranges or [(100, 100)]
    length = 100 if lo <= 100 <= hi else lo
    example = tuple(1 if d == "B" else length if d == "T" else d for d in found.template)
    return {
        "accepts": found.words(),
        "accepted_ranges": [list(r) for r in found.ranges],
        "example_input": example,
    }
