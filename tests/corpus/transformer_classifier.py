"""A batch_first TransformerEncoderLayer on (N, L, E) in a Sequential, and a token classifier from ids."""

import torch.nn as nn

EMBED = 128
SEQ_LEN = 32
VOCAB = 5000

CORPUS_INPUTS = {"encoder": (4, SEQ_LEN, EMBED), "token_classifier": (4, SEQ_LEN)}
CORPUS_DTYPES = {"token_classifier": "long"}

# cnnlint: input=(B, 32, 128)
encoder = nn.Sequential(
    nn.TransformerEncoderLayer(d_model=EMBED, nhead=8, dim_feedforward=512, dropout=0.1, batch_first=True),
    nn.LayerNorm(EMBED),
    nn.Linear(EMBED, 64),
    nn.GELU(),
    nn.Flatten(),
    nn.Linear(SEQ_LEN * 64, 2),
)

# cnnlint: input=(B, 32)
token_classifier = nn.Sequential(
    nn.Embedding(VOCAB, EMBED, padding_idx=0),
    nn.TransformerEncoderLayer(EMBED, 4, batch_first=True, norm_first=True),
    nn.Linear(EMBED, 9),
)
