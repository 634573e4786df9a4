"""Library models used from a script as users do (torchvision's builders, timm's create_model, smp), against torch.

    python benchmarks/library_models.py [--library torchvision|timm|smp] [--sample 100] [--jobs 2] [--names a,b]

For each torchvision classification builder (``list_models(module=torchvision.models)``), a script
``model = torchvision.models.get_model(NAME, weights=None, num_classes=10); out = model(x)``; for timm,
``timm.create_model(NAME, pretrained=True, num_classes=10)`` for an evenly spaced sample of
``timm.list_models()`` at each one's pretrained config input size; for segmentation_models_pytorch,
``smp.ARCH(encoder_name=ENCODER, encoder_weights=None, classes=3)`` on a 2x3x256x256 batch for each
of its architectures with each encoder of ``SMP_ENCODERS`` (names ``ARCH:ENCODER``). Each script is checked by
``cnnlint summary`` (which reads the installed library's source) and the model is run by torch on
the meta device. Printed: how many are followed to the end, how many give torch's
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

TORCHVISION_SCRIPT = """import torch
import torchvision

model = torchvision.models.get_model("{name}", weights=None, num_classes=10)
out = model(torch.randn(2, {c}, {h}, {w}))
"""
TIMM_SCRIPT = """import timm
import torch

model = timm.create_model("{name}", pretrained=True, num_classes=10)
out = model(torch.randn(2, {c}, {h}, {w}))
"""
SMP_SCRIPT = """import segmentation_models_pytorch as smp
import torch

model = smp.{arch}(encoder_name="{encoder}", encoder_weights=None, classes=3)
out = model(torch.randn(2, {c}, {h}, {w}))
"""
SMP_ARCHITECTURES = (
    "Unet",
    "UnetPlusPlus",
    "FPN",
    "PSPNet",
    "DeepLabV3",
    "DeepLabV3Plus",
    "Linknet",
    "MAnet",
    "PAN",
    "UPerNet",
    "Segformer",
)
# The encoder families users pick most: smp's own ResNet/EfficientNet/MobileNet ports, and a timm one.
SMP_ENCODERS = ("resnet34", "resnet50", "efficientnet-b0", "mobilenet_v2", "tu-resnet18")
SIZES = {"inception_v3": (3, 299, 299)}  # torchvision's; the rest at 224


def _input(library: str, name: str) -> tuple[int, int, int]:
    if library == "smp":
        return (3, 256, 256)
    if library == "timm":
        import timm

        cfg = timm.models.get_pretrained_cfg(name)
        return tuple(cfg.input_size) if cfg is not None and cfg.input_size else (3, 224, 224)  # type: ignore[return-value]
    return SIZES.get(name, (3, 224, 224))


def _build(library: str, name: str) -> object:
    if library == "smp":
        import segmentation_models_pytorch as smp

        arch, encoder = name.split(":")
        return getattr(smp, arch)(encoder_name=encoder, encoder_weights=None, classes=3)
    if library == "timm":
        import timm

        return timm.create_model(name, pretrained=False, num_classes=10)
    import torchvision

    return torchvision.models.get_model(name, weights=None, num_classes=10)


def torch_truth(library: str, name: str) -> tuple[list, int, int] | str:
    """(output shape(s), parameters, FlopCounterMode total / 2) of the model torch builds, or its error."""
    import warnings

    import torch
    from torch.utils.flop_counter import FlopCounterMode

    warnings.simplefilter("ignore")  # GoogLeNet's and Inception's notes on their weight initialisation
    c, h, w = _input(library, name)
    try:
        try:
            with torch.device("meta"):
                model = _build(library, name)
        except NotImplementedError:  # widths computed with tensors in __init__ (RegNet): built on the CPU
            with torch.device("cpu"):
                model = _build(library, name)
        with torch.device("meta"), FlopCounterMode(display=False) as counter:
            out = model.to("meta")(torch.randn(2, c, h, w))  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the error is the truth
        return f"{type(exc).__name__}: {exc}"[:120]
    shape = [list(o.shape) for o in out] if isinstance(out, tuple) else list(out.shape)  # GoogLeNet's aux outputs
    return shape, sum(p.numel() for p in model.parameters()), counter.get_total_flops() // 2  # type: ignore[attr-defined]


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
    parser.add_argument("--library", choices=("torchvision", "timm", "smp"), default="torchvision")
    parser.add_argument("--sample", type=int, default=100, help="timm: this many architectures, evenly spaced")
    parser.add_argument("--names", default="", help="comma-separated model names (default: see --library)")
    options = parser.parse_args()
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    if options.library == "smp":
        import segmentation_models_pytorch as package

        names = [f"{arch}:{encoder}" for arch in SMP_ARCHITECTURES for encoder in SMP_ENCODERS]
        script = SMP_SCRIPT
        what = f"{len(SMP_ARCHITECTURES)} architectures x {len(SMP_ENCODERS)} encoders"
    elif options.library == "timm":
        import timm as package

        every = package.list_models()
        names = every[:: max(1, len(every) // options.sample)][: options.sample]
        script = TIMM_SCRIPT
        what = f"{len(names)} of its {len(every)} architectures, evenly spaced, through create_model(pretrained=True)"
    else:
        import torchvision as package

        names = package.models.list_models(module=package.models)
        script = TORCHVISION_SCRIPT
        what = f"{len(names)} classification builders, through get_model"
    if options.names:
        names = options.names.split(",")
        what = f"{len(names)} named models"
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name in names:
            c, h, w = _input(options.library, name)
            paths[name] = Path(tmp) / f"{name.replace('.', '_').replace(':', '_').replace('-', '_')}.py"
            arch, _, encoder = name.partition(":")
            paths[name].write_text(script.format(name=name, arch=arch, encoder=encoder, c=c, h=h, w=w))
        with ThreadPoolExecutor(options.jobs) as pool:
            results = dict(zip(names, pool.map(lambda n: cnnlint_summary(paths[n]), names)))
    followed = exact = 0
    misses = []
    for name in names:
        truth = torch_truth(options.library, name)
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
    print(f"{options.library} {package.__version__}: {what}")
    print(f"  followed to the end:  {followed}")
    print(f"  exact against torch:  {exact} (output shape, parameters, MACs = FlopCounterMode / 2)")
    print(f"  seconds per script:   median {statistics.median(seconds):.2f}, max {max(seconds):.2f}")
    print("\n".join(misses))


if __name__ == "__main__":
    main()
