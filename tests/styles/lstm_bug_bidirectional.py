# styles: model=LSTMTagger() name=model input=(8, 25):long
"""LSTM sequence classifier switched to bidirectional=True without widening the head over output[:, -1, :]."""

import torch
from torch import nn


class LSTMTagger(nn.Module):
    def __init__(self, vocab_size=10000, embed_dim=64, hidden_dim=128, num_classes=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_dim, num_classes)  # expect: CNL001

    def forward(self, x):
        x = self.embedding(x)
        output, _ = self.lstm(x)
        last = output[:, -1, :]
        return self.fc(last)


if __name__ == "__main__":
    model = LSTMTagger()
    tokens = torch.zeros(8, 25, dtype=torch.long)
    print(model(tokens).shape)
