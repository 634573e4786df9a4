"""A ResNet-50 stem ported from Keras: explicit ZeroPad2d before the 7x7/2 conv and the 3x3/2 pool.

Correct, but each padded map is odd-sized + even kernel footprint: the stride-2 layer never reads
the last padded row and column (CNL003, judged on each layer alone, as marked).
"""

import torch.nn as nn

CORPUS_INPUTS = {"stem": (2, 3, 224, 224)}

# cnnlint: input=(2, 3, 224, 224)
stem = nn.Sequential(
    nn.ZeroPad2d(3),
    nn.Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2)),  # expect: CNL003
    nn.BatchNorm2d(64, eps=1.001e-5),
    nn.ReLU(),
    nn.ZeroPad2d((1, 1, 1, 1)),
    nn.MaxPool2d(kernel_size=(3, 3), stride=(2, 2)),  # expect: CNL003
    nn.Conv2d(64, 64, kernel_size=1),
    nn.BatchNorm2d(64, eps=1.001e-5),
    nn.ReLU(),
    nn.Conv2d(64, 256, kernel_size=1),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(256, 1000),
)
