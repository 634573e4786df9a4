"""Small classifiers ending in Softmax(dim=1) / LogSoftmax(dim=1), CIFAR-sized, kwargs everywhere."""

import torch
import torch.nn as nn

NUM_CLASSES = 10

CORPUS_INPUTS = {"cnn": (16, 3, 32, 32), "tabular": (16, 12)}

cnn = nn.Sequential(
    nn.Conv2d(in_channels=3, out_channels=32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)),
    nn.ReLU(),
    nn.Conv2d(in_channels=32, out_channels=32, kernel_size=(3, 3), padding="same"),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=(2, 2)),
    nn.Dropout2d(p=0.25),
    nn.Conv2d(in_channels=32, out_channels=64, kernel_size=(3, 3), padding="same"),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=(2, 2)),
    nn.Flatten(start_dim=1),
    nn.Linear(in_features=64 * 8 * 8, out_features=512),
    nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(in_features=512, out_features=NUM_CLASSES),
    nn.Softmax(dim=1),
)

tabular = nn.Sequential(
    nn.Linear(12, 64),
    nn.LeakyReLU(),
    nn.Linear(64, 32),
    nn.Tanh(),
    nn.Linear(32, 3),
    nn.LogSoftmax(dim=1),
)

if __name__ == "__main__":
    images = torch.randn(16, 3, 32, 32)
    print(cnn(images).shape)
    rows = torch.randn(16, 12)
    print(tabular(rows).shape)
