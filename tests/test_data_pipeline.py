"""The batches a training script feeds its model, from torchvision's datasets and transforms through a
DataLoader (``cnnlint/interpret/data_pipeline.py``).

The truth is the same script run by torch: ``FakeData`` makes real images of the given size, and a tiny
MNIST is written in its file format, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import runpy
import struct
import sys
import types
from pathlib import Path

import pytest
from conftest import reported, run_cli

torch = pytest.importorskip("torch")
if importlib.util.find_spec("torchvision") is None or importlib.util.find_spec("tqdm") is None:
    pytest.skip("torchvision and tqdm are not installed", allow_module_level=True)
# torchvision's compiled extension is a CUDA build that fails to load beside the CPU torch; datasets and
# transforms use none of its ops (see test_torchvision.py).
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

SCRIPT = """
import torch
from torch import nn
from torchvision import datasets, transforms
from torchvision.transforms import v2
from tqdm import tqdm

net = nn.Sequential(nn.Identity())
dataset = datasets.FakeData(size=8, image_size={image_size}, num_classes=3, transform={transform})
loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True)
for step, (images, labels) in enumerate(tqdm(loader)):
    out = net(images)
"""

T = "transforms."
PIPELINES = [
    ((3, 32, 48), f"{T}ToTensor()"),
    ((1, 28, 28), f"{T}Compose([{T}ToTensor(), {T}Normalize((0.1307,), (0.3081,))])"),
    ((3, 32, 48), f"{T}Compose([{T}Resize((64, 40)), {T}ToTensor()])"),
    ((3, 32, 48), f"{T}Compose([{T}Resize(40), {T}ToTensor()])"),  # the shorter side to 40
    ((3, 48, 32), f"{T}Compose([{T}Resize([20]), {T}ToTensor()])"),
    (
        (3, 32, 48),
        f"{T}Compose([{T}RandomResizedCrop(24), {T}RandomHorizontalFlip(), {T}ColorJitter(0.2), "
        f"{T}ToTensor(), {T}Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])])",
    ),
    ((3, 32, 48), f"{T}Compose([{T}CenterCrop((20, 30)), {T}ToTensor()])"),
    ((3, 48, 32), f"{T}Compose([{T}Resize(30), {T}CenterCrop(24), {T}ToTensor()])"),  # ImageNet's evaluation
    ((3, 32, 48), f"{T}Compose([{T}RandomCrop(16), {T}ToTensor(), {T}RandomErasing()])"),
    ((3, 32, 48), f"{T}Compose([{T}Grayscale(), {T}ToTensor()])"),
    ((3, 32, 32), f"{T}Compose([{T}Grayscale(3), {T}Pad(2), {T}ToTensor()])"),
    ((3, 32, 32), f"{T}Compose([{T}Pad((1, 2)), {T}ToTensor()])"),
    ((3, 32, 32), f"{T}Compose([{T}Pad([1, 2, 3, 4]), {T}ToTensor()])"),
    ((3, 32, 32), f"{T}Compose([{T}PILToTensor(), {T}ConvertImageDtype(torch.float32)])"),
    ((3, 32, 32), "v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Resize((30, 26))])"),
]
# The batch is not known: cnnlint says nothing of the input rather than guess.
UNKNOWN_PIPELINES = [
    ((3, 32, 32), f"{T}Compose([{T}Lambda(lambda img: img), {T}ToTensor()])"),
    ((3, 32, 32), f"{T}PILToTensor()"),  # uint8 images: the model would refuse them
    ((3, 32, 32), f"{T}Compose([{T}ToTensor(), {T}Normalize((0.5,) * 2, (0.5,) * 2)])"),  # torch raises
    ((3, 32, 32), f"{T}Compose([{T}RandomRotation(30, expand=True), {T}ToTensor()])"),
    ((3, 32, 32), "None"),  # PIL images
]


def _model(path: Path) -> dict:
    (model,) = [m for m in run_cli("summary", "--output-format", "json", str(path)).json()["models"]]
    return model


@pytest.mark.parametrize(("image_size", "transform"), PIPELINES)
def test_the_batch_a_loader_gives_is_torchs(tmp_path: Path, image_size: tuple, transform: str) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(image_size=image_size, transform=transform))
    truth = list(runpy.run_path(str(path))["images"].shape)
    model = _model(path)
    assert (model["input_shape"], model["input_source"]) == (truth, "inferred")


@pytest.mark.parametrize(("image_size", "transform"), UNKNOWN_PIPELINES)
def test_a_batch_that_is_not_known_is_not_guessed(tmp_path: Path, image_size: tuple, transform: str) -> None:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(image_size=image_size, transform=transform))
    assert _model(path)["input_source"] != "inferred"


TRAIN = """
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets, transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear({features}, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return F.log_softmax(self.fc2(F.relu(self.fc1(torch.flatten(x, 1)))), dim=1)


def train(model, device, loader, optimizer):
    model.train()
    for batch_idx, (data, target) in enumerate(loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        break


def main():
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset = datasets.MNIST({root!r}, train=True, download=False, transform=transform)
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True)
    model = Net().to("cpu")
    train(model, "cpu", loader, torch.optim.Adadelta(model.parameters(), lr=1.0))


if __name__ == "__main__":
    main()
"""


def _fake_mnist(root: Path, count: int = 64) -> None:
    """MNIST's four files in its own format (idx), all zeros: torchvision reads them as it reads the real ones."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for split in ("train", "t10k"):
        (raw / f"{split}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, count, 28, 28) + bytes(count * 784))
        (raw / f"{split}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, count) + bytes(count))


def test_the_classic_mnist_flatten_bug_is_found_at_the_input_the_loader_gives(tmp_path: Path) -> None:
    """fc1 sized for 32x32 inputs (12544): the input search alone accepts 32x32 and says nothing; MNIST's
    28x28 batches give 9216, where torch raises ``mat1 and mat2 shapes cannot be multiplied (64x9216 ...)``."""
    _fake_mnist(tmp_path)
    path = tmp_path / "mnist.py"
    path.write_text(TRAIN.format(features=12544, root=str(tmp_path)))
    with pytest.raises(RuntimeError, match="64x9216"):
        runpy.run_path(str(path), run_name="__main__")
    row = TRAIN.splitlines().index("        self.fc1 = nn.Linear({features}, 128)") + 1
    assert reported(path) == {(row, "CNL001")}
    path.write_text(TRAIN.format(features=9216, root=str(tmp_path)))
    runpy.run_path(str(path), run_name="__main__")
    assert reported(path) == set()
    assert _model(path)["input_shape"] == [64, 1, 28, 28]


def test_a_tensor_dataset_keeps_its_samples_shapes(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(
        "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader, TensorDataset, random_split\n\n"
        "net = nn.Sequential(nn.Linear(20, 8), nn.ReLU(), nn.Linear(8, 2))\n"
        "data = TensorDataset(torch.randn(100, 20), torch.randint(0, 2, (100,)))\n"
        "train, test = random_split(data, [80, 20])\n"
        "x, y = next(iter(DataLoader(train, 16, True)))\n"
        "out = net(x)\n"
    )
    truth = list(runpy.run_path(str(path))["x"].shape)
    assert _model(path)["input_shape"] == truth == [16, 20]


OWN_DATASET = """
import os

import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split
from torchvision import transforms


class Photos(Dataset):
    def __init__(self, root, transform=None):
        self.root = root
        self.files = sorted(os.listdir(root))
        self.transform = transform

    def __len__(self):
        return len(self.files)

    def __getitem__(self, idx):
        {read}
        if self.transform is not None:
            image = self.transform(image)
        {give}


net = nn.Sequential(nn.Identity())
transform = transforms.Compose([transforms.Resize((40, 30)), transforms.RandomHorizontalFlip(), transforms.ToTensor()])
train, val = random_split(Photos({root!r}, transform=transform), [3, 1])
for batch in DataLoader(train, batch_size=2):
    images = batch[0] if isinstance(batch, list) else batch["image"]
    out = net(images)
    break  # the first batch: what the model is first fed
"""
READS = {
    "rgb": 'image = Image.open(os.path.join(self.root, self.files[idx])).convert("RGB")',
    "gray_with": "with Image.open(os.path.join(self.root, self.files[idx])) as image:\n"
    '            image = image.convert("L")',
    "as_stored": "image = Image.open(os.path.join(self.root, self.files[idx]))",  # mode unknown: not inferred
}
GIVES = {
    "pair": "return image, int(self.files[idx][0])",
    "dict": 'return {"image": image, "label": idx}',
}


def _photos(root: Path) -> None:
    from PIL import Image

    root.mkdir()
    for i, size in enumerate([(64, 48), (50, 70), (33, 33), (80, 20)]):
        Image.new("RGB", size, (i * 40, 0, 0)).save(root / f"{i}_photo.png")


@pytest.mark.parametrize("give", GIVES)
@pytest.mark.parametrize("read", READS)
def test_a_dataset_class_of_the_projects_own_gives_what_its_getitem_returns(
    tmp_path: Path, read: str, give: str
) -> None:
    _photos(tmp_path / "photos")
    path = tmp_path / "train.py"
    path.write_text(OWN_DATASET.format(read=READS[read], give=GIVES[give], root=str(tmp_path / "photos")))
    truth = list(runpy.run_path(str(path))["images"].shape)
    model = _model(path)
    if read == "as_stored":  # torch gives (2, 3, 40, 30) from these RGB files; the code does not say RGB
        assert model["input_source"] != "inferred"
    else:
        assert (model["input_shape"], model["input_source"]) == (truth, "inferred")


FOLDER = """
import torch
from torch import nn
from torchvision import datasets, transforms

net = nn.Sequential(nn.Identity())
folder = datasets.ImageFolder({root!r}, transform={transform})
images, labels = next(iter(torch.utils.data.DataLoader(folder, batch_size=2, shuffle=True)))
out = net(images)
"""


@pytest.mark.parametrize(
    "transform",
    [
        f"{T}Compose([{T}Resize(30), {T}CenterCrop(24), {T}ToTensor(), {T}Normalize([0.4] * 3, [0.2] * 3)])",
        f"{T}Compose([{T}RandomResizedCrop((20, 26)), {T}RandomHorizontalFlip(), {T}ToTensor()])",
        f"{T}ToTensor()",  # images of other sizes: torch cannot even stack them; nothing is inferred
    ],
)
def test_an_image_folder_gives_the_size_its_transforms_fix(tmp_path: Path, transform: str) -> None:
    from PIL import Image

    for i, size in enumerate([(64, 48), (50, 70), (33, 40)]):
        (tmp_path / "photos" / f"class{i % 2}").mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size).save(tmp_path / "photos" / f"class{i % 2}" / f"{i}.png")
    path = tmp_path / "train.py"
    path.write_text(FOLDER.format(root=str(tmp_path / "photos"), transform=transform))
    model = _model(path)
    if transform == f"{T}ToTensor()":
        with pytest.raises(RuntimeError):
            runpy.run_path(str(path))
        assert model["input_source"] != "inferred"
        return
    truth = list(runpy.run_path(str(path))["images"].shape)
    assert (model["input_shape"], model["input_source"]) == (truth, "inferred")


def test_a_batch_size_not_known_is_a_symbolic_batch(tmp_path: Path) -> None:
    """``batch_size=args.batch_size`` from a command line cnnlint does not read (an abbreviated option): the
    batch is ``B``, each image's shape still the dataset's (with no command line, the option's default is the
    batch: test_argparse_defaults)."""
    path = tmp_path / "train.py"
    path.write_text(
        "import argparse\n\nimport torch\nfrom torch import nn\nfrom torchvision import datasets, transforms\n\n"
        "parser = argparse.ArgumentParser()\nparser.add_argument('--batch-size', type=int, default=4)\n"
        "args = parser.parse_args(['--batch', '4'])\nkwargs = {'batch_size': args.batch_size}\n"
        "dataset = datasets.FakeData(size=8, image_size=(1, 28, 28), transform=transforms.ToTensor())\n"
        "net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\n"
        "for images, labels in torch.utils.data.DataLoader(dataset, **kwargs):\n    out = net(images)\n"
    )
    truth = list(runpy.run_path(str(path))["images"].shape)
    model = _model(path)
    assert (model["input_shape"], model["input_source"]) == (["B", *truth[1:]], "inferred")
    assert model["output_shape"] == ["B", 10]
