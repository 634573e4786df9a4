# styles: model=CRNN() name=model input=(2, 64, 128)
"""Log-mel CRNN for audio tagging: conv blocks over (freq, time), mean over frequency, GRU over time."""

import torch
import torch.nn as nn


class ConvBlock(nn.Module):
    def __init__(self, in_channels, out_channels, pool=(2, 2)):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels)
        self.pool = nn.AvgPool2d(pool)

    def forward(self, x):
        return self.pool(torch.relu(self.bn(self.conv(x))))


class CRNN(nn.Module):
    def __init__(self, n_classes=50, hidden=128):
        super().__init__()
        self.blocks = nn.ModuleList([ConvBlock(1, 32), ConvBlock(32, 64), ConvBlock(64, 128, pool=(2, 1))])
        self.gru = nn.GRU(128, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_classes)

    def forward(self, mel):
        x = mel.unsqueeze(1)  # (B, 1, n_mels, frames)
        for block in self.blocks:
            x = block(x)
        x = x.mean(dim=2)  # (B, C, T)
        x = x.transpose(1, 2)  # (B, T, C)
        out, _ = self.gru(x)
        return self.head(out[:, -1, :])


if __name__ == "__main__":
    model = CRNN()
    mel = torch.randn(2, 64, 128)
    print(model(mel).shape)
