"""`cnnlint summary` on timm's released model source, checked against torch itself.

As in ``test_torchvision.py``: the installed timm's model files are only *read*
by cnnlint (it is given the file path, never imports them); the reference is
``timm.create_model(name)`` built by torch on the meta device: output shape,
``sum(p.numel())`` and the ``FlopCounterMode`` total, exactly twice cnnlint's MACs.

Models cnnlint does not yet get exact are listed in PENDING and run as strict
xfails: one that starts passing fails the run until it is taken off the list.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import sys
import types
import warnings
from pathlib import Path

import pytest
from conftest import run_cli

pytest.importorskip("torch")
_SPEC = importlib.util.find_spec("timm")
if _SPEC is None or not _SPEC.submodule_search_locations:
    pytest.skip("timm is not installed (it is in the dev extra)", allow_module_level=True)
MODELS_DIR = Path(next(iter(_SPEC.submodule_search_locations))) / "models"

CASES = [
    "resnet18",
    "resnet50",
    "efficientnet_b0",
    "mobilenetv3_large_100",
    "convnext_tiny",
    "vit_tiny_patch16_224",
    "densenet121",
    "volo_d1_224",  # outlook attention: nn.Unfold / F.fold
    "regnetx_002",
    "convnextv2_atto",  # GlobalResponseNorm: Tensor.norm, torch.addcmul
    "resnest14d",  # split attention: a BatchNorm over (B, C, 1, 1), MACs per sample
    "cspresnet50",  # create_csp_stem(**asdict(cfg.stem)); its config's input is 256x256
    "repvgg_a0",  # ByobNet: isinstance(cfg, Sequence), isinstance(group_size, Callable), dataclasses.replace
    "regnetz_b16",
    "hardcorenas_a",  # a file of registered factories only: the class is imported (no "Module" in its text)
    "convnext_zepto_rms",  # SimpleNorm2d: isinstance(channels, numbers.Integral)
    "davit_tiny",  # windows of a symbolic batch: view(-1, 7, 7, C) is (64*B, 7, 7, C)
    "coatnet_pico_rw_224",  # MaxxVit's config: model_cfgs['_'.join(variant.split('_')[:-1])]
    "crossvit_9_240",  # its config fixes the input at 240: filled in by @register_model, which runs
    "vit_small_patch16_rope_mixed_224",  # RoPE tables: torch.pi, x.repeat_interleave(2, -1)
    "vit_small_patch16_dinov3",  # a centred RoPE grid: torch.arange(0.5, s), float steps
    "resnetaa50",  # create_aa: try: AvgPool2d(channels=..., stride=2) except TypeError: AvgPool2d(2)
    "mvitv2_tiny",  # prod(stride) = functools.reduce(operator.mul, stride, 1)
    "nest_tiny",  # blocks per level: (4 ** torch.arange(levels)).flip(0).tolist()
    "qwen3_vit_88m_merge",  # its projector width: variant.endswith(("_enc", "_merge")), the registered tag
    "lambda_resnet26rpt_256",  # relative positions: pos_emb[idx[0], idx[1]], two index tensors
    "tiny_vit_5m_224",  # windows of a symbolic batch: reshape(B * nH * nW, ...) is (16*B, ...)
    "aimv2_large_patch14_224",  # RmsNorm: torch.nn.functional.rms_norm, imported in a try
    "sam2_hiera_tiny",  # its window position embedding: pos_embed_window.tile((tile_h, tile_w))
    "gemma4_vit_167m",  # position embeddings: F.one_hot(ids, num_classes) @ table, a symbolic batch
    "csatv2",  # DCT stem: np.arange(n).reshape(r, c).tolist(), x[:, :, zigzag], next(iter(drop_path_rates))
    "efficientnet_cc_b0_4e",  # CondConv: F.conv2d(x.reshape(1, B * C, H, W), groups=self.groups * B)
    "vit_small_resnet26d_224",  # a features_only backbone: FeatureListNet, ModuleDict.update, set.remove
    "maxvit_base_tf_384",  # lookup tables filled element by element (fill_loops): within one model's budget
]
PENDING: set[str] = set()
# RegNet computes its stage widths with tensor ops read back by `.tolist()` in __init__,
# which the meta device cannot do: it is built on the CPU (small) and moved.
BUILT_ON_CPU = {"regnetx_002"}
_PENDING_MARK = pytest.mark.xfail(strict=True, raises=AssertionError, reason="PENDING: not exact yet")


@functools.cache
def factory_file(name: str) -> Path:
    """The installed model file defining `def name(...)` at module level (found by parsing, not importing)."""
    for path in sorted(MODELS_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if f"def {name}(" not in text:
            continue
        if any(isinstance(node, ast.FunctionDef) and node.name == name for node in ast.parse(text).body):
            return path
    raise LookupError(f"no factory {name} in {MODELS_DIR}")


@functools.cache
def torch_reference(name: str) -> tuple[list[int], int, int]:
    """(output shape, parameter count, FlopCounterMode total) of ``timm.create_model(name)`` on the meta device,
    at the input size of its default config (the size cnnlint reads from the file, SPEC §2)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    # timm imports torchvision, whose compiled extension on the registry is a CUDA build: importing it
    # against the CPU torch fails in `torchvision._meta_registrations`. No model here uses those ops.
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import timm

    with warnings.catch_warnings(), torch.device("cpu" if name in BUILT_ON_CPU else "meta"):
        warnings.simplefilter("ignore")
        model = timm.create_model(name).eval()
    with torch.device("meta"):
        model = model.to("meta")
        with FlopCounterMode(display=False) as counter:
            out = model(torch.empty(1, *model.pretrained_cfg["input_size"]))
    return list(out.shape), sum(p.numel() for p in model.parameters()), counter.get_total_flops()


