"""Transformer-style MLPs: LayerNorm + GELU on (B, D) features and a token MLP on (B, L, D)."""

import torch
import torch.nn as nn

D_MODEL = 128
HIDDEN = 4 * D_MODEL

CORPUS_INPUTS = {"head": (32, 64), "token_mlp": (8, 49, D_MODEL)}

head = nn.Sequential(
    nn.Linear(64, 256),
    nn.LayerNorm(256),
    nn.GELU(),
    nn.Dropout(0.1),
    nn.Linear(256, 256),
    nn.LayerNorm(256),
    nn.GELU(),
    nn.Linear(256, 1),
)

# cnnlint: input=(8, 49, 128)
token_mlp = nn.Sequential(
    nn.LayerNorm(D_MODEL),
    nn.Linear(D_MODEL, HIDDEN),
    nn.GELU(approximate="tanh"),
    nn.Linear(HIDDEN, D_MODEL),
    nn.LayerNorm([D_MODEL], eps=1e-6),
)

features = torch.randn(32, 64)
print(head(features).shape)
