"""VGG-11 with batch norm for 32x32 CIFAR-10, written with names imported from torch.nn."""

from torch.nn import BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential

CORPUS_INPUTS = {"vgg11": (128, 3, 32, 32)}

# cnnlint: input=(B, 3, 32, 32)
vgg11 = Sequential(
    Conv2d(3, 64, kernel_size=3, padding=1), BatchNorm2d(64), ReLU(inplace=True),
    MaxPool2d(kernel_size=2, stride=2),
    Conv2d(64, 128, kernel_size=3, padding=1), BatchNorm2d(128), ReLU(inplace=True),
    MaxPool2d(kernel_size=2, stride=2),
    Conv2d(128, 256, kernel_size=3, padding=1), BatchNorm2d(256), ReLU(inplace=True),
    Conv2d(256, 256, kernel_size=3, padding=1), BatchNorm2d(256), ReLU(inplace=True),
    MaxPool2d(kernel_size=2, stride=2),
    Conv2d(256, 512, kernel_size=3, padding=1), BatchNorm2d(512), ReLU(inplace=True),
    Conv2d(512, 512, kernel_size=3, padding=1), BatchNorm2d(512), ReLU(inplace=True),
    MaxPool2d(kernel_size=2, stride=2),
    Conv2d(512, 512, kernel_size=3, padding=1), BatchNorm2d(512), ReLU(inplace=True),
    Conv2d(512, 512, kernel_size=3, padding=1), BatchNorm2d(512), ReLU(inplace=True),
    MaxPool2d(kernel_size=2, stride=2),
    Flatten(),
    Dropout(0.5),
    Linear(512, 10),
)
