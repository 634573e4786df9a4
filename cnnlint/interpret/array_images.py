"""Images read with OpenCV and transformed with albumentations: the Kaggle-style dataset.

``image = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)`` is an (H, W, 3) uint8 array of the file's
size; ``A.Compose([A.Resize(224, 224), A.Normalize(), ToTensorV2()])(image=image)["image"]`` is then a
(3, 224, 224) float tensor whatever the file holds. The array is a ``data_pipeline.Image`` of kind
"array-uint8" or "array-float" (channels last, as NumPy holds it). A transform not listed, a size-changing
one applied with ``p`` below 1, or a call with other targets (``mask=``) leaves the result unknown.
albumentations and OpenCV are known by name, never read.
"""

from __future__ import annotations

from cnnlint.interpret.data_pipeline import Image, Transform, composed, count
from cnnlint.interpret.values import UNKNOWN, DictVal, ListVal, QualName, TensorVal
from cnnlint.shapes.dims import Shape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PREFIXES = ("cv2.", "albumentations.")

# cv2.cvtColor codes by the channels they give (from any 3- or 1-channel image they accept).
_COLOR_CHANNELS = {
    "cv2.COLOR_BGR2RGB": 3,
    "cv2.COLOR_RGB2BGR": 3,
    "cv2.COLOR_GRAY2RGB": 3,
    "cv2.COLOR_GRAY2BGR": 3,
    "cv2.COLOR_BGR2GRAY": 1,
    "cv2.COLOR_RGB2GRAY": 1,
}
# albumentations transforms that keep an image's size and channels.
_SAME_SIZE = frozenset(
    {
        *("HorizontalFlip", "VerticalFlip", "RandomBrightnessContrast", "ShiftScaleRotate", "Affine"),
        *("HueSaturationValue", "GaussNoise", "GaussianBlur", "Blur", "MotionBlur", "MedianBlur", "CLAHE"),
        *("ColorJitter", "CoarseDropout", "RandomGamma", "Sharpen", "RGBShift", "ChannelShuffle", "Rotate"),
        *("RandomShadow", "RandomFog", "Downscale", "ImageCompression", "ISONoise", "Emboss", "Posterize"),
    }
)


def call(interp: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name.startswith("albumentations."):
        short = name.rsplit(".", 1)[1]
        return Transform(short, tuple(args), dict(kwargs), "albumentations") if short[:1].isupper() else UNKNOWN
    if name == "cv2.imread":
        flags = args[1] if len(args) > 1 else kwargs.get("flags", QualName("cv2.IMREAD_COLOR"))
        if isinstance(flags, QualName) and flags.name == "cv2.IMREAD_COLOR":
            return Image(3, None, None, "array-uint8")
        if flags == 0 or (isinstance(flags, QualName) and flags.name == "cv2.IMREAD_GRAYSCALE"):
            return Image(1, None, None, "array-uint8")
        return UNKNOWN
    image = args[0] if args else None
    if not isinstance(image, Image) or not image.kind.startswith("array"):
        return UNKNOWN
    if name == "cv2.cvtColor" and len(args) == 2 and isinstance(args[1], QualName):
        channels = _COLOR_CHANNELS.get(args[1].name)
        return Image(channels, image.height, image.width, image.kind) if channels else UNKNOWN
    if name == "cv2.resize" and len(args) >= 2 and isinstance(args[1], tuple) and len(args[1]) == 2:
        width, height = args[1]
        if count(width) and count(height):
            return Image(image.channels, height, width, image.kind)
    return UNKNOWN


def called(transform: Transform, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``transform(image=img)``: ``{"image": ...}``, a tensor when the pipeline ends in a float one."""
    if args or set(kwargs) != {"image"}:
        return UNKNOWN
    image = kwargs["image"]
    out = apply(transform, image) if isinstance(image, Image) and image.kind.startswith("array") else None
    if out is None:
        return DictVal({"image": UNKNOWN})
    if out.kind == "float" and all(count(d) for d in (out.channels, out.height, out.width)):
        return DictVal({"image": TensorVal(Shape(out.channels, out.height, out.width))})
    return DictVal({"image": out if out.kind.startswith("array") else UNKNOWN})


def apply(transform: Any, image: Image | None) -> Image | None:
    if image is None or not isinstance(transform, Transform) or transform.family != "albumentations":
        return None
    name, args, kwargs = transform.name, transform.args, transform.kwargs
    if name == "Compose":
        return composed(apply, transform, image)
    if name in _SAME_SIZE:
        return image
    certain = kwargs.get("p", 1) == 1 and kwargs.get("always_apply") is not False
    if name in ("Resize", "RandomCrop", "CenterCrop") and certain and not kwargs.get("pad_if_needed"):
        height = args[0] if args else kwargs.get("height")
        width = args[1] if len(args) > 1 else kwargs.get("width")
        return Image(image.channels, height, width, image.kind) if count(height) and count(width) else None
    if name == "RandomResizedCrop" and certain:
        size = args[0] if args else kwargs.get("size")
        ok = isinstance(size, tuple) and len(size) == 2 and all(count(d) for d in size)
        return Image(image.channels, size[0], size[1], image.kind) if ok else None
    if name == "Normalize":
        mean = args[0] if args else kwargs.get("mean", (0.485, 0.456, 0.406))
        size = len(mean) if isinstance(mean, tuple) else len(mean.items) if isinstance(mean, ListVal) else None
        fits = size == image.channels or (size == 1 and image.channels is not None)
        return Image(image.channels, image.height, image.width, "array-float") if fits else None
    if name == "ToFloat":
        return Image(image.channels, image.height, image.width, "array-float")
    if name == "ToTensorV2":
        kind = "float" if image.kind == "array-float" else "uint8"
        return Image(image.channels, image.height, image.width, kind)
    return None
