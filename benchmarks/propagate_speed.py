"""How long propagate() takes on a 3,000-layer Sequential.

    python benchmarks/propagate_speed.py [--layers 3000] [--runs 7]

The model: Conv2d(64, 64, 3, padding=1) / BatchNorm2d(64) / ReLU blocks on a
1x64x56x56 input (shapes stay the same, so every layer does real work), then
Flatten and a chain of Linear / ReLU layers. Prints the median over several
runs, with a declared input and with none. Target: well under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cnnlint.shapes import Shape, propagate  # noqa: E402
from cnnlint.shapes.catalogue import CATALOGUE  # noqa: E402


def build(total: int) -> list:  # type: ignore[type-arg]
    conv, bn, relu = CATALOGUE["Conv2d"], CATALOGUE["BatchNorm2d"], CATALOGUE["ReLU"]
    linear, flatten = CATALOGUE["Linear"], CATALOGUE["Flatten"]
    conv_layers = (total * 4 // 5) // 3 * 3
    layers = []
    for _ in range(conv_layers // 3):
        layers += [conv(64, 64, 3, padding=1), bn(64), relu()]
    layers += [flatten(), linear(64 * 56 * 56, 256)]
    while len(layers) < total:
        layers += [relu(), linear(256, 256)] if total - len(layers) >= 2 else [relu()]
    return layers


def timed(layers: list, shape: Shape | None, runs: int) -> tuple[float, float]:  # type: ignore[type-arg]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        trace = propagate(layers, shape)
        times.append(time.perf_counter() - start)
    assert trace.findings == [] or shape is None, trace.findings[:3]
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    layers = build(args.layers)
    trace = propagate(layers, Shape(1, 64, 56, 56))
    print(
        f"layers={len(layers)} output={trace.output} findings={len(trace.findings)} "
        f"params={trace.steps[-1].params if trace.steps else 0}"
    )
    median, best = timed(layers, Shape(1, 64, 56, 56), args.runs)
    print(
        f"propagate, input (1, 64, 56, 56): median={median * 1000:.1f} ms min={best * 1000:.1f} ms "
        f"({median / len(layers) * 1e6:.1f} us/layer) over {args.runs} runs"
    )
    median, best = timed(layers, None, args.runs)
    print(f"propagate, no input:             median={median * 1000:.1f} ms min={best * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
