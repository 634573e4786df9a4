"""Every torchvision classification builder, used from a script as users do, against torch.

    python benchmarks/library_models.py [--jobs 2] [--names resnet18,vgg16]

For each builder ``torchvision.models.list_models(module=torchvision.models)`` names, a script
``model = torchvision.models.get_model(NAME, weights=None, num_classes=10); out = model(x)``
is checked by ``cnnlint summary`` (which reads the installed torchvision's source) and run by
torch on the meta device. Printed: how many are followed to the end, how many give torch's
output shape, parameter count and MACs (``FlopCounterMode`` total / 2) exactly, and the
end-to-end seconds per script (new process, bytecode compiled). Needs the dev extra (torch, torchvision).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SCRIPT = """import torch
import torchvision

model = torchvision.models.get_model("{name}", weights=None, num_classes=10)
out = model(torch.randn(2, 3, {size}, {size}))
"""
SIZES = {"inception_v3": 299}  # the rest at 224


def torch_truth(name: str) -> tuple[list, int, int] | str:
    import warnings

    import torch
    from torch.utils.flop_counter import FlopCounterMode

    warnings.simplefilter("ignore")  # GoogLeNet's and Inception's notes on their weight initialisation
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torchvision

    size = SIZES.get(name, 224)
    try:
        # RegNet computes its widths with tensors in __init__, which the meta device cannot: built on the CPU
        with torch.device("cpu" if name.startswith("regnet") else "meta"):
            model = torchvision.models.get_model(name, weights=None, num_classes=10)
        with torch.device("meta"), FlopCounterMode(display=False) as counter:
            out = model.to("meta")(torch.randn(2, 3, size, size))
    except Exception as exc:  # noqa: BLE001 - the error is the truth
        return f"{type(exc).__name__}: {exc}"[:120]
    shape = [list(o.shape) for o in out] if isinstance(out, tuple) else list(out.shape)  # GoogLeNet's aux outputs
    return shape, sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2


def cnnlint_summary(path: Path) -> tuple[dict | None, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cnnlint", "summary", "--output-format", "json", str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - start
    try:
        models = [m for m in json.loads(proc.stdout)["models"] if m["name"] == "model"]
    except (json.JSONDecodeError, KeyError):
        return None, seconds
    return (models[0] if models else None), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--names", default="", help="comma-separated builders (default: all classification ones)")
    options = parser.parse_args()
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torchvision

    names = options.names.split(",") if options.names else torchvision.models.list_models(module=torchvision.models)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name in names:
            paths[name] = Path(tmp) / f"{name}.py"
            paths[name].write_text(SCRIPT.format(name=name, size=SIZES.get(name, 224)))
        with ThreadPoolExecutor(options.jobs) as pool:
            results = dict(zip(names, pool.map(lambda n: cnnlint_summary(paths[n]), names)))
    followed = exact = 0
    misses = []
    for name in names:
        truth = torch_truth(name)
        model, _ = results[name]
        ok = model is not None and model["stopped_at_row"] is None and not model["partial"]
        followed += ok
        figures = [model["output_shape"], model["total_params"], model["total_macs"]] if ok else None
        same = not isinstance(truth, str) and figures == list(truth)
        exact += same
        if not same:
            got = None if model is None else (figures, model["stopped_at_row"])
            misses.append(f"  {name}: cnnlint {got}, torch {truth}")
    seconds = [s for _, s in results.values()]
    print(f"torchvision {torchvision.__version__}: {len(names)} classification builders, through get_model")
    print(f"  followed to the end:  {followed}")
    print(f"  exact against torch:  {exact} (output shape, parameters, MACs = FlopCounterMode / 2)")
    print(f"  seconds per script:   median {statistics.median(seconds):.2f}, max {max(seconds):.2f}")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
