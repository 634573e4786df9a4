"""GLU halves a dimension: a gated MLP (GLU on the last dim) and a Conformer convolution module (GLU(dim=1))."""

import torch.nn as nn

D = 144
KERNEL = 31

CORPUS_INPUTS = {"glu_mlp": (4, 64), "conformer_conv": (4, D, 100)}

# cnnlint: input=(4, 64)
glu_mlp = nn.Sequential(nn.Linear(64, 128), nn.GLU(), nn.Linear(64, 10))

# channels-first (B, D, T): pointwise conv to 2D, GLU back to D, depthwise conv, BN, SiLU, pointwise
# cnnlint: input=(B, 144, 100)
conformer_conv = nn.Sequential(
    nn.Conv1d(D, 2 * D, kernel_size=1, stride=1, padding=0, bias=True),
    nn.GLU(dim=1),
    nn.Conv1d(D, D, KERNEL, stride=1, padding=(KERNEL - 1) // 2, groups=D, bias=False),
    nn.BatchNorm1d(D),
    nn.SiLU(),
    nn.Conv1d(D, D, kernel_size=1, stride=1, padding=0, bias=True),
    nn.Dropout(p=0.1),
)
