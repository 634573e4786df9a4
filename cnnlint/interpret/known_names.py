"""Names the interpreter knows without reading their source: modules resolved by name (torch, the
standard library, tqdm, PIL, OpenCV, ...), packages of read libraries known by name anyway, and other
names of ``torch.nn.Module``. Data, kept apart from how imports are resolved (``imports.py``)."""

from __future__ import annotations

# Roots resolved by name, never read from disk.
KNOWN_ROOTS = frozenset(
    {
        "torch",
        "dataclasses",
        "types",
        "math",
        "functools",
        "collections",
        "typing",
        "copy",
        "warnings",
        "itertools",
        "operator",
        "numpy",
        "torchinfo",
        "torchsummary",
        "einops",
        "re",
        "os",
        "enum",
        "numbers",
        "sys",
        "inspect",
        "tqdm",
        "PIL",
        "pytorch_lightning",
        "lightning",
        "cv2",
        "albumentations",
        "string",
        "argparse",
        # configuration dicts read by attribute (``attr_dicts.py``)
        "easydict",
        "yacs",
        "ml_collections",
        "munch",
    }
)
# Other names of torch.nn.Module: a LightningModule is one (its ``__call__`` is nn.Module's, which runs
# ``forward``); what it adds (``self.log``, ``self.save_hyperparameters()``, ``self.hparams``) is unknown.
ALIASES = dict.fromkeys(
    (
        *("pytorch_lightning.LightningModule", "pytorch_lightning.core.LightningModule"),
        *("pytorch_lightning.core.module.LightningModule", "lightning.LightningModule"),
        *("lightning.pytorch.LightningModule", "lightning.pytorch.core.LightningModule"),
        "lightning.pytorch.core.module.LightningModule",
    ),
    "torch.nn.Module",
)
# Packages known by name although their library is read: torchvision's datasets and transforms open files
# and images, so their code explains nothing; ``data_pipeline.py`` knows what they give.
KNOWN_PACKAGES = ("torchvision.datasets", "torchvision.transforms")

_KNOWN_DOTTED = tuple(p + "." for p in KNOWN_PACKAGES)


def known_by_name(dotted: str) -> bool:
    return dotted.startswith(KNOWN_PACKAGES) and (dotted in KNOWN_PACKAGES or dotted.startswith(_KNOWN_DOTTED))


# Constants of the standard library read by value (``len(string.printable)`` sizes a char-RNN's output).
STDLIB_CONSTANTS: dict[str, str] = {
    f"string.{name}": getattr(__import__("string"), name)
    for name in (
        "ascii_letters",
        "ascii_lowercase",
        "ascii_uppercase",
        "digits",
        "hexdigits",
        "octdigits",
        "printable",
        "punctuation",
        "whitespace",
    )
}
