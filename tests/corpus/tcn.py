"""A non-causal TCN: dilated Conv1d stacks whose padding keeps the sequence length, plus padding='same'."""

import torch.nn as nn

CHANNELS = 64
KERNEL = 3

CORPUS_INPUTS = {"tcn": (16, 1, 200), "tcn_same": (16, 8, 50)}

# cnnlint: input=(16, 1, 200)
tcn = nn.Sequential(
    nn.Conv1d(1, CHANNELS, KERNEL, padding=1, dilation=1),
    nn.ReLU(),
    nn.Conv1d(CHANNELS, CHANNELS, KERNEL, padding=2, dilation=2),
    nn.ReLU(),
    nn.Conv1d(CHANNELS, CHANNELS, KERNEL, padding=4, dilation=4),
    nn.ReLU(),
    nn.Conv1d(CHANNELS, CHANNELS, KERNEL, padding=(KERNEL - 1) * 8 // 2, dilation=8),
    nn.ReLU(),
    nn.Dropout(0.2),
    nn.Conv1d(CHANNELS, 1, kernel_size=1),
)

# cnnlint: input=(16, 8, 50)
tcn_same = nn.Sequential(
    nn.Conv1d(8, 32, kernel_size=5, padding="same", dilation=2),
    nn.GroupNorm(4, 32),
    nn.ReLU(),
    nn.Conv1d(32, 32, kernel_size=4, padding="same", dilation=3),
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(32 * 50, 1),
)
