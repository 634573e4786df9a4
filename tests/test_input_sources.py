"""Every place the code itself names a model's input size (SPEC §2 item 2, issue 12 item 1), one small file each.

Each source says which it is: ``input_from`` / ``input_row`` in the summary's
JSON (added keys; ``input_source`` stays ``"inferred"``), and "inferred from
summary(...) on line 5" in its text.
"""

from __future__ import annotations

import textwrap

import pytest
from conftest import run_cli

NET = """\
import torch
import torch.nn as nn


class ResNet(nn.Module):
    def __init__(self, num_classes=10, width=8):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.conv(x)), 1))

"""


def models(tmp_path, body: str, *, prefix: str = NET) -> dict[str, dict]:
    path = tmp_path / "m.py"
    path.write_text(prefix + textwrap.dedent(body))
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    import json

    return {m["name"]: m for m in json.loads(result.stdout)["models"]}


def source(model: dict) -> tuple:
    return (tuple(model["input_shape"] or ()), model["input_source"], model["input_from"], model["input_row"])


def test_factory_and_variable(tmp_path):
    found = models(
        tmp_path,
        """\
        def ResNet18():
            return ResNet(10, 16)

        net = ResNet18()
        y = net(torch.randn(1, 3, 32, 32))
        """,
    )
    assert source(found["ResNet18"]) == ((1, 3, 32, 32), "inferred", "net(...)", 19)


def test_factory_called_with_arguments_reports_that_instance(tmp_path):
    """torchvision style: ``model = resnext(num_classes=100); model(x)`` is the factory's model, built as the
    file builds it (100 classes), reported once under the outermost factory's name, not also as its class."""
    found = models(
        tmp_path,
        """\
        def _make(num_classes=1000, width=8):
            return ResNet(num_classes, width)

        def resnet(num_classes=1000, width=16):
            return _make(num_classes, width)

        def resnet_wide(**kwargs):
            kwargs["width"] = 32
            return resnet(**kwargs)

        model = resnet_wide(num_classes=100)
        y = model(torch.randn(1, 3, 32, 32))
        """,
    )
    assert set(found) == {"resnet", "resnet_wide"}
    assert found["resnet_wide"]["output_shape"] == [1, 100]
    assert found["resnet_wide"]["total_params"] == 3 * 32 * 9 + 32 + 32 * 100 + 100
    assert found["resnet"]["output_shape"] == [1, 1000]  # built with its defaults, the input borrowed
    assert found["resnet"]["total_params"] == 3 * 16 * 9 + 16 + 16 * 1000 + 1000


def test_test_function_nobody_calls(tmp_path):
    """kuangliu/pytorch-cifar: ``def test(): net = ResNet18(); y = net(torch.randn(1, 3, 32, 32))``, never called."""
    found = models(
        tmp_path,
        """\
        def ResNet18():
            return ResNet(10, 16)

        def test():
            net = ResNet18()
            y = net(torch.randn(1, 3, 32, 32))
            print(y.size())

        # test()
        """,
    )
    assert source(found["ResNet18"])[:3] == ((1, 3, 32, 32), "inferred", "net(...)")


def test_function_needing_arguments_is_not_run(tmp_path):
    found = models(
        tmp_path,
        """\
        def ResNet18():
            return ResNet(10, 16)

        def train(loader):
            net = ResNet18()
            net(torch.randn(1, 3, 32, 32))
        """,
    )
    assert found["ResNet18"]["input_shape"] is None


def test_get_model_then_to_device_in_main(tmp_path):
    found = models(
        tmp_path,
        """\
        def get_model():
            return ResNet(num_classes=5)

        def main():
            device = "cuda" if torch.cuda.is_available() else "cpu"
            model = get_model().to(device).eval()
            x = torch.randn(2, 3, 64, 64).to(device)
            print(model(x).shape)

        if __name__ == "__main__":
            main()
        """,
    )
    assert source(found["get_model"]) == ((2, 3, 64, 64), "inferred", "model(...)", 22)


