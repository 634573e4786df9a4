"""Inception-v3's stem on 299x299 (unpadded 3x3/2 convs and pools that divide exactly), BN without bias."""

import torch.nn as nn
from torch.nn import BatchNorm2d, Conv2d, MaxPool2d, ReLU

CORPUS_INPUTS = {"stem": (1, 3, 299, 299)}

# cnnlint: input=(1, 3, 299, 299)
stem = nn.Sequential(
    Conv2d(3, 32, kernel_size=3, stride=2, bias=False), BatchNorm2d(32, eps=0.001), ReLU(inplace=True),
    Conv2d(32, 32, kernel_size=3, bias=False), BatchNorm2d(32, eps=0.001), ReLU(inplace=True),
    Conv2d(32, 64, kernel_size=3, padding=1, bias=False), BatchNorm2d(64, eps=0.001), ReLU(inplace=True),
    MaxPool2d(kernel_size=3, stride=2),
    Conv2d(64, 80, kernel_size=1, bias=False), BatchNorm2d(80, eps=0.001), ReLU(inplace=True),
    Conv2d(80, 192, kernel_size=3, bias=False), BatchNorm2d(192, eps=0.001), ReLU(inplace=True),
    MaxPool2d(kernel_size=3, stride=2),
)
