"""1-D convolutions: a text CNN over pre-embedded (N, E, L) sequences and an M5-style raw-audio net."""

import torch
from torch import nn

EMBED_DIM = 300
N_CLASSES = 35

CORPUS_INPUTS = {"text_cnn": (32, EMBED_DIM, 100), "m5": (8, 1, 8000)}

# cnnlint: input=(B, 300, 100)
text_cnn = nn.Sequential(
    nn.Conv1d(EMBED_DIM, 100, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool1d(kernel_size=2),
    nn.Conv1d(100, 100, kernel_size=5, padding=2),
    nn.BatchNorm1d(100),
    nn.ReLU(),
    nn.AdaptiveMaxPool1d(1),
    nn.Flatten(),
    nn.Dropout(0.5),
    nn.Linear(100, 2),
)

m5 = nn.Sequential(
    nn.Conv1d(1, 32, kernel_size=80, stride=16),
    nn.BatchNorm1d(32),
    nn.ReLU(),
    nn.MaxPool1d(4),
    nn.Conv1d(32, 32, kernel_size=3, padding=1),
    nn.BatchNorm1d(32),
    nn.ReLU(),
    nn.MaxPool1d(4),
    nn.Conv1d(32, 64, kernel_size=3, padding=1),
    nn.BatchNorm1d(64),
    nn.ReLU(),
    nn.AdaptiveAvgPool1d(1),
    nn.Flatten(),
    nn.Linear(64, N_CLASSES),
    nn.LogSoftmax(dim=1),
)

waveform = torch.randn(8, 1, 8000)
print(m5(waveform).shape)
