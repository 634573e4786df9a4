"""A UNet-style contracting path: double 3x3 convs in OrderedDict blocks, 2x2 max pools, 128x128 input."""

from collections import OrderedDict

import torch
import torch.nn as nn

CORPUS_INPUTS = {"encoder": (2, 1, 128, 128)}

encoder = nn.Sequential(OrderedDict([
    ("enc1", nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 32, kernel_size=3, padding=1, bias=False)),
        ("norm1", nn.BatchNorm2d(32)),
        ("relu1", nn.ReLU(inplace=True)),
        ("conv2", nn.Conv2d(32, 32, kernel_size=3, padding=1, bias=False)),
        ("norm2", nn.BatchNorm2d(32)),
        ("relu2", nn.ReLU(inplace=True)),
    ]))),
    ("pool1", nn.MaxPool2d(kernel_size=2, stride=2)),
    ("enc2", nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(32, 64, kernel_size=3, padding=1, bias=False)),
        ("norm1", nn.BatchNorm2d(64)),
        ("relu1", nn.ReLU(inplace=True)),
        ("conv2", nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)),
        ("norm2", nn.BatchNorm2d(64)),
        ("relu2", nn.ReLU(inplace=True)),
    ]))),
    ("pool2", nn.MaxPool2d(kernel_size=2, stride=2)),
    ("enc3", nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(64, 128, kernel_size=3, padding=1, bias=False)),
        ("norm1", nn.BatchNorm2d(128)),
        ("relu1", nn.ReLU(inplace=True)),
        ("conv2", nn.Conv2d(128, 128, kernel_size=3, padding=1, bias=False)),
        ("norm2", nn.BatchNorm2d(128)),
        ("relu2", nn.ReLU(inplace=True)),
    ]))),
    ("pool3", nn.MaxPool2d(kernel_size=2, stride=2)),
    ("bottleneck", nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(128, 256, kernel_size=3, padding=1, bias=False)),
        ("norm1", nn.BatchNorm2d(256)),
        ("relu1", nn.ReLU(inplace=True)),
    ]))),
]))

print(encoder(torch.randn(2, 1, 128, 128)).shape)
