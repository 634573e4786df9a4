"""torchvision's segmentation and video models, read from the installed source, checked against torch.

Like ``test_torchvision.py`` (classification): cnnlint only reads the files; the
reference is the real model built by torch on the meta device (output shapes,
``sum(p.numel())``, ``FlopCounterMode`` total / 2). Segmentation models return a
dict of outputs; video models take (N, C, T, H, W).
"""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

import pytest
from conftest import run_cli
from test_torchvision import MODELS_DIR

# Segmentation models: a backbone built with its default pretrained weights (an enum member whose value is a
# ``Weights`` object: cnnlint reads the enum, never the weights), cut by ``IntermediateLayerGetter``, and a
# dict of outputs. Torch builds the same architecture with ``weights_backbone=None`` (nothing to download).
SEGMENTATION = ["fcn_resnet50", "deeplabv3_resnet50", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]


@functools.cache
def _segmentation_summary() -> dict[str, list[dict]]:
    by_name: dict[str, list[dict]] = {}
    for path in sorted((MODELS_DIR / "segmentation").glob("*.py")):
        names = [n for n in SEGMENTATION if f"def {n}(" in path.read_text(encoding="utf-8")]
        if names:
            inputs = [f"--input={n}=2,3,224,224" for n in names]
            result = run_cli("summary", str(path), *inputs, "--output-format", "json")
            assert result.exit_code in (0, 1), result.stderr
            for model in result.json()["models"]:
                by_name.setdefault(model["name"], []).append(model)
    return by_name


def _reference(package: str, name: str, size: tuple[int, ...], **kwargs: object) -> tuple[object, int, int]:
    """(output shape, or a dict of them; parameter count; FlopCounterMode total) of the model torch builds."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    # The compiled extension is a CUDA build that fails to load beside the CPU torch; these models use none of
    # its ops (see test_torchvision.py).
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torchvision.models

    with torch.device("meta"):
        model = getattr(getattr(torchvision.models, package), name)(weights=None, **kwargs)
        with FlopCounterMode(display=False) as counter:
            out = model(torch.empty(*size))
    shapes = {k: list(v.shape) for k, v in out.items()} if isinstance(out, dict) else list(out.shape)
    return shapes, sum(p.numel() for p in model.parameters()), counter.get_total_flops()


def _segmentation_reference(name: str, batch: int) -> tuple[object, int, int]:
    return _reference("segmentation", name, (batch, 3, 224, 224), weights_backbone=None)


@pytest.mark.parametrize("name", SEGMENTATION)
def test_segmentation_summary_matches_torch(name: str) -> None:
    outputs, params, flops = _segmentation_reference(name, 2)
    models = _segmentation_summary().get(name, [])
    assert len(models) == 1, sorted(_segmentation_summary())
    model = models[0]
    assert model["stopped_at_row"] is None and not model["partial"] and model["output_shape"] == outputs
    assert model["total_params"] == params and 2 * model["total_macs"] == flops


def test_deeplabv3_batch_of_one_fails_where_torch_fails() -> None:
    """ASPP's image pooling branch feeds BatchNorm one value per channel: torch raises in training mode."""
    import torch

    with pytest.raises(ValueError, match="more than 1 value per channel"):
        _segmentation_reference("deeplabv3_resnet50", 1)
    path = MODELS_DIR / "segmentation" / "deeplabv3.py"
    result = run_cli("check", str(path), "--input=deeplabv3_resnet50=1,3,224,224", "--output-format", "json")
    codes = [(f["code"], f["location"]["row"]) for f in result.json()]
    lines = path.read_text(encoding="utf-8").splitlines()
    pooling = next(i for i, line in enumerate(lines) if line.startswith("class ASPPPooling"))
    row = next(i for i, line in enumerate(lines[pooling:], pooling + 1) if "nn.BatchNorm2d(out_channels)" in line)
    assert codes == [("CNL005", row)], codes
    assert torch is not None


# name -> input (N, C, T, H, W): the sizes torchvision's video weights were trained at
VIDEO = {
    "r3d_18": (1, 3, 16, 112, 112),
    "mc3_18": (1, 3, 16, 112, 112),
    "r2plus1d_18": (1, 3, 16, 112, 112),
    "s3d": (1, 3, 16, 224, 224),
    "mvit_v1_b": (1, 3, 16, 224, 224),
    "mvit_v2_s": (1, 3, 16, 224, 224),
    "swin3d_t": (1, 3, 16, 224, 224),
}


@functools.cache
def _video_summary(path: Path) -> dict[str, dict]:
    names = [n for n in VIDEO if f"def {n}(" in path.read_text(encoding="utf-8")]
    inputs = [f"--input={n}={','.join(map(str, VIDEO[n]))}" for n in names]
    result = run_cli("summary", str(path), *inputs, "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return {m["name"]: m for m in result.json()["models"] if m["name"] in names}


@pytest.mark.parametrize("name", VIDEO)
def test_video_summary_matches_torch(name: str) -> None:
    shape, params, flops = _reference("video", name, VIDEO[name])
    path = next(p for p in sorted((MODELS_DIR / "video").glob("*.py")) if f"def {name}(" in p.read_text("utf-8"))
    model = _video_summary(path).get(name)
    assert model is not None and model["stopped_at_row"] is None and not model["partial"]
    assert model["output_shape"] == shape
    assert model["total_params"] == params and 2 * model["total_macs"] == flops


# Quantizable classification models, built as floats (``quantize=False``: what they are before ``convert``):
# QuantStub/DeQuantStub, FloatFunctional's ops, and ``_replace_relu``'s ``model._modules[name] = nn.ReLU()``.
QUANTIZABLE = {
    "resnet18": "resnet.py",
    "resnext101_32x8d": "resnet.py",
    "mobilenet_v2": "mobilenetv2.py",
    "mobilenet_v3_large": "mobilenetv3.py",
    "shufflenet_v2_x1_0": "shufflenetv2.py",
}


@functools.cache
def _quantizable_summary(filename: str) -> dict[str, dict]:
    names = [n for n, f in QUANTIZABLE.items() if f == filename]
    inputs = [f"--input={n}=2,3,224,224" for n in names]
    result = run_cli("summary", str(MODELS_DIR / "quantization" / filename), *inputs, "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return {m["name"]: m for m in result.json()["models"] if m["name"] in names}


@pytest.mark.parametrize("name", QUANTIZABLE)
def test_quantizable_summary_matches_torch(name: str) -> None:
    shape, params, flops = _reference("quantization", name, (2, 3, 224, 224), quantize=False)
    model = _quantizable_summary(QUANTIZABLE[name]).get(name)
    assert model is not None and model["stopped_at_row"] is None and not model["partial"]
    assert model["output_shape"] == shape
    assert model["total_params"] == params and 2 * model["total_macs"] == flops
