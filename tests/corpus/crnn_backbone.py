"""CRNN's convolutional backbone for text lines (1x32x100): asymmetric (2, 1) pool strides, a 2x2 last conv."""

import torch.nn as nn

CORPUS_INPUTS = {"cnn": (8, 1, 32, 100)}

nm = [64, 128, 256, 256, 512, 512, 512]

# cnnlint: input=(B, 1, 32, 100)
cnn = nn.Sequential(
    nn.Conv2d(1, 64, 3, 1, 1), nn.ReLU(True),
    nn.MaxPool2d(2, 2),                              # 64x16x50
    nn.Conv2d(64, 128, 3, 1, 1), nn.ReLU(True),
    nn.MaxPool2d(2, 2),                              # 128x8x25
    nn.Conv2d(128, 256, 3, 1, 1), nn.BatchNorm2d(256), nn.ReLU(True),
    nn.Conv2d(256, 256, 3, 1, 1), nn.ReLU(True),
    nn.MaxPool2d((2, 2), (2, 1), (0, 1)),            # 256x4x26
    nn.Conv2d(256, 512, 3, 1, 1), nn.BatchNorm2d(512), nn.ReLU(True),
    nn.Conv2d(512, 512, 3, 1, 1), nn.ReLU(True),
    nn.MaxPool2d((2, 2), (2, 1), (0, 1)),            # 512x2x27
    nn.Conv2d(512, 512, 2, 1, 0), nn.BatchNorm2d(512), nn.ReLU(True),  # 512x1x26
)
