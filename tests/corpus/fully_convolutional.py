"""Fully convolutional nets: symbolic height and width (B, 3, H, W), and an unbatched (C, H, W) input."""

import torch.nn as nn

CORPUS_INPUTS = {"fcn": (2, 3, 96, 128), "denoiser": (3, 64, 64)}

# cnnlint: input=(B, 3, H, W)
fcn = nn.Sequential(
    nn.Conv2d(3, 32, kernel_size=3, padding=1),
    nn.BatchNorm2d(32),
    nn.ReLU(inplace=True),
    nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 64, kernel_size=3, padding=2, dilation=2),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 21, kernel_size=1),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
)

# a single image at a time, no batch dimension: Conv2d accepts (C, H, W)
# cnnlint: input=(3, 64, 64)
denoiser = nn.Sequential(
    nn.Conv2d(3, 48, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(48, 48, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(48, 3, 3, padding=1),
)
