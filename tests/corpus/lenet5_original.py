"""LeNet-5 as in LeCun et al. 1998 on 32x32: tanh, average pooling, C5 as a 5x5 convolution to 1x1."""

import torch.nn as nn

CORPUS_INPUTS = {"lenet5": (1, 1, 32, 32)}

# cnnlint: input=(1, 1, 32, 32)
lenet5 = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, stride=1),    # C1: 6 x 28 x 28
    nn.Tanh(),
    nn.AvgPool2d(kernel_size=2),                 # S2: 6 x 14 x 14
    nn.Conv2d(6, 16, kernel_size=5, stride=1),   # C3: 16 x 10 x 10
    nn.Tanh(),
    nn.AvgPool2d(kernel_size=2),                 # S4: 16 x 5 x 5
    nn.Conv2d(16, 120, kernel_size=5, stride=1), # C5: 120 x 1 x 1
    nn.Tanh(),
    nn.Flatten(),
    nn.Linear(120, 84),                          # F6
    nn.Tanh(),
    nn.Linear(84, 10),
)
