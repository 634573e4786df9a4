"""The batches a training script feeds its model: torchvision's datasets and transforms, and DataLoader.

``datasets.MNIST(root, transform=transforms.ToTensor())`` in a ``DataLoader(batch_size=64)`` gives
``(64, 1, 28, 28)`` float images and ``(64,)`` labels, whatever the files hold: the classic
``mat1 and mat2 shapes cannot be multiplied (64x9216 and 12544x128)`` is then found at the input
the model really gets, where the input search alone finds a size (32x32) that works. Datasets of a
fixed image size (MNIST, CIFAR, SVHN, STL10, ...) and ``FakeData`` start from it; ``ImageFolder``
and the like from RGB of unknown size, which the transforms may fix (``Resize((224, 224))``,
``RandomResizedCrop(224)``, ``CenterCrop``). ``TensorDataset``, ``random_split`` and ``Subset``
keep their samples' shapes. A dataset class of the project's own gives what its ``__getitem__``
returns: the file it opens with ``PIL.Image.open`` is of unknown size, but ``.convert("RGB")`` and
a transform that fixes the size make the sample known (OpenCV and albumentations: ``array_images.py``).
A loader's unknown ``batch_size`` is the symbolic batch ``B``. Anything else (a transform not listed,
a ``Lambda``, a ``collate_fn``, an image read another way) makes the batch unknown: never a guess.

torchvision's datasets and transforms are known by name (``imports.KNOWN_PACKAGES``), never read
from its source: their code opens files.
"""

from __future__ import annotations

from cnnlint.interpret.numpy_arrays import ShapedArray
from cnnlint.interpret.values import UNKNOWN, DictVal, FuncVal, ListVal, ModuleObj, QualName, TensorVal, is_plain
from cnnlint.records import dataclass
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PREFIXES = ("torchvision.datasets.", "torchvision.transforms.", "torch.utils.data.", "PIL.Image.")
_DATASET_BASES = frozenset({"torch.utils.data.Dataset", "torch.utils.data.dataset.Dataset"})

# Datasets whose images have one size: (channels after ToTensor, height, width).
FIXED = {
    "MNIST": (1, 28, 28),
    "FashionMNIST": (1, 28, 28),
    "KMNIST": (1, 28, 28),
    "QMNIST": (1, 28, 28),
    "EMNIST": (1, 28, 28),
    "USPS": (1, 16, 16),
    "Omniglot": (1, 105, 105),
    "CIFAR10": (3, 32, 32),
    "CIFAR100": (3, 32, 32),
    "SVHN": (3, 32, 32),
    "STL10": (3, 96, 96),
}
# Folders of images loaded as RGB (torchvision's default loader converts): the size is the files'.
RGB_FOLDERS = frozenset({"ImageFolder", "ImageNet", "Places365", "Flowers102", "Food101"})
# Transforms that keep the image's size and channels.
SAME_SIZE = frozenset(
    {
        *("RandomHorizontalFlip", "RandomVerticalFlip", "ColorJitter", "RandomAffine", "GaussianBlur"),
        *("RandomPerspective", "RandomAutocontrast", "RandomEqualize", "RandomInvert", "RandomPosterize"),
        *("RandomSolarize", "RandomAdjustSharpness", "AutoAugment", "RandAugment", "TrivialAugmentWide"),
        *("AugMix", "RandomErasing", "RandomGrayscale", "ElasticTransform", "Identity"),
    }
)


BATCH = "B"  # the symbolic batch of a loader whose batch_size is not known (argparse's, a config's)
LABEL = object()  # a dataset's class index: an int per item, a 1-D integer tensor per batch


@dataclass(frozen=True)
class Image:
    """A dataset item's image as far as known: a PIL image ("pil") or a tensor ("uint8", "float")."""

    channels: int | None
    height: int | None
    width: int | None
    kind: str = "pil"


@dataclass(eq=False)
class Transform:
    name: str
    args: tuple
    kwargs: dict
    family: str = "torchvision"  # or "albumentations" (``array_images.py``)


@dataclass(eq=False)
class DatasetVal:
    sample: Any  # what ``dataset[i]`` gives: a tuple of TensorVals and labels, or UNKNOWN
    size: int | None = None  # ``len(dataset)``, when known (a TensorDataset of known tensors)


