"""Patch embeddings: an MLP-Mixer token-mixing MLP over Flatten(2) patches, and LayerNorm over [C, H, W]."""

import torch.nn as nn

PATCH = 16
IMAGE = 224
NUM_PATCHES = (IMAGE // PATCH) ** 2
HIDDEN = 512

CORPUS_INPUTS = {"token_mixer": (2, 3, IMAGE, IMAGE), "ln_cnn": (2, 1, 32, 32)}

# cnnlint: input=(B, 3, 224, 224)
token_mixer = nn.Sequential(
    nn.Conv2d(3, HIDDEN, kernel_size=PATCH, stride=PATCH),  # B, 512, 14, 14
    nn.Flatten(2),                                           # B, 512, 196
    nn.Linear(NUM_PATCHES, 256),
    nn.GELU(),
    nn.Linear(256, NUM_PATCHES),
)

# cnnlint: input=(B, 1, 32, 32)
ln_cnn = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1),
    nn.LayerNorm([16, 32, 32]),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.LayerNorm([32, 16, 16], elementwise_affine=False),
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(32 * 16 * 16, 10),
)
