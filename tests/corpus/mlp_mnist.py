"""A fully connected MNIST classifier on flattened 28x28 images: BatchNorm1d, Dropout, LogSoftmax."""

import torch.nn as tnn

INPUT_SIZE = 28 * 28

CORPUS_INPUTS = {"mlp": (64, 1, 28, 28), "mlp_flat": (64, 784)}

# cnnlint: input=(B, 1, 28, 28)
mlp = tnn.Sequential(
    tnn.Flatten(),
    tnn.Linear(INPUT_SIZE, 512),
    tnn.BatchNorm1d(512),
    tnn.ReLU(),
    tnn.Dropout(0.2),
    tnn.Linear(512, 256),
    tnn.BatchNorm1d(256),
    tnn.ReLU(),
    tnn.Dropout(0.2),
    tnn.Linear(256, 10),
    tnn.LogSoftmax(dim=1),
)

# cnnlint: input=(B, 784)
mlp_flat = tnn.Sequential(
    tnn.Linear(in_features=784, out_features=128),
    tnn.ReLU(),
    tnn.Linear(in_features=128, out_features=64),
    tnn.ReLU(),
    tnn.Linear(in_features=64, out_features=10),
)
