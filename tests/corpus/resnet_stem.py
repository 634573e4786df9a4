"""A ResNet-18-shaped plain stack (no skip connections): 7x7/2 stem, 3x3/2 max pool, 3x3/2 downsampling.

Spelled with `import torch` only. Every stride-2 window on an even size skips only padding.
"""

import torch

NUM_CLASSES = 100

CORPUS_INPUTS = {"resnet_plain": (8, 3, 224, 224)}

# cnnlint: input=(B, 3, 224, 224)
resnet_plain = torch.nn.Sequential(
    torch.nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False),
    torch.nn.BatchNorm2d(64),
    torch.nn.ReLU(inplace=True),
    torch.nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
    torch.nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1, bias=False),
    torch.nn.BatchNorm2d(64),
    torch.nn.ReLU(inplace=True),
    torch.nn.Conv2d(64, 128, kernel_size=3, stride=2, padding=1, bias=False),
    torch.nn.BatchNorm2d(128),
    torch.nn.ReLU(inplace=True),
    torch.nn.Conv2d(128, 256, kernel_size=3, stride=2, padding=1, bias=False),
    torch.nn.BatchNorm2d(256),
    torch.nn.ReLU(inplace=True),
    torch.nn.Conv2d(256, 512, kernel_size=3, stride=2, padding=1, bias=False),
    torch.nn.BatchNorm2d(512),
    torch.nn.ReLU(inplace=True),
    torch.nn.AdaptiveAvgPool2d((1, 1)),
    torch.nn.Flatten(1),
    torch.nn.Linear(512, NUM_CLASSES),
)