@dataclass(eq=False)
class LoaderVal:
    sample: Any  # the dataset's sample (a tuple), or UNKNOWN
    batch_size: int | str = 1
    # The last batch's size when it is smaller (the dataset's size is known and not a multiple of the
    # batch, ``drop_last`` False): the batch an RNN state sized for ``batch_size`` fails on.
    last: int | None = None
    size: int | None = None  # the dataset's

    def batch(self) -> Any:
        """What one pass of ``for batch in loader`` gives (made anew: the code may change it)."""
        return _collated(self.sample, self.batch_size)


@dataclass(eq=False)
class Enumerated:
    inner: Any  # ``enumerate(loader)``: (index, batch)


def call(interp: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    short = name.rsplit(".", 1)[1]
    if name == "PIL.Image.open":
        return Image(None, None, None)  # a file's image: its mode and size are the file's
    if name.startswith("PIL.Image."):
        return UNKNOWN
    if name.startswith("torchvision.transforms."):
        return Transform(short, tuple(args), dict(kwargs)) if short[:1].isupper() else UNKNOWN
    if name.startswith("torchvision.datasets."):
        return _dataset(short, args, kwargs)
    if short == "DataLoader":
        return _loader(interp, args, kwargs)
    if short == "TensorDataset":
        return _tensor_dataset(args)
    if short == "Subset" and args:
        return DatasetVal(_sample(interp, args[0]))
    if short == "random_split" and len(args) >= 2:
        lengths = interp.iterate(args[1], None)
        return ListVal([DatasetVal(_sample(interp, args[0])) for _ in lengths]) if lengths is not None else UNKNOWN
    return UNKNOWN


class TensorStream:
    """``module.parameters()``: tensors, how many and of which shapes not followed; ``next`` of it is a
    tensor (``weight = next(self.parameters()).data; weight.new(layers, batch, hidden).zero_()``)."""

    def __repr__(self) -> str:
        return "TensorStream()"


@dataclass(eq=False)
class BatchStream:
    """A generator that yields what a loop over a loader binds (VAAL's ``while True: for img, _ in loader:
    yield img``, ``generators.py``): endless or of unknown length, every item alike."""

    each: Any


@dataclass(eq=False)
class Zipped:
    """``zip(source_loader, target_loader, latent_iter)``: each pass binds one item of each (``each``, worked out
    when the zip was made), for as long as the shortest lasts."""

    each: tuple


def element(value: Any) -> Any:
    """What one pass of a ``for`` loop over ``value`` binds, when its length is unknown."""
    if isinstance(value, (BatchStream, Zipped)):
        return _fresh(value.each)
    if isinstance(value, TensorStream):
        return TensorVal(Shape.unknown())
    if isinstance(value, LoaderVal):
        return value.batch()
    if isinstance(value, DatasetVal):
        return value.sample
    if isinstance(value, Enumerated):
        inner = element(value.inner)
        return (UNKNOWN, inner) if inner is not UNKNOWN else UNKNOWN
    if isinstance(value, TensorVal) and not getattr(value, "numpy", False):
        from cnnlint.interpret.tensor_api import tensor_row

        row = tensor_row(value)  # (a batch of unknown size: every pass binds a row of the same shape)
        return row if row is not None else UNKNOWN
    return UNKNOWN


def last_pass(value: Any) -> tuple[Any, str] | None:
    """What the last pass of a loop over a loader binds when its last batch is smaller, and how to say so;
    else None."""
    if isinstance(value, LoaderVal) and value.last is not None:
        why = f"the loader's last batch: {value.size} samples in batches of {value.batch_size}"
        return _collated(value.sample, value.last), why
    if isinstance(value, Enumerated):
        inner = last_pass(value.inner)
        return ((UNKNOWN, inner[0]), inner[1]) if inner is not None and inner[0] is not UNKNOWN else None
    return None


def _dataset(short: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """A torchvision dataset's sample. Only the root (and a split or ``train``) may be positional: where
    the transform sits in the others' signatures differs, so more is unknown, as is a custom loader."""
    label: Any = UNKNOWN if kwargs.get("target_transform") is not None else LABEL
    transform = kwargs.get("transform")
    if short in FIXED and len(args) <= 2:
        channels, height, width = FIXED[short]
        image: Image | None = Image(channels, height, width)
    elif short in RGB_FOLDERS and kwargs.get("loader") is None and len(args) <= (3 if short == "ImageFolder" else 2):
        image = Image(3, None, None)
        if short == "ImageFolder" and len(args) > 1:
            transform = args[1]  # ImageFolder(root, transform, target_transform)
            label = UNKNOWN if len(args) > 2 and args[2] is not None else label
    elif short == "FakeData" and len(args) <= 2:
        size = args[1] if len(args) > 1 else kwargs.get("image_size", (3, 224, 224))
        ok = isinstance(size, tuple) and len(size) == 3 and all(count(d) for d in size) and size[0] in (1, 3)
        image = Image(*size) if ok else None
    else:
        return DatasetVal(UNKNOWN)
    tensor = _apply(transform, image) if transform is not None else None
    if tensor is None or tensor.kind != "float" or not all(count(d) for d in (tensor.height, tensor.width)):
        return DatasetVal(UNKNOWN)
    return DatasetVal((TensorVal(Shape(tensor.channels, tensor.height, tensor.width)), label))


def _apply(transform: Any, image: Image | None) -> Image | None:
    """The image after ``transform``, or None when that is not known (or torch would refuse it)."""
    if image is None or not isinstance(transform, Transform) or transform.family != "torchvision":
        return None
    name, args, kwargs = transform.name, transform.args, transform.kwargs
    if name == "Compose":
        return composed(_apply, transform, image)
    if name == "RandomApply":  # applied or not: known only when the transforms keep the image as it is
        return image if composed(_apply, transform, image) == image else None
    if name in SAME_SIZE:
        return image if not kwargs.get("expand") else None
    if name == "ToTensor":
        return Image(image.channels, image.height, image.width, "float") if image.kind == "pil" else None
    if name in ("PILToTensor", "ToImage"):
        return Image(image.channels, image.height, image.width, "uint8") if image.kind == "pil" else image
    if name in ("ConvertImageDtype", "ToDtype"):
        dtype = args[0] if args else kwargs.get("dtype")
        floats = isinstance(dtype, QualName) and dtype.name in ("torch.float32", "torch.float")
        return Image(image.channels, image.height, image.width, "float") if floats and image.kind != "pil" else None
    if name == "Normalize":
        mean = args[0] if args else kwargs.get("mean")
        size = len(mean) if isinstance(mean, tuple) else len(mean.items) if isinstance(mean, ListVal) else None
        if isinstance(mean, TensorVal) and mean.shape.rank == 1:  # ``mean=torch.tensor([0.485, 0.456, 0.406])``
            size = mean.shape.dims[0]
        return image if image.kind == "float" and size in (1, image.channels) else None
    if name == "Grayscale":
        channels = args[0] if args else kwargs.get("num_output_channels", 1)
        return Image(channels, image.height, image.width, image.kind) if channels in (1, 3) else None
    if name in ("Resize", "CenterCrop", "RandomCrop", "RandomResizedCrop"):
        return _resized(name, args, kwargs, image)
    if name == "Pad":
        return _padded(args[0] if args else kwargs.get("padding"), image)
    return None


def composed(apply: Any, compose: Transform, image: Image) -> Image | None:
    """``Compose([...])``: each transform in turn (``apply`` is the family's), None if any is not known."""
    steps = compose.args[0] if compose.args else compose.kwargs.get("transforms")
    if isinstance(steps, ListVal) and not steps.uncertain:
        steps = tuple(steps.items)
    elif isinstance(steps, ModuleObj) and steps.kind == "ModuleList" and not steps.uncertain:
        steps = tuple(steps.items)  # ``RandomApply(nn.ModuleList([ColorJitter(...)]), p=0.3)``
    for step in steps if isinstance(steps, tuple) else (None,):
        image = apply(step, image)
        if image is None:
            return None
    return image


def _resized(name: str, args: tuple, kwargs: dict, image: Image) -> Image | None:
    size = args[0] if args else kwargs.get("size")
    if isinstance(size, ListVal):
        size = tuple(size.items)
    if isinstance(size, tuple) and len(size) == 1:
        size = size[0]
    if name == "RandomCrop" and (args[1:] or kwargs.get("padding") or kwargs.get("pad_if_needed")):
        return None  # padded first: what is cropped depends on it (not modelled)
    if isinstance(size, tuple) and len(size) == 2 and all(count(d) for d in size):
        return Image(image.channels, size[0], size[1], image.kind)
    if not count(size):
        return None
    if name != "Resize":
        return Image(image.channels, size, size, image.kind)
    if kwargs.get("max_size") is not None or len(args) > 2:
        return None
    # Resize(int): the shorter side becomes ``size``, the longer keeps the aspect ratio (torchvision's rule)
    height, width = image.height, image.width
    if not (count(height) and count(width)):
        return Image(image.channels, None, None, image.kind)  # some size (a later crop may fix it)
    short, long = min(height, width), max(height, width)
    other = int(size * long / short)
    return Image(image.channels, *((size, other) if height <= width else (other, size)), image.kind)


def _padded(padding: Any, image: Image) -> Image | None:
    if isinstance(padding, ListVal):
        padding = tuple(padding.items)
    sides = padding if isinstance(padding, tuple) else (padding,)
    if not all(type(p) is int and p >= 0 for p in sides) or not (count(image.height) and count(image.width)):
        return None
    if len(sides) == 1:
        left = top = right = bottom = sides[0]
    elif len(sides) == 2:
        (left, top), (right, bottom) = sides, sides
    elif len(sides) == 4:
        left, top, right, bottom = sides
    else:
        return None
    return Image(image.channels, image.height + top + bottom, image.width + left + right, image.kind)


def _loader(interp: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    dataset = args[0] if args else kwargs.get("dataset")
    batch = args[1] if len(args) > 1 else kwargs.get("batch_size", 1)
    # (dataset, batch_size, shuffle, sampler) may be positional; a batch_sampler or collate_fn decides the batch
    custom = any(kwargs.get(k) is not None for k in ("collate_fn", "batch_sampler")) or len(args) > 4
    if batch is UNKNOWN:
        batch = BATCH  # ``batch_size=args.batch_size``: the batch is symbolic, each sample's shape still known
    if not (count(batch) or batch == BATCH) or custom:
        return LoaderVal(UNKNOWN)
    size = dataset.size if isinstance(dataset, DatasetVal) and kwargs.get("sampler") is None else None
    drop_last = kwargs.get("drop_last", False)
    if size is None or not count(batch) or not isinstance(drop_last, bool):
        return LoaderVal(_sample(interp, dataset), batch)
    if size < batch:  # one batch of the whole dataset, or none at all
        return LoaderVal(UNKNOWN) if drop_last else LoaderVal(_sample(interp, dataset), size)
    left = size % batch
    return LoaderVal(_sample(interp, dataset), batch, left if left and not drop_last else None, size)


def _sample(interp: Any, dataset: Any) -> Any:
    return dataset.sample if isinstance(dataset, DatasetVal) else _own_sample(interp, dataset)


def _own_sample(interp: Any, dataset: Any) -> Any:
    """A dataset class of the project's own (``class Faces(Dataset)``): what its ``__getitem__(0)`` returns.
    Files it opens are unknown; a transform that fixes the size (``Resize((224, 224))``) still gives it."""
    cls = getattr(dataset, "cls", None)
    if getattr(dataset, "kind", None) != "object" or cls is None:
        return UNKNOWN
    if not any(isinstance(c, QualName) and c.name in _DATASET_BASES for c in cls.mro()):
        return UNKNOWN
    getitem, _ = cls.lookup("__getitem__")
    if not isinstance(getitem, FuncVal):
        return UNKNOWN
    sample = interp.call(getitem, [dataset, 0], {}, None, None)
    return tuple(sample.items) if isinstance(sample, ListVal) and not sample.uncertain else sample


def transformed(transform: Transform, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``self.transform(image)``: a known image (a PIL image read by ``Image.open``, or a float tensor of
    known shape) through a known transform; anything else is unknown."""
    if transform.family == "albumentations":
        from cnnlint.interpret import array_images

        return array_images.called(transform, args, kwargs)
    if len(args) != 1 or kwargs:
        return UNKNOWN
    value = args[0]
    leading: tuple = ()
    if isinstance(value, TensorVal):  # torchvision's tensor transforms take (..., C, H, W): a batch too
        known_rank = isinstance(value.shape.rank, int) and value.shape.rank >= 3
        dims = value.shape.dims if known_rank and not value.integer else None
        leading = dims[:-3] if dims is not None else ()
        value = Image(*dims[-3:], "float") if dims is not None else None
    image = _apply(transform, value) if isinstance(value, Image) else None
    if image is None:
        return UNKNOWN
    if image.kind == "float" and all(count(d) for d in (image.channels, image.height, image.width)):
        return TensorVal(Shape(*leading, image.channels, image.height, image.width))
    return image if image.kind == "pil" and not leading else UNKNOWN


def image_method(image: Image, name: str, args: list[Any]) -> Any:
    """PIL's ``img.convert("RGB")`` (three channels), ``"L"`` (one); ``img.resize((w, h))``; ``img.copy()``."""
    if name == "convert" and args and args[0] in _MODES:
        return Image(_MODES[args[0]], image.height, image.width)
    if name == "resize" and args and isinstance(args[0], tuple) and len(args[0]) == 2 and all(map(count, args[0])):
        return Image(image.channels, args[0][1], args[0][0])
    if name == "copy":
        return image
    return UNKNOWN


_MODES = {"RGB": 3, "L": 1}
IMAGE_METHODS = frozenset({"convert", "resize", "copy"})


def loop_over(value: Any) -> Any:
    """``enumerate(loader)``, ``iter(loader)``, ``tqdm(loader)``: what a loop over it binds is known too."""
    return value if isinstance(value, (LoaderVal, DatasetVal, Enumerated, TensorStream, BatchStream, Zipped)) else None


def _fresh(value: Any, depth: int = 0) -> Any:
    """A batch made anew (as ``LoaderVal.batch`` does): the code may change the one it was given."""
    if isinstance(value, TensorVal):
        return TensorVal(value.shape, value.integer, mask=value.mask)
    if depth < 4 and isinstance(value, tuple):
        return tuple(_fresh(v, depth + 1) for v in value)
    if depth < 4 and type(value) is ListVal and not value.uncertain:
        return ListVal([_fresh(v, depth + 1) for v in value.items])
    return value


def mark_batch(session: Any, value: Any) -> None:
    """Remember the tensors a loop over a loader bound: a generator that yields only them yields batches."""
    for t in batch_parts(value) or ():
        session.batch_tensors[id(t)] = t


def batch_parts(value: Any, depth: int = 0) -> list[TensorVal] | None:
    """The tensors of a batch (a tensor, a tuple or list of them, numbers beside), or None for anything else."""
    if isinstance(value, TensorVal):
        return [value]
    if is_plain(value) and not isinstance(value, tuple):
        return []
    if depth < 4 and isinstance(value, tuple) or (type(value) is ListVal and not value.uncertain):
        found: list[TensorVal] = []
        for v in value if isinstance(value, tuple) else value.items:
            parts = batch_parts(v, depth + 1)
            if parts is None:
                return None
            found.extend(parts)
        return found
    return None


def _collated(item: Any, batch: int | str, depth: int = 0) -> Any:
    """torch's ``default_collate`` of ``batch`` items like ``item``: tensors stacked, numbers a 1-D tensor,
    tuples and lists item by item (as a list), dicts key by key."""
    if isinstance(item, TensorVal) and item.shape.rank is not None:
        return TensorVal(Shape(batch, *item.shape.dims), integer=item.integer)
    if isinstance(item, ShapedArray):  # a NumPy array (or NumPy scalar): default_collate makes it a tensor
        return TensorVal(Shape(batch, *item.dims), integer=item.integer)
    if item is LABEL or (type(item) is int):
        return TensorVal(Shape(batch), integer=True)
    if type(item) is float:
        return TensorVal(Shape(batch))
    if depth < 4 and isinstance(item, tuple):
        return ListVal([_collated(i, batch, depth + 1) for i in item])
    if depth < 4 and isinstance(item, DictVal) and not item.uncertain:
        return DictVal({k: _collated(v, batch, depth + 1) for k, v in item.items.items()})
    return UNKNOWN


def _tensor_dataset(args: list[Any]) -> Any:
    if not args or not all(isinstance(t, TensorVal) and t.shape.rank for t in args):
        return DatasetVal(UNKNOWN)
    sizes = {t.shape.dims[0] for t in args}
    if len(sizes) > 1 and all(count(n) for n in sizes):
        return DatasetVal(UNKNOWN)  # torch raises: "Size mismatch between tensors"
    size = sizes.pop() if len(sizes) == 1 else None
    sample = tuple(TensorVal(Shape(*t.shape.dims[1:]), integer=t.integer) for t in args)
    return DatasetVal(sample, size if count(size) else None)


def count(value: Any) -> bool:
    """A known positive size."""
    return type(value) is int and value > 0
