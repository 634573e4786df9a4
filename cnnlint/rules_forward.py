"""Rules found in ``forward`` (0.2): tensor operations whose shapes cannot meet, and results thrown away.

Registered into ``cnnlint.rules.RULES`` like the layer rules, with their own
VALID/INVALID examples (run through the whole pipeline by the test suite).
"""

from __future__ import annotations

from cnnlint.rules import Rule

_BLOCK = """import torch
import torch.nn as nn


# cnnlint: input=(2, 64, 32, 32)
class Block(nn.Module):
    def __init__(self, cin=64, cout=64, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
"""

FORWARD_RULES = (
    Rule(
        "CNL008",
        "broadcast-mismatch",
        "error",
        "an elementwise `+`, `-`, `*`, `/` (or `torch.add`, `torch.where`, ...) between tensors whose shapes do not "
        "broadcast",
        why=(
            "A residual `out += self.shortcut(x)` whose shortcut does not downsample, or a gate of the wrong width, "
            "raises `The size of tensor a (16) must match the size of tensor b (32) at non-singleton dimension 3` "
            "at the first forward pass. cnnlint follows both operands through the model and names both shapes."
        ),
        example="out = self.bn(self.conv(x)) + x  # conv with stride 2: (2, 64, 16, 16) + (2, 64, 32, 32)",
        use_instead="Downsample the shortcut too (a 1x1 conv with the same stride), or keep stride 1.",
        valid=(_BLOCK + "        return self.bn(self.conv(x)) + x\n",),
        invalid=(
            _BLOCK.replace("stride=1):", "stride=2):")
            + "        out = self.bn(self.conv(x))\n        return out + x  # error: CNL008\n",
        ),
    ),
    Rule(
        "CNL009",
        "concat-mismatch",
        "error",
        "`torch.cat` / `torch.stack` of tensors whose other dimensions differ",
        why=(
            "A U-Net skip connection concatenated with an upsampled map of another size raises `Sizes of tensors "
            "must match except in dimension 1` at run time. cnnlint names the shapes and the dimension that differs."
        ),
        example="torch.cat([x, self.conv(x)], dim=1)  # conv with stride 2",
        use_instead="Crop, pad or resize one side so that every dimension but the joined one agrees.",
        valid=(_BLOCK + "        return torch.cat([x, self.conv(x)], dim=1)\n",),
        invalid=(
            _BLOCK.replace("stride=1):", "stride=2):")
            + "        return torch.cat([x, self.conv(x)], dim=1)  # error: CNL009\n",
        ),
    ),
    Rule(
        "CNL010",
        "matmul-mismatch",
        "error",
        "`@` / `torch.matmul` / `bmm` whose inner dimensions differ, or a `torch.einsum` whose subscripts do not "
        "match an operand's rank or give one label two sizes",
        why=(
            "Attention written by hand (`q @ k.transpose(-2, -1)`) with a transpose forgotten or the wrong head "
            "split raises `mat1 and mat2 shapes cannot be multiplied`. cnnlint names both shapes."
        ),
        example="scores = q @ k  # (2, 8, 16) @ (2, 8, 16)",
        use_instead="scores = q @ k.transpose(-2, -1)",
        valid=(
            """import torch
import torch.nn as nn


# cnnlint: input=(2, 8, 16)
class Attention(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)

    def forward(self, x):
        return self.q(x) @ self.k(x).transpose(-2, -1)
""",
        ),
        invalid=(
            """import torch
import torch.nn as nn


# cnnlint: input=(2, 8, 16)
class Attention(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)

    def forward(self, x):
        return self.q(x) @ self.k(x)  # error: CNL010
""",
        ),
    ),
    Rule(
        "CNL011",
        "discarded-result",
        "warning",
        "a tensor method that returns a new tensor (`x.view(...)`, `x.flatten(1)`) used as a statement: "
        "its result is thrown away",
        why=(
            "`x.view(-1, 400)` does not change `x`; written as a statement the reshape is lost, and the next layer "
            "receives the old shape, usually failing with a confusing message a few lines later."
        ),
        example="x.view(x.size(0), -1)",
        use_instead="x = x.view(x.size(0), -1)",
        valid=(
            """import torch.nn as nn


# cnnlint: input=(2, 16, 5, 5)
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(400, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc(x)
""",
        ),
        invalid=(
            """import torch.nn as nn


# cnnlint: input=(2, 16, 5, 5)
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x.view(x.size(0), -1)  # error: CNL011
        return self.fc(x.mean((2, 3)))
""",
        ),
    ),
    Rule(
        "CNL012",
        "batch-mixing-view",
        "warning",
        "`x.view(-1, n)` / `x.reshape(-1, n)` on a batch where `n` does not divide one sample's elements: "
        "rows straddle samples and the batch size changes silently",
        why=(
            "`x.view(-1, 16 * 5 * 5)` after a layer that left 16x4x4 per sample still runs on a batch of 25 "
            "(25 x 256 = 16 x 400): the batch becomes 16 and every row mixes two samples. Nothing fails until a "
            "loss compares 16 predictions with 25 labels, or never. `x.view(x.size(0), -1)` keeps the batch, and "
            "the next layer's size check then names the real mismatch."
        ),
        example="x = x.view(-1, 16 * 5 * 5)  # each sample holds 16 x 4 x 4",
        use_instead="x = x.view(x.size(0), -1)",
        valid=(
            """import torch.nn as nn


# cnnlint: input=(25, 16, 5, 5)
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 16, 1)
        self.fc = nn.Linear(400, 10)

    def forward(self, x):
        x = self.conv(x)
        x = x.view(-1, 16 * 5 * 5)
        return self.fc(x)
""",
            """import torch.nn as nn


# cnnlint: input=(8, 49, 64)
class Tokens(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(64, 32)

    def forward(self, x):
        rows = x.reshape(-1, 64)  # every token its own row: samples are not mixed
        return self.proj(rows)
""",
        ),
        invalid=(
            """import torch.nn as nn


# cnnlint: input=(25, 16, 4, 4)
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 16, 1)
        self.fc = nn.Linear(400, 10)

    def forward(self, x):
        x = self.conv(x)
        x = x.view(-1, 16 * 5 * 5)  # error: CNL012
        return self.fc(x)
""",
        ),
    ),
    Rule(
        "CNL014",
        "input-rejected",
        "error",
        "the model's own code raises for the input it is given: a `raise` or a failing `assert` / "
        "`torch._assert` reached for certain",
        why=(
            "Models check their input before any layer sees it: timm's ViT asserts `Input height (256) doesn't "
            "match model (224)`, segmentation_models_pytorch raises when the size does not divide by the "
            "encoder's stride. cnnlint follows those checks with the declared (or fed) input; one that fails "
            "for certain is the error torch would stop at, with the code's own message. A check whose outcome "
            "depends on something unknown says nothing, and no check is judged at a size nobody gave."
        ),
        example="assert H == self.img_size, 'input size'  # input (2, 3, 224, 224), img_size 32",
        use_instead="Give the model the size it was built for, or build it for yours (`img_size=224`).",
        valid=(
            """import torch.nn as nn


# cnnlint: input=(2, 3, 32, 32)
class Embed(nn.Module):
    def __init__(self, img_size=32):
        super().__init__()
        self.img_size = img_size
        self.proj = nn.Conv2d(3, 8, 4, 4)

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.img_size and W == self.img_size, "input size"
        return self.proj(x).flatten(1)
""",
        ),
        invalid=(
            """import torch.nn as nn


# cnnlint: input=(2, 3, 224, 224)
class Embed(nn.Module):
    def __init__(self, img_size=32):
        super().__init__()
        self.img_size = img_size
        self.proj = nn.Conv2d(3, 8, 4, 4)

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.img_size and W == self.img_size, "input size"  # error: CNL014
        return self.proj(x).flatten(1)
""",
            """import torch.nn as nn


# cnnlint: input=(2, 3, 30, 30)
class Patches(nn.Module):
    def __init__(self, patch=4):
        super().__init__()
        self.patch = patch
        self.proj = nn.Conv2d(3, 8, patch, patch)

    def forward(self, x):
        if x.shape[-1] % self.patch:
            raise ValueError(f"the width {x.shape[-1]} does not divide by {self.patch}")  # error: CNL014
        return self.proj(x)
""",
        ),
    ),
    Rule(
        "CNL017",
        "rnn-state-mismatch",
        "error",
        "an `nn.LSTM` / `nn.GRU` / `nn.RNN` is given an initial state whose size is not (layers x directions, "
        "batch, hidden) for its input",
        why=(
            "A state built in `forward` with a batch size fixed in `__init__` (`torch.zeros(2, 64, 256)`) fails on "
            "any other batch, the last one of an epoch included: torch raises `Expected hidden[0] size (2, 4, 256), "
            "got [2, 64, 256]`. cnnlint compares the state with the input's batch, the layer's layers, directions "
            "and hidden size."
        ),
        example="out, _ = self.lstm(x, (torch.zeros(2, 64, 256), torch.zeros(2, 64, 256)))  # x has a batch of 4",
        use_instead="Size the state from the input: `torch.zeros(2, x.size(0), 256)`.",
        valid=(
            """import torch
import torch.nn as nn


# cnnlint: input=(4, 20, 16)
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(0), 32)
        out, _ = self.lstm(x, (h0, torch.zeros_like(h0)))
        return out
""",
        ),
        invalid=(
            """import torch
import torch.nn as nn


# cnnlint: input=(4, 20, 16)
class Tagger(nn.Module):
    def __init__(self, batch_size=64):
        super().__init__()
        self.batch_size = batch_size
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True)

    def forward(self, x):
        h0 = torch.zeros(2, self.batch_size, 32)
        out, _ = self.lstm(x, (h0, torch.zeros_like(h0)))  # error: CNL017
        return out
""",
            """import torch
import torch.nn as nn


# cnnlint: input=(20, 4, 16)
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, bidirectional=True)

    def forward(self, x):
        out, h = self.gru(x, torch.zeros(1, 4, 32))  # error: CNL017
        return out
""",
        ),
    ),
)
