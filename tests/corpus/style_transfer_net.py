"""pytorch/examples' fast-neural-style TransformerNet flattened into one Sequential (no residual blocks).

Correct, but each stride-2 conv runs on a reflection-padded even size + 2, so its last window
stops one padded row short (CNL003 judges each layer on its own input, as marked).
"""

import torch
import torch.nn as nn

CORPUS_INPUTS = {"transformer_net": (1, 3, 256, 256)}

transformer_net = nn.Sequential(
    nn.ReflectionPad2d(4),
    nn.Conv2d(3, 32, kernel_size=9, stride=1),
    nn.InstanceNorm2d(32, affine=True),
    nn.ReLU(),
    nn.ReflectionPad2d(1),
    nn.Conv2d(32, 64, kernel_size=3, stride=2),  # expect: CNL003
    nn.InstanceNorm2d(64, affine=True),
    nn.ReLU(),
    nn.ReflectionPad2d(1),
    nn.Conv2d(64, 128, kernel_size=3, stride=2),  # expect: CNL003
    nn.InstanceNorm2d(128, affine=True),
    nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.ReflectionPad2d(1),
    nn.Conv2d(128, 64, kernel_size=3, stride=1),
    nn.InstanceNorm2d(64, affine=True),
    nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.ReflectionPad2d(1),
    nn.Conv2d(64, 32, kernel_size=3, stride=1),
    nn.InstanceNorm2d(32, affine=True),
    nn.ReLU(),
    nn.ReflectionPad2d(4),
    nn.Conv2d(32, 3, kernel_size=9, stride=1),
)

content_image = torch.rand(1, 3, 256, 256)
print(transformer_net(content_image).shape)
