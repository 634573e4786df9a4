"""Upsample-based decoders (resize-convolution instead of ConvTranspose2d)."""

from torch import nn

CORPUS_INPUTS = {"decoder": (4, 256, 8, 8), "seg_head": (4, 512, 16, 16)}

# cnnlint: input=(B, 256, 8, 8)
decoder = nn.Sequential(
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(256, 128, kernel_size=3, padding=1),
    nn.BatchNorm2d(128),
    nn.ReLU(inplace=True),
    nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
    nn.Conv2d(128, 64, kernel_size=3, padding=1),
    nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.Upsample(scale_factor=2.0, mode="nearest"),
    nn.Conv2d(64, 3, kernel_size=3, padding=1),
    nn.Tanh(),
)

# cnnlint: input=(4, 512, 16, 16)
seg_head = nn.Sequential(
    nn.Conv2d(512, 21, kernel_size=1),
    nn.Upsample(size=(256, 256), mode="bilinear", align_corners=True),
    nn.Softmax(dim=1),
)
