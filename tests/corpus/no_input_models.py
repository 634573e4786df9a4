"""Models with no declared or inferable input: only the chains their own arguments fix are checkable."""

import torch.nn as nn
from torch.nn import Sequential

CORPUS_INPUTS = {
    "projector": (256, 2048),
    "conv_block": (4, 64, 17, 23),
    "regressor": (7, 10),
    "embed_mlp": (3, 12),
}
CORPUS_DTYPES = {"embed_mlp": "long"}
CORPUS_NO_INPUT = {"projector", "conv_block", "regressor", "embed_mlp"}

# SimCLR projection head
projector = nn.Sequential(
    nn.Linear(2048, 2048, bias=False),
    nn.BatchNorm1d(2048),
    nn.ReLU(inplace=True),
    nn.Linear(2048, 128),
)

conv_block = Sequential(
    nn.Conv2d(64, 128, kernel_size=3, padding=1),
    nn.BatchNorm2d(128),
    nn.PReLU(128),
    nn.Conv2d(128, 128, kernel_size=3, padding=1, groups=4),
    nn.BatchNorm2d(128),
    nn.ELU(),
    nn.Conv2d(128, 64, kernel_size=1),
    nn.Identity(),
)

regressor = nn.Sequential(
    nn.Linear(10, 32), nn.Softplus(),
    nn.AlphaDropout(0.1),
    nn.Linear(32, 32), nn.Mish(),
    nn.Linear(32, 1),
)

# an Embedding over (N, L) token ids, mean-free: flatten the (L, E) grid into the MLP
embed_mlp = nn.Sequential(
    nn.Embedding(num_embeddings=1000, embedding_dim=16),
    nn.Flatten(),
    nn.Linear(12 * 16, 64),
    nn.ReLU(),
    nn.Linear(64, 2),
)