D2L = """\
import torch
from torch import nn
from d2l import torch as d2l


class LeNet(d2l.Classifier):
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.LazyLinear(120), nn.Sigmoid(),
            nn.LazyLinear(84), nn.Sigmoid(),
            nn.LazyLinear(num_classes))


@d2l.add_to_class(d2l.Classifier)
def layer_summary(self, X_shape):
    X = torch.randn(*X_shape)
    for layer in self.net:
        X = layer(X)
        print(layer.__class__.__name__, 'output shape:\\t', X.shape)

"""


def test_d2l_layer_summary(tmp_path):
    """The d2l book's LeNet: a ``d2l.Classifier`` whose ``self.net`` gets ``layer_summary``'s shape."""
    found = models(tmp_path, "model = LeNet()\nmodel.layer_summary((1, 1, 28, 28))\n", prefix=D2L)
    net = found["self.net"]
    assert source(net) == ((1, 1, 28, 28), "inferred", "model.layer_summary(...)", 29)
    assert net["output_shape"] == [1, 10]


def test_d2l_layer_summary_on_a_new_instance(tmp_path):
    found = models(tmp_path, "LeNet().layer_summary((1, 1, 28, 28))\n", prefix=D2L)
    assert source(found["self.net"])[:3] == ((1, 1, 28, 28), "inferred", "LeNet().layer_summary(...)")


def test_d2l_apply_init_with_an_example(tmp_path):
    body = "model = LeNet(lr=0.1)\nmodel.apply_init([torch.randn(1, 1, 28, 28)], d2l.init_cnn)\n"
    found = models(tmp_path, body, prefix=D2L)
    assert source(found["self.net"])[:3] == ((1, 1, 28, 28), "inferred", "model.apply_init(...)")


def test_layer_summary_not_a_shape_is_no_input(tmp_path):
    found = models(tmp_path, "model = LeNet()\nmodel.layer_summary(shape)\n", prefix=D2L)
    assert found["self.net"]["input_shape"] is None


def test_layer_summary_on_an_nn_module(tmp_path):
    """The interpreter's own models: ``layer_summary`` attached elsewhere (``add_to_class``) names the input."""
    found = models(tmp_path, "model = ResNet()\nmodel.layer_summary((1, 3, 28, 28))\n")
    assert source(found["ResNet"]) == ((1, 3, 28, 28), "inferred", "model.layer_summary(...)", 16)


@pytest.mark.parametrize(
    "call",
    ["summary(model, (1, 3, 224, 224))", "summary(model, input_size=(1, 3, 224, 224))"],
)
def test_torchinfo_summary(tmp_path, call):
    found = models(tmp_path, f"from torchinfo import summary\n\nmodel = ResNet()\n{call}\n")
    assert source(found["ResNet"]) == ((1, 3, 224, 224), "inferred", "summary(...)", 18)


def test_onnx_export(tmp_path):
    found = models(tmp_path, 'model = ResNet()\ntorch.onnx.export(model, torch.randn(1, 3, 96, 96), "m.onnx")\n')
    assert source(found["ResNet"]) == ((1, 3, 96, 96), "inferred", "torch.onnx.export(...)", 16)


def test_jit_trace(tmp_path):
    body = "model = ResNet().eval()\nexample = torch.rand(4, 3, 48, 48)\ntraced = torch.jit.trace(model, example)\n"
    found = models(tmp_path, body)
    assert source(found["ResNet"]) == ((4, 3, 48, 48), "inferred", "torch.jit.trace(...)", 17)


TIMM = """\
def _cfg(url="", **kwargs):
    return {"url": url, "num_classes": 1000, "input_size": (3, 224, 224), "pool_size": (7, 7), **kwargs}


def resnet_small(pretrained=False, **kwargs):
    return ResNet(**kwargs)


def resnet_big(pretrained=False, **kwargs):
    return ResNet(width=32, **kwargs)

"""


