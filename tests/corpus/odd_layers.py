"""Rarer layers and argument forms: RMSNorm, Dropout1d, Flatten(-2), dilated pools, Unflatten with torch.Size."""

import torch
import torch.nn as nn

CORPUS_INPUTS = {"seq1d": (2, 16, 51), "pools": (2, 8, 32, 32), "stack": (2, 10)}
CORPUS_UNTRACED = {"pools"}  # Unflatten(1, torch.Size(...))

# cnnlint: input=(2, 16, 51)
seq1d = nn.Sequential(
    nn.InstanceNorm1d(16, affine=True),
    nn.Dropout1d(0.1),
    nn.Conv1d(16, 32, 3, stride=2, padding="valid"),   # 25
    nn.RMSNorm(25),
    nn.Softmax(dim=-1),
    nn.Flatten(-2),
    nn.Linear(32 * 25, 5),
    nn.Hardtanh(-1, 1),
    nn.Threshold(0.1, 20),
)

# cnnlint: input=(2, 8, 32, 32)
pools = nn.Sequential(
    nn.MaxPool2d(3, stride=1, padding=1, dilation=2),  # 30x30
    nn.AvgPool2d(2, ceil_mode=True),                   # 15x15
    nn.Sequential(),
    nn.MaxPool2d(kernel_size=2, ceil_mode=True, return_indices=False),  # 8x8
    nn.Conv2d(8, 8, kernel_size=3, padding=(1, 2)),    # 8x10
    nn.Unflatten(1, torch.Size([2, 4])),
    nn.Flatten(1, 2),
    nn.Conv2d(8, 8, 7, padding=3),
)

# cnnlint: input=(2, 10)
stack = nn.Sequential(*[nn.Linear(10, 10) for _ in range(3)])
