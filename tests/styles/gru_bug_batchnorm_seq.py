# styles: model=SeqRegressor() name=model input=(16, 50, 12)
"""GRU regressor over sensor sequences that applies BatchNorm1d to [batch, time, features] without a transpose."""

import torch
import torch.nn as nn


class SeqRegressor(nn.Module):
    def __init__(self, n_features=12, hidden=64, n_out=1):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.norm = nn.BatchNorm1d(hidden)  # expect: CNL002
        self.out = nn.Linear(hidden, n_out)

    def forward(self, x):
        h, _ = self.gru(x)
        h = self.norm(h)
        return self.out(h[:, -1])


if __name__ == "__main__":
    model = SeqRegressor()
    print(model(torch.randn(16, 50, 12)).shape)
