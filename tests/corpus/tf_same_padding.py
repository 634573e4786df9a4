"""TensorFlow 'SAME' padding ported to PyTorch (EfficientNet/MobileNetV3 ports): asymmetric ZeroPad2d, odd layers."""

import torch.nn as nn

CORPUS_INPUTS = {"stem": (2, 3, 224, 224)}

# cnnlint: input=(2, 3, 224, 224)
stem = nn.Sequential(
    nn.ZeroPad2d((0, 1, 0, 1)),                     # 225x225: the 3x3/2 conv then reads every row
    nn.Conv2d(3, 32, 3, stride=2, bias=False),      # 112x112
    nn.BatchNorm2d(32, eps=1e-3, momentum=0.01),
    nn.SiLU(),
    nn.ConstantPad2d(1, 0.0),
    nn.Conv2d(32, 32, 3, groups=32, bias=False),    # depthwise
    nn.ReplicationPad2d((1, 1, 1, 1)),
    nn.Conv2d(32, 16, 3),
    nn.PixelUnshuffle(2),                           # 64 x 56 x 56
    nn.Conv2d(64, 8, 1),
    nn.Hardswish(),
    nn.Hardsigmoid(),
    nn.SELU(),
    nn.AdaptiveAvgPool2d(output_size=7),
    nn.Upsample(size=14),
    nn.Dropout2d(0.1),
    nn.Flatten(),
    nn.Linear(8 * 14 * 14, 10, bias=False),
)
