"""GroupNorm conv nets (small-batch detection/segmentation style): one with an input, one without."""

import torch
import torch.nn as nn

CORPUS_INPUTS = {"gn_net": (2, 3, 64, 64), "gn_head": (2, 256, 32, 32)}
CORPUS_NO_INPUT = {"gn_head"}

gn_net = nn.Sequential(
    nn.Conv2d(3, 32, kernel_size=3, padding=1, bias=False),
    nn.GroupNorm(8, 32),
    nn.ReLU(inplace=True),
    nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1, bias=False),
    nn.GroupNorm(num_groups=16, num_channels=64),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 128, kernel_size=3, stride=2, padding=1, bias=False),
    nn.GroupNorm(32, 128),
    nn.SiLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(128, 20),
)

# a FCOS-style head tower; no input is declared for it anywhere
gn_head = nn.Sequential(
    nn.Conv2d(256, 256, 3, padding=1),
    nn.GroupNorm(32, 256),
    nn.ReLU(),
    nn.Conv2d(256, 256, 3, padding=1),
    nn.GroupNorm(32, 256),
    nn.ReLU(),
    nn.Conv2d(256, 80, 3, padding=1),
)

if __name__ == "__main__":
    out = gn_net(torch.randn(2, 3, 64, 64))
    print(out.shape)