def test_timm_default_cfgs(tmp_path):
    body = TIMM + (
        "default_cfgs = generate_default_cfgs({\n"
        '    "resnet_small.a1_in1k": _cfg(hf_hub_id="timm/"),\n'
        '    "resnet_big.tv_in1k": _cfg(input_size=(3, 288, 288)),\n'
        '    "resnet_big.other": _cfg(input_size=(3, 320, 320)),\n'
        "})\n"
    )
    found = models(tmp_path, body)
    assert source(found["resnet_small"]) == (
        ("B", 3, 224, 224),
        "inferred",
        "the timm config default_cfgs['resnet_small.a1_in1k']; batch symbolic, MACs per sample",
        27,
    )
    assert found["resnet_big"]["input_shape"] == ["B", 3, 288, 288]  # a model's first config wins
    text = run_cli("summary", str(tmp_path / "m.py")).stdout
    assert (
        "Input shape: [B, 3, 288, 288] (inferred from the timm config default_cfgs['resnet_big.tv_in1k'] on line 28; "
        "batch symbolic, MACs per sample)"
    ) in text


def test_timm_single_default_cfg_and_no_match(tmp_path):
    found = models(tmp_path, TIMM + 'default_cfgs = {"resnet_other": _cfg(input_size=(3, 64, 64))}\n')
    assert found["resnet_small"]["input_shape"] is None  # a config for another name is not this model's
    found = models(tmp_path, TIMM + "default_cfg = _cfg(input_size=(3, 160, 160))\n")
    assert source(found["resnet_small"])[:3] == (
        ("B", 3, 160, 160),
        "inferred",
        "the timm config default_cfg; batch symbolic, MACs per sample",
    )


def test_code_comes_before_the_timm_config(tmp_path):
    body = TIMM + 'default_cfgs = {"resnet_small": _cfg()}\n\nnet = resnet_small()\nnet(torch.randn(1, 3, 40, 40))\n'
    assert models(tmp_path, body)["resnet_small"]["input_shape"] == [1, 3, 40, 40]


def test_text_names_the_source(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(NET + "from torchinfo import summary\n\nmodel = ResNet()\nsummary(model, (1, 3, 32, 32))\n")
    out = run_cli("summary", str(path)).stdout
    assert "Input shape: [1, 3, 32, 32] (inferred from summary(...) on line 18)" in out


def test_torchsummary_adds_its_batch_of_two(tmp_path):
    found = models(tmp_path, "from torchsummary import summary\n\nmodel = ResNet()\nsummary(model, (3, 64, 64))\n")
    assert source(found["ResNet"]) == (
        (2, 3, 64, 64),
        "inferred",
        "torchsummary's summary(...); batch 2, as it runs",
        18,
    )


def test_helper_taking_an_input_shape(tmp_path):
    """``init_cnn``-style helpers: a function given the model and a shape, which builds the tensor and runs it."""
    body = """\
        def init_weights(model, input_shape):
            model(torch.zeros(*input_shape))  # lazy layers materialise on a first forward
            return model

        net = init_weights(ResNet(), (1, 3, 36, 36))
        """
    assert source(models(tmp_path, body)["ResNet"])[:3] == ((1, 3, 36, 36), "inferred", "model(...)")


def test_timm_config_not_used_for_a_model_built_for_its_size(tmp_path):
    """A ViT takes ``img_size``: timm's builder passes it the config's size, the default build here does not."""
    body = """\
        class ViT(nn.Module):
            def __init__(self, img_size=224, patch=16, dim=8):
                super().__init__()
                self.proj = nn.Conv2d(3, dim, patch, patch)
                self.pos = nn.Parameter(torch.zeros(1, (img_size // patch) ** 2, dim))

            def forward(self, x):
                return self.proj(x).flatten(2).transpose(1, 2) + self.pos

        def vit_384(pretrained=False, **kwargs):
            return ViT(**kwargs)

        default_cfgs = {"vit_384.in1k": {"input_size": (3, 384, 384)}}
        """
    path = tmp_path / "m.py"
    path.write_text(NET + textwrap.dedent(body))
    assert run_cli("check", "--no-cache", str(path)).exit_code == 0
    assert models(tmp_path, body)["vit_384"]["input_shape"] is None
