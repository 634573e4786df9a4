"""ESPCN super-resolution: convs on the low-res image, then PixelShuffle(r) from r**2 channels."""

import torch
import torch.nn as nn

CORPUS_INPUTS = {"ESPCN": (1, 1, 64, 64), "espcn_rgb": (1, 3, 48, 48)}


# cnnlint: input=(1, 1, 64, 64)
class ESPCN(nn.Module):
    def __init__(self, upscale_factor=3, num_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(num_channels, 64, kernel_size=5, padding=5 // 2)
        self.conv2 = nn.Conv2d(64, 32, kernel_size=3, padding=3 // 2)
        self.conv3 = nn.Conv2d(32, num_channels * (upscale_factor ** 2), kernel_size=3, padding=3 // 2)
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = torch.tanh(self.conv2(x))
        x = self.pixel_shuffle(self.conv3(x))
        return x


UPSCALE = 4

espcn_rgb = nn.Sequential(
    nn.Conv2d(3, 64, 5, padding=2),
    nn.Tanh(),
    nn.Conv2d(64, 32, 3, padding=1),
    nn.Tanh(),
    nn.Conv2d(32, 3 * UPSCALE ** 2, 3, padding=1),
    nn.PixelShuffle(UPSCALE),
    nn.Sigmoid(),
)

if __name__ == "__main__":
    lr = torch.rand(1, 3, 48, 48)
    print(espcn_rgb(lr).shape)
