"""Models written with einops (``rearrange``/``repeat``/``reduce``, ``Rearrange``/``Reduce`` layers), against torch.

The ViT below is how research code makes patches and heads; the truth is
the model run by torch on the meta device, einops included.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, summary_model

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")

VIT = textwrap.dedent(
    """
    import torch
    from torch import nn
    from einops import rearrange, repeat
    from einops.layers.torch import Rearrange, Reduce


    class ViT(nn.Module):
        def __init__(self, image_size=32, patch=8, dim=64, heads=4, classes=10):
            super().__init__()
            n = (image_size // patch) ** 2
            self.to_patch = nn.Sequential(
                Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=patch, p2=patch),
                nn.LayerNorm(patch * patch * 3),
                nn.Linear(patch * patch * 3, dim),
            )
            self.cls = nn.Parameter(torch.randn(1, 1, dim))
            self.pos = nn.Parameter(torch.randn(1, n + 1, dim))
            self.qkv = nn.Linear(dim, dim * 3)
            self.heads = heads
            self.pool = Reduce("b n d -> b d", "mean")
            self.head = nn.Linear(dim, classes)

        def forward(self, img):
            x = self.to_patch(img)
            b = x.shape[0]
            cls = repeat(self.cls, "1 1 d -> b 1 d", b=b)
            x = torch.cat((cls, x), dim=1) + self.pos
            q, k, v = self.qkv(x).chunk(3, dim=-1)
            q = rearrange(q, "b n (h d) -> b h n d", h=self.heads)
            k = rearrange(k, "b n (h d) -> b h n d", h=self.heads)
            att = (q @ k.transpose(-1, -2)).softmax(-1)
            out = rearrange(att @ rearrange(v, "b n (h d) -> b h n d", h=self.heads), "b h n d -> b n (h d)")
            return self.head(self.pool(out))
    """
)


def _torch(source: str, dims: tuple[int, ...]) -> tuple[list[int] | None, int, int]:
    """(output shape or None when torch/einops raises, params, MACs) of ``ViT()`` on the meta device."""
    from torch.utils.flop_counter import FlopCounterMode

    namespace: dict = {}
    exec(compile(source, "vit.py", "exec"), namespace)
    with torch.device("meta"):
        net = namespace["ViT"]()
        params = sum(p.numel() for p in net.parameters())
        counter = FlopCounterMode(display=False)
        try:
            with counter:
                shape = list(net(torch.empty(*dims)).shape)
        except (RuntimeError, einops.EinopsError):
            return None, params, 0
    return shape, params, counter.get_total_flops() // 2


def test_an_einops_vit_matches_torch(tmp_path: Path) -> None:
    path = tmp_path / "vit.py"
    path.write_text(VIT)
    shape, params, macs = _torch(VIT, (2, 3, 32, 32))
    model = summary_model(path, "ViT", "2,3,32,32")
    assert model["output_shape"] == shape == [2, 10]
    assert (model["total_params"], model["total_macs"]) == (params, macs)
    assert [f for f in findings(path, "--input", "ViT=2,3,32,32") if f[1] != "CNL100"] == []


@pytest.mark.parametrize(
    ("change", "row", "code"),
    [
        (("patch=8", "patch=6"), 13, "CNL005"),  # 32 is not a multiple of the patch
        (("image_size=32", "image_size=30"), 28, "CNL008"),  # 9 positions + 1 for 16 patches + 1
        (('"b n (h d) -> b h n d", h=self.heads)\n        k', '"b n (h d) -> b h n d", h=5)\n        k'), 30, "CNL005"),
        (('"b h n d -> b n (h d)")', '"b h n d -> b n (h d) x")'), 33, "CNL005"),
        (("nn.LayerNorm(patch * patch * 3)", "nn.LayerNorm(patch * patch)"), 14, "CNL002"),
    ],
)
def test_errors_are_where_torch_raises(tmp_path: Path, change: tuple[str, str], row: int, code: str) -> None:
    source = VIT.replace(*change)
    assert source != VIT
    path = tmp_path / "vit.py"
    path.write_text(source)
    shape, _, _ = _torch(source, (2, 3, 32, 32))
    assert shape is None  # torch (or einops) raises
    errors = [(r, c) for r, c, _ in findings(path, "--input", "ViT=2,3,32,32") if c != "CNL100"]
    assert errors == [(row, code)]
