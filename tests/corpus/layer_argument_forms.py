"""Less common but valid argument forms: stride=None, 'same'/'valid', factorized kernels, padding modes."""

import torch
import torch.nn as nn

CORPUS_INPUTS = {
    "factorized": (2, 192, 17, 17),
    "odds_and_ends": (2, 3, 40, 40),
    "densenet_transition": (2, 256, 56, 56),
}

# Inception-v3 factorized 1x7 / 7x1 convolutions and a stride-1 3x3 pool branch
# cnnlint: input=(2, 192, 17, 17)
factorized = nn.Sequential(
    nn.Conv2d(192, 128, kernel_size=1, bias=False),
    nn.BatchNorm2d(128, eps=0.001),
    nn.ReLU(inplace=True),
    nn.Conv2d(128, 128, kernel_size=(1, 7), padding=(0, 3), bias=False),
    nn.BatchNorm2d(128, eps=0.001),
    nn.Conv2d(128, 192, kernel_size=(7, 1), padding=(3, 0), bias=False),
    nn.BatchNorm2d(192, eps=0.001),
    nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
    nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False),
)

odds_and_ends = nn.Sequential(
    nn.Conv2d(in_channels=3, out_channels=16, kernel_size=3, stride=1, padding=1, dilation=1, groups=1, bias=True,
              padding_mode="zeros"),
    nn.Conv2d(16, 16, kernel_size=4, padding="same"),
    nn.Conv2d(16, 32, kernel_size=3, padding="valid"),          # 38x38
    nn.Conv2d(32, 32, kernel_size=3, padding=1, padding_mode="reflect"),
    nn.Conv2d(32, 32, kernel_size=3, padding=1, padding_mode="circular"),
    nn.Conv2d(32, 64, kernel_size=3, padding=1, groups=32),     # depthwise, channel multiplier 2
    nn.BatchNorm2d(64, affine=False, track_running_stats=False),
    nn.MaxPool2d(2, stride=None),                               # 19x19
    nn.AvgPool2d(kernel_size=3, stride=2, padding=1),           # 10x10
    nn.Upsample(scale_factor=(2, 2)),                           # 20x20
    nn.ConvTranspose2d(64, 32, kernel_size=3, stride=1, padding=2, dilation=2),
    nn.Softmax2d(),
    nn.AdaptiveAvgPool2d((None, 1)),                            # 20x1
    nn.Flatten(),
    nn.Linear(32 * 20, 4),
)

# DenseNet transition layer: BN-ReLU-1x1 conv halving channels, 2x2 average pool
densenet_transition = nn.Sequential(
    nn.BatchNorm2d(256),
    nn.ReLU(inplace=True),
    nn.Conv2d(256, 128, kernel_size=1, stride=1, bias=False),
    nn.AvgPool2d(kernel_size=2, stride=2),
)

if __name__ == "__main__":
    print(odds_and_ends(torch.randn(2, 3, 40, 40)).shape)
    print(densenet_transition(torch.randn(2, 256, 56, 56)).shape)
