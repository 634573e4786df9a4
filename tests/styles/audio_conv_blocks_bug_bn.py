# styles: model=AudioCNN() name=model input=(2, 1, 4096)
"""1-D audio CNN assembled from a conv_block helper; the helper's BatchNorm1d counts the block's input."""

import torch
import torch.nn as nn


def conv_block(in_channels, out_channels, kernel_size=3):
    return nn.Sequential(
        nn.Conv1d(in_channels, out_channels, kernel_size, padding=kernel_size // 2),
        nn.BatchNorm1d(in_channels),  # expect: CNL002
        nn.ReLU(),
        nn.MaxPool1d(2),
    )


class AudioCNN(nn.Module):
    def __init__(self, n_classes=10, channels=(1, 16, 32, 64, 128)):
        super().__init__()
        self.features = nn.Sequential(*[conv_block(i, o) for i, o in zip(channels[:-1], channels[1:])])
        self.classifier = nn.Linear(channels[-1], n_classes)

    def forward(self, wav):
        x = self.features(wav)
        x = x.mean(dim=-1)
        return self.classifier(x)


if __name__ == "__main__":
    model = AudioCNN()
    wav = torch.randn(2, 1, 4096)
    print(model(wav).shape)