def config_input(name: str) -> str:
    """The input size of the model's registered config, batch 1: the size torch's reference runs at."""
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import timm

    return ",".join(map(str, (1, *timm.models.get_pretrained_cfg(name).input_size)))


def cnnlint_model(name: str) -> dict:
    declared = f"{name}={config_input(name)}"
    result = run_cli("summary", str(factory_file(name)), "--input", declared, "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    models = [m for m in result.json()["models"] if m["name"] == name]
    assert len(models) == 1, f"cnnlint reports {len(models)} models named {name}"
    return models[0]


def assert_matches(model: dict, reference: tuple[list[int], int, int]) -> None:
    shape, params, flops = reference
    if "followed" in model:
        assert model["followed"] is True, model.get("stopped")
    # Declared at the config size; a config the file states wins anyway (SPEC §2), its batch symbolic.
    assert model["output_shape"] is not None, model.get("stopped")
    batch = model["input_shape"][0] if model.get("input_shape") else 1
    assert [1 if d == batch else d for d in model["output_shape"][:1]] + model["output_shape"][1:] == shape
    assert model["total_params"] == params
    assert model["total_macs"] is not None and 2 * model["total_macs"] == flops


@pytest.mark.parametrize("name", [pytest.param(n, marks=_PENDING_MARK) if n in PENDING else n for n in CASES])
def test_summary_matches_torch(name: str) -> None:
    reference = torch_reference(name)  # first: a broken reference is an error, never an xfail
    assert_matches(cnnlint_model(name), reference)


def test_reference_is_torch() -> None:
    """The oracle side alone: timm's resnet18 has torchvision's published figures (guards the harness)."""
    assert torch_reference("resnet18") == ([1, 1000], 11_689_512, 2 * 1_814_073_344)


def test_factories_are_found_by_reading_source() -> None:
    assert {factory_file(n).name for n in ("resnet18", "efficientnet_b0", "convnext_tiny")} == {
        "resnet.py",
        "efficientnet.py",
        "convnext.py",
    }
