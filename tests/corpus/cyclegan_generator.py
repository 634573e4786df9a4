"""CycleGAN's ResNet generator without the residual blocks: ReflectionPad2d stems, InstanceNorm, 256x256."""

import torch.nn as nn

CORPUS_INPUTS = {"generator": (1, 3, 256, 256)}

ngf = 64

# cnnlint: input=(1, 3, 256, 256)
generator = nn.Sequential(
    nn.ReflectionPad2d(3),
    nn.Conv2d(3, ngf, kernel_size=7, padding=0, bias=True),
    nn.InstanceNorm2d(ngf),
    nn.ReLU(True),
    # downsampling
    nn.Conv2d(ngf, ngf * 2, kernel_size=3, stride=2, padding=1, bias=True),
    nn.InstanceNorm2d(ngf * 2),
    nn.ReLU(True),
    nn.Conv2d(ngf * 2, ngf * 4, kernel_size=3, stride=2, padding=1, bias=True),
    nn.InstanceNorm2d(ngf * 4),
    nn.ReLU(True),
    # (the residual blocks would go here; a plain 3x3 stands in for them)
    nn.ReflectionPad2d(1),
    nn.Conv2d(ngf * 4, ngf * 4, kernel_size=3, padding=0, bias=True),
    nn.InstanceNorm2d(ngf * 4),
    nn.ReLU(True),
    # upsampling
    nn.ConvTranspose2d(ngf * 4, ngf * 2, kernel_size=3, stride=2, padding=1, output_padding=1, bias=True),
    nn.InstanceNorm2d(ngf * 2),
    nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 2, ngf, kernel_size=3, stride=2, padding=1, output_padding=1, bias=True),
    nn.InstanceNorm2d(ngf),
    nn.ReLU(True),
    nn.ReflectionPad2d(3),
    nn.Conv2d(ngf, 3, kernel_size=7, padding=0),
    nn.Tanh(),
)
