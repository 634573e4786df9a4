"""Models built by an installed library (``torchvision.models.resnet18()``, ``timm.create_model``), with the
head or stem replaced.

cnnlint reads the installed torchvision's and timm's source (``cnnlint/interpret/libraries.py``).
The truth is the same script run by torch on the meta device, with the weights
download stubbed out (pretrained weights change no shape): the output shape and
``sum(p.numel())`` of ``model``, or the error torch raises at the forward.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest
from conftest import run_cli

if importlib.util.find_spec("torchvision") is None:  # (not imported here: see _torch_truth)
    pytest.skip("torchvision is not installed", allow_module_level=True)

HEADER = "import torch\nimport torch.nn as nn\nimport torchvision\nfrom torchvision import models\n"

# name -> (script after HEADER, the row of the expected finding (1 = HEADER's first line) and code, or None)
CASES: dict[str, tuple[str, tuple[int, str] | None]] = {
    "resnet18_head": (
        """
        model = torchvision.models.resnet18(weights="IMAGENET1K_V1")
        model.fc = nn.Linear(model.fc.in_features, 10)
        out = model(torch.randn(4, 3, 224, 224))
        """,
        None,
    ),
    "resnet18_head_too_wide": (
        """
        model = torchvision.models.resnet18(weights=None)
        model.fc = nn.Linear(2048, 10)
        out = model(torch.randn(4, 3, 224, 224))
        """,
        (6, "CNL001"),
    ),
    "vgg16_pretrained_frozen": (
        """
        model = models.vgg16(pretrained=True)
        for p in model.parameters():
            p.requires_grad = False
        model.classifier[6] = nn.Linear(4096, 5)
        out = model(torch.randn(2, 3, 224, 224))
        """,
        None,
    ),
    "vgg16_classifier_wrong": (
        """
        model = models.vgg16(weights=models.VGG16_Weights.DEFAULT)
        model.classifier[6] = nn.Linear(25088, 5)
        out = model(torch.randn(2, 3, 224, 224))
        """,
        (6, "CNL001"),
    ),
    "resnet50_grayscale": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.backbone = models.resnet50(weights=models.ResNet50_Weights["IMAGENET1K_V2"])
                self.backbone.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
                self.backbone.fc = nn.Linear(self.backbone.fc.in_features, 3)

            def forward(self, x):
                return self.backbone(x)

        model = Net()
        out = model(torch.randn(2, 1, 128, 128))
        """,
        None,
    ),
    "resnet50_grayscale_narrow_stem": (
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.backbone = models.resnet50(weights=models.ResNet50_Weights["IMAGENET1K_V2"])
                self.backbone.conv1 = nn.Conv2d(1, 32, kernel_size=7, stride=2, padding=3, bias=False)

            def forward(self, x):
                return self.backbone(x)

        model = Net()
        out = model(torch.randn(2, 1, 128, 128))
        """,
        (9, "CNL002"),  # at the user's conv1, which gives torchvision's bn1 32 channels where it takes 64
    ),
    "mobilenet_v2_classifier": (
        """
        model = models.mobilenet_v2(weights="DEFAULT")
        model.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(model.last_channel, 10))
        out = model(torch.zeros(4, 3, 224, 224))
        """,
        None,
    ),
    "densenet121_classifier": (
        """
        model = models.densenet121(pretrained=True)
        model.classifier = nn.Linear(model.classifier.in_features, 2)
        out = model(torch.randn(1, 3, 224, 224))
        """,
        None,
    ),
    "efficientnet_b0_classifier": (
        """
        model = models.efficientnet_b0(weights="IMAGENET1K_V1")
        model.classifier[1] = nn.Linear(in_features=1280, out_features=3)
        out = model(torch.randn(2, 3, 224, 224))
        """,
        None,
    ),
    "get_model": (
        """
        model = torchvision.models.get_model("resnet34", weights=None, num_classes=7)
        out = model(torch.randn(2, 3, 160, 160))
        """,
        None,
    ),
    "squeezenet_classifier": (
        """
        model = models.squeezenet1_1(pretrained=True)
        model.classifier[1] = nn.Conv2d(512, 10, kernel_size=1)
        model.num_classes = 10
        out = model(torch.randn(2, 3, 224, 224))
        """,
        None,
    ),
    "vit_b_16_head": (
        """
        model = models.vit_b_16(weights="IMAGENET1K_V1")
        model.heads.head = nn.Linear(model.heads.head.in_features, 10)
        out = model(torch.randn(1, 3, 224, 224))
        """,
        None,
    ),
    "convnext_tiny_head_wrong": (
        """
        model = models.convnext_tiny(weights="DEFAULT")
        model.classifier[2] = nn.Linear(1024, 10)
        out = model(torch.randn(1, 3, 224, 224))
        """,
        (6, "CNL001"),
    ),
    "resnet50_last_stride_1": (  # re-identification's trick: torch's forward reads the stride set afterwards
        """
        model = models.resnet50(weights=None)
        model.layer4[0].conv2.stride = (1, 1)
        model.layer4[0].downsample[0].stride = (1, 1)
        model.fc = nn.Linear(2048, 751)
        out = model(torch.randn(2, 3, 256, 128))
        """,
        None,
    ),
    # timm: ``create_model`` finds the model file by the registry name and runs only that one
    "timm_resnet50_pretrained": (
        """
        import timm
        model = timm.create_model("resnet50.a1_in1k", pretrained=True, num_classes=10)
        out = model(torch.randn(2, 3, 224, 224))
        """,
        None,
    ),
    "timm_vit_head_wrong": (
        """
        from timm import create_model
        model = create_model("vit_small_patch16_224", pretrained=True)
        model.head = nn.Linear(768, 10)
        out = model(torch.randn(2, 3, 224, 224))
        """,
        (7, "CNL001"),  # vit_small's embedding is 384 wide
    ),
    "timm_efficientnet_backbone": (
        """
        import timm
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.backbone = timm.models.create_model("efficientnet_b0", pretrained=True, num_classes=0)
                self.head = nn.Linear(self.backbone.num_features, 5)

            def forward(self, x):
                return self.head(self.backbone(x))

        model = Net()
        out = model(torch.randn(2, 3, 224, 224))
        """,
        None,
    ),
    "timm_convnext_reset_classifier": (
        """
        import timm
        model = timm.create_model("convnext_tiny", pretrained=True)
        model.reset_classifier(7)
        out = model(torch.randn(1, 3, 224, 224))
        """,
        None,
    ),
}


CASES["vgg11_first_conv_narrow"] = (
    """
    model = models.vgg11(weights=None)
    model.features[0] = nn.Conv2d(1, 32, 3, padding=1)
    out = model(torch.randn(2, 1, 224, 224))
    """,
    (6, "CNL002"),  # VGG's own ReLU and max pool pass 32 channels to a conv that takes 64
)
CASES["timm_vit_at_another_size"] = (
    """
    import timm
    model = timm.create_model("vit_small_patch16_224", pretrained=True, num_classes=10)
    out = model(torch.randn(2, 3, 256, 256))
    """,
    (6, "CNL014"),  # timm's PatchEmbed asserts the size it was built for
)

# segmentation_models_pytorch: its encoders subclass torchvision's ResNet and wrap timm's features_only models
SMP_CASES: dict[str, tuple[str, tuple[int, str] | None]] = {
    "smp_unet_grayscale": (
        """
        import segmentation_models_pytorch as smp
        model = smp.Unet("resnet34", encoder_weights=None, in_channels=1, classes=3)
        out = model(torch.randn(2, 1, 256, 256))
        """,
        None,
    ),
    "smp_unet_grayscale_batch_with_rgb_encoder": (
        """
        import segmentation_models_pytorch as smp
        model = smp.Unet("resnet34", encoder_weights=None, in_channels=3, classes=2)
        out = model(torch.randn(2, 1, 256, 256))
        """,
        (6, "CNL002"),  # the library's conv1 rejects it: said at the line that builds the model
    ),
    "smp_fpn_timm_encoder": (
        """
        import segmentation_models_pytorch as smp
        model = smp.FPN(encoder_name="tu-resnet18", encoder_weights=None, classes=4)
        out = model(torch.randn(2, 3, 320, 192))
        """,
        None,
    ),
    "smp_fpn_size_not_divisible": (
        """
        import segmentation_models_pytorch as smp
        model = smp.FPN(encoder_name="resnet18", encoder_weights=None, classes=4)
        out = model(torch.randn(2, 3, 250, 250))
        """,
        (6, "CNL014"),  # smp's check_input_shape raises before the encoder runs
    ),
    "smp_head_replaced_wrong": (
        """
        import segmentation_models_pytorch as smp
        model = smp.Unet("resnet34", encoder_weights=None, classes=2)
        model.segmentation_head[0] = nn.Conv2d(32, 5, kernel_size=3, padding=1)
        out = model(torch.randn(2, 3, 256, 256))
        """,
        (7, "CNL002"),  # the decoder gives 16 channels
    ),
    "smp_encoder_with_own_head": (
        """
        import segmentation_models_pytorch as smp

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = smp.encoders.get_encoder("resnet50", in_channels=3, depth=5, weights=None)
                self.head = nn.Conv2d(1024, 4, kernel_size=1)

            def forward(self, x):
                return self.head(self.encoder(x)[-1])

        model = Net()
        out = model(torch.randn(2, 3, 224, 224))
        """,
        (11, "CNL002"),  # the last feature map has 2048 channels
    ),
}
if importlib.util.find_spec("segmentation_models_pytorch") is not None:
    CASES.update(SMP_CASES)


def _script(name: str) -> str:
    return HEADER + textwrap.dedent(CASES[name][0]).lstrip("\n")


def _torch_truth(text: str) -> tuple[list[int], int] | Exception:
    """Run the script with torch on the meta device, no weights downloaded: (output shape, params) or the error."""
    import torch

    # The compiled extension is a CUDA build that fails to load beside the CPU torch; these models use none of
    # its ops (see test_torchvision.py).
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import timm.models._builder
    from torchvision.models._api import WeightsEnum

    namespace: dict[str, object] = {"__name__": "__main__"}
    saved = WeightsEnum.get_state_dict, torch.nn.Module.load_state_dict, timm.models._builder.load_pretrained
    WeightsEnum.get_state_dict = lambda self, *a, **k: {}  # type: ignore[method-assign]
    torch.nn.Module.load_state_dict = lambda self, *a, **k: None  # type: ignore[method-assign]
    timm.models._builder.load_pretrained = lambda *a, **k: None
    try:
        with torch.device("meta"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchvision's deprecation notes for ``pretrained=True``
            exec(compile(text, "<case>", "exec"), namespace)
    except Exception as exc:  # noqa: BLE001 - the error is the truth of a broken case
        return exc
    finally:
        WeightsEnum.get_state_dict, torch.nn.Module.load_state_dict, timm.models._builder.load_pretrained = saved
    model, out = namespace["model"], namespace["out"]
    return list(out.shape), sum(p.numel() for p in model.parameters())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", CASES)
def test_library_model_matches_torch(name: str, tmp_path: Path) -> None:
    text = _script(name)
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    truth = _torch_truth(text)
    check = run_cli("check", "--output-format", "json", str(path))
    found = [(d["location"]["row"], d["code"]) for d in check.json()]
    expected = CASES[name][1]
    if isinstance(truth, Exception):
        assert expected is not None, f"torch raised {truth!r}"
        assert found == [expected], check.stdout
        return
    assert expected is None and found == [], check.stdout
    summary = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    (model,) = [m for m in summary if m["name"] == "model"] or summary
    assert model["output_shape"] == truth[0] and model["total_params"] == truth[1]


def test_a_finding_the_users_layer_causes_is_at_the_users_layer() -> None:
    """The BatchNorm that rejects 32 channels is torchvision's; the conv giving them is the user's line 9."""
    text = _script("resnet50_grayscale_narrow_stem")
    result = run_cli("check", "--output-format", "json", "--stdin-filename", "net.py", "-", input=text)
    (finding,) = result.json()
    assert (finding["code"], finding["location"]["row"], finding["fix"]) == ("CNL002", 9, None)
    assert finding["message"].startswith("Conv2d gives out_channels=32, but the next layer, BatchNorm2d (in ")
    assert "torchvision.models.resnet, line " in finding["message"]
    assert finding["message"].endswith("expects num_features=64; set out_channels=64")


def test_a_finding_the_users_layer_causes_through_a_relu_and_a_pool_is_at_the_users_layer() -> None:
    text = _script("vgg11_first_conv_narrow")
    result = run_cli("check", "--output-format", "json", "--stdin-filename", "net.py", "-", input=text)
    (finding,) = result.json()
    assert (finding["code"], finding["location"]["row"], finding["fix"]) == ("CNL002", 6, None)
    assert finding["message"].startswith("Conv2d gives out_channels=32, but a later layer, Conv2d (in ")
    assert finding["message"].endswith("expects in_channels=64; set out_channels=64")


def test_a_finding_inside_the_library_says_where() -> None:
    """A 1-channel batch fed to an unchanged resnet18: torchvision's conv1 rejects it, and nothing of the
    user's produced it: said at the line that builds the model, naming the library's file and line."""
    text = HEADER + "model = models.resnet18()\nout = model(torch.randn(4, 1, 224, 224))\n"
    result = run_cli("check", "--output-format", "json", "--stdin-filename", "net.py", "-", input=text)
    (finding,) = result.json()
    assert (finding["code"], finding["location"]["row"], finding["fix"]) == ("CNL002", 5, None)
    assert "receives 1 channel" in finding["message"] and "set in_channels" not in finding["message"]
    assert "(in torchvision.models.resnet, line " in finding["message"]
    assert "the library's own layer" in finding["message"]


def test_a_library_check_that_rejects_the_input_says_why() -> None:
    """timm's ViT asserts its input size: CNL014 at the line that builds the model, with timm's own message."""
    text = _script("timm_vit_at_another_size")
    result = run_cli("check", "--output-format", "json", "--stdin-filename", "net.py", "-", input=text)
    (finding,) = result.json()
    assert (finding["code"], finding["location"]["row"]) == ("CNL014", 6)
    assert "fails at this input: Input height (256) doesn't match model (224)." in finding["message"]
    assert "(in timm.layers.patch_embed, line " in finding["message"]


def test_fix_rewrites_the_head_in_the_users_file(tmp_path: Path) -> None:
    path = tmp_path / "head.py"
    path.write_text(_script("resnet18_head_too_wide"), encoding="utf-8")
    run_cli("check", "--fix", str(path))
    assert "model.fc = nn.Linear(512, 10)\n" in path.read_text(encoding="utf-8")
    assert run_cli("check", str(path)).exit_code == 0
