"""Pooling variety: an AdaptiveMaxPool head, LPPool (power-average) nets in 1-D and 2-D, ceil_mode pools."""

import torch.nn as nn

CORPUS_INPUTS = {
    "max_head": (4, 3, 64, 64),
    "lp_net": (4, 3, 32, 32),
    "lp_net_1d": (4, 8, 128),
    "ceil_net": (4, 3, 30, 30),
}

# cnnlint: input=(4, 3, 64, 64)
max_head = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1),
    nn.ReLU(),
    nn.AdaptiveMaxPool2d((1, 1)),
    nn.Flatten(),
    nn.Linear(64, 10),
)

# cnnlint: input=(4, 3, 32, 32)
lp_net = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1),
    nn.ReLU(),
    nn.LPPool2d(2, kernel_size=2, stride=2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.ReLU(),
    nn.LPPool2d(norm_type=3, kernel_size=(2, 2)),
    nn.Flatten(),
    nn.Linear(32 * 8 * 8, 10),
)

# cnnlint: input=(4, 8, 128)
lp_net_1d = nn.Sequential(
    nn.Conv1d(8, 16, 5, padding=2),
    nn.ReLU(),
    nn.LPPool1d(2, 4),
    nn.Conv1d(16, 16, 3, padding=1),
    nn.AdaptiveMaxPool1d(4),
    nn.Flatten(),
    nn.Linear(16 * 4, 2),
)

# a pool with ceil_mode=True on an odd size keeps the partial window (SqueezeNet-style)
# cnnlint: input=(4, 3, 30, 30)
ceil_net = nn.Sequential(
    nn.Conv2d(3, 16, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2, 2),
    nn.Conv2d(16, 16, 3, padding=1),
    nn.MaxPool2d(kernel_size=2, stride=2, ceil_mode=True),
    nn.Flatten(),
    nn.Linear(16 * 8 * 8, 10),
)
